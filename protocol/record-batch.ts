// Record batch v2 (magic 2), Kafka's DefaultRecordBatch. The produce and fetch paths only touch the
// 61-byte header: getters and setters work on (buf, pos) and allocate nothing. Records are decoded
// only where a feature needs them (decodeBatchRecords: compaction, the console, format conversion).
//
// 0 BaseOffset i64 | 8 BatchLength i32 | 12 PartitionLeaderEpoch i32 | 16 Magic i8 | 17 CRC u32 |
// 21 Attributes i16 | 23 LastOffsetDelta i32 | 27 BaseTimestamp i64 | 35 MaxTimestamp i64 |
// 43 ProducerId i64 | 51 ProducerEpoch i16 | 53 BaseSequence i32 | 57 RecordCount i32 | 61 records
// The CRC-32C covers byte 21 to the end, so BaseOffset and PartitionLeaderEpoch can be rewritten
// by the broker without recomputing it.

import { crc32c } from './crc32c.js'
import { Compression, CompressionError, compress, decompress, type CompressOptions, type DecompressOptions } from './compression.js'
import type { ErrorName } from './errors.js'
import { ByteReader, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint.js'

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

export type AppendErrorName = Extract<ErrorName, 'CORRUPT_MESSAGE' | 'INVALID_RECORD' | 'UNSUPPORTED_COMPRESSION_TYPE' | 'MESSAGE_TOO_LARGE' | 'INVALID_TIMESTAMP'>
export type ValidateResult = { ok: true; batches: BatchInfo[] } | { ok: false; error: AppendErrorName; message: string }

export interface ValidateOptions {
  /** Produce request version; zstd needs v7+ (ProduceRequest.validateRecords). Default: no limit. */
  apiVersion?: number
  /** The topic's max.message.bytes; a larger batch gets MESSAGE_TOO_LARGE. Default: no limit. */
  maxMessageBytes?: number
  /** Kafka's AppendOrigin: 'client' (produce) adds the producer-facing checks; 'coordinator' is
   * for the broker's own appends (transaction markers, internal topics). Default 'client'. */
  origin?: 'client' | 'coordinator'
  /** The topic's message.timestamp.type is LogAppendTime. */
  logAppendTime?: boolean
}

function fail(error: AppendErrorName, message: string): ValidateResult {
  return { ok: false, error, message }
}

/**
 * Validates the `records` of one partition in a Produce request (v3+, or v0-2 after legacy
 * conversion) without decoding records. Each check names the Kafka code it mirrors, in the order
 * Kafka applies them, so a client sees the error Kafka would give it. Kafka additionally iterates
 * the records of every batch (decompressing compressed ones) to check timestamps against
 * message.timestamp.{before,after}.max.ms and keys on compacted topics; that needs record
 * decoding and is left to the caller.
 */
export function validateRecordsForAppend(buf: Buffer, opts: ValidateOptions = {}): ValidateResult {
  const n = buf.length
  const client = (opts.origin ?? 'client') === 'client'
  // ByteBufferLogInputStream.nextBatch yields nothing for < 12 bytes or a torn first batch, and
  // ProduceRequest.validateRecords then fails with InvalidRecordException.
  if (n < LOG_OVERHEAD) return fail('INVALID_RECORD', `Produce requests must have at least one record batch per partition (got ${n} bytes)`)
  const length = buf.readInt32BE(BATCH_LENGTH_OFFSET)
  // nextBatch: "Record size %d is less than the minimum record overhead (14)" (CorruptRecordException).
  if (length < MIN_BATCH_LENGTH_ANY_MAGIC) return fail('CORRUPT_MESSAGE', `Record size ${length} is less than the minimum record overhead (${MIN_BATCH_LENGTH_ANY_MAGIC})`)
  const size = LOG_OVERHEAD + length
  if (size > n) return fail('INVALID_RECORD', `Produce requests must have at least one complete record batch per partition (batch declares ${size} bytes, ${n} present)`)
  const magic = getMagic(buf, 0)
  // nextBatch: "Invalid magic found in record" (CorruptRecordException) for magic outside 0..2.
  if (magic < 0 || magic > MAGIC_V2) return fail('CORRUPT_MESSAGE', `Invalid magic found in record: ${magic}`)
  // ProduceRequest.validateRecords: v3+ carries magic 2 only (legacy sets are converted first).
  if (magic !== MAGIC_V2) return fail('INVALID_RECORD', `Produce requests are only allowed to contain record batches with magic version 2 (got ${magic})`)
  const codec = getCompression(buf, 0)
  // ProduceRequest.validateRecords: zstd needs Produce v7 (KIP-110).
  if (codec === Compression.zstd && opts.apiVersion !== undefined && opts.apiVersion < 7) {
    return fail('UNSUPPORTED_COMPRESSION_TYPE', `Produce requests with version ${opts.apiVersion} are not allowed to use ZStandard compression`)
  }
  if (size < n) {
    const rest = n - size
    // A second complete batch: "only allowed to contain exactly one record batch per partition".
    if (rest >= LOG_OVERHEAD) {
      const next = buf.readInt32BE(size + BATCH_LENGTH_OFFSET)
      if (next < MIN_BATCH_LENGTH_ANY_MAGIC) return fail('CORRUPT_MESSAGE', `Record size ${next} is less than the minimum record overhead (${MIN_BATCH_LENGTH_ANY_MAGIC})`)
      if (size + LOG_OVERHEAD + next <= n) return fail('INVALID_RECORD', 'Produce requests are only allowed to contain exactly one record batch per partition')
    }
    // Deliberate difference: Kafka silently drops a torn trailing batch (UnifiedLog.trimInvalidBytes).
    // No client sends one; refusing it surfaces the client bug instead of losing its bytes quietly.
    return fail('CORRUPT_MESSAGE', `${rest} trailing bytes after the record batch do not form a complete batch`)
  }
  // UnifiedLog.analyzeAndValidateRecords: client batches must start at offset 0.
  if (client && (buf.readInt32BE(0) !== 0 || buf.readInt32BE(4) !== 0)) {
    return fail('INVALID_RECORD', `The baseOffset of the record batch should be 0, but it is ${readInt64(buf, 0)}`)
  }
  // analyzeAndValidateRecords: RecordTooLargeException against max.message.bytes.
  if (opts.maxMessageBytes !== undefined && size > opts.maxMessageBytes) {
    return fail('MESSAGE_TOO_LARGE', `The record batch size is ${size} bytes which exceeds the maximum configured value of ${opts.maxMessageBytes}`)
  }
  // analyzeAndValidateRecords: !batch.isValid() (size below the v2 header, or CRC-32C mismatch).
  if (size < RECORD_BATCH_OVERHEAD) return fail('CORRUPT_MESSAGE', `Record batch is corrupt (the size ${size} is smaller than the minimum allowed overhead ${RECORD_BATCH_OVERHEAD})`)
  const stored = getCrc(buf, 0)
  const computed = computeCrc(buf, 0)
  if (stored !== computed) return fail('CORRUPT_MESSAGE', `Record is corrupt (stored crc = ${stored}, computed crc = ${computed})`)
  // Kafka's CompressionType.forId throws for ids 5-7 (surfacing as UNKNOWN_SERVER_ERROR); the
  // nearest meaningful code is this one.
  if (codec > Compression.zstd) return fail('UNSUPPORTED_COMPRESSION_TYPE', `Unknown compression type id ${codec}`)
  const info = readBatchInfo(buf, 0)
  const batchError = client ? checkClientBatch(info) : null
  if (batchError !== null) return fail('INVALID_RECORD', batchError)
  if (Number.isNaN(info.baseTimestamp) || Number.isNaN(info.maxTimestamp)) return fail('INVALID_TIMESTAMP', 'Batch timestamps are outside the range this broker accepts (2^53 ms)')
  // LogValidator.validateTimestamp: a producer may not claim LogAppendTime, unless on a CreateTime
  // topic the timestamp it carries (MaxTimestamp) passes as a create time.
  if (info.timestampType === TimestampType.LogAppendTime && (opts.logAppendTime === true || info.maxTimestamp === NO_TIMESTAMP)) {
    return fail('INVALID_TIMESTAMP', 'Invalid timestamp type in message. Producer should not set timestamp type to LogAppendTime.')
  }
  if (codec === Compression.none) {
    const recordsError = checkRecordFraming(buf, size, info.recordCount)
    if (recordsError !== null) return fail('INVALID_RECORD', recordsError)
  }
  return { ok: true, batches: [info] }
}

// LogValidator.validateBatch for AppendOrigin.CLIENT (InvalidRecordException each).
function checkClientBatch(b: BatchInfo): string | null {
  if (b.lastOffsetDelta < 0) return `Batch has an invalid offset range: last offset delta ${b.lastOffsetDelta}`
  if (b.recordCount <= 0) return `Invalid reported count for record batch: ${b.recordCount}`
  if (b.recordCount !== b.lastOffsetDelta + 1) return `Inconsistent batch offset range [0, ${b.lastOffsetDelta}] and count of records ${b.recordCount}`
  if (b.isControl) return 'Clients are not allowed to write control records'
  if (Number.isNaN(b.producerId)) return 'Producer id is outside the range this broker assigns'
  if (b.producerId >= 0 && b.baseSequence < 0) return `Invalid sequence number ${b.baseSequence} in record batch with producerId ${b.producerId}`
  return null
}

// Uncompressed records are length-prefixed: walking the prefixes (no field decoding) catches what
// Kafka's DefaultRecord.readFrom reports as "Invalid record size" or "Incorrect declared batch size".
function checkRecordFraming(buf: Buffer, end: number, count: number): string | null {
  const r = new ByteReader(buf, RECORDS_OFFSET, end)
  try {
    for (let i = 0; i < count; i++) {
      if (r.remaining === 0) return `Incorrect declared batch size, premature EOF reached after ${i} of ${count} records`
      const len = r.varint()
      if (len < 0 || len > r.remaining) return `Invalid record size: expected ${len} bytes in record payload, but the buffer has only ${r.remaining} remaining bytes`
      r.pos += len
    }
  } catch (err) {
    return `Found invalid record structure: ${(err as Error).message}`
  }
  return r.remaining === 0 ? null : 'Incorrect declared batch size, records still remaining in file'
}

// ---- record codec (not on the produce/fetch path) ----

export interface RecordHeader {
  key: string
  value: Buffer | null
}

/** One decoded record. key, value and header values are views into the batch (or into its
 * decompressed copy): copy them to keep them beyond the buffer's life. */
export interface Record {
  offset: number // absolute
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[]
}

export type RecordDecodeErrorCode = 'CORRUPT_MESSAGE' | 'INVALID_RECORD' | 'UNSUPPORTED_COMPRESSION_TYPE'

export class RecordDecodeError extends Error {
  constructor(
    readonly code: RecordDecodeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'RecordDecodeError'
  }
}

export interface DecodeOptions extends DecompressOptions {
  /** Check the CRC-32C before decoding (default true). */
  verifyCrc?: boolean
}

// Checks the header of the batch at buf[pos]: its size fits in buf, magic 2 and (unless told not
// to) its CRC. Returns the batch's size.
function checkBatch(buf: Buffer, pos: number, opts: DecodeOptions): number {
  const present = buf.length - pos
  if (present < RECORD_BATCH_OVERHEAD) throw new RecordDecodeError('CORRUPT_MESSAGE', `batch of ${present} bytes is shorter than its header`)
  const size = getBatchSize(buf, pos)
  if (size < RECORD_BATCH_OVERHEAD || size > present) throw new RecordDecodeError('CORRUPT_MESSAGE', `batch declares ${size} bytes, ${present} present`)
  if (getMagic(buf, pos) !== MAGIC_V2) throw new RecordDecodeError('CORRUPT_MESSAGE', `unexpected magic ${getMagic(buf, pos)}`)
  if (opts.verifyCrc !== false && getCrc(buf, pos) !== computeCrc(buf, pos)) throw new RecordDecodeError('CORRUPT_MESSAGE', 'CRC mismatch')
  return size
}

function decompressRecords(compression: number, data: Buffer, opts: DecodeOptions): Buffer {
  try {
    return decompress(compression, data, opts)
  } catch (err) {
    const unsupported = err instanceof CompressionError && (err.code === 'UNKNOWN_CODEC' || err.code === 'CODEC_UNAVAILABLE')
    throw new RecordDecodeError(unsupported ? 'UNSUPPORTED_COMPRESSION_TYPE' : 'CORRUPT_MESSAGE', (err as Error).message, { cause: err })
  }
}

// The records section of the batch at batch[0], checked and decompressed.
function recordBytes(batch: Buffer, opts: DecodeOptions): Buffer {
  const size = checkBatch(batch, 0, opts)
  const data = batch.subarray(RECORDS_OFFSET, size)
  const compression = getCompression(batch, 0)
  return compression === Compression.none ? data : decompressRecords(compression, data, opts)
}

/**
 * Decodes every record of the batch that starts at batch[0]. LogAppendTime batches report
 * MaxTimestamp for every record, as Kafka's DefaultRecordBatch does.
 */
export function decodeBatchRecords(batch: Buffer, opts: DecodeOptions = {}): Record[] {
  const data = recordBytes(batch, opts)
  const info = readBatchInfo(batch, 0)
  if (Number.isNaN(info.baseOffset) || Number.isNaN(info.baseTimestamp) || Number.isNaN(info.maxTimestamp)) {
    throw new RecordDecodeError('INVALID_RECORD', 'batch offsets or timestamps are beyond 2^53')
  }
  const records: Record[] = []
  const r = new ByteReader(data)
  try {
    for (let i = 0; i < info.recordCount; i++) {
      if (r.remaining === 0) throw new RangeError(`premature end after ${i} of ${info.recordCount} records`)
      records.push(decodeRecord(r, info))
    }
  } catch (err) {
    if (err instanceof RecordDecodeError) throw err
    throw new RecordDecodeError('INVALID_RECORD', `Found invalid record structure: ${(err as Error).message}`, { cause: err })
  }
  if (r.remaining !== 0) throw new RecordDecodeError('INVALID_RECORD', 'Incorrect declared batch size, records still remaining in file')
  return records
}

function decodeRecord(outer: ByteReader, info: BatchInfo): Record {
  const len = outer.varint()
  if (len < 0) throw new RangeError(`negative record length ${len}`)
  const start = outer.pos
  outer.bytes(len, 'record')
  const r = new ByteReader(outer.buf, start, outer.pos)
  r.int8() // record attributes: unused since KIP-98
  const timestampDelta = r.varlong()
  const offsetDelta = r.varint()
  const key = r.nullableBytes('key')
  const value = r.nullableBytes('value')
  const headerCount = r.varint()
  if (headerCount < 0) throw new RangeError(`invalid header count ${headerCount}`)
  const headers: RecordHeader[] = []
  for (let i = 0; i < headerCount; i++) {
    const keyLen = r.varint()
    if (keyLen < 0) throw new RangeError(`invalid negative header key size ${keyLen}`)
    const headerKey = r.bytes(keyLen, 'header key').toString('utf8')
    headers.push({ key: headerKey, value: r.nullableBytes('header value') })
  }
  if (r.remaining !== 0) throw new RangeError(`record length ${len} does not match its fields`)
  const timestamp = info.timestampType === TimestampType.LogAppendTime ? info.maxTimestamp : info.baseTimestamp + timestampDelta
  return { offset: info.baseOffset + offsetDelta, timestamp, key, value, headers }
}

/**
 * The records of a batch as positions rather than objects, for the start-up replay of the
 * internal topics, which skips most records unread. One walker serves batch after batch: reset()
 * moves it to a batch, each next() to that batch's following record, setting its offset and the
 * spans of its key and value (length -1 for null); headers are skipped. key() and value() are
 * views into the batch's buffer (or its decompressed copy). Throws RecordDecodeError as
 * decodeBatchRecords does.
 */
export class RecordSpans {
  attributes = 0
  /** The batch's producer id when it is transactional, else -1. */
  producerId = NO_PRODUCER_ID
  offset = -1
  keyStart = 0
  keyLength = -1
  valueStart = 0
  valueLength = -1
  private readonly r = new ByteReader(Buffer.alloc(0))
  private baseOffset = 0
  private left = 0

  /** Positions the walker before the first record of the batch at buf[pos]; returns the batch's size. */
  reset(buf: Buffer, pos = 0, opts: DecodeOptions = {}): number {
    const size = checkBatch(buf, pos, opts)
    const compression = getCompression(buf, pos)
    if (compression === Compression.none) this.r.reset(buf, pos + RECORDS_OFFSET, pos + size)
    else this.r.reset(decompressRecords(compression, buf.subarray(pos + RECORDS_OFFSET, pos + size), opts))
    this.attributes = getAttributes(buf, pos)
    this.producerId = (this.attributes & TRANSACTIONAL_FLAG_MASK) !== 0 ? readInt64(buf, pos + PRODUCER_ID_OFFSET) : NO_PRODUCER_ID
    this.baseOffset = readInt64(buf, pos + BASE_OFFSET_OFFSET)
    this.left = getRecordCount(buf, pos)
    this.offset = -1
    return size
  }

  next(): boolean {
    const r = this.r
    if (this.left === 0) {
      if (r.remaining !== 0) throw new RecordDecodeError('INVALID_RECORD', 'Incorrect declared batch size, records still remaining in file')
      return false
    }
    this.left--
    try {
      const len = r.varint()
      if (len < 0 || len > r.remaining) throw new RangeError(`record length ${len} with ${r.remaining} bytes left`)
      const end = r.pos + len
      r.int8() // attributes
      r.varlong() // timestamp delta
      this.offset = this.baseOffset + r.varint()
      this.keyLength = r.varint()
      if (this.keyLength < -1) throw new RangeError(`invalid key length ${this.keyLength}`)
      this.keyStart = r.pos
      if (this.keyLength > 0) r.pos += this.keyLength
      this.valueLength = r.varint()
      if (this.valueLength < -1) throw new RangeError(`invalid value length ${this.valueLength}`)
      this.valueStart = r.pos
      if (this.valueLength > 0) r.pos += this.valueLength
      if (r.pos > end) throw new RangeError(`record fields overrun its length ${len}`)
      r.pos = end
    } catch (err) {
      throw new RecordDecodeError('INVALID_RECORD', `Found invalid record structure: ${(err as Error).message}`, { cause: err })
    }
    return true
  }

  key(): Buffer | null {
    return this.keyLength < 0 ? null : this.r.buf.subarray(this.keyStart, this.keyStart + this.keyLength)
  }

  value(): Buffer | null {
    return this.valueLength < 0 ? null : this.r.buf.subarray(this.valueStart, this.valueStart + this.valueLength)
  }

  /** The key's bytes as a latin1 string: a map key for "the last record of this key". */
  keyString(): string {
    return this.r.buf.toString('latin1', this.keyStart, this.keyStart + Math.max(0, this.keyLength))
  }
}

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
