// zstd frames built by hand (RFC 8878) to check that decompress() bounds its output from the frame
// and block headers before the native decoder allocates anything, whatever the encoder was.
import { describe, it, expect } from 'vitest'
import { Compression, CompressionError, compress, decompress } from '../../protocol/compression.js'

const MAGIC = [0x28, 0xb5, 0x2f, 0xfd]
const BLOCK = 128 * 1024

/** A 3-byte block header: Last_Block, Block_Type (0 raw, 1 RLE, 2 compressed, 3 reserved), Block_Size. */
function blockHeader(last: boolean, type: number, size: number): number[] {
  const v = (size << 3) | (type << 1) | (last ? 1 : 0)
  return [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff]
}

/** A frame without a content size (as streaming encoders write): n RLE blocks of 128 KiB of `byte`. */
function rleFrame(n: number, byte: number): Buffer {
  const out = [...MAGIC, 0x00, 0x38] // descriptor: no content size, no checksum; window 2^(10+7)
  for (let i = 0; i < n; i++) out.push(...blockHeader(i === n - 1, 1, BLOCK), byte)
  return Buffer.from(out)
}

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(CompressionError)
    return (err as CompressionError).code
  }
  return 'no error'
}

describe('zstd frame scan', () => {
  it('decodes a hand-built frame of RLE blocks with no declared content size', () => {
    const out = decompress(Compression.zstd, rleFrame(3, 0x6b))
    expect(out.equals(Buffer.alloc(3 * BLOCK, 0x6b))).toBe(true)
  })

  it('refuses 8 MiB of RLE blocks (256 input bytes) past a 1 MiB limit before decoding', () => {
    const bomb = rleFrame(64, 0x61)
    expect(bomb.length).toBeLessThan(300)
    expect(codeOf(() => decompress(Compression.zstd, bomb, { maxOutput: 1024 * 1024 }))).toBe('OUTPUT_TOO_LARGE')
  })

  it('refuses a frame declaring 4 GiB of content, whatever its blocks hold', () => {
    // Single_Segment with an 8-byte Frame_Content_Size of 2^32, then one raw block of one byte.
    const forged = Buffer.from([...MAGIC, 0xe0, 0, 0, 0, 0, 1, 0, 0, 0, ...blockHeader(true, 0, 1), 0x41])
    expect(codeOf(() => decompress(Compression.zstd, forged))).toBe('OUTPUT_TOO_LARGE')
  })

  it('skips skippable frames between zstd frames', () => {
    const data = Buffer.from('skippable frames carry metadata zstd decoders ignore. '.repeat(50))
    const skippable = Buffer.from([0x5e, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3])
    const packed = Buffer.concat([skippable, compress(Compression.zstd, data), skippable])
    expect(decompress(Compression.zstd, packed).equals(data)).toBe(true)
  })

  it('names a reserved block type and a missing content checksum as corrupt input', () => {
    const reserved = Buffer.from([...MAGIC, 0x00, 0x38, ...blockHeader(true, 3, 0)])
    expect(codeOf(() => decompress(Compression.zstd, reserved))).toBe('CORRUPT_INPUT')
    const withChecksum = Buffer.from([...MAGIC, 0x04, 0x38, ...blockHeader(true, 0, 2), 0x68, 0x69])
    expect(codeOf(() => decompress(Compression.zstd, withChecksum))).toBe('CORRUPT_INPUT')
  })

  it('clamps an out-of-range level as zstd does instead of failing', () => {
    const data = Buffer.from('level '.repeat(1000))
    for (const level of [-200000, 1, 99]) {
      expect(decompress(Compression.zstd, compress(Compression.zstd, data, { level })).equals(data)).toBe(true)
    }
  })
})
