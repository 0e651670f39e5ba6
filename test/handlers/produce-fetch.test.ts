// Every advertised version of ApiVersions, Metadata, Produce and Fetch over TCP: what is written
// at any Produce version is read back at every Fetch version.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiVersions } from '../../protocol/apis/api-versions.js'
import { Fetch } from '../../protocol/apis/fetch.js'
import { Metadata } from '../../protocol/apis/metadata.js'
import { Produce } from '../../protocol/apis/produce.js'
import { Compression } from '../../protocol/compression.js'
import { ErrorCode } from '../../protocol/errors.js'
import { buildBatch, decodeBatchRecords } from '../../protocol/records/index.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { versionsOf } from '../helpers/codec.js'
import { readPartition } from '../helpers/read.js'

let broker: TestBroker
let client: TestClient
let topicId: string

beforeAll(async () => {
  broker = await startTestBroker({ config: { 'num.partitions': 2 } })
  client = await TestClient.connect(broker.port)
  topicId = broker.broker.createTopic('versions', 2, 1, {}).id
})
afterAll(async () => {
  await client?.close()
  await broker?.cleanup()
})

describe('ApiVersions', () => {
  it.each(versionsOf(ApiVersions))('v%i lists every served API', async (v) => {
    const res = await client.send(ApiVersions, v, { clientSoftwareName: 'rivulet-test', clientSoftwareVersion: '1.0' })
    expect(res.errorCode).toBe(0)
    expect(res.apiKeys.find((k) => k.apiKey === 0)).toEqual({ apiKey: 0, minVersion: 0, maxVersion: 13 })
    expect(res.apiKeys.find((k) => k.apiKey === 18)).toEqual({ apiKey: 18, minVersion: 0, maxVersion: 5 })
    // v3+: transactions v2 finalized, as on a fresh Kafka 4.x, so Java and franz-go use KIP-890
    // (every feature level: api-versions.test.ts).
    if (v >= 3) {
      expect(res.finalizedFeatures).toContainEqual({ name: 'transaction.version', minVersionLevel: 2, maxVersionLevel: 2 })
      expect(res.finalizedFeaturesEpoch).toBeGreaterThanOrEqual(0n)
    }
  })
  it('v3+ rejects an invalid client software name with INVALID_REQUEST', async () => {
    const res = await client.send(ApiVersions, 3, { clientSoftwareName: '-bad name', clientSoftwareVersion: '1' })
    expect(res.errorCode).toBe(ErrorCode.INVALID_REQUEST)
    expect(res.apiKeys).toEqual([]) // as Kafka 4.4.0: only UNSUPPORTED_VERSION lists the APIs
  })
})

describe('Metadata', () => {
  it.each(versionsOf(Metadata))('v%i describes the broker and the topic', async (v) => {
    const res = await client.send(Metadata, v, { topics: [{ name: 'versions', topicId: undefined }], allowAutoTopicCreation: false })
    expect(res.brokers).toEqual([expect.objectContaining({ nodeId: 1, host: '127.0.0.1', port: broker.port })])
    const t = res.topics[0]!
    expect(t.errorCode).toBe(0)
    expect(t.partitions.map((p) => p.partitionIndex)).toEqual([0, 1])
    if (v >= 1) expect(res.controllerId).toBe(1)
    if (v >= 2) expect(res.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/)
    if (v >= 7) expect(t.partitions[0]!.leaderEpoch).toBe(0)
    if (v >= 10) expect(t.topicId).toBe(topicId)
  })
  it('v0 treats an empty list as all topics; v1+ null as all and empty as none', async () => {
    expect((await client.send(Metadata, 0, { topics: [] })).topics.map((t) => t.name)).toContain('versions')
    expect((await client.send(Metadata, 1, { topics: [] })).topics).toEqual([])
    expect((await client.send(Metadata, 1, { topics: null })).topics.map((t) => t.name)).toContain('versions')
  })
  it('v12+ looks a topic up by id, and reports unknown ids', async () => {
    const res = await client.send(Metadata, 12, { topics: [{ name: null, topicId }, { name: null, topicId: 'AAAAAAAAAAAAAAAAAAAAAw' }] })
    expect(res.topics[0]!.name).toBe('versions')
    expect(res.topics[1]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID)
  })
  it('auto-creates a topic only when allowed', async () => {
    expect((await client.send(Metadata, 9, { topics: [{ name: 'auto-no' }], allowAutoTopicCreation: false })).topics[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    const created = (await client.send(Metadata, 9, { topics: [{ name: 'auto-yes' }], allowAutoTopicCreation: true })).topics[0]!
    expect(created.errorCode).toBe(0)
    expect(created.partitions.length).toBe(2)
  })
})

const produced: string[] = []

function recordsFor(version: number, n: number): Buffer {
  const messages = Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`p${version}-${i}`), value: Buffer.from(`value ${version}/${i}`), timestamp: Date.now() }))
  for (const m of messages) produced.push(m.key.toString())
  return buildBatch({ records: messages, compression: version >= 7 && version % 2 === 1 ? Compression.zstd : Compression.none })
}

describe('Produce', () => {
  it.each(versionsOf(Produce))('v%i appends and acknowledges', async (v) => {
    const res = await client.send(Produce, v, {
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: 'versions', topicId, partitionData: [{ index: 0, records: recordsFor(v, 3) }] }],
    })
    const p = res.responses[0]!.partitionResponses[0]!
    expect(p.errorCode).toBe(0)
    expect(Number(p.baseOffset)).toBe(produced.length - 3)
    if (v >= 5) expect(p.logStartOffset).toBe(0n)
  })
  it('acks=0 gets no response, and the data is written', async () => {
    client.fire(Produce, 9, { acks: 0, timeoutMs: 1000, topicData: [{ name: 'versions', partitionData: [{ index: 1, records: buildBatch({ records: [{ key: null, value: Buffer.from('fire') }] }) }] }] })
    const md = await client.send(Metadata, 1, { topics: [] }) // answered after the produce: responses are ordered
    expect(md.topics).toEqual([])
    expect((await readPartition(client, 'versions', 1)).map((r) => r.value!.toString())).toEqual(['fire'])
  })
  it('rejects zstd below v7, unknown topics and partitions, and bad acks', async () => {
    const zstd = buildBatch({ records: [{ key: null, value: Buffer.from('z') }], compression: Compression.zstd })
    const send = (v: number, name: string, index: number, records: Buffer, acks = -1) =>
      client.send(Produce, v, { acks, timeoutMs: 1000, topicData: [{ name, partitionData: [{ index, records }] }] })
    expect((await send(6, 'versions', 0, zstd)).responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE)
    expect((await send(9, 'nope', 0, zstd)).responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect((await send(9, 'versions', 7, zstd)).responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect((await send(9, 'versions', 0, zstd, 2)).responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS)
  })
})

describe('Fetch', () => {
  it.each(versionsOf(Fetch))('v%i reads back everything produced at every version', async (v) => {
    const records = await readPartition(client, 'versions', 0, { version: v, topicId })
    expect(records.map((r) => r.key!.toString())).toEqual(produced)
  })
  it('answers OFFSET_OUT_OF_RANGE with the high watermark, and unknown topic ids', async () => {
    const res = await client.send(Fetch, 13, {
      maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, sessionEpoch: -1,
      topics: [
        { topicId, partitions: [{ partition: 0, fetchOffset: 10_000n, partitionMaxBytes: 1024 }] },
        { topicId: 'AAAAAAAAAAAAAAAAAAAAAw', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1024 }] },
      ],
    })
    expect(res.responses[0]!.partitions[0]).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark: BigInt(produced.length) })
    expect(res.responses[1]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID)
  })
  it('long-polls until data arrives, and returns at maxWaitMs without it', async () => {
    const other = await TestClient.connect(broker.port)
    const end = BigInt(produced.length)
    const waiting = other.send(Fetch, 11, { maxWaitMs: 10_000, minBytes: 1, maxBytes: 1 << 20, sessionEpoch: -1, topics: [{ topic: 'versions', partitions: [{ partition: 0, fetchOffset: end, partitionMaxBytes: 1 << 20 }] }] })
    await client.send(Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'versions', partitionData: [{ index: 0, records: recordsFor(9, 1) }] }] })
    const res = await waiting
    const data = res.responses[0]!.partitions[0]!.records!
    expect(decodeBatchRecords(data)[0]!.key!.toString()).toBe(produced[produced.length - 1])
    const started = Date.now()
    const empty = await other.send(Fetch, 11, { maxWaitMs: 200, minBytes: 1, maxBytes: 1 << 20, sessionEpoch: -1, topics: [{ topic: 'versions', partitions: [{ partition: 0, fetchOffset: end + 1n, partitionMaxBytes: 1 << 20 }] }] })
    expect(empty.responses[0]!.partitions[0]!.records!.length).toBe(0)
    expect(Date.now() - started).toBeGreaterThanOrEqual(150)
    await other.close()
  })
  it('answers an unknown fetch session with FETCH_SESSION_ID_NOT_FOUND', async () => {
    const res = await client.send(Fetch, 12, { maxWaitMs: 0, minBytes: 0, maxBytes: 1024, sessionId: 42, sessionEpoch: 3, topics: [] })
    expect(res.errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
  })
})
