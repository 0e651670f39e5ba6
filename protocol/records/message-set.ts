// Legacy message sets (magic 0 and 1), which Produce v0-2 carries. Rivulet stores only magic 2,
// so these are up-converted on arrival the way Kafka 3.x's LogValidator did for a v2 log
// (Kafka 4 refuses Produce v0-2, KIP-896; old librdkafka still needs them, see PROTOCOL-NOTES.md):
//   - one v2 batch per request, offsets 0..n-1 (the broker assigns real offsets; the inner
//     offsets legacy producers write are ignored, as Kafka's convertAndAssignOffsets did);
//   - the producer's codec is kept (compression.type=producer, Kafka's default), re-encoded;
//   - magic 0 has no timestamp: records keep NO_TIMESTAMP (-1) unless the topic uses
//     LogAppendTime, exactly what Kafka's MemoryRecordsBuilder wrote on up-conversion;
//   - producer id/epoch/sequence are "none": idempotence needs magic 2.
//
// Layout of one entry: Offset i64 | Size i32 | CRC u32 (IEEE, Magic..end) | Magic i8 |
// Attributes i8 (bits 0-2 codec, bit 3 LogAppendTime in v1) | [Timestamp i64, v1] |
// Key (i32 length, -1 null) | Value (i32 length, -1 null). A compressed entry is a wrapper whose
// value is the compressed inner message set.

import { crc32Ieee } from '../crc32c.js'
import { Compression, CompressionError, compress, decompress, xxh32 } from '../compression.js'
import { readInt64, setLogAppendTime, writeInt64, NO_TIMESTAMP } from './batch.js'
import { buildBatch } from './builder.js'
import type { AppendErrorName } from './validate.js'

const OFFSET_SIZE = 8
const LOG_OVERHEAD = 12
const CRC_AT = 12 // from the entry start
const MAGIC_AT = 16
const RECORD_OVERHEAD_V0 = 14 // CRC, magic, attributes, key and value lengths
const RECORD_OVERHEAD_V1 = 22 // plus the timestamp
const TIMESTAMP_TYPE_MASK = 0x08
/** Bound on one wrapper's decompressed inner set; Kafka has none, but a legacy produce request
 * is at most message.max.bytes (1 MiB by default) compressed. */
const DEFAULT_MAX_INNER = 64 * 1024 * 1024

export type LegacyConversionResult =
  | { ok: true; batch: Buffer; recordCount: number }
  | { ok: false; error: AppendErrorName; message: string }

export interface ConvertOptions {
  /** The topic's message.timestamp.type is LogAppendTime: stamp the batch with nowMs. */
  logAppendTime?: boolean
  /** Limit on a wrapper's decompressed inner set (default 64 MiB). */
  maxDecompressedBytes?: number
}

interface LegacyEntry {
  magic: number
  codec: number
  logAppendTime: boolean
  timestamp: number
  key: Buffer | null
  value: Buffer | null
}

class LegacyError extends Error {
  constructor(
    readonly error: AppendErrorName,
    message: string,
  ) {
    super(message)
  }
}

/** True when buf starts with a magic 0/1 entry (the magic byte sits where v2 batches keep theirs). */
export function isLegacyMessageSet(buf: Buffer): boolean {
  return buf.length > MAGIC_AT && (buf[MAGIC_AT] === 0 || buf[MAGIC_AT] === 1)
}

// Parses every entry of [start, end). A torn last entry is refused, consistently with
// validateRecordsForAppend (Kafka silently dropped it).
function parseEntries(buf: Buffer, start: number, end: number, what: string): LegacyEntry[] {
  const entries: LegacyEntry[] = []
  let pos = start
  while (pos < end) {
    if (end - pos < LOG_OVERHEAD) throw new LegacyError('CORRUPT_MESSAGE', `${end - pos} trailing bytes in the ${what} do not form a message`)
    const size = buf.readInt32BE(pos + OFFSET_SIZE)
    if (size < RECORD_OVERHEAD_V0) throw new LegacyError('CORRUPT_MESSAGE', `Record size ${size} is less than the minimum record overhead (${RECORD_OVERHEAD_V0})`)
    const msgEnd = pos + LOG_OVERHEAD + size
    if (msgEnd > end) throw new LegacyError('CORRUPT_MESSAGE', `the last message of the ${what} is incomplete`)
    entries.push(parseEntry(buf, pos, msgEnd))
    pos = msgEnd
  }
  return entries
}

function parseEntry(buf: Buffer, pos: number, end: number): LegacyEntry {
  const magic = buf.readInt8(pos + MAGIC_AT)
  if (magic < 0 || magic > 1) throw new LegacyError(magic === 2 ? 'INVALID_RECORD' : 'CORRUPT_MESSAGE', `unexpected magic ${magic} in a legacy message set`)
  if (end - pos - LOG_OVERHEAD < (magic === 0 ? RECORD_OVERHEAD_V0 : RECORD_OVERHEAD_V1)) {
    throw new LegacyError('CORRUPT_MESSAGE', `message of magic ${magic} is shorter than its header`)
  }
  // LegacyRecord.ensureValid: CRC-32 (IEEE) from the magic byte to the end.
  const stored = buf.readUInt32BE(pos + CRC_AT)
  const computed = crc32Ieee(buf, pos + MAGIC_AT, end)
  if (stored !== computed) throw new LegacyError('CORRUPT_MESSAGE', `Record is corrupt (stored crc = ${stored}, computed crc = ${computed})`)
  const attributes = buf[pos + MAGIC_AT + 1]!
  let p = pos + MAGIC_AT + 2
  let timestamp = NO_TIMESTAMP
  if (magic === 1) {
    timestamp = readInt64(buf, p)
    if (Number.isNaN(timestamp)) throw new LegacyError('INVALID_TIMESTAMP', 'message timestamp is outside the range this broker accepts')
    p += 8
  }
  const readBytes = (what: string): Buffer | null => {
    if (p + 4 > end) throw new LegacyError('CORRUPT_MESSAGE', `truncated ${what} length`)
    const len = buf.readInt32BE(p)
    p += 4
    if (len === -1) return null
    if (len < 0 || p + len > end) throw new LegacyError('CORRUPT_MESSAGE', `${what} of ${len} bytes overruns its message`)
    p += len
    return buf.subarray(p - len, p)
  }
  const key = readBytes('key')
  const value = readBytes('value')
  if (p !== end) throw new LegacyError('CORRUPT_MESSAGE', `${end - p} bytes after the value of a message`)
  return { magic, codec: attributes & 0x07, logAppendTime: magic === 1 && (attributes & TIMESTAMP_TYPE_MASK) !== 0, timestamp, key, value }
}

// LogValidator.validateMessagesAndAssignOffsetsCompressed: unwraps the one wrapper message.
function unwrap(wrapper: LegacyEntry, maxInner: number): LegacyEntry[] {
  if (wrapper.codec > Compression.lz4) {
    throw new LegacyError('UNSUPPORTED_COMPRESSION_TYPE', `compression codec ${wrapper.codec} is not allowed with message format v${wrapper.magic}`)
  }
  if (wrapper.value === null) throw new LegacyError('INVALID_RECORD', 'compressed wrapper message has a null value')
  let inner: Buffer
  try {
    // KAFKA-3160: magic 0 LZ4 frames carry a header checksum computed over the magic bytes too;
    // Kafka ignores that checksum for magic 0 and so do we.
    inner = decompress(wrapper.codec, wrapper.value, { maxOutput: maxInner, lz4IgnoreHeaderChecksum: wrapper.magic === 0 })
  } catch (err) {
    const tooLarge = err instanceof CompressionError && err.code === 'OUTPUT_TOO_LARGE'
    throw new LegacyError(tooLarge ? 'MESSAGE_TOO_LARGE' : 'CORRUPT_MESSAGE', `cannot decompress the wrapper message: ${(err as Error).message}`)
  }
  const entries = parseEntries(inner, 0, inner.length, 'compressed message set')
  if (entries.length === 0) throw new LegacyError('INVALID_RECORD', 'compressed wrapper message holds no messages')
  for (const e of entries) {
    if (e.magic !== wrapper.magic) throw new LegacyError('INVALID_RECORD', `Record's magic ${e.magic} does not match outer magic ${wrapper.magic}`)
    if (e.codec !== Compression.none) throw new LegacyError('INVALID_RECORD', 'Compressed outer record should not have an inner record with a compression attribute set')
    // AbstractLegacyRecordBatch: inner records of a v1 LogAppendTime wrapper take its timestamp.
    if (wrapper.logAppendTime) e.timestamp = wrapper.timestamp
  }
  return entries
}

/**
 * Up-converts the `records` of a Produce v0-2 partition to one magic 2 batch. nowMs is Kafka's
 * logAppendTime and is used only when opts.logAppendTime is set.
 */
export function convertLegacyToBatch(buf: Buffer, nowMs: number, opts: ConvertOptions = {}): LegacyConversionResult {
  try {
    const outer = parseEntries(buf, 0, buf.length, 'message set')
    // LogValidator.getFirstBatchAndMaybeValidateNoMoreBatches: "Record batch has no batches at all".
    if (outer.length === 0) return { ok: false, error: 'INVALID_RECORD', message: 'Produce request has no messages' }
    const magic = outer[0]!.magic
    let codec: number = Compression.none
    for (const e of outer) {
      // LogValidator.validateBatch: every batch must have the first batch's magic.
      if (e.magic !== magic) return { ok: false, error: 'INVALID_RECORD', message: `Batch magic ${e.magic} is not the same as the first batch's magic byte ${magic}` }
      if (e.codec !== Compression.none) codec = e.codec
    }
    let entries = outer
    if (codec !== Compression.none) {
      // A compressed legacy set is exactly one wrapper: "Compressed outer record has more than one batch".
      if (outer.length !== 1) return { ok: false, error: 'INVALID_RECORD', message: 'Compressed outer record has more than one batch' }
      entries = unwrap(outer[0]!, opts.maxDecompressedBytes ?? DEFAULT_MAX_INNER)
    }
    const batch = buildBatch({
      records: entries.map((e) => ({ key: e.key, value: e.value, timestamp: e.timestamp })),
      compression: codec,
    })
    if (opts.logAppendTime === true) setLogAppendTime(batch, 0, nowMs)
    return { ok: true, batch, recordCount: entries.length }
  } catch (err) {
    if (err instanceof LegacyError) return { ok: false, error: err.error, message: err.message }
    throw err
  }
}

// ---- building legacy sets (tests, and a Produce v0-2 compatibility fixture) ----

export interface LegacyMessage {
  key: Buffer | string | null
  value: Buffer | string | null
  /** Magic 1 only; defaults to 0. */
  timestamp?: number
}

export interface LegacyMessageSetOptions {
  magic: 0 | 1
  messages: LegacyMessage[]
  compression?: number
  /** Snappy framing of the wrapper value; the Java client wrote xerial. */
  snappyFraming?: 'raw' | 'xerial'
  /** Write the LZ4 header checksum the pre-0.10 way (KAFKA-3160). */
  brokenLz4HeaderChecksum?: boolean
}

function encodeEntry(offset: number, magic: number, attributes: number, timestamp: number, key: Buffer | null, value: Buffer | null): Buffer {
  const size = (magic === 0 ? RECORD_OVERHEAD_V0 : RECORD_OVERHEAD_V1) + (key?.length ?? 0) + (value?.length ?? 0)
  const out = Buffer.alloc(LOG_OVERHEAD + size)
  writeInt64(out, 0, offset)
  out.writeInt32BE(size, OFFSET_SIZE)
  out.writeInt8(magic, MAGIC_AT)
  out.writeInt8(attributes, MAGIC_AT + 1)
  let p = MAGIC_AT + 2
  if (magic === 1) {
    writeInt64(out, p, timestamp)
    p += 8
  }
  for (const b of [key, value]) {
    out.writeInt32BE(b === null ? -1 : b.length, p)
    p += 4 + (b === null ? 0 : b.copy(out, p + 4))
  }
  out.writeUInt32BE(crc32Ieee(out, MAGIC_AT, out.length), CRC_AT)
  return out
}

const toBytes = (v: Buffer | string | null): Buffer | null => (typeof v === 'string' ? Buffer.from(v) : v)

/** Builds a message set as a Produce v0-2 client would: inner offsets 0..n-1, the wrapper at n-1. */
export function buildLegacyMessageSet(opts: LegacyMessageSetOptions): Buffer {
  const { magic } = opts
  const codec = opts.compression ?? Compression.none
  const entries = opts.messages.map((m, i) => encodeEntry(i, magic, 0, m.timestamp ?? 0, toBytes(m.key), toBytes(m.value)))
  if (codec === Compression.none) return Buffer.concat(entries)
  let value = compress(codec, Buffer.concat(entries), { snappyFraming: opts.snappyFraming ?? 'xerial' })
  if (codec === Compression.lz4 && opts.brokenLz4HeaderChecksum === true) {
    value = Buffer.from(value)
    const descEnd = 6 + ((value[4]! & 0x08) !== 0 ? 8 : 0) + ((value[4]! & 0x01) !== 0 ? 4 : 0)
    value[descEnd] = (xxh32(value, 0, descEnd) >>> 8) & 0xff
  }
  const maxTimestamp = Math.max(0, ...opts.messages.map((m) => m.timestamp ?? 0))
  return encodeEntry(opts.messages.length - 1, magic, codec, maxTimestamp, null, value)
}
