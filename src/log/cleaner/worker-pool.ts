// The broker's side of the cleaner's worker threads (clean-worker.ts): one worker per
// log.cleaner.threads slot, started on the first pass that needs it (a broker that never cleans
// never starts one) and terminated when the cleaner stops. A pass hands the worker a snapshot of
// the log (paths, offsets, sizes); the worker builds the key map and writes the cleaned segments;
// this thread swaps each cleaned group in when the worker asks. Why a thread: with the work in
// slices on the event loop, produce p99 on a busy 2-core machine followed the load, since an event
// loop that always has work is a CPU-bound thread to the kernel's scheduler (bench/RESULTS.md,
// "Cleaner latency"); Kafka's cleaner is its own thread too.

import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Segment } from '../segment.js'
import type { AbortedTxn } from '../txn-index.js'
import { cleanableSegments, type CleanableLog, type CleanStats } from './clean-log.js'
import { removeCleaned, type SwapStep } from './swap.js'
import type { FromWorker, PassRequest, WorkerFault } from './worker-protocol.js'

// What a log must offer to be cleaned in a worker (PartitionLog on disk).
export interface WorkerCleanableLog extends CleanableLog {
  adoptCleanedSegment(baseOffset: number, nowMs: number): Segment
  lastDataOffsets(): [number, number][]
  replaceSegments(old: readonly Segment[], cleaned: Segment, cleanedAborts: readonly AbortedTxn[], step?: (s: SwapStep) => void): boolean
}

export function canCleanInWorker(log: CleanableLog): log is WorkerCleanableLog {
  return log.storage.persistent && 'adoptCleanedSegment' in log
}

// The worker script: beside this module when compiled (dist/src), at the bundle's top level
// (dist/bundle, this code being in a chunk or an entry), or, when this module runs from its
// TypeScript source (vitest), the compiled one in dist/. Null: passes stay on this thread.
let script: URL | null | undefined
export function workerScript(): URL | null {
  if (script !== undefined) return script
  const here = import.meta.url
  const candidates = [new URL('./clean-worker.js', here), new URL('./clean-worker.mjs', here), new URL('../clean-worker.mjs', here)]
  if (here.endsWith('/src/log/cleaner/worker-pool.ts')) candidates.push(new URL('../../../dist/src/log/cleaner/clean-worker.js', here))
  script = candidates.find((u) => fs.existsSync(fileURLToPath(u))) ?? null
  return script
}

export interface WorkerPass {
  nowMs: number
  firstDirtyOffset: number
  mapBytes: number
  loadFactor: number
  expectedKeys: number | undefined
  stopped(): boolean
  step?: (s: SwapStep) => void
  fault?: WorkerFault
}

export interface WorkerResult {
  stats: CleanStats | null
  keysMapped: number
  aborted: boolean
  swapMaxMs: number // the longest swap: what the event loop spent at once for this pass
}

export class CleanWorker {
  private worker: Worker | null = null
  private readonly stopFlag = new Int32Array(new SharedArrayBuffer(4))
  private onMessage: ((m: FromWorker) => void) | null = null
  private onFailure: ((err: Error) => void) | null = null

  constructor(private readonly script: URL) {}

  private start(): Worker {
    const w = new Worker(this.script, { workerData: { stop: this.stopFlag.buffer } })
    w.unref() // never what keeps a broker's process alive
    w.on('message', (m: FromWorker) => this.onMessage?.(m))
    w.on('error', (err) => {
      // An uncaught error ends the thread ('exit' follows): the next pass starts a new one.
      if (this.worker === w) this.worker = null
      this.onFailure?.(err)
    })
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = null
      this.onFailure?.(new Error(`the cleaner worker exited (code ${code})`))
    })
    return w
  }

  // A thread is up (between the first pass and terminate()).
  get started(): boolean {
    return this.worker !== null
  }

  // The pass under way abandons its work at its next chunk (its files are removed).
  cancel(): void {
    Atomics.store(this.stopFlag, 0, 1)
  }

  async terminate(): Promise<void> {
    const w = this.worker
    this.worker = null
    if (w) await w.terminate()
  }

  // One pass over `log`; rejects when the worker failed (its `.cleaned` files are then removed).
  run(log: WorkerCleanableLog, p: WorkerPass): Promise<WorkerResult> {
    const { segments } = cleanableSegments(log, p.nowMs)
    const firstDirty = Math.max(p.firstDirtyOffset, log.logStartOffset)
    if (!segments.some((s) => s.end > firstDirty)) return Promise.resolve({ stats: null, keysMapped: 0, aborted: false, swapMaxMs: 0 })
    const byBase = new Map(segments.map((s) => [s.segment.baseOffset, s.segment]))
    const request: PassRequest = {
      type: 'pass', root: log.storage.root, dir: log.dir, config: { ...log.config }, nowMs: p.nowMs, firstDirtyOffset: p.firstDirtyOffset,
      logStartOffset: log.logStartOffset, lastStableOffset: log.lastStableOffset,
      spans: segments.map((s) => ({ base: s.segment.baseOffset, end: s.end, size: s.segment.size })),
      aborted: log.abortedTxns(), lastDataOffsets: log.lastDataOffsets(),
      map: { bytes: p.mapBytes, loadFactor: p.loadFactor, expectedKeys: p.expectedKeys }, fault: p.fault,
    }
    Atomics.store(this.stopFlag, 0, p.stopped() ? 1 : 0)
    const w = (this.worker ??= this.start())
    return new Promise((resolve, reject) => {
      // A swap that threw midway leaves its files to the recovery at the next start, as on this thread.
      let swapFailed = false
      let swapMaxMs = 0
      const settle = () => {
        this.onMessage = null
        this.onFailure = null
      }
      this.onFailure = (err) => {
        settle()
        removeCleaned(log.storage, log.dir)
        reject(err)
      }
      this.onMessage = (m) => {
        if (m.type === 'swap') {
          const started = performance.now()
          try {
            w.postMessage({ type: 'swapped', ok: swapIn(log, m, byBase, p) })
            swapMaxMs = Math.max(swapMaxMs, performance.now() - started)
          } catch (err) {
            swapFailed = true
            w.postMessage({ type: 'swapped', ok: false, error: String(err) })
          }
          return
        }
        settle()
        if (m.type === 'done') return resolve({ stats: m.stats, keysMapped: m.keysMapped, aborted: m.aborted === true, swapMaxMs })
        if (!swapFailed) removeCleaned(log.storage, log.dir)
        reject(new Error(`cleaning in the worker failed: ${m.error}`))
      }
      w.postMessage(request)
    })
  }
}

// Swaps the worker's cleaned group in; false (the worker then removes its files) when the log
// changed since the pass began or the cleaner is stopping.
function swapIn(log: WorkerCleanableLog, m: FromWorker & { type: 'swap' }, byBase: Map<number, Segment>, p: WorkerPass): boolean {
  const old = m.bases.map((b) => byBase.get(b))
  if (p.stopped() || log.closed || old.some((s) => s === undefined)) return false
  const cleaned = log.adoptCleanedSegment(m.cleanedBase, p.nowMs)
  if (log.replaceSegments(old as Segment[], cleaned, m.aborts, p.step)) return true
  cleaned.close()
  return false
}
