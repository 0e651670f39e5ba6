// CRC-32C (Castagnoli) for record batch v2 and CRC-32 (IEEE) for legacy message sets v0/v1.
// The native @node-rs/crc32 runs ~4x faster than a JS table (DESIGN.md) and is used on every
// produced batch; the table versions keep the broker working where the prebuilt binary is missing.

import { createRequire } from 'node:module'
import * as zlib from 'node:zlib'

type Crc32Fn = (input: Uint8Array, initialState?: number | null) => number

function makeTable(reversedPoly: number): Uint32Array {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ reversedPoly : c >>> 1
    table[n] = c >>> 0
  }
  return table
}

const CASTAGNOLI = makeTable(0x82f63b78)
const IEEE = makeTable(0xedb88320)

function tableCrc(table: Uint32Array, buf: Uint8Array, start: number, end: number): number {
  let crc = 0xffffffff
  for (let i = start; i < end; i++) crc = table[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

/** Pure-JS CRC-32C, exported so tests can check it against the native one. */
export function crc32cJs(buf: Uint8Array, start = 0, end = buf.length): number {
  return tableCrc(CASTAGNOLI, buf, start, end)
}

/** Pure-JS CRC-32 (IEEE), exported so tests can check it against zlib's. */
export function crc32IeeeJs(buf: Uint8Array, start = 0, end = buf.length): number {
  return tableCrc(IEEE, buf, start, end)
}

function loadNative(): Crc32Fn | null {
  try {
    const mod = createRequire(import.meta.url)('@node-rs/crc32') as { crc32c?: Crc32Fn }
    return typeof mod.crc32c === 'function' ? mod.crc32c : null
  } catch {
    return null
  }
}

const nativeCrc32c = loadNative()
// zlib.crc32 appeared in Node 20.15 / 22.2; engines allows any Node 20.
const zlibCrc32 = (zlib as { crc32?: Crc32Fn }).crc32

/** Which implementations are in use, for the start-up log line. */
export const crcImplementation = {
  crc32c: nativeCrc32c ? '@node-rs/crc32' : 'js',
  crc32Ieee: typeof zlibCrc32 === 'function' ? 'zlib' : 'js',
} as const

function checkRange(buf: Uint8Array, start: number, end: number): void {
  if (!(start >= 0 && start <= end && end <= buf.length)) {
    throw new RangeError(`CRC range [${start}, ${end}) is outside a buffer of ${buf.length} bytes`)
  }
}

/** CRC-32C of buf[start, end), unsigned. */
export function crc32c(buf: Buffer, start = 0, end = buf.length): number {
  checkRange(buf, start, end)
  if (nativeCrc32c === null) return tableCrc(CASTAGNOLI, buf, start, end)
  return nativeCrc32c(start === 0 && end === buf.length ? buf : buf.subarray(start, end), 0) >>> 0
}

/** CRC-32 (IEEE 802.3, zlib's) of buf[start, end), unsigned. */
export function crc32Ieee(buf: Buffer, start = 0, end = buf.length): number {
  checkRange(buf, start, end)
  if (typeof zlibCrc32 !== 'function') return tableCrc(IEEE, buf, start, end)
  return zlibCrc32(start === 0 && end === buf.length ? buf : buf.subarray(start, end), 0) >>> 0
}
