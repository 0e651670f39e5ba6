// The log cleaner (Kafka's LogCleaner and LogCleanerManager): every log.cleaner.backoff.ms it
// looks for compacted logs whose dirty part is large enough (min.cleanable.dirty.ratio) or old
// enough (max.compaction.lag.ms), cleans the dirtiest first, up to log.cleaner.threads at once,
// and records where each clean ended in `cleaner-offset-checkpoint`. A pass over a log on disk
// runs in a worker thread (worker-pool.ts), one per thread slot, and only its segment swaps run on
// the event loop; in-memory logs (the memory store, whose files a worker cannot see) are cleaned
// on the event loop in slices (clean-log.ts). Either way the broker keeps serving while it works.

import type { Clock, Timer } from '../../clock.js'
import type { Logger } from '../../logger.js'
import { CleanAborted, cleanableSegments, cleanLog, type CleanableLog, type CleanStats } from './clean-log.js'
import { OffsetMap } from './offset-map.js'
import type { SwapStep } from './swap.js'
import { CleanWorker, canCleanInWorker, workerScript } from './worker-pool.js'
import type { WorkerFault } from './worker-protocol.js'

// The broker settings, read live.
export interface CleanerConfig {
  readonly enabled: boolean // log.cleaner.enable
  readonly threads: number // log.cleaner.threads
  readonly dedupeBufferBytes: number // log.cleaner.dedupe.buffer.size
  readonly loadFactor: number // log.cleaner.io.buffer.load.factor
  readonly backoffMs: number // log.cleaner.backoff.ms
}

export interface CleanerDeps {
  clock: Clock
  logger: Logger
  config: CleanerConfig
  logs(): Iterable<[string, CleanableLog]>
  firstDirtyOffset(key: string): number
  setFirstDirtyOffset(key: string, offset: number): void
  // Tests observe (and crash at) the points of a segment swap.
  step?: (s: SwapStep) => void
  // false: every pass on the event loop (default true: logs on disk are cleaned in a worker).
  worker?: boolean
  // Tests: the worker fails before its first swap.
  workerFault?: WorkerFault
}

export interface CleanResult extends CleanStats {
  key: string
  ms: number
}

// What the cleaner has done, for /metrics (Kafka's LogCleaner gauges describe the last pass that
// cleaned something: max-clean-time-secs, cleaner-recopy-percent; the totals are ours).
export class CleanerStats {
  logsCleaned = 0
  bytesRead = 0
  bytesWritten = 0
  lastPassEndMs = -1 // clock time of the last pass that cleaned something
  lastPassMaxCleanMs = 0
  lastPassRecopyPercent = 0

  record(results: readonly CleanResult[], nowMs: number): void {
    if (results.length === 0) return
    let read = 0
    let written = 0
    let maxMs = 0
    for (const r of results) {
      read += r.bytesRead
      written += r.bytesWritten
      maxMs = Math.max(maxMs, r.ms)
    }
    this.logsCleaned += results.length
    this.bytesRead += read
    this.bytesWritten += written
    this.lastPassEndMs = nowMs
    this.lastPassMaxCleanMs = maxMs
    this.lastPassRecopyPercent = read === 0 ? 0 : (100 * written) / read
  }
}

const setImmediateP = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

// How much of a log a pass would clean, and whether it should (LogCleanerManager.cleanableOffsets).
export function dirtiness(log: CleanableLog, firstDirtyOffset: number, nowMs: number): { ratio: number; due: boolean } {
  const { segments } = cleanableSegments(log, nowMs)
  const firstDirty = Math.max(firstDirtyOffset, log.logStartOffset)
  let total = 0
  let dirty = 0
  let oldestDirty = Infinity
  for (const { segment: s, end } of segments) {
    total += s.size
    if (end > firstDirty) {
      dirty += s.size
      if (s.maxTimestamp >= 0) oldestDirty = Math.min(oldestDirty, s.maxTimestamp)
    }
  }
  const ratio = total === 0 ? 0 : dirty / total
  const due = dirty > 0 && (ratio >= log.config.minCleanableDirtyRatio || nowMs - oldestDirty > log.config.maxCompactionLagMs)
  return { ratio, due }
}

export class LogCleaner {
  private timer: Timer | null = null
  private running: Promise<CleanResult[]> | null = null
  private stopped = false
  // Keys mapped by the last pass over each log: the next pass's table starts that large.
  private readonly keysMapped = new Map<string, number>()
  // When a pass over a log last failed: it is retried log.cleaner.backoff.ms later, not at once.
  private readonly failedAt = new Map<string, number>()
  // One per log.cleaner.threads slot, started by the first pass that uses it.
  private readonly workers: CleanWorker[] = []
  readonly stats = new CleanerStats()

  constructor(private readonly d: CleanerDeps) {}

  start(): void {
    this.stopped = false
    this.schedule()
  }

  // Kafka's cleaner threads look for work again at once after cleaning something, and wait
  // log.cleaner.backoff.ms only when nothing needed cleaning.
  private schedule(delayMs = Math.max(1, this.d.config.backoffMs)): void {
    if (this.stopped) return
    this.timer = this.d.clock.schedule(delayMs, () => {
      void this.runOnce().then(
        (cleaned) => this.schedule(cleaned.length > 0 ? 0 : undefined),
        () => this.schedule(),
      )
    })
  }

  // Cleans every log that is due, dirtiest first, log.cleaner.threads at a time.
  runOnce(): Promise<CleanResult[]> {
    this.running ??= this.cleanDue().finally(() => (this.running = null))
    return this.running
  }

  private async cleanDue(): Promise<CleanResult[]> {
    const c = this.d.config
    if (!c.enabled || c.threads <= 0 || this.stopped) return []
    const now = this.d.clock.now()
    const due: { key: string; log: CleanableLog; ratio: number }[] = []
    const present = new Set<string>()
    for (const [key, log] of this.d.logs()) {
      present.add(key)
      if (!log.config.compact || log.closed) continue
      if (now < (this.failedAt.get(key) ?? -Infinity) + c.backoffMs) continue
      const d = dirtiness(log, this.d.firstDirtyOffset(key), now)
      if (d.due) due.push({ key, log, ratio: d.ratio })
    }
    for (const key of this.keysMapped.keys()) if (!present.has(key)) this.keysMapped.delete(key)
    for (const key of this.failedAt.keys()) if (!present.has(key)) this.failedAt.delete(key)
    due.sort((a, b) => b.ratio - a.ratio)
    const results: CleanResult[] = []
    const thread = async (slot: number) => {
      for (let next = due.shift(); next && !this.stopped; next = due.shift()) {
        const r = await this.clean(next.key, next.log, slot)
        if (r) results.push(r)
      }
    }
    await Promise.all(Array.from({ length: Math.min(c.threads, due.length) }, (_, slot) => thread(slot)))
    this.stats.record(results, this.d.clock.now())
    return results
  }

  // A pass in the slot's worker thread when the log is on disk, else on the event loop.
  private async pass(key: string, log: CleanableLog, slot: number): Promise<(CleanStats & { thread: string; swapMaxMs?: number }) | null> {
    const c = this.d.config
    const mapBytes = Math.floor(c.dedupeBufferBytes / Math.max(1, c.threads))
    const nowMs = this.d.clock.now()
    const firstDirtyOffset = this.d.firstDirtyOffset(key)
    const stopped = () => this.stopped
    const script = this.d.worker === false ? null : workerScript()
    if (script && canCleanInWorker(log)) {
      const w = (this.workers[slot] ??= new CleanWorker(script))
      const r = await w.run(log, {
        nowMs, firstDirtyOffset, mapBytes, loadFactor: c.loadFactor, expectedKeys: this.keysMapped.get(key), stopped, step: this.d.step, fault: this.d.workerFault,
      })
      this.keysMapped.set(key, r.keysMapped)
      if (r.aborted) throw new CleanAborted()
      return r.stats && { ...r.stats, thread: 'worker', swapMaxMs: Math.round(r.swapMaxMs * 10) / 10 }
    }
    const map = new OffsetMap(mapBytes, c.loadFactor, this.keysMapped.get(key))
    const stats = await cleanLog(log, { nowMs, firstDirtyOffset, map, pause: setImmediateP, stopped, step: this.d.step })
    this.keysMapped.set(key, map.size)
    return stats && { ...stats, thread: 'event loop' }
  }

  private async clean(key: string, log: CleanableLog, slot: number): Promise<CleanResult | null> {
    const started = Date.now()
    try {
      const pass = await this.pass(key, log, slot)
      this.failedAt.delete(key)
      if (!pass) return null
      const { thread, swapMaxMs, ...stats } = pass
      this.d.setFirstDirtyOffset(key, stats.endOffset)
      const ms = Date.now() - started
      this.d.logger.info({ log: key, segments: stats.segmentsCleaned, readBytes: stats.bytesRead, writtenBytes: stats.bytesWritten, ms, mbPerSec: Math.round((stats.bytesRead / 1048576 / Math.max(ms, 1)) * 1000 * 10) / 10, thread, swapMaxMs }, 'cleaned log')
      return { key, ms, ...stats }
    } catch (err) {
      if (err instanceof CleanAborted) return null
      // Kafka's cleaner thread logs the error and goes on with other logs; this one is tried again
      // after log.cleaner.backoff.ms.
      this.failedAt.set(key, this.d.clock.now())
      this.d.logger.error({ err, log: key }, 'log cleaning failed')
      return null
    }
  }

  // Stops scheduling; a pass under way abandons its work at its next slice (its files are
  // removed); the worker threads end once it has.
  stop(): void {
    this.stopped = true
    this.timer?.cancel()
    for (const w of this.workers) w?.cancel()
    void this.close()
  }

  // Worker threads up now (none before the first pass over a log on disk, none after close()).
  get threadsStarted(): number {
    return this.workers.filter((w) => w?.started).length
  }

  // stop(), then resolves once no pass runs and the worker threads are gone.
  async close(): Promise<void> {
    this.stopped = true
    this.timer?.cancel()
    for (const w of this.workers) w?.cancel()
    await this.running?.catch(() => {})
    await Promise.all(this.workers.map((w) => w?.terminate()))
  }

  // Resolves once no pass is running.
  async idle(): Promise<void> {
    await this.running
  }
}
