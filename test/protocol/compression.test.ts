import { describe, it, expect } from 'vitest'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { Compression, CompressionError, compress, decompress, xxh32 } from '../../protocol/compression.js'
import { lz4Codec } from '../helpers/kafkajs-lz4.js'

const require = createRequire(import.meta.url)

function hasCli(name: string): boolean {
  const r = spawnSync(name, ['--version'], { stdio: 'ignore' })
  return r.status === 0
}
const hasLz4 = hasCli('lz4')
const hasZstd = hasCli('zstd')

function cli(cmd: string, args: string[], input: Buffer): Buffer {
  const r = spawnSync(cmd, args, { input, maxBuffer: 64 * 1024 * 1024 })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.toString()}`)
  return r.stdout
}

// Deterministic pseudo-random bytes (xorshift32), mixed with runs so every codec has work to do.
function sample(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size)
  let x = seed
  for (let i = 0; i < size; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = (i >> 10) % 2 === 0 ? x & 0xff : 'kafka'.charCodeAt(i % 5)
  }
  return out
}

const codecs = [Compression.gzip, Compression.snappy, Compression.lz4, Compression.zstd] as const
const inputs: [string, Buffer][] = [
  ['empty', Buffer.alloc(0)],
  ['one byte', Buffer.from([7])],
  ['text', Buffer.from('hello kafka '.repeat(1000))],
  ['300 KiB mixed', sample(300 * 1024)],
]

function expectCompressionError(fn: () => unknown, code?: string): CompressionError {
  let caught: unknown
  try {
    fn()
  } catch (err) {
    caught = err
  }
  expect(caught).toBeInstanceOf(CompressionError)
  if (code !== undefined) expect((caught as CompressionError).code).toBe(code)
  return caught as CompressionError
}

describe('round trips', () => {
  for (const codec of [Compression.none, ...codecs]) {
    for (const [name, data] of inputs) {
      it(`codec ${codec}: ${name}`, () => {
        expect(decompress(codec, compress(codec, data)).equals(data)).toBe(true)
      })
    }
  }

  it('snappy xerial framing round-trips, in 32 KiB chunks like snappy-java', () => {
    const data = sample(100 * 1024, 9)
    const framed = compress(Compression.snappy, data, { snappyFraming: 'xerial' })
    expect(framed.subarray(0, 16).toString('hex')).toBe('82534e415050590000000001' + '00000001')
    let chunks = 0
    for (let pos = 16; pos < framed.length; pos += 4 + framed.readInt32BE(pos)) chunks++
    expect(chunks).toBe(4)
    expect(decompress(Compression.snappy, framed).equals(data)).toBe(true)
  })

  it('rejects an unknown codec id', () => {
    expectCompressionError(() => compress(5, Buffer.from('x')), 'UNKNOWN_CODEC')
    expectCompressionError(() => decompress(7, Buffer.from('x')), 'UNKNOWN_CODEC')
  })
})

describe('snappy interop', () => {
  const KafkaJsSnappy = require('kafkajs-snappy') as () => {
    compress(e: { buffer: Buffer }): Promise<Buffer>
    decompress(b: Buffer): Promise<Buffer>
  }
  const data = Buffer.from('{"user":"alice","n":1}'.repeat(500))

  it('decodes raw snappy from kafkajs-snappy (snappyjs) and the reverse', async () => {
    const codec = KafkaJsSnappy()
    const theirs = await codec.compress({ buffer: data })
    expect(decompress(Compression.snappy, theirs).equals(data)).toBe(true)
    expect((await codec.decompress(compress(Compression.snappy, data))).equals(data)).toBe(true)
    expect((await codec.decompress(compress(Compression.snappy, data, { snappyFraming: 'xerial' }))).equals(data)).toBe(true)
  })

  it('decodes xerial framing assembled chunk by chunk (as the Java client writes it)', () => {
    const snappy = require('snappy') as { compressSync(b: Buffer): Buffer }
    const a = data.subarray(0, 5000)
    const b = data.subarray(5000)
    const parts: Buffer[] = [Buffer.from('82534e41505059000000000100000001', 'hex')]
    for (const chunk of [a, b]) {
      const block = snappy.compressSync(chunk)
      const len = Buffer.alloc(4)
      len.writeInt32BE(block.length)
      parts.push(len, block)
    }
    expect(decompress(Compression.snappy, Buffer.concat(parts)).equals(data)).toBe(true)
  })

  it('fails cleanly on corrupt xerial framing', () => {
    const framed = compress(Compression.snappy, data, { snappyFraming: 'xerial' })
    expectCompressionError(() => decompress(Compression.snappy, framed.subarray(0, 12)), 'CORRUPT_INPUT')
    const badLen = Buffer.from(framed)
    badLen.writeInt32BE(0x7fffffff, 16)
    expectCompressionError(() => decompress(Compression.snappy, badLen), 'CORRUPT_INPUT')
    expectCompressionError(() => decompress(Compression.snappy, Buffer.concat([framed, Buffer.from([0, 0])])), 'CORRUPT_INPUT')
  })
})

describe('lz4 interop', () => {
  const data = sample(200 * 1024, 3)

  it.skipIf(!hasLz4)('decodes frames written by the lz4 CLI (content checksum, 4 MiB and 64 KiB blocks)', () => {
    for (const args of [['-c'], ['-c', '-B4'], ['-c', '-B4', '-BD'], ['-c', '-B5', '--content-size', '-BX']]) {
      expect(decompress(Compression.lz4, cli('lz4', [...args, '-q'], data)).equals(data)).toBe(true)
    }
  })

  it.skipIf(!hasLz4)('writes frames the lz4 CLI decodes', () => {
    expect(cli('lz4', ['-d', '-c', '-q'], compress(Compression.lz4, data)).equals(data)).toBe(true)
  })

  it('writes independent blocks, as Kafka\'s Java Lz4BlockInputStream requires', () => {
    const frame = compress(Compression.lz4, data)
    expect(frame.readUInt32LE(0)).toBe(0x184d2204)
    expect(frame[4]! & 0x20).toBe(0x20)
  })

  it('interoperates with the kafkajs LZ4 codec the tests register (test/helpers/kafkajs-lz4.ts)', async () => {
    const codec = lz4Codec()
    expect(decompress(Compression.lz4, await codec.compress({ buffer: data })).equals(data)).toBe(true)
    expect((await codec.decompress(compress(Compression.lz4, data))).equals(data)).toBe(true)
  })

  it('KAFKA-3160: a header checksum computed over the magic too is rejected unless asked to ignore it', () => {
    const frame = Buffer.from(compress(Compression.lz4, data))
    const descEnd = 6 + (frame[4]! & 0x08 ? 8 : 0)
    frame[descEnd] = (xxh32(frame, 0, descEnd) >>> 8) & 0xff
    expectCompressionError(() => decompress(Compression.lz4, frame), 'CORRUPT_INPUT')
    expect(decompress(Compression.lz4, frame, { lz4IgnoreHeaderChecksum: true }).equals(data)).toBe(true)
  })

  it('xxh32 matches the reference vectors', () => {
    expect(xxh32(Buffer.alloc(0), 0, 0)).toBe(0x02cc5d05)
    expect(xxh32(Buffer.from('abc'), 0, 3)).toBe(0x32d153ff)
    const long = Buffer.from('Nobody inspects the spammish repetition')
    expect(xxh32(long, 0, long.length)).toBe(0xe2293b2f)
  })
})

describe('zstd interop', () => {
  const data = sample(200 * 1024, 5)

  it.skipIf(!hasZstd)('decodes frames from the zstd CLI, with and without a content size', () => {
    expect(decompress(Compression.zstd, cli('zstd', ['-c', '-q', '-19'], data)).equals(data)).toBe(true)
    const streamed = cli('sh', ['-c', 'cat | zstd -c -q'], data)
    expect(streamed[4]! & 0xc0).toBe(0) // frame header says: content size unknown
    expect(decompress(Compression.zstd, streamed).equals(data)).toBe(true)
  })

  it.skipIf(!hasZstd)('writes frames the zstd CLI decodes', () => {
    expect(cli('zstd', ['-d', '-c', '-q'], compress(Compression.zstd, data)).equals(data)).toBe(true)
  })

  it('decodes concatenated frames', () => {
    const two = Buffer.concat([compress(Compression.zstd, data), compress(Compression.zstd, data)])
    expect(decompress(Compression.zstd, two).equals(Buffer.concat([data, data]))).toBe(true)
  })
})

describe('decompression limits', () => {
  const big = Buffer.alloc(4 * 1024 * 1024, 0x61)

  for (const codec of codecs) {
    it(`codec ${codec}: refuses to inflate 4 MiB past a 1 MiB limit`, () => {
      const packed = compress(codec, big)
      expect(packed.length).toBeLessThan(300 * 1024)
      expectCompressionError(() => decompress(codec, packed, { maxOutput: 1024 * 1024 }), 'OUTPUT_TOO_LARGE')
      expect(decompress(codec, packed, { maxOutput: big.length }).length).toBe(big.length)
    })
  }

  for (const codec of codecs) {
    it(`codec ${codec}: output exactly at the limit passes, one byte over fails`, () => {
      const data = sample(300 * 1024 + 17, 21)
      const packed = compress(codec, data)
      expect(decompress(codec, packed, { maxOutput: data.length }).equals(data)).toBe(true)
      expectCompressionError(() => decompress(codec, packed, { maxOutput: data.length - 1 }), 'OUTPUT_TOO_LARGE')
    })
  }

  it('snappy: a forged 4 GiB preamble is refused before any allocation', () => {
    expectCompressionError(() => decompress(Compression.snappy, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00])), 'OUTPUT_TOO_LARGE')
  })

  it('snappy xerial: the limit spans all chunks', () => {
    const framed = compress(Compression.snappy, big, { snappyFraming: 'xerial' })
    expectCompressionError(() => decompress(Compression.snappy, framed, { maxOutput: 1024 * 1024 }), 'OUTPUT_TOO_LARGE')
  })

  it.skipIf(!hasZstd)('zstd without a declared content size is capped while streaming', () => {
    const streamed = cli('sh', ['-c', 'cat | zstd -c -q'], big)
    expectCompressionError(() => decompress(Compression.zstd, streamed, { maxOutput: 1024 * 1024 }), 'OUTPUT_TOO_LARGE')
    expect(decompress(Compression.zstd, streamed).equals(big)).toBe(true)
  })
})

describe('bad input fails with CompressionError, never a crash', () => {
  const data = sample(20 * 1024, 11)

  for (const codec of codecs) {
    it(`codec ${codec}: every truncation of a valid stream`, () => {
      const packed = compress(codec, data)
      const step = Math.max(1, Math.floor(packed.length / 300))
      for (let len = 0; len < packed.length; len += step) {
        let out: Buffer | undefined
        try {
          out = decompress(codec, packed.subarray(0, len))
        } catch (err) {
          expect(err).toBeInstanceOf(CompressionError)
          continue
        }
        // Some prefixes are themselves valid streams (e.g. a complete gzip member); never the original.
        expect(out.equals(data)).toBe(false)
      }
    })

    it(`codec ${codec}: garbage and bit flips`, () => {
      const packed = compress(codec, data)
      const inputs = [Buffer.from('definitely not compressed data'), Buffer.alloc(64, 0xff), sample(512, 77)]
      for (let i = 0; i < 40; i++) {
        const flipped = Buffer.from(packed)
        flipped[(i * 7919) % flipped.length]! ^= 0x5a
        inputs.push(flipped)
      }
      for (const input of inputs) {
        try {
          decompress(codec, input)
        } catch (err) {
          expect(err).toBeInstanceOf(CompressionError)
        }
      }
    })
  }

  it('empty input is corrupt for every real codec', () => {
    for (const codec of codecs) expectCompressionError(() => decompress(codec, Buffer.alloc(0)), 'CORRUPT_INPUT')
  })
})
