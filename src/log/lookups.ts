// Reads of a partition log that look inside batches: ListOffsets by timestamp (Kafka's
// LogSegment.findOffsetByTimestamp / FileRecords.searchForTimestamp), the record with the largest
// timestamp, and the keyed-record walk the coordinators replay their internal topics with. Kept
// apart from the append/fetch path of partition-log.ts, which never decodes a record.

import { RecordDecodeError, RecordSpans, decodeBatchRecords, getPartitionLeaderEpoch, lastOffsetAt, type BatchHeader } from '../../protocol/records/index.js'
import { ReadLease } from './read-pool.js'
import type { Segment } from './segment.js'
import type { TimestampHit } from './partition-store.js'
import { LogError } from './types.js'

// What the lookups need of a partition log.
export interface LookupSource {
  readonly logStartOffset: number
  readonly logEndOffset: number
  segmentList(): readonly Segment[] // oldest first; the last is the active segment
  readRange(offset: number, maxBytes: number, minOneBatch: boolean, endOffset: number, lease?: ReadLease): Buffer | null
}

type Found = { meta: BatchHeader; buf: Buffer }

// The index of the segment holding `offset`: the last one whose base offset is at or below it.
export function segmentIndexFor(segments: readonly Segment[], offset: number): number {
  let lo = 0
  let hi = segments.length - 1
  let found = 0
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    if (segments[mid]!.baseOffset <= offset) {
      found = mid
      lo = mid + 1
    } else {
      hi = mid - 1
    }
  }
  return found
}

// Candidate batches for the first record with timestamp >= target (ListOffsets by time): the
// first segment whose largest timestamp reaches it, from its time index entry on.
export function* batchesForTimestamp(log: LookupSource, timestamp: number): Generator<Found> {
  for (const seg of log.segmentList()) {
    if (seg.maxTimestamp < timestamp) continue
    const from = Math.max(seg.offsetForTimestampLookup(timestamp), log.logStartOffset)
    for (const b of seg.batchesFrom(from)) {
      if (b.meta.maxTimestamp >= timestamp && b.meta.lastOffset >= log.logStartOffset) yield b
    }
  }
}

// The segment holding the largest timestamp, and that timestamp (ListOffsets MAX_TIMESTAMP).
export function maxTimestamp(log: LookupSource): { timestamp: number; batchLastOffset: number } {
  let best = { timestamp: -1, batchLastOffset: -1 }
  for (const seg of log.segmentList()) {
    if (seg.maxTimestamp > best.timestamp) best = { timestamp: seg.maxTimestamp, batchLastOffset: seg.offsetOfMaxTimestamp }
  }
  return best
}

// The batch holding `offset`. The sparse index may point at an earlier batch: skip to it.
export function batchAt(log: LookupSource, offset: number): Found | null {
  const segments = log.segmentList()
  const seg = segments[segmentIndexFor(segments, offset)]!
  for (const b of seg.batchesFrom(offset)) {
    if (b.meta.baseOffset > offset) return null
    if (b.meta.lastOffset >= offset) return b
  }
  return null
}

// How much of an internal topic's log keyedRecords() reads at a time (a larger batch is read whole).
const REPLAY_CHUNK = 256 * 1024
const NO_CRC = { verifyCrc: false } as const

function decoded<T>(what: () => T): T {
  try {
    return what()
  } catch (err) {
    if (err instanceof RecordDecodeError) throw new LogError(err.code, err.message, { cause: err })
    throw err
  }
}

const epochOf = (batch: Buffer): number => Math.max(-1, getPartitionLeaderEpoch(batch, 0))

// The first record at or after `target`, not below the log start: the time index leads to the
// candidate batches, whose records are decoded.
export function offsetForTimestamp(log: LookupSource, target: number): TimestampHit | null {
  return decoded(() => {
    for (const batch of batchesForTimestamp(log, target)) {
      for (const rec of decodeBatchRecords(batch.buf, NO_CRC)) {
        if (rec.timestamp >= target && rec.offset >= log.logStartOffset) return { timestamp: rec.timestamp, offset: rec.offset, leaderEpoch: epochOf(batch.buf) }
      }
    }
    return null
  })
}

// Kafka's RecordBatch.offsetOfMaxTimestamp: the first record whose timestamp is the largest
// (every record of a LogAppendTime batch reports the batch's MaxTimestamp).
export function offsetOfMaxTimestamp(log: LookupSource): TimestampHit | null {
  const max = maxTimestamp(log)
  if (max.timestamp < 0) return null
  const batch = batchAt(log, max.batchLastOffset)
  if (!batch) return null
  return decoded(() => {
    for (const rec of decodeBatchRecords(batch.buf, NO_CRC)) {
      if (rec.timestamp === batch.meta.maxTimestamp) return { timestamp: rec.timestamp, offset: rec.offset, leaderEpoch: epochOf(batch.buf) }
    }
    return null
  })
}

// Every keyed record from the log start, oldest first: what the coordinators rebuild their state
// from. visit() gets one RecordSpans positioned on each record in turn; nothing is decoded that the
// caller does not ask for, no object is made per record, and the log is read in chunks through
// one reused buffer, so key() and value() views are valid only during the call. No CRC check, as
// Kafka's coordinator loader: recovery has checked what a crash could tear.
export function keyedRecords(log: LookupSource, visit: (record: RecordSpans) => void): void {
  const lease = new ReadLease()
  const spans = new RecordSpans()
  try {
    let offset = log.logStartOffset
    while (offset < log.logEndOffset) {
      lease.release()
      const data = log.readRange(offset, REPLAY_CHUNK, true, log.logEndOffset, lease)
      if (!data) break
      for (let at = 0; at + 12 <= data.length; ) {
        const size = spans.reset(data, at, NO_CRC)
        while (spans.next()) {
          if (spans.offset >= offset && spans.keyLength >= 0) visit(spans)
        }
        offset = lastOffsetAt(data, at) + 1
        at += size
      }
    }
  } finally {
    lease.release()
  }
}

// The offsets of the last record of each key among the keyed records `eligible` accepts: the
// records a compaction of this log would keep. Reads keys only, as latin1 strings.
export function lastOffsetsByKey(log: LookupSource, eligible: (record: RecordSpans) => boolean = () => true): Set<number> {
  const latest = new Map<string, number>()
  keyedRecords(log, (r) => {
    if (eligible(r)) latest.set(r.keyString(), r.offset)
  })
  return new Set(latest.values())
}
