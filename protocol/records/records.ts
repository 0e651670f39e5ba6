// The records inside a v2 batch: Kafka's DefaultRecord codec. Not on the produce/fetch path: used
// where a feature needs records (compaction, coordinator replay, ListOffsets by time, the console).

import { Compression, CompressionError, decompress, type DecompressOptions } from '../compression.js'
import { ByteReader } from '../varint.js'
import {
  MAGIC_V2, NO_PRODUCER_ID, RECORD_BATCH_OVERHEAD, RECORDS_OFFSET, TimestampType, TRANSACTIONAL_FLAG_MASK, BASE_OFFSET_OFFSET, PRODUCER_ID_OFFSET,
  computeCrc, getAttributes, getBatchSize, getCompression, getCrc, getMagic, getRecordCount, readBatchInfo, readInt64, type BatchInfo,
} from './batch.js'

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
