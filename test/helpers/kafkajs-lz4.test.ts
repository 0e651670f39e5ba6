// Our kafkajs LZ4 codec (test/helpers/kafkajs-lz4.ts) against Rivulet's own LZ4 (protocol/
// compression.ts), a frame captured from the kafkajs-lz4 package it replaces, and the lz4 CLI.
// Real Kafka clients reading what it writes: test/integration/kafkajs-produce.test.ts (kafkajs ->
// Rivulet -> our reader) and the compat suite (kafkajs with the real kafkajs-lz4, Java, librdkafka).
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { Compression, compress, decompress } from '../../protocol/compression.js'
import { lz4Codec } from './kafkajs-lz4.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const golden = JSON.parse(fs.readFileSync(path.join(here, '../fixtures/kafkajs-lz4-frame.json'), 'utf8')) as { frame: string }
const goldenInput = Buffer.concat([
  Buffer.from('kafkajs-lz4 golden frame '.repeat(200)),
  Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 7919) & 0xff)),
])
const LZ4_MAGIC = Buffer.from('04224d18', 'hex')
const hasLz4Cli = spawnSync('lz4', ['--version'], { stdio: 'ignore' }).status === 0

// More than two 64 KiB blocks, half incompressible, so block boundaries and raw blocks are covered.
function sample(size: number): Buffer {
  const out = Buffer.alloc(size)
  let x = 7
  for (let i = 0; i < size; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = (i >> 12) % 2 === 0 ? x & 0xff : 'kafka'.charCodeAt(i % 5)
  }
  return out
}

describe('kafkajs LZ4 codec over lz4-napi', () => {
  const codec = lz4Codec()
  const inputs: [string, Buffer][] = [['empty', Buffer.alloc(0)], ['one byte', Buffer.from([1])], ['200 KiB', sample(200 * 1024)]]

  it.each(inputs)('%s: what it writes Rivulet reads, and what Rivulet writes it reads', async (_name, data) => {
    expect(decompress(Compression.lz4, await codec.compress({ buffer: data }))).toEqual(data)
    expect(await codec.decompress(compress(Compression.lz4, data))).toEqual(data)
  })

  it('writes a frame Kafka reads: LZ4 frame magic, independent blocks, a block size Kafka accepts', async () => {
    const frame = await codec.compress({ buffer: sample(200 * 1024) })
    expect(frame.readUInt32LE(0)).toBe(0x184d2204)
    const flg = frame[4]!
    expect(flg >> 6).toBe(1) // version 01
    expect(flg & 0x20).toBe(0x20) // independent blocks: Kafka's KafkaLZ4BlockInputStream refuses linked ones
    expect(flg & 0x10).toBe(0) // no block checksums
    // BD: KafkaLZ4BlockInputStream accepts 64 KiB (4) to 4 MiB (7); lz4_flex sizes it to the input
    expect(frame[5]! >> 4 & 0x7).toBeGreaterThanOrEqual(4)
    expect(frame[5]! >> 4 & 0x7).toBeLessThanOrEqual(7)
  })

  it('reads the frame kafkajs-lz4 1.2.1 wrote (4 MiB blocks, content checksum), as Rivulet does', async () => {
    const frame = Buffer.from(golden.frame, 'hex')
    expect(frame[4]! & 0x04).toBe(0x04)
    expect(await codec.decompress(frame)).toEqual(goldenInput)
    expect(decompress(Compression.lz4, frame)).toEqual(goldenInput)
  })

  it('reads the LZ4 frames of a Java producer (kafka-clients 4.1.2 golden Produce v13)', async () => {
    const req = JSON.parse(fs.readFileSync(path.join(here, '../golden/produce/java-4.1.2-v13-lz4-idempotent.json'), 'utf8')) as { request: string }
    const bytes = Buffer.from(req.request, 'hex')
    let frames = 0
    // Each batch: baseOffset(8) batchLength(4) ... records from byte 61, to the end of the batch.
    for (let at = bytes.indexOf(LZ4_MAGIC); at !== -1; at = bytes.indexOf(LZ4_MAGIC, at + 1)) {
      const batch = at - 61
      const frame = bytes.subarray(at, batch + 12 + bytes.readInt32BE(batch + 8))
      const records = await codec.decompress(frame)
      expect(records).toEqual(decompress(Compression.lz4, frame))
      expect(records.includes('key-lz4')).toBe(true)
      frames++
    }
    expect(frames).toBeGreaterThan(0)
  })

  it('rejects a corrupt frame with an error, not a crash', async () => {
    const frame = await codec.compress({ buffer: sample(100 * 1024) })
    await expect(codec.decompress(frame.subarray(0, frame.length - 10))).rejects.toThrow()
    await expect(codec.decompress(Buffer.from('not lz4'))).rejects.toThrow()
  })

  it.skipIf(!hasLz4Cli)('interoperates with the lz4 CLI both ways', async () => {
    const data = sample(200 * 1024)
    const cli = (args: string[], input: Buffer): Buffer => {
      const r = spawnSync('lz4', [...args, '-q'], { input, maxBuffer: 16 * 1024 * 1024 })
      expect(r.status).toBe(0)
      return r.stdout
    }
    expect(cli(['-d', '-c'], await codec.compress({ buffer: data }))).toEqual(data)
    expect(await codec.decompress(cli(['-c'], data))).toEqual(data)
  })
})
