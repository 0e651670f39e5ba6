// The five codecs of Kafka's record attributes (bits 0-2), as synchronous Buffer -> Buffer calls.
// Decompression is bounded by `maxOutput` before the output is allocated wherever the format
// declares sizes (snappy preambles, LZ4 block headers, zstd frame headers, zlib's own limit), so a
// small produce request cannot make the broker allocate gigabytes. Native modules load lazily:
// a missing prebuilt binary disables one codec (CODEC_UNAVAILABLE) instead of the whole broker.

import { createRequire } from 'node:module'
import * as zlib from 'node:zlib'
import type * as SnappyModule from 'snappy'
import type * as Lz4Module from 'lz4-napi'
import type * as ZstdModule from '@toondepauw/node-zstd'

export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const
export type CompressionCodec = (typeof Compression)[keyof typeof Compression]
export const compressionNames: readonly string[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

export type CompressionErrorCode = 'UNKNOWN_CODEC' | 'CODEC_UNAVAILABLE' | 'CORRUPT_INPUT' | 'OUTPUT_TOO_LARGE'

export class CompressionError extends Error {
  constructor(
    readonly code: CompressionErrorCode,
    readonly codec: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${compressionNames[codec] ?? `codec ${codec}`}: ${message}`, options)
    this.name = 'CompressionError'
  }
}

export const DEFAULT_MAX_OUTPUT = 256 * 1024 * 1024

export interface CompressOptions {
  /** Snappy framing: raw blocks (librdkafka, franz-go, kafkajs-snappy) or xerial (Java, sarama). */
  snappyFraming?: 'raw' | 'xerial'
  /** gzip and zstd level; Kafka's defaults (compression.gzip.level 6, compression.zstd.level 3). */
  level?: number
}

export interface DecompressOptions {
  maxOutput?: number
  /** KAFKA-3160: Kafka < 0.10 and clients of that era computed the LZ4 frame header checksum
   * over the magic bytes too. Kafka ignores that checksum for magic 0 message sets; so do we. */
  lz4IgnoreHeaderChecksum?: boolean
}

const requireNative = createRequire(import.meta.url)
const loaded = new Map<string, unknown>()

function native<T>(name: string, codec: number): T {
  if (!loaded.has(name)) {
    try {
      loaded.set(name, requireNative(name))
    } catch (err) {
      loaded.set(name, err instanceof Error ? err : new Error(String(err)))
    }
  }
  const mod = loaded.get(name)
  if (mod instanceof Error) throw new CompressionError('CODEC_UNAVAILABLE', codec, `cannot load ${name}`, { cause: mod })
  return mod as T
}

function corrupt(codec: number, message: string, cause?: unknown): CompressionError {
  return new CompressionError('CORRUPT_INPUT', codec, message, cause === undefined ? undefined : { cause })
}

function tooLarge(codec: number, size: number | null, max: number): CompressionError {
  const what = size === null ? 'output' : `output of ${size} bytes`
  return new CompressionError('OUTPUT_TOO_LARGE', codec, `${what} exceeds the limit of ${max} bytes`)
}

export function compress(codec: number, data: Buffer, opts: CompressOptions = {}): Buffer {
  switch (codec) {
    case Compression.none:
      return data
    case Compression.gzip:
      return zlib.gzipSync(data, { level: opts.level ?? 6 })
    case Compression.snappy:
      return opts.snappyFraming === 'xerial' ? snappyXerialEncode(data) : snappyRaw().compressSync(data, { copyOutputData: true })
    case Compression.lz4:
      // lz4_flex's frame defaults: independent blocks, no checksums, which Kafka's Java reader requires.
      return native<typeof Lz4Module>('lz4-napi', codec).compressFrameSync(data)
    case Compression.zstd:
      return zstdEncode(data, opts.level ?? 3)
    default:
      throw new CompressionError('UNKNOWN_CODEC', codec, 'unknown compression codec')
  }
}

export function decompress(codec: number, data: Buffer, opts: DecompressOptions = {}): Buffer {
  const max = opts.maxOutput ?? DEFAULT_MAX_OUTPUT
  switch (codec) {
    case Compression.none:
      if (data.length > max) throw tooLarge(codec, data.length, max)
      return data
    case Compression.gzip:
      return gunzip(data, max)
    case Compression.snappy:
      return isXerial(data) ? snappyXerialDecode(data, max) : snappyRawDecode(data, max)
    case Compression.lz4:
      return lz4Decode(data, max, opts.lz4IgnoreHeaderChecksum === true)
    case Compression.zstd:
      return zstdDecode(data, max)
    default:
      throw new CompressionError('UNKNOWN_CODEC', codec, 'unknown compression codec')
  }
}

function gunzip(data: Buffer, max: number): Buffer {
  try {
    return zlib.gunzipSync(data, { maxOutputLength: max })
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(Compression.gzip, null, max)
    throw corrupt(Compression.gzip, (err as Error).message, err)
  }
}

// ---- snappy ----

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const XERIAL_HEADER_SIZE = 16 // magic, version i32, compatible version i32
const XERIAL_BLOCK = 32 * 1024 // snappy-java's default block size

function snappyRaw(): typeof SnappyModule {
  return native<typeof SnappyModule>('snappy', Compression.snappy)
}

// A raw block that happens to start with the xerial magic would be misread; Java's
// SnappyInputStream and go-xerial-snappy sniff the same way, so producers cannot rely on it either.
function isXerial(data: Buffer): boolean {
  return data.length >= XERIAL_MAGIC.length && data.compare(XERIAL_MAGIC, 0, 8, 0, 8) === 0
}

/** The uncompressed length a raw snappy block declares (its varint preamble), or -1. */
function snappyDeclaredLength(data: Buffer, start: number, end: number): number {
  let len = 0
  for (let i = 0, scale = 1; i < 5 && start + i < end; i++, scale *= 128) {
    const b = data[start + i]!
    len += (b & 0x7f) * scale
    if ((b & 0x80) === 0) return len <= 0xffffffff ? len : -1
  }
  return -1
}

function snappyBlock(block: Buffer, budget: number, max: number): Buffer {
  const declared = snappyDeclaredLength(block, 0, block.length)
  if (declared < 0) throw corrupt(Compression.snappy, 'bad uncompressed-length preamble')
  if (declared > budget) throw tooLarge(Compression.snappy, max - budget + declared, max)
  try {
    return snappyRaw().uncompressSync(block, { asBuffer: true, copyOutputData: true }) as Buffer
  } catch (err) {
    if (err instanceof CompressionError) throw err
    throw corrupt(Compression.snappy, (err as Error).message, err)
  }
}

function snappyRawDecode(data: Buffer, max: number): Buffer {
  return snappyBlock(data, max, max)
}

function snappyXerialDecode(data: Buffer, max: number): Buffer {
  if (data.length < XERIAL_HEADER_SIZE) throw corrupt(Compression.snappy, 'truncated xerial header')
  const parts: Buffer[] = []
  let total = 0
  let pos = XERIAL_HEADER_SIZE
  while (pos < data.length) {
    if (pos + 4 > data.length) throw corrupt(Compression.snappy, `truncated xerial chunk length at ${pos}`)
    const len = data.readInt32BE(pos)
    pos += 4
    if (len < 0 || pos + len > data.length) throw corrupt(Compression.snappy, `xerial chunk of ${len} bytes at ${pos - 4} overruns the input`)
    const part = snappyBlock(data.subarray(pos, pos + len), max - total, max)
    total += part.length
    parts.push(part)
    pos += len
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total)
}

function snappyXerialEncode(data: Buffer): Buffer {
  const s = snappyRaw()
  const parts: Buffer[] = [XERIAL_MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])]
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK) {
    const block = s.compressSync(data.subarray(pos, pos + XERIAL_BLOCK), { copyOutputData: true })
    const len = Buffer.allocUnsafe(4)
    len.writeInt32BE(block.length, 0)
    parts.push(len, block)
  }
  return Buffer.concat(parts)
}

// ---- LZ4 frame format (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md) ----

const LZ4_MAGIC = 0x184d2204
const LZ4_SKIPPABLE_MASK = 0xfffffff0
const LZ4_SKIPPABLE = 0x184d2a50

/** XXH32, needed for the LZ4 frame header checksum (second byte of the hash). */
export function xxh32(buf: Uint8Array, start: number, end: number, seed = 0): number {
  const P1 = 0x9e3779b1
  const P2 = 0x85ebca77
  const P3 = 0xc2b2ae3d
  const P4 = 0x27d4eb2f
  const P5 = 0x165667b1
  const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r))
  const u32 = (i: number): number => (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24)) >>> 0
  let i = start
  let h: number
  if (end - start >= 16) {
    let v1 = (seed + P1 + P2) | 0
    let v2 = (seed + P2) | 0
    let v3 = seed | 0
    let v4 = (seed - P1) | 0
    for (; i + 16 <= end; i += 16) {
      v1 = Math.imul(rotl((v1 + Math.imul(u32(i), P2)) | 0, 13), P1)
      v2 = Math.imul(rotl((v2 + Math.imul(u32(i + 4), P2)) | 0, 13), P1)
      v3 = Math.imul(rotl((v3 + Math.imul(u32(i + 8), P2)) | 0, 13), P1)
      v4 = Math.imul(rotl((v4 + Math.imul(u32(i + 12), P2)) | 0, 13), P1)
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0
  } else {
    h = (seed + P5) | 0
  }
  h = (h + (end - start)) | 0
  for (; i + 4 <= end; i += 4) h = Math.imul(rotl((h + Math.imul(u32(i), P3)) | 0, 17), P4)
  for (; i < end; i++) h = Math.imul(rotl((h + Math.imul(buf[i]!, P5)) | 0, 11), P1)
  h = Math.imul(h ^ (h >>> 15), P2)
  h = Math.imul(h ^ (h >>> 13), P3)
  return (h ^ (h >>> 16)) >>> 0
}

// Both frame formats allow skippable frames (magic 0x184D2A50 to 0x184D2A5F in both, then a
// 4-byte length): the position after one at `pos`, or 0 when `magic` is not one.
function skipSkippable(data: Buffer, pos: number, magic: number, skippable: number, fail: (msg: string) => CompressionError): number {
  if ((magic & LZ4_SKIPPABLE_MASK) >>> 0 !== skippable) return 0
  if (pos + 8 > data.length) throw fail('truncated skippable frame')
  const next = pos + 8 + data.readUInt32LE(pos + 4)
  if (next > data.length) throw fail('truncated skippable frame')
  return next
}

interface Lz4Scan {
  bound: number // upper bound of the decompressed size
  maxBlock: number // the largest block size any frame declares
  badHeaderChecksums: { descriptor: number; hc: number }[] // frames whose HC byte does not match
}

// Walks every frame's header and block headers without decompressing, so the output size is
// bounded before lz4-napi allocates it. A compressed block expands at most 255:1 in LZ4, and to at
// most the frame's block size. Encoders (Kafka's Java, librdkafka, the CLI) fill every block but
// the last, so the bound overshoots by less than one block: that much slack is allowed up front
// and the exact size is checked after decoding.
function lz4Scan(data: Buffer): Lz4Scan {
  const fail = (msg: string): CompressionError => corrupt(Compression.lz4, msg)
  const out: Lz4Scan = { bound: 0, maxBlock: 0, badHeaderChecksums: [] }
  let pos = 0
  if (data.length === 0) throw fail('empty input')
  while (pos < data.length) {
    if (pos + 4 > data.length) throw fail(`truncated frame magic at ${pos}`)
    const magic = data.readUInt32LE(pos)
    const skipped = skipSkippable(data, pos, magic, LZ4_SKIPPABLE, fail)
    if (skipped > 0) {
      pos = skipped
      continue
    }
    if (magic !== LZ4_MAGIC) throw fail(`bad frame magic 0x${magic.toString(16)} at ${pos}`)
    if (pos + 7 > data.length) throw fail('truncated frame header')
    const flg = data[pos + 4]!
    const bd = data[pos + 5]!
    if (flg >> 6 !== 1) throw fail(`unsupported frame version ${flg >> 6}`)
    const blockSizeId = (bd >> 4) & 7
    if (blockSizeId < 4 || (bd & 0x8f) !== 0 || (flg & 0x02) !== 0) throw fail('reserved frame descriptor bits set')
    const maxBlock = 1 << (2 * blockSizeId + 8)
    out.maxBlock = Math.max(out.maxBlock, maxBlock)
    const hasBlockChecksum = (flg & 0x10) !== 0
    const hasContentChecksum = (flg & 0x04) !== 0
    const descEnd = pos + 6 + ((flg & 0x08) !== 0 ? 8 : 0) + ((flg & 0x01) !== 0 ? 4 : 0)
    if (descEnd + 1 > data.length) throw fail('truncated frame descriptor')
    if (data[descEnd] !== ((xxh32(data, pos + 4, descEnd) >>> 8) & 0xff)) out.badHeaderChecksums.push({ descriptor: pos + 4, hc: descEnd })
    pos = descEnd + 1
    for (;;) {
      if (pos + 4 > data.length) throw fail(`truncated block header at ${pos}`)
      const word = data.readUInt32LE(pos)
      pos += 4
      if (word === 0) {
        pos += hasContentChecksum ? 4 : 0
        break
      }
      const size = word & 0x7fffffff
      if (size > maxBlock) throw fail(`block of ${size} bytes exceeds the frame's ${maxBlock}`)
      pos += size + (hasBlockChecksum ? 4 : 0)
      if (pos > data.length) throw fail('truncated block')
      out.bound += (word & 0x80000000) !== 0 ? size : Math.min(maxBlock, size * 255 + 16)
    }
    if (pos > data.length) throw fail('truncated content checksum')
  }
  return out
}

function lz4Decode(data: Buffer, max: number, ignoreHeaderChecksum: boolean): Buffer {
  const scan = lz4Scan(data)
  if (scan.bound > max + scan.maxBlock) throw tooLarge(Compression.lz4, null, max)
  let input = data
  if (scan.badHeaderChecksums.length > 0) {
    if (!ignoreHeaderChecksum) throw corrupt(Compression.lz4, 'frame header checksum mismatch')
    input = Buffer.from(data)
    for (const { descriptor, hc } of scan.badHeaderChecksums) input[hc] = (xxh32(input, descriptor, hc) >>> 8) & 0xff
  }
  let out: Buffer
  try {
    out = native<typeof Lz4Module>('lz4-napi', Compression.lz4).decompressFrameSync(input)
  } catch (err) {
    if (err instanceof CompressionError) throw err
    throw corrupt(Compression.lz4, (err as Error).message, err)
  }
  if (out.length > max) throw tooLarge(Compression.lz4, out.length, max)
  return out
}

// ---- zstd (frame format: RFC 8878) ----

type ZstdBinding = typeof ZstdModule
const ZSTD_MAGIC = 0xfd2fb528
const ZSTD_SKIPPABLE = 0x184d2a50 // 0x184d2a50-0x184d2a5f, masked like LZ4's
const ZSTD_MAX_BLOCK = 128 * 1024 // Block_Maximum_Size is min(Window_Size, 128 KiB)
const zstdEncoders = new Map<number, ZstdModule.Encoder>()
let zstdDecoder: ZstdModule.Decoder | null = null

function zstd(): ZstdBinding {
  return native<ZstdBinding>('@toondepauw/node-zstd', Compression.zstd)
}

// zstd clamps an out-of-range level to its nearest valid one (ZSTD_c_compressionLevel), as Kafka's
// zstd-jni does, so the level needs no check here. One encoder per level, kept for reuse.
function zstdEncode(data: Buffer, level: number): Buffer {
  let enc = zstdEncoders.get(level)
  if (enc === undefined) zstdEncoders.set(level, (enc = new (zstd().Encoder)(level)))
  return enc.encodeSync(data)
}

interface ZstdScan {
  size: number // the exact decompressed size when every frame declares it, else an upper bound
  exact: boolean
}

/** The header fields of the frame at `pos`; `end` is where its first block starts. */
function zstdFrameHeader(data: Buffer, pos: number): { end: number; contentSize: number | null; checksum: boolean } {
  const fail = (msg: string): CompressionError => corrupt(Compression.zstd, msg)
  if (pos + 5 > data.length) throw fail('truncated frame header')
  const fhd = data[pos + 4]!
  if ((fhd & 0x08) !== 0) throw fail('reserved frame header bit set')
  const singleSegment = (fhd & 0x20) !== 0
  const fcsFlag = fhd >> 6
  const didSize = [0, 1, 2, 4][fhd & 3]!
  const fcsSize = fcsFlag === 0 ? (singleSegment ? 1 : 0) : 1 << fcsFlag
  const fcsAt = pos + 5 + (singleSegment ? 0 : 1) + didSize
  const end = fcsAt + fcsSize
  if (end > data.length) throw fail('truncated frame header')
  let contentSize: number | null = null
  if (fcsSize === 1) contentSize = data[fcsAt]!
  else if (fcsSize === 2) contentSize = data.readUInt16LE(fcsAt) + 256
  else if (fcsSize === 4) contentSize = data.readUInt32LE(fcsAt)
  else if (fcsSize === 8) contentSize = data.readUInt32LE(fcsAt + 4) * 2 ** 32 + data.readUInt32LE(fcsAt)
  return { end, contentSize, checksum: (fhd & 0x04) !== 0 }
}

// Walks every frame's header and block headers without decompressing (as lz4Scan does), so the
// output is bounded before the decoder allocates it and truncated input is named precisely. A raw
// or RLE block states its output size; a compressed one yields at most 128 KiB, which encoders
// (zstd-jni in Kafka's Java clients, librdkafka, the CLI) fill for every block but the last.
function zstdScan(data: Buffer): ZstdScan {
  const fail = (msg: string): CompressionError => corrupt(Compression.zstd, msg)
  const out: ZstdScan = { size: 0, exact: true }
  if (data.length === 0) throw fail('empty input')
  let pos = 0
  while (pos < data.length) {
    if (pos + 4 > data.length) throw fail(`truncated frame magic at ${pos}`)
    const magic = data.readUInt32LE(pos)
    const skipped = skipSkippable(data, pos, magic, ZSTD_SKIPPABLE, fail)
    if (skipped > 0) {
      pos = skipped
      continue
    }
    if (magic !== ZSTD_MAGIC) throw fail(`bad frame magic 0x${magic.toString(16)} at ${pos}`)
    const header = zstdFrameHeader(data, pos)
    let bound = 0
    let last = false
    for (pos = header.end; !last; ) {
      if (pos + 3 > data.length) throw fail(`truncated block header at ${pos}`)
      const bh = data.readUIntLE(pos, 3)
      const type = (bh >> 1) & 3
      const size = bh >>> 3
      last = (bh & 1) === 1
      if (type === 3) throw fail(`reserved block type at ${pos}`)
      if (size > ZSTD_MAX_BLOCK) throw fail(`block of ${size} bytes exceeds 128 KiB`)
      pos += 3 + (type === 1 ? 1 : size)
      if (pos > data.length) throw fail('truncated block')
      bound += type === 2 ? ZSTD_MAX_BLOCK : size
    }
    if (header.checksum) pos += 4
    if (pos > data.length) throw fail('truncated content checksum')
    if (header.contentSize === null) out.exact = false
    out.size += header.contentSize ?? bound
  }
  return out
}

function zstdDecode(data: Buffer, max: number): Buffer {
  const codec = Compression.zstd
  const scan = zstdScan(data)
  if (scan.exact ? scan.size > max : scan.size > max + ZSTD_MAX_BLOCK) throw tooLarge(codec, scan.exact ? scan.size : null, max)
  let out: Buffer
  try {
    zstdDecoder ??= new (zstd().Decoder)()
    out = zstdDecoder.decodeSync(data)
  } catch (err) {
    if (err instanceof CompressionError) throw err
    throw corrupt(codec, (err as Error).message, err)
  }
  if (scan.exact && out.length !== scan.size) throw corrupt(codec, `frames declared ${scan.size} bytes but produced ${out.length}`)
  if (out.length > max) throw tooLarge(codec, out.length, max)
  return out
}
