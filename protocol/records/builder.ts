// Building v2 batches: what the coordinators write to internal topics, transaction markers, the
// cleaner's rewritten batches, and test fixtures. Kafka's MemoryRecordsBuilder and EndTransactionMarker.

import { Compression, compress, type CompressOptions } from '../compression.js'
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from '../varint.js'
import {
  BASE_OFFSET_OFFSET, BASE_SEQUENCE_OFFSET, BASE_TIMESTAMP_OFFSET, BATCH_LENGTH_OFFSET, CONTROL_FLAG_MASK, ControlRecordType, CRC_OFFSET, LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD, MAGIC_OFFSET, MAGIC_V2, MAX_TIMESTAMP_OFFSET, NO_PARTITION_LEADER_EPOCH, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE, PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET, PRODUCER_ID_OFFSET, RECORD_COUNT_OFFSET, RECORDS_OFFSET, TimestampType, TIMESTAMP_TYPE_MASK, TRANSACTIONAL_FLAG_MASK, ATTRIBUTES_OFFSET,
  computeCrc, writeInt64, type TimestampTypeValue,
} from './batch.js'
import type { Record } from './records.js'

export interface BuildRecord {
  key: Buffer | string | null
  value: Buffer | string | null
  headers?: { key: string; value: Buffer | string | null }[]
  /** Create time in ms; defaults to the time buildBatch is called. */
  timestamp?: number
}

export interface BuildBatchOptions {
  baseOffset?: number
  records: BuildRecord[]
  compression?: number
  compressOptions?: CompressOptions
  producerId?: number
  producerEpoch?: number
  baseSequence?: number
  transactional?: boolean
  control?: boolean
  partitionLeaderEpoch?: number
  timestampType?: TimestampTypeValue
}

const toBytes = (v: Buffer | string | null): Buffer | null => (typeof v === 'string' ? Buffer.from(v) : v)
const sizeOfBytes = (b: Buffer | null): number => (b === null ? 1 : sizeOfVarint(b.length) + b.length)

function writeBytes(buf: Buffer, pos: number, b: Buffer | null): number {
  if (b === null) return writeVarint(buf, pos, -1)
  pos = writeVarint(buf, pos, b.length)
  return pos + b.copy(buf, pos)
}

/** Builds one valid batch with a correct CRC, like the Java producer's MemoryRecordsBuilder. */
export function buildBatch(opts: BuildBatchOptions): Buffer {
  const count = opts.records.length
  if (count === 0) throw new RangeError('a record batch needs at least one record')
  const now = Date.now()
  const timestamps = opts.records.map((rec) => rec.timestamp ?? now)
  const baseTimestamp = timestamps[0]!
  let maxTimestamp = baseTimestamp
  for (const t of timestamps) if (t > maxTimestamp) maxTimestamp = t
  const encoded = opts.records.map((rec, i) => ({
    key: toBytes(rec.key),
    value: toBytes(rec.value),
    headers: (rec.headers ?? []).map((h) => ({ key: Buffer.from(h.key), value: toBytes(h.value) })),
    delta: timestamps[i]! - baseTimestamp,
    bodySize: 0,
  }))
  let total = 0
  for (let i = 0; i < count; i++) {
    const e = encoded[i]!
    e.bodySize = 1 + sizeOfVarlong(e.delta) + sizeOfVarint(i) + sizeOfBytes(e.key) + sizeOfBytes(e.value) + sizeOfVarint(e.headers.length)
    for (const h of e.headers) e.bodySize += sizeOfBytes(h.key) + sizeOfBytes(h.value)
    total += sizeOfVarint(e.bodySize) + e.bodySize
  }
  const body = Buffer.allocUnsafe(total)
  let pos = 0
  for (let i = 0; i < count; i++) {
    const e = encoded[i]!
    pos = writeVarint(body, pos, e.bodySize)
    body[pos++] = 0
    pos = writeVarlong(body, pos, e.delta)
    pos = writeVarint(body, pos, i)
    pos = writeBytes(body, pos, e.key)
    pos = writeBytes(body, pos, e.value)
    pos = writeVarint(body, pos, e.headers.length)
    for (const h of e.headers) pos = writeBytes(body, writeBytes(body, pos, h.key), h.value)
  }
  const codec = opts.compression ?? Compression.none
  const records = compress(codec, body, opts.compressOptions)
  const batch = Buffer.allocUnsafe(RECORDS_OFFSET + records.length)
  const attributes = codec | (opts.timestampType === TimestampType.LogAppendTime ? TIMESTAMP_TYPE_MASK : 0) |
    (opts.transactional === true ? TRANSACTIONAL_FLAG_MASK : 0) | (opts.control === true ? CONTROL_FLAG_MASK : 0)
  writeInt64(batch, BASE_OFFSET_OFFSET, opts.baseOffset ?? 0)
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET)
  batch.writeInt32BE(opts.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, PARTITION_LEADER_EPOCH_OFFSET)
  batch.writeInt8(MAGIC_V2, MAGIC_OFFSET)
  batch.writeInt16BE(attributes, ATTRIBUTES_OFFSET)
  batch.writeInt32BE(count - 1, LAST_OFFSET_DELTA_OFFSET)
  writeInt64(batch, BASE_TIMESTAMP_OFFSET, baseTimestamp)
  writeInt64(batch, MAX_TIMESTAMP_OFFSET, maxTimestamp)
  writeInt64(batch, PRODUCER_ID_OFFSET, opts.producerId ?? NO_PRODUCER_ID)
  batch.writeInt16BE(opts.producerEpoch ?? NO_PRODUCER_EPOCH, PRODUCER_EPOCH_OFFSET)
  batch.writeInt32BE(opts.baseSequence ?? NO_SEQUENCE, BASE_SEQUENCE_OFFSET)
  batch.writeInt32BE(count, RECORD_COUNT_OFFSET)
  records.copy(batch, RECORDS_OFFSET)
  batch.writeUInt32BE(computeCrc(batch, 0), CRC_OFFSET)
  return batch
}

export interface ControlBatchOptions {
  type: 'abort' | 'commit'
  producerId: number
  producerEpoch: number
  coordinatorEpoch: number
  timestamp?: number
  baseOffset?: number
  partitionLeaderEpoch?: number
}

/** A transaction marker (Kafka's EndTransactionMarker, version 0): a control batch of one record
 * whose key is (version i16, type i16) and value (version i16, coordinatorEpoch i32). */
export function buildControlBatch(opts: ControlBatchOptions): Buffer {
  const key = Buffer.alloc(4)
  key.writeInt16BE(ControlRecordType[opts.type], 2)
  const value = Buffer.alloc(6)
  value.writeInt32BE(opts.coordinatorEpoch, 2)
  return buildBatch({
    baseOffset: opts.baseOffset,
    records: [{ key, value, timestamp: opts.timestamp }],
    producerId: opts.producerId,
    producerEpoch: opts.producerEpoch,
    baseSequence: NO_SEQUENCE,
    transactional: true,
    control: true,
    partitionLeaderEpoch: opts.partitionLeaderEpoch,
  })
}

/** Reads a control record's key (and, for markers, value); null when it is not one we know. */
export function readControlRecord(record: Pick<Record, 'key' | 'value'>): { type: number; coordinatorEpoch: number } | null {
  const { key, value } = record
  if (key === null || key.length < 4 || key.readInt16BE(0) < 0) return null
  const type = key.readInt16BE(2)
  const isMarker = type === ControlRecordType.abort || type === ControlRecordType.commit
  const coordinatorEpoch = isMarker && value !== null && value.length >= 6 ? value.readInt32BE(2) : -1
  return { type, coordinatorEpoch }
}
