// ListOffsets by timestamp over a stored batch (the store finds the batch by its max_timestamp
// column; the record inside is found as the file log's lookups do, by decoding the batch).

import { RecordDecodeError, decodeBatchRecords, getMaxTimestamp, getPartitionLeaderEpoch } from '../../../protocol/records/index.js'
import type { TimestampHit } from '../../log/partition-store.js'
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
