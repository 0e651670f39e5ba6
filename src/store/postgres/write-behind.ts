// The broker's synchronous writes that must also reach PostgreSQL: coordinator records on the
// internal topics (kept in memory for the coordinators, src/store/postgres/internal-mirror.ts) and
// the metadata documents (mirror-storage.ts). They are applied locally at once, as the coordinators
// expect, and committed here in the order they were made, each retried until it commits: every job
// is idempotent (conditioned on the offsets it expects, or an upsert), so a retry after a broken
// connection that had in fact committed changes nothing. A response that follows such a write
// leaves only after the commit (Connection waits on `durable`), so nothing is acknowledged before
// it is in the database; while PostgreSQL is away the jobs wait for it and the clients are told
// to retry (REQUEST_TIMED_OUT), and nothing is lost or reordered when it returns.

export type Job = () => Promise<void>

const FIRST_BACKOFF_MS = 50
const MAX_BACKOFF_MS = 1000

export class WriteBehind {
  // Jobs pushed / committed so far; `seq` is read by every request, so it stays a plain number.
  seq = 0
  private committed = 0
  private tail: Promise<void> = Promise.resolve()
  private closed = false
  private lastWarn = 0

  constructor(private readonly warn: (err: unknown, msg: string) => void) {}

  push(job: Job): void {
    const n = ++this.seq
    this.tail = this.tail.then(() => this.untilCommitted(job)).then(() => {
      this.committed = n
    })
  }

  // Resolves once every job pushed so far has committed; null when they all have (or when none
  // was pushed since `since`, a `seq` read earlier), so a request that wrote nothing pays nothing.
  durable(since: number): Promise<void> | null {
    return this.seq === since || this.committed === this.seq ? null : this.tail
  }

  private async untilCommitted(job: Job): Promise<void> {
    let backoff = FIRST_BACKOFF_MS
    for (;;) {
      if (this.closed) return
      try {
        await job()
        return
      } catch (err) {
        if (Date.now() - this.lastWarn > 5000) {
          this.lastWarn = Date.now()
          this.warn(err, 'a write to PostgreSQL failed; retrying until it commits')
        }
        await new Promise((resolve) => setTimeout(resolve, backoff))
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2)
      }
    }
  }

  // Waits for the jobs pushed so far (a clean stop), at most `timeoutMs`; later retries give up.
  async close(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    await Promise.race([this.tail, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))])
    clearTimeout(timer)
    this.closed = true
  }
}
