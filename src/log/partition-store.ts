// The storage seam (DESIGN.md, "The storage seam"): the only way the rest of the broker reaches a
// partition's data. It speaks logs, offsets and byte ranges, never protocol objects, so the file
// log (src/log/partition-log.ts, on disk or on the in-memory file tree), a PostgreSQL batch table
// and a store shared by several brokers can all stand behind it. Record batches go in and come out
// whole; the store reads batch headers, and records only where a feature needs them (timestamps,
// coordinator replay, compaction).

import type { RecordSpans } from '../../protocol/records/index.js'
import type { ReadLease } from './read-pool.js'
import type { AbortedTxn } from './txn-index.js'
import type { LogConfig } from './types.js'

export type Isolation = 'uncommitted' | 'committed'

export interface AppendOptions {
  nowMs: number
  // Kafka's AppendOrigin: 'client' (Produce) runs the producer-state checks (epochs, sequences,
  // duplicates); 'coordinator' is the broker's own write to an internal topic, which skips them.
  origin?: 'client' | 'coordinator'
}

export interface AppendResult {
  baseOffset: number
  lastOffset: number
  logAppendTime: number // -1 unless message.timestamp.type=LogAppendTime
  logStartOffset: number
  duplicate: boolean // a retried idempotent batch: nothing written, the original offsets answered
}

export interface ReadOptions {
  // KIP-74: return the first batch even when it is larger than maxBytes.
  minOneBatch: boolean
  // 'committed' stops at the last stable offset and lists the aborted transactions in range.
  isolation?: Isolation
  // The bytes may live in the lease's reused buffers, valid until it is released.
  lease?: ReadLease
}

export interface ReadResult {
  records: Buffer | null // whole batches, from the one holding the offset asked for
  aborted: AbortedTxn[] // committed reads: aborted transactions that may have records in `records`
}

// Where an offset lies in the log, found once (by batch headers), so that the bytes appended after
// it can be counted from segment sizes alone (long polling counts, never reads).
export interface LogMark {
  readonly offset: number
  readonly segmentBase: number
  readonly position: number
}

export interface TimestampHit {
  offset: number
  timestamp: number
  leaderEpoch: number // the epoch of the batch holding it, -1 when unknown
}

export interface ProducerInfo {
  producerId: number
  epoch: number
  lastSequence: number // -1 when only markers were seen
  lastTimestamp: number
  currentTxnStartOffset: number // -1 when no transaction is open
}

export interface PartitionStore {
  config: LogConfig
  readonly logStartOffset: number
  readonly logEndOffset: number
  readonly highWatermark: number
  readonly lastStableOffset: number
  readonly size: number // bytes stored
  readonly segmentCount: number

  // Appends validated batches (protocol/records validateRecordsForAppend), assigning offsets.
  // Throws LogError (MESSAGE_TOO_LARGE, INVALID_PRODUCER_EPOCH, OUT_OF_ORDER_SEQUENCE_NUMBER, ...).
  append(records: Buffer, o: AppendOptions): AppendResult
  // A transaction marker ending the producer's open transaction here; returns its offset.
  appendMarker(producerId: number, producerEpoch: number, commit: boolean, coordinatorEpoch: number, nowMs: number): number

  // Throws LogError OFFSET_OUT_OF_RANGE outside [logStartOffset, logEndOffset].
  read(offset: number, maxBytes: number, o: ReadOptions): ReadResult
  mark(offset: number): LogMark
  // Bytes stored after the mark that a read at this isolation could return (an upper bound).
  bytesAfter(mark: LogMark, isolation: Isolation): number

  // ListOffsets: the first record with timestamp >= target / the first with the largest timestamp.
  offsetForTimestamp(timestamp: number): TimestampHit | null
  offsetOfMaxTimestamp(): TimestampHit | null

  // Producer state (Kafka keeps it in the log layer too).
  activeProducers(): ProducerInfo[]
  producerEpoch(producerId: number): { epoch: number; txnFirstOffset: number } | undefined

  // Coordinator replay: every keyed record from the log start (views valid during the visit), and
  // the offsets of the last record of each key among those `eligible` accepts.
  keyedRecords(visit: (record: RecordSpans) => void): void
  lastOffsetsByKey(eligible?: (record: RecordSpans) => boolean): Set<number>

  // DeleteRecords: moves the log start offset (never past the high watermark).
  deleteRecordsBefore(offset: number): number
  // Retention by time and size for cleanup.policy=delete; returns segments deleted.
  applyRetention(nowMs: number): number
  flush(nowMs: number): void
  close(): void
  remove(): void
}
