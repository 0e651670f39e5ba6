// The messages between the broker's thread and a cleaner worker thread (clean-worker.ts). Plain
// data only (structured clone): paths, offsets and sizes, never the log's buffers or objects.

import type { AbortedTxn } from '../txn-index.js'
import type { LogConfig } from '../types.js'
import type { CleanStats } from './clean-log.js'

// A test hook: the worker fails once its first cleaned group is written, before the swap.
export type WorkerFault = 'throw' | 'exit'

export interface PassRequest {
  type: 'pass'
  root: string // the data directory
  dir: string // the log's directory
  config: LogConfig
  nowMs: number
  firstDirtyOffset: number
  logStartOffset: number
  lastStableOffset: number
  // The cleanable sealed segments, oldest first: base offset, where the next begins, file size.
  spans: { base: number; end: number; size: number }[]
  aborted: AbortedTxn[]
  lastDataOffsets: [number, number][] // producer id → offset of its last data batch
  map: { bytes: number; loadFactor: number; expectedKeys: number | undefined }
  fault?: WorkerFault
}

export type ToWorker = PassRequest | { type: 'swapped'; ok: boolean; error?: string }

export type FromWorker =
  | { type: 'swap'; bases: number[]; cleanedBase: number; aborts: AbortedTxn[] }
  | { type: 'done'; stats: CleanStats | null; keysMapped: number; aborted?: boolean }
  | { type: 'failed'; error: string }
