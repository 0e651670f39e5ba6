// Rewriting a stored batch with some of its records removed: what the log cleaner writes (Kafka's
// MemoryRecords.filterTo for one v2 batch). The batch keeps its base offset and last offset delta
// (so offsets, the log end and producer sequences do not move), its producer fields, timestamp
// type, leader epoch and codec; retained records are copied as they are stored (their offset and
// timestamp deltas stay valid against the same base), re-encoded only when the delete horizon
// moves the base timestamp (KIP-534).

import { Compression, compress, decompress } from '../compression.js'
import { ByteReader, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from '../varint.js'
import {
  ATTRIBUTES_OFFSET, BASE_TIMESTAMP_OFFSET, BATCH_LENGTH_OFFSET, CRC_OFFSET, LOG_OVERHEAD, MAX_TIMESTAMP_OFFSET, RECORD_COUNT_OFFSET, RECORDS_OFFSET,
  TIMESTAMP_TYPE_MASK, computeCrc, getBatchSize, getCompression, getRecordCount, int64At, writeInt64,
} from './batch.js'

/** Kafka's DefaultRecordBatch.DELETE_HORIZON_FLAG_MASK: BaseTimestamp holds the delete horizon. */
export const DELETE_HORIZON_FLAG_MASK = 0x40

/** The delete horizon of the batch at buf[at] (KIP-534), or -1 when it has none. */
export function deleteHorizonOf(buf: Buffer, at: number): number {
  return (buf[at + ATTRIBUTES_OFFSET + 1]! & DELETE_HORIZON_FLAG_MASK) !== 0 ? int64At(buf, at + BASE_TIMESTAMP_OFFSET) : -1
}

interface Slice {
  start: number
  end: number
  attributes: number
  timestampDelta: number
  deltaEnd: number // where the record's fields after the timestamp delta begin
}

// The records section of a batch, decompressed, and the span of each record in it.
function recordSlices(batch: Buffer): { body: Buffer; slices: Slice[] } {
  const size = getBatchSize(batch, 0)
  const codec = getCompression(batch, 0)
  const raw = batch.subarray(RECORDS_OFFSET, size)
  const body = codec === Compression.none ? raw : decompress(codec, raw)
  const slices: Slice[] = []
  const r = new ByteReader(body)
  const count = getRecordCount(batch, 0)
  for (let i = 0; i < count; i++) {
    const start = r.pos
    const len = r.varint()
    const end = r.pos + len
    const attributes = r.int8()
    const timestampDelta = r.varlong()
    slices.push({ start, end, attributes, timestampDelta, deltaEnd: r.pos })
    r.pos = end
  }
  return { body, slices }
}

export interface FilterOptions {
  /** Set the delete horizon (KIP-534) to this time; -1 keeps the batch's own (or none). */
  deleteHorizonMs?: number
  /**
   * Where the new batch is written: a buffer of exactly `size` bytes, which the caller may reuse
   * once it is done with the result (the log cleaner writes it out at once: a fresh buffer per
   * batch left tens of MB of garbage outside V8's heap, which it collects late).
   */
  alloc?: (size: number) => Buffer
}

/**
 * The batch at batch[0] with only the records whose index `keep` accepts (at least one), or with
 * a new delete horizon. MaxTimestamp becomes the largest retained timestamp (CreateTime batches);
 * a LogAppendTime batch keeps its own, which every record reports.
 */
export function filterBatch(batch: Buffer, keep: (index: number) => boolean, o: FilterOptions = {}): Buffer {
  const { body, slices } = recordSlices(batch)
  const oldBase = int64At(batch, BASE_TIMESTAMP_OFFSET)
  const horizon = o.deleteHorizonMs ?? -1
  const newBase = horizon >= 0 ? horizon : oldBase
  const shift = oldBase - newBase
  const kept: Slice[] = []
  for (let i = 0; i < slices.length; i++) if (keep(i)) kept.push(slices[i]!)
  if (kept.length === 0) throw new RangeError('filterBatch keeps at least one record: use emptyBatchOf')
  let total = 0
  for (const s of kept) total += shift === 0 ? s.end - s.start : recordSizeWithDelta(s, s.timestampDelta + shift)
  const codec = getCompression(batch, 0)
  const alloc = o.alloc ?? Buffer.allocUnsafe
  // Uncompressed, the records are written in place after the header; else compressed from `out`.
  const direct = codec === Compression.none ? alloc(RECORDS_OFFSET + total) : null
  const out = direct ? direct.subarray(RECORDS_OFFSET) : Buffer.allocUnsafe(total)
  let pos = 0
  let maxTimestamp = -1
  for (const s of kept) {
    const ts = oldBase + s.timestampDelta
    if (ts > maxTimestamp) maxTimestamp = ts
    if (shift === 0) {
      pos += body.copy(out, pos, s.start, s.end)
      continue
    }
    const delta = s.timestampDelta + shift
    const rest = body.subarray(s.deltaEnd, s.end)
    pos = writeVarint(out, pos, 1 + sizeOfVarlong(delta) + rest.length)
    out.writeInt8(s.attributes, pos++)
    pos = writeVarlong(out, pos, delta)
    pos += rest.copy(out, pos)
  }
  let result = direct
  if (!result) {
    const records = compress(codec, out)
    result = alloc(RECORDS_OFFSET + records.length)
    records.copy(result, RECORDS_OFFSET)
  }
  batch.copy(result, 0, 0, RECORDS_OFFSET)
  result.writeInt32BE(result.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET)
  result.writeInt32BE(kept.length, RECORD_COUNT_OFFSET)
  if (horizon >= 0) {
    result[ATTRIBUTES_OFFSET + 1] = result[ATTRIBUTES_OFFSET + 1]! | DELETE_HORIZON_FLAG_MASK
    writeInt64(result, BASE_TIMESTAMP_OFFSET, newBase)
  }
  if ((result[ATTRIBUTES_OFFSET + 1]! & TIMESTAMP_TYPE_MASK) === 0) writeInt64(result, MAX_TIMESTAMP_OFFSET, maxTimestamp)
  result.writeUInt32BE(computeCrc(result, 0), CRC_OFFSET)
  return result
}

function recordSizeWithDelta(s: Slice, delta: number): number {
  const bodyLen = 1 + sizeOfVarlong(delta) + (s.end - s.deltaEnd)
  return sizeOfVarint(bodyLen) + bodyLen
}

/**
 * Kafka's DefaultRecordBatch.writeEmptyHeader (BatchRetention.RETAIN_EMPTY): a batch with no
 * records that keeps the original's offsets, producer id, epoch and sequences, so that the last
 * batch of an idempotent producer survives cleaning and its next sequence stays valid.
 */
export function emptyBatchOf(batch: Buffer): Buffer {
  const result = Buffer.alloc(RECORDS_OFFSET)
  batch.copy(result, 0, 0, RECORDS_OFFSET)
  result.writeInt32BE(RECORDS_OFFSET - LOG_OVERHEAD, BATCH_LENGTH_OFFSET)
  result.writeInt32BE(0, RECORD_COUNT_OFFSET)
  // No records: no codec and no delete horizon; both timestamps are the batch's largest.
  result[ATTRIBUTES_OFFSET + 1] = result[ATTRIBUTES_OFFSET + 1]! & ~(0x07 | DELETE_HORIZON_FLAG_MASK)
  result.copy(result, BASE_TIMESTAMP_OFFSET, MAX_TIMESTAMP_OFFSET, MAX_TIMESTAMP_OFFSET + 8)
  result.writeUInt32BE(computeCrc(result, 0), CRC_OFFSET)
  return result
}
