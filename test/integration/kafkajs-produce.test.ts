// kafkajs 2.2.4 produces keyed messages with headers under each codec it supports (snappy through
// kafkajs-snappy, lz4 through our lz4-napi codec in test/helpers/kafkajs-lz4.ts) and with an
// idempotent producer; every message is read back with its key, value, headers and timestamp, in
// order per partition.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Kafka, logLevel, CompressionTypes } from '../helpers/kafkajs.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { readPartition } from '../helpers/read.js'


const COUNT = 10_000
let broker: TestBroker
let client: TestClient

beforeAll(async () => {
  broker = await startTestBroker({ disk: true })
  client = await TestClient.connect(broker.port)
})
afterAll(async () => {
  await client?.close()
  await broker?.cleanup()
})

const cases = [
  ['none', CompressionTypes.None, false],
  ['gzip', CompressionTypes.GZIP, false],
  ['snappy', CompressionTypes.Snappy, false],
  ['lz4', CompressionTypes.LZ4, false],
  ['idempotent', CompressionTypes.None, true],
] as const

describe('kafkajs producer', () => {
  it.each(cases)('round-trips %s', async (name, compression, idempotent) => {
    const kafka = new Kafka({ clientId: `rivulet-${name}`, brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    const topic = `kafkajs-${name}`
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] })
    await admin.disconnect()
    const producer = kafka.producer({ idempotent, maxInFlightRequests: idempotent ? 1 : undefined })
    await producer.connect()
    const t0 = Date.now() - 60_000
    const sent = Array.from({ length: COUNT }, (_, i) => ({
      key: `key-${i % 97}`,
      value: `value-${i}-${'x'.repeat(i % 50)}`,
      headers: { seq: String(i), kind: name },
      timestamp: String(t0 + i),
    }))
    for (let i = 0; i < COUNT; i += 500) await producer.send({ topic, compression, acks: -1, messages: sent.slice(i, i + 500) })
    await producer.disconnect()

    const seen = new Map<number, { partition: number; offset: number }>()
    for (let p = 0; p < 3; p++) {
      const records = await readPartition(client, topic, p)
      let lastSeq = -1
      records.forEach((r, idx) => {
        expect(r.offset).toBe(idx)
        const seq = Number(r.headers.find((h) => h.key === 'seq')!.value!.toString())
        expect(seq).toBeGreaterThan(lastSeq)
        lastSeq = seq
        const want = sent[seq]!
        expect(r.key!.toString()).toBe(want.key)
        expect(r.value!.toString()).toBe(want.value)
        expect(r.timestamp).toBe(Number(want.timestamp))
        expect(r.headers.find((h) => h.key === 'kind')!.value!.toString()).toBe(name)
        seen.set(seq, { partition: p, offset: r.offset })
      })
    }
    expect(seen.size).toBe(COUNT)
    // kafkajs's default partitioner keys by murmur2: the same key always lands on one partition.
    const byKey = new Map<string, number>()
    for (const [seq, at] of seen) {
      const k = sent[seq]!.key
      if (byKey.has(k)) expect(byKey.get(k)).toBe(at.partition)
      byKey.set(k, at.partition)
    }
  }, 60_000)
})
