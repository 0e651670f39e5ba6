import { describe, it, expect } from 'vitest'
import { createRequire } from 'node:module'
import { crc32Ieee } from '../../../protocol/crc32c.js'
import { Compression, compress } from '../../../protocol/compression.js'
import { buildBatch, decodeBatchRecords, getCompression, getMaxTimestamp, getTimestampType, validateRecordsForAppend } from '../../../protocol/records/index.js'
import { buildLegacyMessageSet, convertLegacyToBatch, isLegacyMessageSet, type LegacyMessage } from '../../../protocol/records/index.js'
import { lz4Codec } from '../../helpers/kafkajs-lz4.js'

const require = createRequire(import.meta.url)
const T = 1_600_000_000_000
const NOW = 1_700_000_000_000

// kafkajs's legacy encoders (its Produce v0-2 path), with the external codecs registered.
const kafkajs = require('kafkajs') as { CompressionTypes: { [k: string]: number }; CompressionCodecs: { [k: number]: () => unknown } }
kafkajs.CompressionCodecs[kafkajs.CompressionTypes.Snappy!] = require('kafkajs-snappy') as () => unknown
kafkajs.CompressionCodecs[kafkajs.CompressionTypes.LZ4!] = lz4Codec
const KMessageSet = require('kafkajs/src/protocol/messageSet') as (o: object) => { buffer: Buffer }
const { lookupCodec } = require('kafkajs/src/protocol/message/compression') as {
  lookupCodec: (c: number) => { compress(e: { buffer: Buffer }): Promise<Buffer> }
}

// Like kafkajs's Produce v2 request: compress the inner set, wrap it in one message.
async function kafkajsMessageSet(magic: 0 | 1, compression: number, msgs: LegacyMessage[]): Promise<Buffer> {
  const entries = msgs.map((m) => ({ key: m.key, value: m.value, timestamp: m.timestamp }))
  const inner = KMessageSet({ messageVersion: magic, compression, entries })
  if (compression === 0) return inner.buffer
  const value = await lookupCodec(compression).compress(inner as { buffer: Buffer })
  return KMessageSet({ messageVersion: magic, entries: [{ compression, timestamp: msgs[0]!.timestamp, value }] }).buffer
}

const msgs: LegacyMessage[] = [
  { key: 'k1', value: 'first', timestamp: T },
  { key: null, value: 'second', timestamp: T + 10 },
  { key: 'k3', value: null, timestamp: T + 5 },
  { key: 'k4', value: 'v'.repeat(3000), timestamp: T + 20 },
]

function expectConverted(buf: Buffer, magic: 0 | 1, codec: number): void {
  expect(isLegacyMessageSet(buf)).toBe(true)
  const r = convertLegacyToBatch(buf, NOW)
  if (!r.ok) throw new Error(`${r.error}: ${r.message}`)
  expect(r.recordCount).toBe(msgs.length)
  expect(getCompression(r.batch, 0)).toBe(codec)
  expect(validateRecordsForAppend(r.batch, { apiVersion: 2 })).toMatchObject({ ok: true, batches: [{ recordCount: 4, producerId: -1, baseSequence: -1 }] })
  const records = decodeBatchRecords(r.batch)
  expect(records.map((x) => [x.offset, x.key?.toString() ?? null, x.value?.toString() ?? null])).toEqual(msgs.map((m, i) => [i, m.key, m.value]))
  // v0 has no timestamps: Kafka's up-conversion writes NO_TIMESTAMP (-1).
  expect(records.map((x) => x.timestamp)).toEqual(msgs.map((m) => (magic === 0 ? -1 : m.timestamp)))
  expect(getMaxTimestamp(r.batch, 0)).toBe(magic === 0 ? -1 : T + 20)
}

const codecs: [string, number][] = [['none', 0], ['gzip', 1], ['snappy', 2], ['lz4', 3]]

describe('legacy -> v2 conversion', () => {
  for (const magic of [0, 1] as const) {
    for (const [name, codec] of codecs) {
      it(`magic ${magic}, ${name}: our encoder`, () => {
        expectConverted(buildLegacyMessageSet({ magic, messages: msgs, compression: codec }), magic, codec)
      })

      it(`magic ${magic}, ${name}: kafkajs's legacy encoder`, async () => {
        expectConverted(await kafkajsMessageSet(magic, codec, msgs), magic, codec)
      })
    }
  }

  it('snappy wrappers may use raw blocks as well as xerial framing', () => {
    expectConverted(buildLegacyMessageSet({ magic: 1, messages: msgs, compression: Compression.snappy, snappyFraming: 'raw' }), 1, Compression.snappy)
  })

  it('KAFKA-3160: magic 0 LZ4 with the old header checksum is accepted, magic 1 is not', () => {
    expectConverted(buildLegacyMessageSet({ magic: 0, messages: msgs, compression: Compression.lz4, brokenLz4HeaderChecksum: true }), 0, Compression.lz4)
    const v1 = convertLegacyToBatch(buildLegacyMessageSet({ magic: 1, messages: msgs, compression: Compression.lz4, brokenLz4HeaderChecksum: true }), NOW)
    expect(v1).toMatchObject({ ok: false, error: 'CORRUPT_MESSAGE' })
  })

  it('LogAppendTime topics stamp the converted batch with nowMs', () => {
    const r = convertLegacyToBatch(buildLegacyMessageSet({ magic: 0, messages: msgs }), NOW, { logAppendTime: true })
    if (!r.ok) throw new Error(r.message)
    expect(getTimestampType(r.batch, 0)).toBe(1)
    expect(decodeBatchRecords(r.batch).map((x) => x.timestamp)).toEqual(Array(4).fill(NOW))
  })

  it('inner messages of a v1 LogAppendTime wrapper take the wrapper timestamp', () => {
    const set = buildLegacyMessageSet({ magic: 1, messages: msgs, compression: Compression.gzip })
    set[17] = set[17]! | 0x08
    set.writeBigInt64BE(BigInt(T + 99), 18)
    set.writeUInt32BE(crc32Ieee(set, 16), 12)
    const r = convertLegacyToBatch(set, NOW)
    if (!r.ok) throw new Error(r.message)
    expect(decodeBatchRecords(r.batch).map((x) => x.timestamp)).toEqual(Array(4).fill(T + 99))
  })

  it('a v2 batch is not a legacy message set', () => {
    expect(isLegacyMessageSet(buildBatch({ records: [{ key: null, value: 'x', timestamp: T }] }))).toBe(false)
    expect(isLegacyMessageSet(Buffer.alloc(10))).toBe(false)
  })
})

describe('legacy validation mirrors Kafka', () => {
  const expectError = (buf: Buffer, error: string): void => {
    const r = convertLegacyToBatch(buf, NOW)
    expect(r.ok ? 'ok' : r.error, r.ok ? '' : r.message).toBe(error)
  }

  it('outer CRC mismatch -> CORRUPT_MESSAGE', () => {
    const set = buildLegacyMessageSet({ magic: 1, messages: msgs })
    set[set.length - 1]! ^= 1
    expectError(set, 'CORRUPT_MESSAGE')
  })

  it('inner CRC mismatch -> CORRUPT_MESSAGE', () => {
    const inner = buildLegacyMessageSet({ magic: 0, messages: msgs })
    inner[inner.length - 1]! ^= 1
    const wrapper = buildLegacyMessageSet({ magic: 0, messages: [{ key: null, value: compress(Compression.gzip, inner) }] })
    wrapper[17] = Compression.gzip
    wrapper.writeUInt32BE(crc32Ieee(wrapper, 16), 12)
    expectError(wrapper, 'CORRUPT_MESSAGE')
  })

  it('structure: empty set, mixed magic, several wrappers, nested compression, zstd', () => {
    expectError(Buffer.alloc(0), 'INVALID_RECORD')
    const mixed = Buffer.concat([buildLegacyMessageSet({ magic: 0, messages: msgs.slice(0, 1) }), buildLegacyMessageSet({ magic: 1, messages: msgs.slice(1) })])
    expectError(mixed, 'INVALID_RECORD')
    const gz = buildLegacyMessageSet({ magic: 1, messages: msgs, compression: Compression.gzip })
    expectError(Buffer.concat([gz, gz]), 'INVALID_RECORD')
    const nested = buildLegacyMessageSet({ magic: 1, messages: [{ key: null, value: compress(Compression.gzip, gz), timestamp: T }] })
    nested[17] = Compression.gzip
    nested.writeUInt32BE(crc32Ieee(nested, 16), 12)
    expectError(nested, 'INVALID_RECORD')
    const z = buildLegacyMessageSet({ magic: 1, messages: msgs })
    const zWrapper = buildLegacyMessageSet({ magic: 1, messages: [{ key: null, value: compress(Compression.zstd, z), timestamp: T }] })
    zWrapper[17] = Compression.zstd
    zWrapper.writeUInt32BE(crc32Ieee(zWrapper, 16), 12)
    expectError(zWrapper, 'UNSUPPORTED_COMPRESSION_TYPE')
  })

  it('inner magic must match the wrapper', () => {
    const inner = buildLegacyMessageSet({ magic: 0, messages: msgs })
    const wrapper = buildLegacyMessageSet({ magic: 1, messages: [{ key: null, value: compress(Compression.snappy, inner), timestamp: T }] })
    wrapper[17] = Compression.snappy
    wrapper.writeUInt32BE(crc32Ieee(wrapper, 16), 12)
    expectError(wrapper, 'INVALID_RECORD')
  })

  it('every truncated prefix fails cleanly, garbage never throws', () => {
    for (const codec of [Compression.none, Compression.lz4]) {
      const set = buildLegacyMessageSet({ magic: 1, messages: msgs, compression: codec })
      for (let len = 0; len < set.length; len++) {
        const r = convertLegacyToBatch(set.subarray(0, len), NOW)
        if (codec === Compression.none && r.ok) continue // a prefix ending on a message boundary is a shorter valid set
        expect(r.ok).toBe(false)
      }
    }
    let x = 99
    for (let i = 0; i < 300; i++) {
      const buf = Buffer.alloc(20 + (i % 50))
      for (let j = 0; j < buf.length; j++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0
        buf[j] = x >>> 24
      }
      buf.writeInt32BE(buf.length - 12, 8)
      buf[16] = i % 2
      expect(convertLegacyToBatch(buf, NOW).ok).toBe(false)
    }
  })
})
