// Walking stored record batches by their headers: for reads, recovery and producer-state replay.
// Only the 61-byte batch header is looked at (and the CRC when validating); records stay opaque.

import { crc32c } from '../../protocol/crc32c.js'
import type { ByteFile } from './storage.js'
import type { BatchMeta } from './types.js'

export const HEADER_SIZE = 61
const LENGTH_END = 12 // BaseOffset i64 + BatchLength i32

// A signed 64-bit big-endian integer as a number, exact below 2^53 as offsets, timestamps and
// producer ids are; unlike Number(readBigInt64BE()) it allocates nothing, which matters in scans
// over every index entry and batch header at start-up.
export function int64At(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * 4294967296 + buf.readUInt32BE(at + 4)
}

export function metaAt(buf: Buffer, at: number, position: number): BatchMeta {
  const baseOffset = int64At(buf, at)
  const attributes = buf.readInt16BE(at + 21)
  return {
    position,
    size: LENGTH_END + buf.readInt32BE(at + 8),
    baseOffset,
    lastOffset: baseOffset + buf.readInt32BE(at + 23),
    maxTimestamp: int64At(buf, at + 35),
    producerId: int64At(buf, at + 43),
    producerEpoch: buf.readInt16BE(at + 51),
    baseSequence: buf.readInt32BE(at + 53),
    recordCount: buf.readInt32BE(at + 57),
    transactional: (attributes & 0x10) !== 0,
    control: (attributes & 0x20) !== 0,
  }
}

const WINDOW = 1024 * 1024
// The window scans read into: one buffer for the process, since a scan runs synchronously and
// visitors never keep it. Start-up scans every partition's tail, and a fresh buffer for each left
// freed memory behind in the allocator, so RSS rose with the number of partitions.
let scratch: Buffer | null = null

function readWindow(file: ByteFile, pos: number, size: number): Buffer {
  if (size > WINDOW) return file.read(pos, size)
  scratch ??= Buffer.allocUnsafeSlow(WINDOW)
  return scratch.subarray(0, file.readInto(scratch, pos))
}

// Visits every batch from `from`; stops at the end of the file or at the first batch that is torn
// or (with validate) fails its CRC. Returns where the valid data ends and why it stopped there.
// `buf` is valid only during the visit.
export function scanFile(file: ByteFile, from: number, validate: boolean, visit: (m: BatchMeta, buf: Buffer, at: number) => void): { end: number; reason: string | null } {
  let pos = from
  let window: Buffer = Buffer.alloc(0)
  let windowStart = pos
  while (pos < file.size) {
    if (pos + HEADER_SIZE > windowStart + window.length) {
      if (file.size - pos < HEADER_SIZE) return { end: pos, reason: 'incomplete batch header' }
      window = readWindow(file, pos, WINDOW)
      windowStart = pos
    }
    let at = pos - windowStart
    const size = LENGTH_END + window.readInt32BE(at + 8)
    if (size < HEADER_SIZE) return { end: pos, reason: `batch length ${size} is below the header size` }
    if (window[at + 16] !== 2) return { end: pos, reason: `unexpected magic ${window[at + 16]}` }
    if (pos + size > file.size) return { end: pos, reason: 'incomplete batch' }
    if (pos + size > windowStart + window.length) {
      window = readWindow(file, pos, Math.max(WINDOW, size))
      windowStart = pos
      at = 0
    }
    if (validate && window.readUInt32BE(at + 17) !== crc32c(window, at + 21, at + size)) {
      return { end: pos, reason: 'CRC mismatch' }
    }
    visit(metaAt(window, at, pos), window, at)
    pos += size
  }
  return { end: pos, reason: null }
}
