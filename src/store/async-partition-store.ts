// The storage seam as a store that may answer later (issue 11): PostgreSQL cannot answer an
// append or a read synchronously, the file log can. Every operation that may reach a database
// returns `Sync<T> | Promise<T>`: the file log (src/log/partition-log.ts) satisfies this interface
// unchanged, returning plain values, so a caller that awaits only real promises pays nothing for
// the local log (see `settle`). The offsets a leader serves (log start, end, high watermark, last
// stable offset) stay synchronous: a partition has one writer, its leader, which knows them after
// each commit, as Kafka's leader does from its own log.

import type { RecordSpans } from '../../protocol/records/index.js'
import type { AppendOptions, AppendResult, Isolation, LogMark, ProducerInfo, ReadOptions, ReadResult, TimestampHit } from '../log/partition-store.js'
import type { LogConfig } from '../log/types.js'

export type MaybePromise<T> = T | Promise<T>

// Bad input (a batch over max.message.bytes, invalid timestamps) may be refused by a synchronous
// throw, as the file log does, or by a rejected promise: callers `await` inside their try.
export interface AsyncPartitionStore {
  config: LogConfig
  readonly logStartOffset: number
  readonly logEndOffset: number
  readonly highWatermark: number
  readonly lastStableOffset: number
  readonly size: number

  append(records: Buffer, o: AppendOptions): MaybePromise<AppendResult>
  appendMarker(producerId: number, producerEpoch: number, commit: boolean, coordinatorEpoch: number, nowMs: number): MaybePromise<number>
  read(offset: number, maxBytes: number, o: ReadOptions): MaybePromise<ReadResult>
  mark(offset: number): LogMark
  bytesAfter(mark: LogMark, isolation: Isolation): number
  offsetForTimestamp(timestamp: number): MaybePromise<TimestampHit | null>
  offsetOfMaxTimestamp(): MaybePromise<TimestampHit | null>
  activeProducers(): ProducerInfo[]
  producerEpoch(producerId: number): { epoch: number; txnFirstOffset: number } | undefined
  keyedRecords(visit: (record: RecordSpans) => void): MaybePromise<void>
  lastOffsetsByKey(eligible?: (record: RecordSpans) => boolean): MaybePromise<Set<number>>
  deleteRecordsBefore(offset: number): MaybePromise<number>
  applyRetention(nowMs: number): MaybePromise<number>
  close(): MaybePromise<void>
}

// Continues with `then` at once when the value is not a promise (no microtask, no allocation for
// the file log), else when it settles: how a synchronous caller can take either kind of store.
export function settle<T, R>(v: MaybePromise<T>, then: (value: T) => R): MaybePromise<R> {
  return v instanceof Promise ? v.then(then) : then(v)
}

// Every value once settled: the array itself, at once, when none is a promise (the file log), so
// a handler over several partitions stays synchronous on the local log.
export function settleAll<T>(values: MaybePromise<T>[]): MaybePromise<T[]> {
  for (const v of values) if (v instanceof Promise) return Promise.all(values)
  return values as T[]
}

// Runs `op` and hands its value to `then`, or a failure (a synchronous throw or a rejection) to
// `fail`: one error path for a store that throws and one that rejects.
export function attempt<T, R>(op: () => MaybePromise<T>, then: (value: T) => R, fail: (err: unknown) => R): MaybePromise<R> {
  let v: MaybePromise<T>
  try {
    v = op()
  } catch (err) {
    return fail(err)
  }
  if (v instanceof Promise) return v.then(then, fail)
  return then(v)
}
