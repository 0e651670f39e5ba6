// Kafka's LogValidator for a produced record batch, as a client observes it: framing, magic, CRC,
// attributes, the producer-facing rules, timestamps (message.timestamp.* configs) and, on compacted
// topics, keys. Batches are checked by their header; records are walked only where a rule needs
// them (uncompressed framing; keys on compacted topics).

import { Compression } from '../compression.js'
import type { ErrorName } from '../errors.js'
import { ByteReader } from '../varint.js'
import {
  BASE_TIMESTAMP_OFFSET, BATCH_LENGTH_OFFSET, LOG_OVERHEAD, MAX_TIMESTAMP_OFFSET, MAGIC_V2, MIN_BATCH_LENGTH_ANY_MAGIC, NO_TIMESTAMP, RECORD_BATCH_OVERHEAD, RECORDS_OFFSET, TimestampType,
  computeCrc, getCompression, getCrc, getMagic, readBatchInfo, readInt64, type BatchInfo,
} from './batch.js'
import { RecordDecodeError, RecordSpans } from './records.js'

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

/** One rejected record (Kafka's RecordError): its index in the batch and why. */
export interface RecordError {
  batchIndex: number
  message: string
}

export interface ContentOptions {
  nowMs: number
  /** The topic's message.timestamp.type is LogAppendTime (timestamps are then not checked). */
  logAppendTime: boolean
  timestampBeforeMaxMs: number
  timestampAfterMaxMs: number
  /** Set on a compacted topic: every record needs a key; names the partition in the message. */
  compactedTopicPartition?: string
}

export type ContentResult = null | { error: 'INVALID_TIMESTAMP' | 'INVALID_RECORD' | 'CORRUPT_MESSAGE' | 'UNSUPPORTED_COMPRESSION_TYPE'; message: string; recordErrors: RecordError[] }

/**
 * Kafka's LogValidator checks on what a batch holds, run by the log on a client append after the
 * framing checks above: CreateTime timestamps within message.timestamp.{before,after}.max.ms of
 * the broker clock (checked on the batch's first and largest timestamps, which bound every
 * record's, so records are not decoded for it), and on compacted topics a key on every record
 * (validateKey), reported per record as Kafka's RecordErrors.
 */
export function validateRecordContents(buf: Buffer, at: number, opts: ContentOptions): ContentResult {
  if (!opts.logAppendTime) {
    const base = readInt64(buf, at + BASE_TIMESTAMP_OFFSET)
    const max = readInt64(buf, at + MAX_TIMESTAMP_OFFSET)
    if (max > opts.nowMs + opts.timestampAfterMaxMs || (base >= 0 && base < opts.nowMs - opts.timestampBeforeMaxMs)) {
      const ts = max > opts.nowMs + opts.timestampAfterMaxMs ? max : base
      const message = `Timestamp ${ts} of message is out of range. The timestamp should be within [${opts.nowMs - opts.timestampBeforeMaxMs}, ${opts.nowMs + opts.timestampAfterMaxMs}]`
      return { error: 'INVALID_TIMESTAMP', message: 'One or more records have been rejected due to invalid timestamp', recordErrors: [{ batchIndex: 0, message }] }
    }
  }
  if (opts.compactedTopicPartition === undefined) return null
  const recordErrors: RecordError[] = []
  const spans = new RecordSpans()
  try {
    spans.reset(buf, at, { verifyCrc: false })
    for (let i = 0; spans.next(); i++) {
      if (spans.keyLength < 0) recordErrors.push({ batchIndex: i, message: `Compacted topic cannot accept message without key in topic partition ${opts.compactedTopicPartition}.` })
    }
  } catch (err) {
    if (!(err instanceof RecordDecodeError)) throw err
    return { error: err.code, message: err.message, recordErrors: [] }
  }
  if (recordErrors.length === 0) return null
  // LogValidator.processRecordErrors: the first three, formatted as Java's RecordError.toString.
  const shown = recordErrors.slice(0, 3).map((e) => `RecordError(batchIndex=${e.batchIndex}, message='${e.message}')`).join(', ')
  return { error: 'INVALID_RECORD', message: `One or more records have been rejected due to ${recordErrors.length} record errors in total, and only showing the first three errors at most: [${shown}]`, recordErrors }
}
