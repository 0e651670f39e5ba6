// Reads of the PostgreSQL store that look inside batches: ListOffsets by timestamp over a stored
// batch (the store finds the batch by its max_timestamp column; the record inside is found as the
// file log's lookups do, by decoding it), and the keyed-record walk coordinators replay from.

import { RecordDecodeError, RecordSpans, decodeBatchRecords, getMaxTimestamp, getPartitionLeaderEpoch, lastOffsetAt } from '../../../protocol/records/index.js'
import type { ReadOptions, ReadResult, TimestampHit } from '../../log/partition-store.js'
import { LogError } from '../../log/types.js'

const NO_CRC = { verifyCrc: false } as const

function decoded<T>(what: () => T): T {
  try {
    return what()
  } catch (err) {
    if (err instanceof RecordDecodeError) throw new LogError(err.code, err.message, { cause: err })
    throw err
  }
}

// The first record of `batch` at or after offset `from` whose timestamp is >= target.
export function recordForTimestamp(batch: Buffer, target: number, from: number): TimestampHit | null {
  return decoded(() => {
    for (const rec of decodeBatchRecords(batch, NO_CRC)) {
      if (rec.timestamp >= target && rec.offset >= from) return { timestamp: rec.timestamp, offset: rec.offset, leaderEpoch: Math.max(-1, getPartitionLeaderEpoch(batch, 0)) }
    }
    return null
  })
}

// Kafka's RecordBatch.offsetOfMaxTimestamp: the first record carrying the batch's MaxTimestamp
// (every record of a LogAppendTime batch reports it).
export function recordWithTimestamp(batch: Buffer): TimestampHit | null {
  const max = getMaxTimestamp(batch, 0)
  return decoded(() => {
    for (const rec of decodeBatchRecords(batch, NO_CRC)) {
      if (rec.timestamp === max) return { timestamp: rec.timestamp, offset: rec.offset, leaderEpoch: Math.max(-1, getPartitionLeaderEpoch(batch, 0)) }
    }
    return null
  })
}

// How much the keyed-record walk reads at a time (a larger batch is read whole).
const REPLAY_CHUNK = 256 * 1024
const REPLAY_READ: ReadOptions = { minOneBatch: true }

// Every keyed record from `start` to `end`, oldest first (lookups.ts keyedRecords, over reads that
// answer later): visit() gets one RecordSpans positioned on each record, valid during the call.
export async function keyedRecordsOf(
  read: (offset: number, maxBytes: number, o: ReadOptions) => Promise<ReadResult>,
  start: number,
  end: number,
  visit: (record: RecordSpans) => void,
): Promise<void> {
  const spans = new RecordSpans()
  let offset = start
  while (offset < end) {
    const { records } = await read(offset, REPLAY_CHUNK, REPLAY_READ)
    if (!records) return
    decoded(() => {
      for (let at = 0; at + 12 <= records.length; ) {
        const size = spans.reset(records, at, NO_CRC)
        while (spans.next()) if (spans.offset >= offset && spans.keyLength >= 0) visit(spans)
        offset = lastOffsetAt(records, at) + 1
        at += size
      }
    })
  }
}
