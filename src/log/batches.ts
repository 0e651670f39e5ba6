// Walking stored record batches by their headers: for reads, recovery and producer-state replay.
// Only the batch header is looked at (and the CRC when validating), through protocol/records;
// records stay opaque.

import { RECORD_BATCH_OVERHEAD as HEADER_SIZE, MAGIC_V2, batchSizeAt, computeCrc, getCrc, getMagic, readHeader } from '../../protocol/records/index.js'
import type { ByteFile } from './storage.js'
import type { BatchMeta } from './types.js'

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
// or (with validate) fails its CRC, or at the first batch boundary `limit` bytes past `from` (so a
// long scan can be done in slices). Returns where it stopped and why (null: the end or the limit).
// `buf` is valid only during the visit.
export function scanFile(file: ByteFile, from: number, validate: boolean, visit: (m: BatchMeta, buf: Buffer, at: number) => void, limit = Infinity): { end: number; reason: string | null } {
  let pos = from
  let window: Buffer = Buffer.alloc(0)
  let windowStart = pos
  while (pos < file.size && pos - from < limit) {
    if (pos + HEADER_SIZE > windowStart + window.length) {
      if (file.size - pos < HEADER_SIZE) return { end: pos, reason: 'incomplete batch header' }
      window = readWindow(file, pos, WINDOW)
      windowStart = pos
    }
    let at = pos - windowStart
    const size = batchSizeAt(window, at)
    if (size < HEADER_SIZE) return { end: pos, reason: `batch length ${size} is below the header size` }
    if (getMagic(window, at) !== MAGIC_V2) return { end: pos, reason: `unexpected magic ${getMagic(window, at)}` }
    if (pos + size > file.size) return { end: pos, reason: 'incomplete batch' }
    if (pos + size > windowStart + window.length) {
      window = readWindow(file, pos, Math.max(WINDOW, size))
      windowStart = pos
      at = 0
    }
    if (validate && getCrc(window, at) !== computeCrc(window, at)) {
      return { end: pos, reason: 'CRC mismatch' }
    }
    visit(readHeader(window, at, pos), window, at)
    pos += size
  }
  return { end: pos, reason: null }
}
