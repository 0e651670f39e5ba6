// ListOffsets 0–11 over TCP: latest, earliest, max timestamp, earliest local, latest tiered,
// earliest pending upload (v11) and
// real timestamps (including a compressed batch and a moved log start), v0's old-style offsets,
// the per-partition errors (unknown, duplicated, unsupported timestamp, leader epoch fencing);
// kafkajs admin.fetchTopicOffsets and fetchTopicOffsetsByTimestamp.
import kafkajs from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ListOffsets } from '../../protocol/apis/list-offsets.js'
import { Produce } from '../../protocol/apis/produce.js'
import { Compression } from '../../protocol/compression.js'
import { ErrorCode } from '../../protocol/errors.js'
import { buildBatch } from '../../protocol/records/index.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

const { Kafka, logLevel } = kafkajs

let tb: TestBroker
let client: TestClient
const base = Date.now() - 600000

async function produce(topic: string, timestamps: number[], compression: number = Compression.none) {
  const records = buildBatch({ compression, records: timestamps.map((t, i) => ({ key: `k${i}`, value: `v${i}`, timestamp: base + t })) })
  const res = await client.send(Produce, 7, { acks: -1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] })
  expect(res.responses[0]!.partitionResponses[0]!.errorCode).toBe(0)
}

beforeAll(async () => {
  tb = await startTestBroker()
  tb.broker.createTopic('lo', 2, 1, {})
  tb.broker.createTopic('lo-moved', 1, 1, {})
  client = await TestClient.connect(tb.port)
  await produce('lo', [0, 10, 20]) // offsets 0–2
  await produce('lo', [50, 30]) // 3–4: the largest timestamp, at offset 3
  await produce('lo', [40, 50], Compression.gzip) // 5–6: the same maximum again, later
  await produce('lo-moved', [0, 10, 20, 30])
  tb.broker.partition('lo-moved', 0)!.deleteRecordsBefore(2)
})
afterAll(async () => {
  await client?.close()
  await tb?.cleanup()
})

async function list(version: number, timestamp: number | bigint, o: { topic?: string; partition?: number; currentLeaderEpoch?: number; isolationLevel?: number } = {}) {
  const res = await client.send(ListOffsets, version, {
    replicaId: -1,
    isolationLevel: o.isolationLevel ?? 0,
    topics: [{ name: o.topic ?? 'lo', partitions: [{ partitionIndex: o.partition ?? 0, timestamp: BigInt(timestamp), currentLeaderEpoch: o.currentLeaderEpoch ?? -1 }] }],
  })
  expect(res.topics).toHaveLength(1)
  return res.topics[0]!.partitions[0]!
}

const at = (offset: number, timestamp: number, version: number) => ({ errorCode: 0, offset: BigInt(offset), timestamp: BigInt(timestamp), leaderEpoch: version >= 4 && offset >= 0 ? 0 : -1 })

describe('ListOffsets', () => {
  for (let v = 1; v <= 11; v++) {
    it(`v${v} answers latest, earliest and timestamps${v >= 7 ? ', max timestamp' : ''}${v >= 8 ? ', earliest local' : ''}${v >= 9 ? ', latest tiered' : ''}${v >= 11 ? ', earliest pending upload' : ''}`, async () => {
      expect(await list(v, -1)).toMatchObject(at(7, -1, v))
      expect(await list(v, -2)).toMatchObject(at(0, -1, v))
      expect(await list(v, base + 15)).toMatchObject(at(2, base + 20, v))
      expect(await list(v, base + 35)).toMatchObject(at(3, base + 50, v))
      expect(await list(v, base + 42)).toMatchObject(at(3, base + 50, v))
      expect(await list(v, 0)).toMatchObject(at(0, base, v))
      expect(await list(v, base + 51)).toMatchObject({ errorCode: 0, offset: -1n, timestamp: -1n, leaderEpoch: -1 })
      expect(await list(v, -3)).toMatchObject(v >= 7 ? at(3, base + 50, v) : { errorCode: ErrorCode.UNSUPPORTED_VERSION, offset: -1n })
      expect(await list(v, -4)).toMatchObject(v >= 8 ? at(0, -1, v) : { errorCode: ErrorCode.UNSUPPORTED_VERSION })
      expect(await list(v, -5)).toMatchObject(v >= 9 ? { errorCode: 0, offset: -1n, timestamp: -1n, leaderEpoch: -1 } : { errorCode: ErrorCode.UNSUPPORTED_VERSION })
      // -6 earliest pending upload (KIP-1023): Kafka 4.4.0 answers -1, no error, for a topic without remote storage
      expect(await list(v, -6)).toMatchObject(v >= 11 ? { errorCode: 0, offset: -1n, timestamp: -1n, leaderEpoch: -1 } : { errorCode: ErrorCode.UNSUPPORTED_VERSION })
      expect(await list(v, -7)).toMatchObject({ errorCode: ErrorCode.UNSUPPORTED_VERSION })
      if (v >= 2) expect(await list(v, -1, { isolationLevel: 1 })).toMatchObject(at(7, -1, v))
    })
  }

  it('finds records inside a compressed batch', async () => {
    expect(await list(9, base + 41)).toMatchObject(at(3, base + 50, 9))
    await produce('lo', [5, 60, 70], Compression.gzip) // 7–9
    expect(await list(9, base + 55)).toMatchObject(at(8, base + 60, 9))
    expect(await list(9, -3)).toMatchObject(at(9, base + 70, 9))
    expect(await list(9, -1)).toMatchObject(at(10, -1, 9))
  })

  it('answers an empty partition: latest and earliest 0, no max timestamp', async () => {
    expect(await list(8, -1, { partition: 1 })).toMatchObject(at(0, -1, 8))
    expect(await list(8, -2, { partition: 1 })).toMatchObject(at(0, -1, 8))
    expect(await list(8, -3, { partition: 1 })).toMatchObject({ errorCode: 0, offset: -1n, timestamp: -1n, leaderEpoch: -1 })
  })

  it('starts at the log start offset after DeleteRecords', async () => {
    expect(await list(10, -2, { topic: 'lo-moved' })).toMatchObject(at(2, -1, 10))
    expect(await list(10, 0, { topic: 'lo-moved' })).toMatchObject(at(2, base + 20, 10))
  })

  it('searches across segments (one batch per segment)', async () => {
    tb.broker.createTopic('lo-seg', 1, 1, { 'segment.bytes': '100' })
    for (const t of [100, 300, 200]) await produce('lo-seg', [t])
    expect(tb.broker.localPartition('lo-seg', 0)!.segmentCount).toBe(3)
    expect(await list(7, base + 150, { topic: 'lo-seg' })).toMatchObject(at(1, base + 300, 7))
    expect(await list(7, base + 250, { topic: 'lo-seg' })).toMatchObject(at(1, base + 300, 7))
    expect(await list(7, -3, { topic: 'lo-seg' })).toMatchObject(at(1, base + 300, 7))
  })

  it('answers UNKNOWN_TOPIC_OR_PARTITION for an unknown topic or partition', async () => {
    expect(await list(5, -1, { topic: 'nope' })).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, offset: -1n, timestamp: -1n })
    expect(await list(5, -1, { partition: 9 })).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION })
  })

  it('fences on currentLeaderEpoch (v4+) as Fetch does', async () => {
    expect(await list(4, -1, { currentLeaderEpoch: 0 })).toMatchObject({ errorCode: 0 })
    expect(await list(4, -1, { currentLeaderEpoch: 1 })).toMatchObject({ errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH, offset: -1n })
    expect(await list(10, -1, { currentLeaderEpoch: -2 })).toMatchObject({ errorCode: ErrorCode.FENCED_LEADER_EPOCH })
  })

  it('answers a partition listed twice once, with INVALID_REQUEST, and merges topics by name', async () => {
    const res = await client.send(ListOffsets, 6, {
      replicaId: -1,
      topics: [
        { name: 'lo', partitions: [{ partitionIndex: 0, timestamp: -1n }, { partitionIndex: 1, timestamp: -1n }] },
        { name: 'lo', partitions: [{ partitionIndex: 0, timestamp: -2n }] },
      ],
    })
    expect(res.topics).toHaveLength(1)
    expect(res.topics[0]!.partitions.map((p) => [p.partitionIndex, p.errorCode])).toEqual([[0, ErrorCode.INVALID_REQUEST], [1, 0]])
  })

  it('serves kafkajs admin.fetchTopicOffsets and fetchTopicOffsetsByTimestamp', async () => {
    const kafka = new Kafka({ brokers: [tb.bootstrap], logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    try {
      const end = String(tb.broker.partition('lo', 0)!.logEndOffset)
      const offsets = await admin.fetchTopicOffsets('lo')
      expect(offsets.sort((a, b) => a.partition - b.partition)).toEqual([
        { partition: 0, offset: end, high: end, low: '0' },
        { partition: 1, offset: '0', high: '0', low: '0' },
      ])
      const byTime = await admin.fetchTopicOffsetsByTimestamp('lo', base + 15)
      expect(byTime.sort((a, b) => a.partition - b.partition)).toEqual([{ partition: 0, offset: '2' }, { partition: 1, offset: '0' }])
      const moved = await admin.fetchTopicOffsets('lo-moved')
      expect(moved).toEqual([{ partition: 0, offset: '4', high: '4', low: '2' }])
    } finally {
      await admin.disconnect()
    }
  })
})
