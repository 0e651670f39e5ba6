// Quotas enforced over the wire on the manual clock: throttle_time_ms as ClientQuotaManager
// computes it, and the connection muted (no further request read) until the broker clock passes
// the throttle time (KIP-219), for producer_byte_rate, consumer_byte_rate, request_percentage and
// controller_mutation_rate (strict CreateTopics v6+, permissive below).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AlterClientQuotas } from '../../protocol/apis/alter-client-quotas.js'
import { CreatePartitions } from '../../protocol/apis/create-partitions.js'
import { CreateTopics } from '../../protocol/apis/create-topics.js'
import { DeleteTopics } from '../../protocol/apis/delete-topics.js'
import { Fetch } from '../../protocol/apis/fetch.js'
import { Metadata } from '../../protocol/apis/metadata.js'
import { Produce } from '../../protocol/apis/produce.js'
import { ErrorCode } from '../../protocol/errors.js'
import { readResponseHeader } from '../../protocol/header.js'
import { Reader } from '../../protocol/primitives.js'
import { buildBatch } from '../../protocol/records/index.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

let b: TestBroker
let admin: TestClient
let client: TestClient

beforeAll(async () => {
  b = await startTestBroker({ clock: 'manual' })
  admin = await TestClient.connect(b.port)
})
afterAll(async () => {
  await admin.close()
  await b.cleanup()
})
afterEach(async () => {
  await client?.close()
  // Clear every quota so each test starts from none (and fresh sensors' windows).
  for (const q of [...b.broker.quotas.store.all()]) {
    await quota([...q.entity].map(([t, n]) => ({ entityType: t, entityName: n })), Object.fromEntries([...q.values.keys()].map((k) => [k, null])))
  }
  b.kit.advance(60_000)
})

// The admin connection uses another client id, so it is never throttled by the tested quotas.
async function quota(entity: { entityType: string; entityName: string | null }[], values: Record<string, number | null>) {
  const res = await admin.send(AlterClientQuotas, 1, { entries: [{ entity, ops: Object.entries(values).map(([key, v]) => ({ key, value: v ?? 0, remove: v === null })) }], validateOnly: false })
  expect(res.entries[0]!.errorCode).toBe(0)
}
const forClient = [{ entityType: 'client-id', entityName: 'rivulet-test' }]

// Metadata v9 read from a raw frame (throttleTimeMs first after the header).
function metadataThrottle(frame: Buffer): number {
  const r = new Reader(frame)
  readResponseHeader(r, true)
  return Metadata.response(9).read(r).throttleTimeMs
}

// A round trip on the admin connection: the broker has handled everything read before it.
const barrier = () => admin.send(Metadata, 9, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })

describe('producer_byte_rate', () => {
  it('throttles by (O - T) / T * W and reads nothing more from the connection until then', async () => {
    b.kit.createTopic('q-produce', { partitions: 1 })
    await quota(forClient, { producer_byte_rate: 1000 })
    client = await TestClient.connect(b.port)
    const records = buildBatch({ records: [{ key: null, value: Buffer.alloc(12_000, 1) }] })
    const produce = client.frame(Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'q-produce', partitionData: [{ index: 0, records }] }] }, 1)
    const metadata = client.frame(Metadata, 9, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }, 2)
    const produced = client.rawResponse(1)
    let answered = false
    const pipelined = client.rawResponse(2).then((f) => ((answered = true), f))
    client.writeRaw(Buffer.concat([produce, metadata])) // one write: both frames arrive together
    const r = new Reader(await produced)
    readResponseHeader(r, true)
    const res = Produce.response(9).read(r)
    expect(res.responses[0]!.partitionResponses[0]!.errorCode).toBe(0)
    // 12 000-odd request bytes over a young sensor's 10 s window, quota 1000 B/s.
    const size = produce.length - 4
    expect(res.throttleTimeMs).toBe(Math.round(((size / 10 - 1000) / 1000) * 10_000))
    await barrier()
    b.kit.advance(res.throttleTimeMs - 1)
    await barrier()
    expect(answered).toBe(false)
    b.kit.advance(1)
    expect(metadataThrottle(await pipelined)).toBe(0)
  })

  it('mutes an acks=0 producer too, though no response carries the time', async () => {
    b.kit.createTopic('q-acks0', { partitions: 1 })
    await quota(forClient, { producer_byte_rate: 1000 })
    client = await TestClient.connect(b.port)
    const records = buildBatch({ records: [{ key: null, value: Buffer.alloc(15_000, 1) }] })
    const produce = client.frame(Produce, 9, { acks: 0, timeoutMs: 1000, topicData: [{ name: 'q-acks0', partitionData: [{ index: 0, records }] }] }, 1)
    const metadata = client.frame(Metadata, 9, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }, 2)
    let answered = false
    const pipelined = client.rawResponse(2).then((f) => ((answered = true), f))
    client.writeRaw(Buffer.concat([produce, metadata]))
    await b.kit.until.offset('q-acks0', 0, 1)
    await barrier()
    expect(answered).toBe(false)
    b.kit.advance(Math.round(((produce.length - 4) / 10 - 1000) / 1000 * 10_000))
    expect(metadataThrottle(await pipelined)).toBe(0)
  })

  it('does nothing for clients no quota covers', async () => {
    b.kit.createTopic('q-free', { partitions: 1 })
    await quota([{ entityType: 'client-id', entityName: 'someone-else' }], { producer_byte_rate: 1 })
    client = await TestClient.connect(b.port)
    const records = buildBatch({ records: [{ key: null, value: Buffer.alloc(50_000) }] })
    const res = await client.send(Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'q-free', partitionData: [{ index: 0, records }] }] })
    expect(res.throttleTimeMs).toBe(0)
  })
})

describe('consumer_byte_rate', () => {
  it('caps max bytes to one window of quota, then answers empty and throttled when over', async () => {
    b.kit.createTopic('q-fetch', { partitions: 1 })
    client = await TestClient.connect(b.port)
    const batch = buildBatch({ records: [{ key: null, value: Buffer.alloc(280, 2) }] })
    for (let i = 0; i < 4; i++) await client.send(Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'q-fetch', partitionData: [{ index: 0, records: batch }] }] })
    await quota(forClient, { consumer_byte_rate: 100 }) // 1000 bytes per 10 s window
    const fetch = (offset: bigint) => client.send(Fetch, 12, { replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{ topic: 'q-fetch', partitions: [{ partition: 0, fetchOffset: offset, currentLeaderEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '' })
    const first = await fetch(0n)
    expect(first.throttleTimeMs).toBe(0)
    const bytes = first.responses[0]!.partitions[0]!.records!.length
    expect(bytes).toBe(batch.length * Math.floor(1000 / batch.length))
    const second = await fetch(BigInt(bytes / batch.length))
    expect(second.responses).toEqual([])
    const over = (2 * bytes) / 10
    expect(second.throttleTimeMs).toBe(Math.round(((over - 100) / 100) * 10_000))
    // The throttled bytes were not counted: once muting ends, the same fetch needs only the
    // window to have room again.
    b.kit.advance(second.throttleTimeMs)
    b.kit.advance(11_000)
    const third = await fetch(BigInt(bytes / batch.length))
    expect(third.throttleTimeMs).toBe(0)
    expect(third.responses[0]!.partitions[0]!.records!.length).toBe(bytes)
  })
})

describe('request_percentage', () => {
  it('throttles any API by its handler time, at most one window', async () => {
    await quota(forClient, { request_percentage: 1e-9 })
    client = await TestClient.connect(b.port)
    const res = await client.send(Metadata, 9, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
    expect(res.throttleTimeMs).toBe(1000)
    const next = client.send(Metadata, 9, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
    b.kit.advance(1000)
    expect((await next).throttleTimeMs).toBe(1000)
  })
})

describe('controller_mutation_rate', () => {
  const create = (version: number, name: string, numPartitions: number) =>
    client.send(CreateTopics, version, { topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false })

  it('strict from CreateTopics v6: THROTTLING_QUOTA_EXCEEDED once the bucket is empty; permissive before', async () => {
    await quota(forClient, { controller_mutation_rate: 1 }) // 11 partitions of burst
    client = await TestClient.connect(b.port)
    const big = await create(6, 'q-big', 20)
    expect(big.topics[0]!.errorCode).toBe(0)
    expect(big.throttleTimeMs).toBe(0)
    const refused = await create(6, 'q-refused', 1)
    expect(refused.topics[0]).toMatchObject({ name: 'q-refused', errorCode: ErrorCode.THROTTLING_QUOTA_EXCEEDED, errorMessage: 'The throttling quota has been exceeded.' })
    expect(refused.throttleTimeMs).toBe(9000)
    expect(b.broker.cluster.topic('q-refused')).toBeUndefined()
    const muted = create(5, 'q-permissive', 2)
    b.kit.advance(9000)
    const permissive = await muted
    expect(permissive.topics[0]!.errorCode).toBe(0)
    expect(permissive.throttleTimeMs).toBe(2000)
    expect(b.broker.cluster.topic('q-permissive')!.partitions).toBe(2)
  })

  it('counts partitions added by CreatePartitions (strict from v3) and deleted by DeleteTopics (strict from v5)', async () => {
    b.kit.createTopic('q-grow', { partitions: 1 })
    b.kit.createTopic('q-del-a', { partitions: 4 })
    b.kit.createTopic('q-del-b', { partitions: 1 })
    await quota(forClient, { controller_mutation_rate: 1 }) // 11 partitions of burst
    client = await TestClient.connect(b.port)
    const grow = (version: number, count: number) => client.send(CreatePartitions, version, { topics: [{ name: 'q-grow', count, assignments: null }], timeoutMs: 1000, validateOnly: false })
    expect((await grow(3, 13)).results[0]!.errorCode).toBe(0) // 12 added: 11 ─▶ -1
    const refused = await grow(3, 14)
    expect(refused.results[0]).toMatchObject({ errorCode: ErrorCode.THROTTLING_QUOTA_EXCEEDED, errorMessage: 'The throttling quota has been exceeded.' })
    expect(refused.throttleTimeMs).toBe(1000)
    expect(b.broker.cluster.topic('q-grow')!.partitions).toBe(13)
    const pendingDelete = client.send(DeleteTopics, 5, { topicNames: ['q-del-a'], timeoutMs: 1000 })
    b.kit.advance(1000) // the bucket is back at 0: a strict quota accepts, and goes to -4
    const deleted = await pendingDelete
    expect(deleted.responses[0]!.errorCode).toBe(0)
    expect(deleted.throttleTimeMs).toBe(0)
    const second = await client.send(DeleteTopics, 5, { topicNames: ['q-del-b'], timeoutMs: 1000 })
    expect(second.responses[0]).toMatchObject({ name: 'q-del-b', errorCode: ErrorCode.THROTTLING_QUOTA_EXCEEDED })
    expect(second.throttleTimeMs).toBe(4000)
    expect(b.broker.cluster.topic('q-del-b')).toBeDefined()
  })
})
