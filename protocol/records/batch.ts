// Record batch v2 (magic 2), Kafka's DefaultRecordBatch. The produce and fetch paths only touch the
// 61-byte header: getters and setters work on (buf, pos) and allocate nothing. Records are decoded
// only where a feature needs them (decodeBatchRecords: compaction, the console, format conversion).
//
// 0 BaseOffset i64 | 8 BatchLength i32 | 12 PartitionLeaderEpoch i32 | 16 Magic i8 | 17 CRC u32 |
// 21 Attributes i16 | 23 LastOffsetDelta i32 | 27 BaseTimestamp i64 | 35 MaxTimestamp i64 |
// 43 ProducerId i64 | 51 ProducerEpoch i16 | 53 BaseSequence i32 | 57 RecordCount i32 | 61 records
// The CRC-32C covers byte 21 to the end, so BaseOffset and PartitionLeaderEpoch can be rewritten
// by the broker without recomputing it.

import { crc32c } from '../crc32c.js'

export const BASE_OFFSET_OFFSET = 0
export const BATCH_LENGTH_OFFSET = 8
export const PARTITION_LEADER_EPOCH_OFFSET = 12
export const MAGIC_OFFSET = 16
export const CRC_OFFSET = 17
export const ATTRIBUTES_OFFSET = 21
export const LAST_OFFSET_DELTA_OFFSET = 23
export const BASE_TIMESTAMP_OFFSET = 27
export const MAX_TIMESTAMP_OFFSET = 35
export const PRODUCER_ID_OFFSET = 43
export const PRODUCER_EPOCH_OFFSET = 51
export const BASE_SEQUENCE_OFFSET = 53
export const RECORD_COUNT_OFFSET = 57
export const RECORDS_OFFSET = 61
/** Smallest valid batch (header, no records): Kafka's RECORD_BATCH_OVERHEAD. */
export const RECORD_BATCH_OVERHEAD = 61
/** BaseOffset + BatchLength: the bytes not counted by BatchLength (Kafka's LOG_OVERHEAD). */
export const LOG_OVERHEAD = 12
/** Kafka's LegacyRecord.RECORD_OVERHEAD_V0: the smallest BatchLength any magic can have. */
export const MIN_BATCH_LENGTH_ANY_MAGIC = 14
export const MAGIC_V2 = 2

export const COMPRESSION_CODEC_MASK = 0x07
export const TIMESTAMP_TYPE_MASK = 0x08
export const TRANSACTIONAL_FLAG_MASK = 0x10
export const CONTROL_FLAG_MASK = 0x20

export const TimestampType = { CreateTime: 0, LogAppendTime: 1 } as const
export type TimestampTypeValue = (typeof TimestampType)[keyof typeof TimestampType]
export const ControlRecordType = { abort: 0, commit: 1 } as const

export const NO_TIMESTAMP = -1
export const NO_PRODUCER_ID = -1
export const NO_PRODUCER_EPOCH = -1
export const NO_SEQUENCE = -1
export const NO_PARTITION_LEADER_EPOCH = -1

const TWO_POW_32 = 2 ** 32

/** An int64 as a number, or NaN when it lies outside the safe-integer range. */
export function readInt64(buf: Buffer, at: number): number {
  const v = buf.readInt32BE(at) * TWO_POW_32 + buf.readUInt32BE(at + 4)
  return Number.isSafeInteger(v) ? v : NaN
}

export function writeInt64(buf: Buffer, at: number, v: number): void {
  if (!Number.isSafeInteger(v)) throw new RangeError(`int64 value ${v} is not a safe integer`)
  const hi = Math.floor(v / TWO_POW_32)
  buf.writeInt32BE(hi, at)
  buf.writeUInt32BE(v - hi * TWO_POW_32, at + 4)
}

function safeInt64(buf: Buffer, at: number, what: string): number {
  const v = readInt64(buf, at)
  if (Number.isNaN(v)) throw new RangeError(`${what} at ${at} is outside the safe integer range`)
  return v
}

// ---- header getters and setters (hot path: no allocation) ----

export const getBaseOffset = (buf: Buffer, pos: number): number => safeInt64(buf, pos + BASE_OFFSET_OFFSET, 'baseOffset')
export const getBatchSize = (buf: Buffer, pos: number): number => LOG_OVERHEAD + buf.readInt32BE(pos + BATCH_LENGTH_OFFSET)
export const getPartitionLeaderEpoch = (buf: Buffer, pos: number): number => buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET)
export const getMagic = (buf: Buffer, pos: number): number => buf.readInt8(pos + MAGIC_OFFSET)
export const getCrc = (buf: Buffer, pos: number): number => buf.readUInt32BE(pos + CRC_OFFSET)
export const getAttributes = (buf: Buffer, pos: number): number => buf.readInt16BE(pos + ATTRIBUTES_OFFSET)
export const getCompression = (buf: Buffer, pos: number): number => buf[pos + ATTRIBUTES_OFFSET + 1]! & COMPRESSION_CODEC_MASK
export const getTimestampType = (buf: Buffer, pos: number): TimestampTypeValue => ((buf[pos + ATTRIBUTES_OFFSET + 1]! & TIMESTAMP_TYPE_MASK) !== 0 ? 1 : 0)
export const isTransactional = (buf: Buffer, pos: number): boolean => (buf[pos + ATTRIBUTES_OFFSET + 1]! & TRANSACTIONAL_FLAG_MASK) !== 0
export const isControl = (buf: Buffer, pos: number): boolean => (buf[pos + ATTRIBUTES_OFFSET + 1]! & CONTROL_FLAG_MASK) !== 0
export const getLastOffsetDelta = (buf: Buffer, pos: number): number => buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET)
export const getBaseTimestamp = (buf: Buffer, pos: number): number => safeInt64(buf, pos + BASE_TIMESTAMP_OFFSET, 'baseTimestamp')
export const getMaxTimestamp = (buf: Buffer, pos: number): number => safeInt64(buf, pos + MAX_TIMESTAMP_OFFSET, 'maxTimestamp')
export const getProducerId = (buf: Buffer, pos: number): number => safeInt64(buf, pos + PRODUCER_ID_OFFSET, 'producerId')
export const getProducerEpoch = (buf: Buffer, pos: number): number => buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET)
export const getBaseSequence = (buf: Buffer, pos: number): number => buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET)
export const getRecordCount = (buf: Buffer, pos: number): number => buf.readInt32BE(pos + RECORD_COUNT_OFFSET)

/** CRC-32C of the batch at pos as it should be stored (the caller checked the batch is complete). */
export function computeCrc(buf: Buffer, pos: number): number {
  return crc32c(buf, pos + ATTRIBUTES_OFFSET, pos + getBatchSize(buf, pos))
}

/** Outside the CRC: the log assigns offsets without touching the checksum. */
export function setBaseOffset(buf: Buffer, pos: number, offset: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`invalid base offset ${offset}`)
  writeInt64(buf, pos + BASE_OFFSET_OFFSET, offset)
}

/** Outside the CRC, like Kafka's DefaultRecordBatch.setPartitionLeaderEpoch. */
export function setPartitionLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  buf.writeInt32BE(epoch, pos + PARTITION_LEADER_EPOCH_OFFSET)
}

/**
 * Kafka's DefaultRecordBatch.setMaxTimestamp, which the broker applies to every appended batch:
 * sets the timestamp-type bit to the topic's type and MaxTimestamp, leaves BaseTimestamp (the
 * first record's create time) and every other attribute bit alone, and recomputes the CRC only if
 * something changed.
 */
export function setMaxTimestamp(buf: Buffer, pos: number, timestampType: TimestampTypeValue, timestampMs: number): void {
  const lowByte = pos + ATTRIBUTES_OFFSET + 1
  const attrs = buf[lowByte]!
  if (((attrs & TIMESTAMP_TYPE_MASK) !== 0 ? 1 : 0) === timestampType && readInt64(buf, pos + MAX_TIMESTAMP_OFFSET) === timestampMs) return
  buf[lowByte] = timestampType === TimestampType.LogAppendTime ? attrs | TIMESTAMP_TYPE_MASK : attrs & ~TIMESTAMP_TYPE_MASK
  writeInt64(buf, pos + MAX_TIMESTAMP_OFFSET, timestampMs)
  buf.writeUInt32BE(computeCrc(buf, pos), pos + CRC_OFFSET)
}

/** For topics with message.timestamp.type=LogAppendTime: consumers then report timestampMs as
 * every record's timestamp. */
export function setLogAppendTime(buf: Buffer, pos: number, timestampMs: number): void {
  setMaxTimestamp(buf, pos, TimestampType.LogAppendTime, timestampMs)
}

// ---- batch walking ----

/** Header fields of one batch; a fixed shape shared by validation and log recovery. */
export interface BatchInfo {
  pos: number
  size: number
  baseOffset: number
  lastOffsetDelta: number
  recordCount: number
  partitionLeaderEpoch: number
  baseTimestamp: number
  maxTimestamp: number
  timestampType: TimestampTypeValue
  producerId: number
  producerEpoch: number
  baseSequence: number
  isTransactional: boolean
  isControl: boolean
  compression: number
}

/** Reads the header of a complete batch; int64 fields outside the safe range come back as NaN. */
export function readBatchInfo(buf: Buffer, pos: number): BatchInfo {
  const attrs = buf[pos + ATTRIBUTES_OFFSET + 1]!
  return {
    pos,
    size: getBatchSize(buf, pos),
    baseOffset: readInt64(buf, pos + BASE_OFFSET_OFFSET),
    lastOffsetDelta: getLastOffsetDelta(buf, pos),
    recordCount: getRecordCount(buf, pos),
    partitionLeaderEpoch: getPartitionLeaderEpoch(buf, pos),
    baseTimestamp: readInt64(buf, pos + BASE_TIMESTAMP_OFFSET),
    maxTimestamp: readInt64(buf, pos + MAX_TIMESTAMP_OFFSET),
    timestampType: (attrs & TIMESTAMP_TYPE_MASK) !== 0 ? 1 : 0,
    producerId: readInt64(buf, pos + PRODUCER_ID_OFFSET),
    producerEpoch: getProducerEpoch(buf, pos),
    baseSequence: getBaseSequence(buf, pos),
    isTransactional: (attrs & TRANSACTIONAL_FLAG_MASK) !== 0,
    isControl: (attrs & CONTROL_FLAG_MASK) !== 0,
    compression: attrs & COMPRESSION_CODEC_MASK,
  }
}

export interface ScanResult {
  /** Index into buf where the valid prefix ends: truncate the log here. */
  validBytes: number
  batches: BatchInfo[]
  /** Why the scan stopped before the end of buf, or null if every byte was valid. */
  stopReason: string | null
}

/**
 * Log recovery (Kafka's LogSegment.recover): walks batches from start and stops at the first one
 * that is torn (incomplete), structurally impossible, not magic 2 or fails its CRC.
 */
export function scanBatches(buf: Buffer, start = 0): ScanResult {
  const batches: BatchInfo[] = []
  let pos = start
  const stop = (reason: string): ScanResult => ({ validBytes: pos, batches, stopReason: reason })
  while (pos < buf.length) {
    const remaining = buf.length - pos
    if (remaining < LOG_OVERHEAD) return stop(`incomplete batch header: ${remaining} bytes`)
    const size = getBatchSize(buf, pos)
    if (size < RECORD_BATCH_OVERHEAD) return stop(`batch size ${size} is below the minimum ${RECORD_BATCH_OVERHEAD}`)
    if (size > remaining) return stop(`incomplete batch: ${size} bytes declared, ${remaining} present`)
    if (getMagic(buf, pos) !== MAGIC_V2) return stop(`unexpected magic ${getMagic(buf, pos)}`)
    if (getCrc(buf, pos) !== computeCrc(buf, pos)) return stop('CRC mismatch')
    const info = readBatchInfo(buf, pos)
    if (!(info.baseOffset >= 0)) return stop('base offset is negative or beyond 2^53')
    batches.push(info)
    pos += size
  }
  return { validBytes: pos, batches, stopReason: null }
}

// ---- the header as the log sees it (scans over stored batches) ----

/** A signed 64-bit big-endian integer as a number, exact below 2^53 as stored offsets,
 * timestamps and producer ids are; unlike readBigInt64BE it allocates nothing, which matters in
 * scans over every index entry and batch header at start-up. No range check: for bytes the broker
 * stored itself (produced bytes go through readInt64's check in validation first). */
export function int64At(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * TWO_POW_32 + buf.readUInt32BE(at + 4)
}

/** Base offset of the stored batch at buf[at]. */
export const baseOffsetAt = (buf: Buffer, at: number): number => int64At(buf, at + BASE_OFFSET_OFFSET)
/** Last offset of the stored batch at buf[at] (base offset + last offset delta). */
export const lastOffsetAt = (buf: Buffer, at: number): number => int64At(buf, at + BASE_OFFSET_OFFSET) + buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET)
/** Size in bytes of the batch at buf[at], as its length field declares it. */
export const batchSizeAt = getBatchSize

/** The header fields of one stored batch that the log, producer state and coordinators use.
 * `position`: where the caller found the batch (a file position for the log). */
export interface BatchHeader {
  position: number
  size: number
  baseOffset: number
  lastOffset: number
  partitionLeaderEpoch: number
  maxTimestamp: number
  producerId: number
  producerEpoch: number
  baseSequence: number
  recordCount: number
  transactional: boolean
  control: boolean
}

/** Reads the header of the batch at buf[at] (at least RECORD_BATCH_OVERHEAD bytes present). */
export function readHeader(buf: Buffer, at: number, position = at): BatchHeader {
  const baseOffset = int64At(buf, at + BASE_OFFSET_OFFSET)
  const attributes = buf[at + ATTRIBUTES_OFFSET + 1]!
  return {
    position,
    size: LOG_OVERHEAD + buf.readInt32BE(at + BATCH_LENGTH_OFFSET),
    baseOffset,
    lastOffset: baseOffset + buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET),
    partitionLeaderEpoch: buf.readInt32BE(at + PARTITION_LEADER_EPOCH_OFFSET),
    maxTimestamp: int64At(buf, at + MAX_TIMESTAMP_OFFSET),
    producerId: int64At(buf, at + PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(at + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(at + BASE_SEQUENCE_OFFSET),
    recordCount: buf.readInt32BE(at + RECORD_COUNT_OFFSET),
    transactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
    control: (attributes & CONTROL_FLAG_MASK) !== 0,
  }
}

/** The headers of the complete batches in `records` (already validated), positions relative to its start. */
export function readHeaders(records: Buffer): BatchHeader[] {
  const out: BatchHeader[] = []
  for (let at = 0; at + RECORD_BATCH_OVERHEAD <= records.length; ) {
    const h = readHeader(records, at)
    out.push(h)
    at += h.size
  }
  return out
}

/** The offset after the last batch in `buf` (whole batches, as a read returns them), or `fallback` when it holds none. */
export function endOffsetOf(buf: Buffer, fallback: number): number {
  let end = fallback
  for (let at = 0; at + RECORD_BATCH_OVERHEAD <= buf.length; at += getBatchSize(buf, at)) end = lastOffsetAt(buf, at) + 1
  return end
}

/** Stamps a batch the log is about to store: its offsets and leader epoch (outside the CRC), and,
 * as Kafka's LogValidator does on every append, the topic's timestamp type with MaxTimestamp
 * (LogAppendTime: the broker's clock; CreateTime: the batch's own). A producer's LogAppendTime
 * bit on a CreateTime topic is cleared, so consumers read each record's create time. */
export function stampForAppend(buf: Buffer, at: number, baseOffset: number, leaderEpoch: number, logAppendTimeMs: number): void {
  setBaseOffset(buf, at, baseOffset)
  setPartitionLeaderEpoch(buf, at, leaderEpoch)
  if (logAppendTimeMs >= 0) setMaxTimestamp(buf, at, TimestampType.LogAppendTime, logAppendTimeMs)
  else setMaxTimestamp(buf, at, TimestampType.CreateTime, int64At(buf, at + MAX_TIMESTAMP_OFFSET))
}

// Kafka's RequestUtils.hasTransactionalRecords for one partition of a Produce: a magic-2 batch
// leading `records` with the transactional flag (the check that runs before authorization).
export function leadsWithTransactionalBatch(records: Buffer | null): boolean {
  return records !== null && records.length >= RECORD_BATCH_OVERHEAD && records[MAGIC_OFFSET] === MAGIC_V2 && isTransactional(records, 0)
}
