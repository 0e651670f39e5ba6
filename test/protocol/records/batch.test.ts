import { describe, it, expect } from 'vitest'
import { createRequire } from 'node:module'
import { crc32c, crc32cJs, crc32Ieee, crc32IeeeJs } from '../../../protocol/crc32c.js'
import { Compression, compress } from '../../../protocol/compression.js'
import { ByteReader, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from '../../../protocol/varint.js'
import {
  buildBatch,
  buildControlBatch,
  computeCrc,
  decodeBatchRecords,
  getAttributes,
  getBaseOffset,
  getBaseSequence,
  getBaseTimestamp,
  getBatchSize,
  getCompression,
  getLastOffsetDelta,
  getMaxTimestamp,
  getPartitionLeaderEpoch,
  getProducerEpoch,
  getProducerId,
  getRecordCount,
  getTimestampType,
  isControl,
  isTransactional,
  readControlRecord,
  RecordDecodeError,
  RecordSpans,
  scanBatches,
  setBaseOffset,
  setLogAppendTime,
  setMaxTimestamp,
  setPartitionLeaderEpoch,
  validateRecordsForAppend,
  type BuildRecord,
  type Record,
  ATTRIBUTES_OFFSET,
  CRC_OFFSET,
  RECORD_COUNT_OFFSET,
  RECORDS_OFFSET,
} from '../../../protocol/records/index.js'
import { lz4Codec } from '../../helpers/kafkajs-lz4.js'

const require = createRequire(import.meta.url)
const T = 1_700_000_000_000

// ---- kafkajs's own record-batch encoder and decoder, with its external codecs registered ----
type KafkaJsRecord = { offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers: { [k: string]: Buffer | Buffer[] } }
type KafkaJsBatch = { firstOffset: string; inTransaction: boolean; isControlBatch: boolean; producerId: string; producerEpoch: number; firstSequence: number; records: KafkaJsRecord[] }
const kafkajs = require('kafkajs') as { CompressionTypes: { [k: string]: number }; CompressionCodecs: { [k: number]: () => unknown } }
kafkajs.CompressionCodecs[kafkajs.CompressionTypes.Snappy!] = require('kafkajs-snappy') as () => unknown
kafkajs.CompressionCodecs[kafkajs.CompressionTypes.LZ4!] = lz4Codec
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (o: object) => Promise<{ buffer: Buffer }> }
const KRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (o: object) => unknown
const KDecoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => unknown
const kafkajsDecode = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (d: unknown) => Promise<KafkaJsBatch>

interface Msg {
  key: string | null
  value: string | null
  headers?: { [k: string]: string }
  timestamp: number
}

// Mirrors kafkajs's Produce v3 request: deltas from the first timestamp, offset deltas 0..n-1.
async function kafkajsBatch(messages: Msg[], compression: number, extra: object = {}): Promise<Buffer> {
  const first = Math.min(...messages.map((m) => m.timestamp))
  const records = messages.map((m, i) => KRecord({ key: m.key, value: m.value, headers: m.headers ?? {}, offsetDelta: i, timestampDelta: m.timestamp - first }))
  const encoder = await RecordBatch({
    compression,
    records,
    firstTimestamp: first,
    maxTimestamp: Math.max(...messages.map((m) => m.timestamp)),
    lastOffsetDelta: records.length - 1,
    ...extra,
  })
  return encoder.buffer
}

const messages: Msg[] = [
  { key: 'k1', value: 'v1', timestamp: T, headers: { trace: 'abc', 'ключ': 'значение' } },
  { key: null, value: 'value without key', timestamp: T + 5 },
  { key: 'k3', value: null, timestamp: T - 3 },
  { key: '', value: 'x'.repeat(5000), timestamp: T + 1000 },
]

function expectMatches(records: Record[], msgs: Msg[]): void {
  expect(records.length).toBe(msgs.length)
  records.forEach((r, i) => {
    const m = msgs[i]!
    expect(r.offset).toBe(i)
    expect(r.timestamp).toBe(m.timestamp)
    expect(r.key?.toString() ?? null).toBe(m.key)
    expect(r.value?.toString() ?? null).toBe(m.value)
    expect(r.headers.map((h) => [h.key, h.value?.toString()])).toEqual(Object.entries(m.headers ?? {}))
  })
}

const toBuild = (msgs: Msg[]): BuildRecord[] =>
  msgs.map((m) => ({ key: m.key, value: m.value, timestamp: m.timestamp, headers: Object.entries(m.headers ?? {}).map(([key, value]) => ({ key, value })) }))

function withCrc(batch: Buffer): Buffer {
  batch.writeUInt32BE(computeCrc(batch, 0), CRC_OFFSET)
  return batch
}

describe('crc32c / crc32Ieee', () => {
  it('matches the check values', () => {
    const check = Buffer.from('123456789')
    expect(crc32c(check)).toBe(0xe3069283)
    expect(crc32Ieee(check)).toBe(0xcbf43926)
    expect(crc32cJs(check)).toBe(0xe3069283)
    expect(crc32IeeeJs(check)).toBe(0xcbf43926)
  })

  it('native and table implementations agree on ranges', () => {
    const buf = Buffer.from(Array.from({ length: 4099 }, (_, i) => (i * 31 + 7) & 0xff))
    for (const [s, e] of [[0, 4099], [21, 4099], [5, 6], [100, 100], [3, 2048]] as const) {
      expect(crc32c(buf, s, e)).toBe(crc32cJs(buf, s, e))
      expect(crc32Ieee(buf, s, e)).toBe(crc32IeeeJs(buf, s, e))
    }
    expect(() => crc32c(buf, 10, 5000)).toThrow(RangeError)
  })
})

describe('varint', () => {
  it('round-trips zig-zag varints and varlongs at the edges', () => {
    const ints = [0, 1, -1, 63, -64, 64, 300, -300, 2 ** 31 - 1, -(2 ** 31)]
    const longs = [...ints, T, -T, 2 ** 52, -(2 ** 52)]
    const buf = Buffer.alloc(16)
    for (const v of ints) {
      const end = writeVarint(buf, 0, v)
      expect(end).toBe(sizeOfVarint(v))
      expect(new ByteReader(buf, 0, end).varint()).toBe(v)
    }
    for (const v of longs) {
      const end = writeVarlong(buf, 0, v)
      expect(end).toBe(sizeOfVarlong(v))
      expect(new ByteReader(buf, 0, end).varlong()).toBe(v)
    }
  })

  it('rejects overlong and truncated encodings', () => {
    expect(() => new ByteReader(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])).varint()).toThrow(RangeError)
    expect(() => new ByteReader(Buffer.from([0x80, 0x80])).varint()).toThrow(RangeError)
    expect(() => new ByteReader(Buffer.alloc(11, 0xff)).varlong()).toThrow(RangeError)
  })
})

describe('buildBatch and the header accessors', () => {
  it('writes every header field where Kafka reads it', () => {
    const batch = buildBatch({
      baseOffset: 42,
      records: toBuild(messages),
      compression: Compression.gzip,
      producerId: 1234,
      producerEpoch: 7,
      baseSequence: 99,
      transactional: true,
      partitionLeaderEpoch: 3,
    })
    expect(getBatchSize(batch, 0)).toBe(batch.length)
    expect(getBaseOffset(batch, 0)).toBe(42)
    expect(getPartitionLeaderEpoch(batch, 0)).toBe(3)
    expect(getAttributes(batch, 0)).toBe(0x11)
    expect(getCompression(batch, 0)).toBe(Compression.gzip)
    expect(isTransactional(batch, 0)).toBe(true)
    expect(isControl(batch, 0)).toBe(false)
    expect(getTimestampType(batch, 0)).toBe(0)
    expect(getLastOffsetDelta(batch, 0)).toBe(3)
    expect(getBaseTimestamp(batch, 0)).toBe(T)
    expect(getMaxTimestamp(batch, 0)).toBe(T + 1000)
    expect(getProducerId(batch, 0)).toBe(1234)
    expect(getProducerEpoch(batch, 0)).toBe(7)
    expect(getBaseSequence(batch, 0)).toBe(99)
    expect(getRecordCount(batch, 0)).toBe(4)
    expect(batch.readUInt32BE(CRC_OFFSET)).toBe(computeCrc(batch, 0))
  })

  it('defaults to "no producer" and reads producer id -1 as -1', () => {
    const batch = buildBatch({ records: [{ key: null, value: 'v', timestamp: T }] })
    expect(getProducerId(batch, 0)).toBe(-1)
    expect(getProducerEpoch(batch, 0)).toBe(-1)
    expect(getBaseSequence(batch, 0)).toBe(-1)
    expect(getPartitionLeaderEpoch(batch, 0)).toBe(-1)
  })

  it('refuses int64 values beyond 2^53 instead of rounding them', () => {
    const batch = buildBatch({ records: [{ key: null, value: 'v', timestamp: T }] })
    batch.writeBigInt64BE(2n ** 60n, 0)
    expect(() => getBaseOffset(batch, 0)).toThrow(RangeError)
  })

  it('setBaseOffset and setPartitionLeaderEpoch leave the CRC valid', () => {
    const batch = buildBatch({ records: toBuild(messages) })
    setBaseOffset(batch, 0, 2 ** 40)
    setPartitionLeaderEpoch(batch, 0, 17)
    expect(validateRecordsForAppend(batch, { origin: 'coordinator' }).ok).toBe(true)
    expect(decodeBatchRecords(batch).map((r) => r.offset)).toEqual([0, 1, 2, 3].map((i) => 2 ** 40 + i))
  })
})

describe('record codec round trips', () => {
  for (const codec of [Compression.none, Compression.gzip, Compression.snappy, Compression.lz4, Compression.zstd]) {
    it(`codec ${codec}: buildBatch -> validate -> decode`, () => {
      const batch = buildBatch({ records: toBuild(messages), compression: codec })
      const v = validateRecordsForAppend(batch, { apiVersion: 9 })
      expect(v).toMatchObject({ ok: true, batches: [{ pos: 0, size: batch.length, recordCount: 4, lastOffsetDelta: 3, compression: codec, maxTimestamp: T + 1000 }] })
      expectMatches(decodeBatchRecords(batch), messages)
    })
  }

  it('keeps repeated header keys, null header values and binary keys', () => {
    const key = Buffer.from([0, 255, 1, 254])
    const batch = buildBatch({ records: [{ key, value: Buffer.alloc(0), timestamp: T, headers: [{ key: 'a', value: null }, { key: 'a', value: 'x' }, { key: '', value: '' }] }] })
    const [r] = decodeBatchRecords(batch)
    expect(r!.key!.equals(key)).toBe(true)
    expect(r!.value!.length).toBe(0)
    expect(r!.headers).toEqual([{ key: 'a', value: null }, { key: 'a', value: Buffer.from('x') }, { key: '', value: Buffer.alloc(0) }])
  })
})

describe('interop with kafkajs (a real client encoder/decoder)', () => {
  const codecs: [string, number][] = [['None', 0], ['GZIP', 1], ['Snappy', 2], ['LZ4', 3]]

  for (const [name, codec] of codecs) {
    it(`kafkajs ${name} batch validates and decodes`, async () => {
      const batch = await kafkajsBatch(messages, codec)
      const v = validateRecordsForAppend(batch, { apiVersion: 7 })
      expect(v).toMatchObject({ ok: true, batches: [{ compression: codec, recordCount: 4, producerId: -1 }] })
      expectMatches(decodeBatchRecords(batch), messages)
    })

    it(`our ${name} batch decodes in kafkajs`, async () => {
      const batch = buildBatch({ baseOffset: 100, records: toBuild(messages), compression: codec })
      const decoded = await kafkajsDecode(new KDecoder(batch))
      expect(decoded.records.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString() ?? null])).toEqual(
        messages.map((m, i) => [String(100 + i), String(m.timestamp), m.key, m.value]),
      )
      expect(decoded.records.map((r) => Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)])))).toEqual(messages.map((m) => m.headers ?? {}))
    })
  }

  it('carries idempotent and transactional producer fields from kafkajs', async () => {
    const batch = await kafkajsBatch(messages.slice(0, 2), 0, { producerId: 4711, producerEpoch: 2, firstSequence: 10, transactional: true })
    const v = validateRecordsForAppend(batch)
    expect(v).toMatchObject({ ok: true, batches: [{ producerId: 4711, producerEpoch: 2, baseSequence: 10, isTransactional: true, isControl: false }] })
  })

  it('a control batch reads as a commit marker in kafkajs and in our decoder', async () => {
    const marker = buildControlBatch({ type: 'commit', producerId: 9, producerEpoch: 1, coordinatorEpoch: 5, timestamp: T, baseOffset: 30 })
    expect(validateRecordsForAppend(marker, { origin: 'coordinator' })).toMatchObject({ ok: true, batches: [{ isControl: true, isTransactional: true, baseSequence: -1 }] })
    expect(readControlRecord(decodeBatchRecords(marker)[0]!)).toEqual({ type: 1, coordinatorEpoch: 5 })
    const k = await kafkajsDecode(new KDecoder(marker))
    expect(k.isControlBatch).toBe(true)
    expect(k.inTransaction).toBe(true)
    expect(k.records[0]!.key!.toString('hex')).toBe('00000001')
  })
})

describe('setLogAppendTime', () => {
  it('sets the timestamp type and MaxTimestamp, keeps BaseTimestamp, and recomputes the CRC', async () => {
    const batch = buildBatch({ records: toBuild(messages), compression: Compression.lz4, transactional: true, producerId: 1, producerEpoch: 0, baseSequence: 0 })
    const before = Buffer.from(batch)
    setLogAppendTime(batch, 0, T + 60_000)
    expect(getTimestampType(batch, 0)).toBe(1)
    expect(isTransactional(batch, 0)).toBe(true)
    expect(getCompression(batch, 0)).toBe(Compression.lz4)
    expect(getMaxTimestamp(batch, 0)).toBe(T + 60_000)
    expect(getBaseTimestamp(batch, 0)).toBe(T)
    expect(batch.readUInt32BE(CRC_OFFSET)).toBe(computeCrc(batch, 0))
    expect(batch.readUInt32BE(CRC_OFFSET)).not.toBe(before.readUInt32BE(CRC_OFFSET))
    expect(scanBatches(batch).stopReason).toBeNull()
    expect(decodeBatchRecords(batch).map((r) => r.timestamp)).toEqual([T + 60_000, T + 60_000, T + 60_000, T + 60_000])
    const k = await kafkajsDecode(new KDecoder(batch))
    expect(k.records.map((r) => r.timestamp)).toEqual(Array(4).fill(String(T + 60_000)))
    const again = Buffer.from(batch)
    setLogAppendTime(again, 0, T + 60_000)
    expect(again.equals(batch)).toBe(true)
  })

  it('setMaxTimestamp(CreateTime) clears a producer-set LogAppendTime bit, as Kafka does on append', () => {
    const batch = buildBatch({ records: toBuild(messages), timestampType: 1 })
    setMaxTimestamp(batch, 0, 0, T + 1000)
    expect(getTimestampType(batch, 0)).toBe(0)
    expect(batch.readUInt32BE(CRC_OFFSET)).toBe(computeCrc(batch, 0))
    expectMatches(decodeBatchRecords(batch), messages)
  })

  it('works on a batch inside a larger buffer', () => {
    const a = buildBatch({ records: toBuild(messages.slice(0, 1)) })
    const b = buildBatch({ records: toBuild(messages.slice(1)) })
    const buf = Buffer.concat([a, b])
    setLogAppendTime(buf, a.length, T)
    const scan = scanBatches(buf)
    expect(scan.stopReason).toBeNull()
    expect(scan.batches.map((x) => x.timestampType)).toEqual([0, 1])
  })
})

describe('validateRecordsForAppend rejects what Kafka rejects', () => {
  const good = (): Buffer => buildBatch({ records: toBuild(messages) })
  const expectError = (buf: Buffer, error: string, opts = {}): void => {
    const v = validateRecordsForAppend(buf, opts)
    expect(v.ok ? 'ok' : v.error, v.ok ? '' : v.message).toBe(error)
  }

  it('CRC mismatch in the records or the CRC field -> CORRUPT_MESSAGE', () => {
    const a = good()
    a[a.length - 1]! ^= 1
    expectError(a, 'CORRUPT_MESSAGE')
    const b = good()
    b[CRC_OFFSET]! ^= 0x80
    expectError(b, 'CORRUPT_MESSAGE')
  })

  it('every truncated prefix fails cleanly, without throwing', () => {
    for (const codec of [Compression.none, Compression.zstd]) {
      const batch = buildBatch({ records: toBuild(messages), compression: codec })
      for (let len = 0; len < batch.length; len++) {
        const v = validateRecordsForAppend(batch.subarray(0, len))
        expect(v.ok).toBe(false)
        if (!v.ok) expect(['INVALID_RECORD', 'CORRUPT_MESSAGE']).toContain(v.error)
      }
    }
  })

  it('garbage never throws', () => {
    let x = 12345
    for (let i = 0; i < 500; i++) {
      const buf = Buffer.alloc(i % 97)
      for (let j = 0; j < buf.length; j++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0
        buf[j] = x >>> 24
      }
      if (i % 3 === 0 && buf.length >= 12) buf.writeInt32BE(buf.length - 12, 8)
      expect(validateRecordsForAppend(buf).ok).toBe(false)
    }
  })

  it('framing: short length, torn tail, second batch, bad magic', () => {
    const a = good()
    a.writeInt32BE(13, 8)
    expectError(a, 'CORRUPT_MESSAGE')
    expectError(Buffer.concat([good(), good().subarray(0, 30)]), 'CORRUPT_MESSAGE')
    expectError(Buffer.concat([good(), Buffer.from([1, 2, 3])]), 'CORRUPT_MESSAGE')
    expectError(Buffer.concat([good(), good()]), 'INVALID_RECORD')
    const m3 = good()
    m3[16] = 3
    expectError(m3, 'CORRUPT_MESSAGE')
    const m1 = good()
    m1[16] = 1
    expectError(m1, 'INVALID_RECORD')
    const short = good().subarray(0, 52)
    short.writeInt32BE(40, 8)
    expectError(short, 'CORRUPT_MESSAGE')
  })

  it('compression: zstd needs Produce v7, ids 5-7 are unsupported', () => {
    const z = buildBatch({ records: toBuild(messages), compression: Compression.zstd })
    expectError(z, 'UNSUPPORTED_COMPRESSION_TYPE', { apiVersion: 6 })
    expect(validateRecordsForAppend(z, { apiVersion: 7 }).ok).toBe(true)
    const unknown = good()
    unknown[ATTRIBUTES_OFFSET + 1] = 5
    expectError(withCrc(unknown), 'UNSUPPORTED_COMPRESSION_TYPE')
  })

  it('client origin: base offset 0, consistent counts, no control batches, sequences with producer ids', () => {
    const off = good()
    setBaseOffset(off, 0, 5)
    expectError(off, 'INVALID_RECORD')
    expect(validateRecordsForAppend(off, { origin: 'coordinator' }).ok).toBe(true)
    const count = good()
    count.writeInt32BE(3, RECORD_COUNT_OFFSET)
    expectError(withCrc(count), 'INVALID_RECORD')
    const zero = good()
    zero.writeInt32BE(0, RECORD_COUNT_OFFSET)
    expectError(withCrc(zero), 'INVALID_RECORD')
    const control = buildControlBatch({ type: 'abort', producerId: 1, producerEpoch: 0, coordinatorEpoch: 0, timestamp: T })
    expectError(control, 'INVALID_RECORD')
    expectError(buildBatch({ records: toBuild(messages), producerId: 7, producerEpoch: 0, baseSequence: -1 }), 'INVALID_RECORD')
  })

  it('max.message.bytes -> MESSAGE_TOO_LARGE', () => {
    const batch = good()
    expectError(batch, 'MESSAGE_TOO_LARGE', { maxMessageBytes: batch.length - 1 })
    expect(validateRecordsForAppend(batch, { maxMessageBytes: batch.length }).ok).toBe(true)
  })

  it('a producer-set LogAppendTime is refused on LogAppendTime topics', () => {
    const batch = buildBatch({ records: toBuild(messages), timestampType: 1 })
    expectError(batch, 'INVALID_TIMESTAMP', { logAppendTime: true })
    expect(validateRecordsForAppend(batch).ok).toBe(true)
  })

  it('uncompressed record framing that disagrees with the count -> INVALID_RECORD', () => {
    const batch = good()
    batch[RECORDS_OFFSET] = 0x7e // first record claims 63 bytes more than it has
    expectError(withCrc(batch), 'INVALID_RECORD')
    const extra = Buffer.concat([good(), Buffer.from([0x00])])
    extra.writeInt32BE(extra.length - 12, 8)
    expectError(withCrc(extra), 'INVALID_RECORD')
  })
})

describe('scanBatches (log recovery)', () => {
  const batches = [0, 4, 8].map((base) => buildBatch({ baseOffset: base, records: toBuild(messages), compression: base === 4 ? Compression.snappy : 0 }))
  const log = Buffer.concat(batches)

  it('walks a clean log', () => {
    const r = scanBatches(log)
    expect(r).toMatchObject({ validBytes: log.length, stopReason: null })
    expect(r.batches.map((b) => [b.pos, b.baseOffset])).toEqual([[0, 0], [batches[0]!.length, 4], [batches[0]!.length + batches[1]!.length, 8]])
  })

  it('stops at a torn tail and at a corrupt batch', () => {
    const torn = scanBatches(log.subarray(0, log.length - 7))
    expect(torn.validBytes).toBe(batches[0]!.length + batches[1]!.length)
    expect(torn.stopReason).toMatch(/incomplete/)
    const bad = Buffer.from(log)
    bad[batches[0]!.length + 70]! ^= 0xff
    const r = scanBatches(bad)
    expect(r).toMatchObject({ validBytes: batches[0]!.length, stopReason: 'CRC mismatch' })
    expect(r.batches.length).toBe(1)
  })
})

describe('decodeBatchRecords failures', () => {
  it('throws RecordDecodeError for corrupt payloads and every truncation', () => {
    const batch = buildBatch({ records: toBuild(messages), compression: Compression.gzip })
    for (let len = 0; len < batch.length; len += 7) {
      expect(() => decodeBatchRecords(batch.subarray(0, len))).toThrow(RecordDecodeError)
    }
    const badPayload = Buffer.concat([batch.subarray(0, RECORDS_OFFSET), compress(Compression.gzip, Buffer.from('nope'))])
    badPayload.writeInt32BE(badPayload.length - 12, 8)
    expect(() => decodeBatchRecords(withCrc(badPayload))).toThrow(expect.objectContaining({ code: 'INVALID_RECORD' }))
    const notGzip = Buffer.concat([batch.subarray(0, RECORDS_OFFSET), Buffer.from('not gzip at all')])
    notGzip.writeInt32BE(notGzip.length - 12, 8)
    expect(() => decodeBatchRecords(withCrc(notGzip))).toThrow(expect.objectContaining({ code: 'CORRUPT_MESSAGE' }))
  })
})

describe('RecordSpans (the start-up replay walker)', () => {
  // What a walker reports for each record of the batch at buf[pos], as decoded values.
  function walk(spans: RecordSpans, buf: Buffer, pos = 0): { size: number; records: { offset: number; key: string | null; value: string | null; keyString: string }[] } {
    const size = spans.reset(buf, pos)
    const records: { offset: number; key: string | null; value: string | null; keyString: string }[] = []
    while (spans.next()) records.push({ offset: spans.offset, key: spans.key()?.toString() ?? null, value: spans.value()?.toString() ?? null, keyString: spans.keyString() })
    return { size, records }
  }

  it('gives the offsets, keys and values decodeBatchRecords gives, for plain and compressed batches, one walker for all', () => {
    const spans = new RecordSpans()
    for (const compression of [Compression.none, Compression.gzip, Compression.snappy, Compression.lz4, Compression.zstd]) {
      const batch = buildBatch({ baseOffset: 1000, records: toBuild(messages), compression })
      const { size, records } = walk(spans, batch)
      expect(size).toBe(batch.length)
      expect(records).toEqual(decodeBatchRecords(batch).map((r) => ({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, keyString: r.key?.toString('latin1') ?? '' })))
      expect(records.map((r) => r.offset)).toEqual([1000, 1001, 1002, 1003])
    }
  })

  it('walks batches in place inside a larger buffer and reports each batch\'s attributes and transactional producer id', () => {
    const plain = buildBatch({ baseOffset: 5, records: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] })
    const txn = buildBatch({ baseOffset: 7, records: [{ key: 'c', value: null }], producerId: 42, producerEpoch: 3, transactional: true })
    const marker = buildControlBatch({ baseOffset: 8, producerId: 42, producerEpoch: 3, type: 'commit', coordinatorEpoch: 0 })
    const buf = Buffer.concat([Buffer.from('junk'), plain, txn, marker])
    const spans = new RecordSpans()
    let at = 4
    const seen: [number, number, string | null][] = []
    while (at < buf.length) {
      at += spans.reset(buf, at)
      while (spans.next()) seen.push([spans.offset, spans.producerId, spans.value()?.toString() ?? null])
    }
    expect(seen.slice(0, 3)).toEqual([[5, -1, '1'], [6, -1, '2'], [7, 42, null]])
    expect(seen[3]![0]).toBe(8)
    expect(spans.producerId).toBe(42)
    expect(readControlRecord({ key: spans.key(), value: spans.value() })?.type).toBe(1)
  })

  it('throws RecordDecodeError for truncations, a lying record count and a negative key length', () => {
    const batch = buildBatch({ records: toBuild(messages) })
    const spans = new RecordSpans()
    const drain = (b: Buffer) => { spans.reset(b); while (spans.next()); }
    for (let len = 0; len < batch.length; len += 7) expect(() => drain(batch.subarray(0, len))).toThrow(RecordDecodeError)
    const moreClaimed = Buffer.from(batch)
    moreClaimed.writeInt32BE(messages.length + 1, RECORD_COUNT_OFFSET)
    expect(() => drain(withCrc(moreClaimed))).toThrow(expect.objectContaining({ code: 'INVALID_RECORD' }))
    const fewerClaimed = Buffer.from(batch)
    fewerClaimed.writeInt32BE(messages.length - 1, RECORD_COUNT_OFFSET)
    expect(() => drain(withCrc(fewerClaimed))).toThrow(expect.objectContaining({ code: 'INVALID_RECORD' }))
    // First record: length varint, attributes (1 byte), timestamp delta 0 and offset delta 0 (1 byte each), then the key length.
    const badKey = Buffer.from(buildBatch({ records: [{ key: 'k', value: 'v' }] }))
    badKey[RECORDS_OFFSET + 4] = 0x05 // zig-zag -3
    expect(() => drain(withCrc(badKey))).toThrow(expect.objectContaining({ code: 'INVALID_RECORD' }))
    const badCrc = Buffer.from(batch)
    badCrc[batch.length - 1]! ^= 1
    expect(() => drain(badCrc)).toThrow(expect.objectContaining({ code: 'CORRUPT_MESSAGE' }))
    expect(() => { spans.reset(badCrc, 0, { verifyCrc: false }) }).not.toThrow()
  })
})
