// The log cleaner's worker thread (one per log.cleaner.threads, started by worker-pool.ts): it
// runs the CPU part of a cleaning pass (cleanLog: the key map of the dirty section, then every
// group of segments filtered into a `.cleaned` segment, flushed) away from the thread that serves
// requests, as Kafka's CleanerThreads do. It reads the sealed segments itself, from their files
// and up to the sizes the broker's thread gave it (never the log's live buffers), and asks that
// thread to swap each cleaned group in: the swap (swap.ts's crash-safe renames) and the log's
// in-memory state stay there. A pass interrupted anywhere leaves at most `.cleaned` files, which
// the broker's thread (worker failed) or the next start-up (recoverSwaps) removes.

import path from 'node:path'
import { parentPort, workerData } from 'node:worker_threads'
import { Segment, segmentName } from '../segment.js'
import { diskStorage, openForReading, type ByteFile, type Storage } from '../storage.js'
import type { AbortedTxn } from '../txn-index.js'
import type { LogConfig } from '../types.js'
import { CLEANED, discardCleaned } from './swap.js'
import { CleanAborted, PassScratch, cleanLog, type CleanableLog, type Span } from './clean-log.js'
import { OffsetMap } from './offset-map.js'
import type { FromWorker, PassRequest, ToWorker } from './worker-protocol.js'

const port = parentPort!
// Set by the broker's thread when the cleaner stops: the pass is abandoned at its next chunk.
const stopFlag = new Int32Array(workerData.stop as SharedArrayBuffer)

// Index files of a source segment are never read by a pass (it walks the .log file only).
const NO_FILE: ByteFile = {
  size: 0,
  append: () => { throw new Error('read-only') },
  read: () => Buffer.alloc(0),
  readInto: () => 0,
  truncate: () => { throw new Error('read-only') },
  flush: () => {},
  flushAsync: () => Promise.resolve(),
  close: () => {},
}

let swapReply: ((m: ToWorker & { type: 'swapped' }) => void) | null = null

// The log as a pass in this thread sees it: a snapshot of the cleanable segments and of what the
// rules need (aborted transactions, each producer's last data offset).
class WorkerLog implements CleanableLog {
  readonly dir: string
  readonly storage: Storage
  readonly config: LogConfig
  readonly logStartOffset: number
  readonly lastStableOffset: number
  readonly closed = false
  readonly spans: Span[]
  private readonly segments: Segment[]
  private readonly lastData: Map<number, number>

  constructor(private readonly r: PassRequest) {
    this.dir = r.dir
    this.storage = diskStorage(r.root)
    this.config = r.config
    this.logStartOffset = r.logStartOffset
    this.lastStableOffset = r.lastStableOffset
    this.lastData = new Map(r.lastDataOffsets)
    const file = (base: number) => path.join(r.dir, `${segmentName(base)}.log`)
    this.spans = r.spans.map((s) => ({ segment: new Segment(s.base, openForReading(file(s.base), s.size), NO_FILE, NO_FILE, r.nowMs), end: s.end }))
    this.segments = this.spans.map((s) => s.segment)
  }

  segmentList(): readonly Segment[] {
    return this.segments
  }

  abortedTxns(): AbortedTxn[] {
    return this.r.aborted
  }

  lastDataOffsetOf(producerId: number): number {
    return this.lastData.get(producerId) ?? -1
  }

  openCleanedSegment(baseOffset: number, nowMs: number): Segment {
    discardCleaned(this.storage, this.dir, baseOffset)
    const name = path.join(this.dir, segmentName(baseOffset))
    const s = this.storage
    return new Segment(baseOffset, s.open(`${name}.log${CLEANED}`), s.open(`${name}.index${CLEANED}`), s.open(`${name}.timeindex${CLEANED}`), nowMs)
  }

  // The swap is the broker's thread's: it owns the log's segment list. The cleaned files are
  // closed here first (flushed already), and reopened there.
  async replaceSegments(old: readonly Segment[], cleaned: Segment, cleanedAborts: readonly AbortedTxn[]): Promise<boolean> {
    cleaned.close()
    if (this.r.fault === 'throw') throw new Error('injected cleaner worker failure')
    if (this.r.fault === 'exit') process.exit(1)
    const reply = new Promise<ToWorker & { type: 'swapped' }>((resolve) => (swapReply = resolve))
    post({ type: 'swap', bases: old.map((s) => s.baseOffset), cleanedBase: cleaned.baseOffset, aborts: [...cleanedAborts] })
    const r = await reply
    if (r.error !== undefined) throw new Error(r.error) // the swap itself failed: its files are left for recovery
    return r.ok
  }

  discardCleaned(cleaned: Segment): void {
    cleaned.close()
    discardCleaned(this.storage, this.dir, cleaned.baseOffset)
  }

  close(): void {
    for (const s of this.segments) s.close()
  }
}

function post(m: FromWorker): void {
  port.postMessage(m)
}

// Kept from pass to pass (clean-log.ts's PassScratch says why).
const scratch = new PassScratch()
let spareTable: Buffer | undefined

async function runPass(r: PassRequest): Promise<void> {
  let log: WorkerLog | null = null
  const map = new OffsetMap(r.map.bytes, r.map.loadFactor, r.map.expectedKeys, spareTable)
  try {
    log = new WorkerLog(r)
    // No yielding needed in this thread: pause() only lets the swap replies in.
    const stats = await cleanLog(log, {
      nowMs: r.nowMs, firstDirtyOffset: r.firstDirtyOffset, map, pause: () => Promise.resolve(), stopped: () => Atomics.load(stopFlag, 0) !== 0, scratch,
    }, log.spans)
    post({ type: 'done', stats, keysMapped: map.size })
  } catch (err) {
    if (err instanceof CleanAborted) post({ type: 'done', stats: null, keysMapped: map.size, aborted: true })
    else post({ type: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) })
  } finally {
    spareTable = map.tableBuffer
    log?.close()
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'swapped') {
    const reply = swapReply
    swapReply = null
    reply?.(m)
  } else {
    void runPass(m)
  }
})
