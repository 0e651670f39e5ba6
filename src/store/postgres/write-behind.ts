// The broker's synchronous writes that must also reach PostgreSQL: coordinator records on the
// internal topics (kept in memory for the coordinators, src/store/postgres/internal-mirror.ts) and
// the metadata documents (mirror-storage.ts). They are applied locally at once, as the coordinators
// expect, and committed here in the order they were made, each retried until it commits: every job
// is idempotent (conditioned on the offsets it expects, or an upsert), so a retry after a broken
// connection that had in fact committed changes nothing. A response that follows such a write
// leaves only after the commit (Connection waits on `durable`), so nothing is acknowledged before
// it is in the database; while PostgreSQL is away the jobs wait for it and the clients are told
// to retry (REQUEST_TIMED_OUT), and nothing is lost or reordered when it returns.

import { KafkaError } from '../../../protocol/errors.js'

export type Job = () => Promise<void>

// Thrown by a job the store refused for good: a coordinator write conditioned on a leader epoch
// this broker no longer holds (another broker took the internal-topic partition). It is not
// retried; the requests whose responses wait for it are answered NOT_COORDINATOR, as Kafka's
// coordinator answers a write that failed because it lost the partition.
export class FencedWrite extends Error {}

const FIRST_BACKOFF_MS = 50
const MAX_BACKOFF_MS = 1000

export class WriteBehind {
  // Jobs pushed / committed so far; `seq` is read by every request, so it stays a plain number.
  seq = 0
  private committed = 0
  private tail: Promise<void> = Promise.resolve()
  private closed = false
  private lastWarn = 0
  // The seq of the last job refused with FencedWrite (0: none).
  private lastFenced = 0

  constructor(private readonly warn: (err: unknown, msg: string) => void) {}

  push(job: Job): void {
    const n = ++this.seq
    this.tail = this.tail.then(() => this.untilCommitted(job, n)).then(() => {
      this.committed = n
    })
  }

  // Resolves once every job pushed so far has committed; null when they all have (or when none
  // was pushed since `since`, a `seq` read earlier), so a request that wrote nothing pays nothing.
  durable(since: number): Promise<void> | null {
    if (this.seq === since || (this.committed === this.seq && this.lastFenced <= since)) return null
    return this.tail.then(() => {
      if (this.lastFenced > since) throw new KafkaError('NOT_COORDINATOR', 'this broker lost the coordinator partition before the write committed')
    })
  }

  private async untilCommitted(job: Job, n: number): Promise<void> {
    let backoff = FIRST_BACKOFF_MS
    for (;;) {
      if (this.closed) return
      try {
        await job()
        return
      } catch (err) {
        if (err instanceof FencedWrite) {
          this.lastFenced = n
          return
        }
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
