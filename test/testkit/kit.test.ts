// The embedded kit: the manual clock drives group session timeouts, transaction timeouts and
// offset expiry (a 45 s session timeout in milliseconds); requests are recorded with client
// software, as a list and as an async iterator, in a bounded ring; await helpers; records(),
// createTopic(), reset() on the same port; two brokers in one process share no kit state.
import { afterEach, describe, expect, it } from 'vitest'
import { Heartbeat } from '../../protocol/apis/heartbeat.js'
import { Metadata } from '../../protocol/apis/metadata.js'
import { OffsetCommit } from '../../protocol/apis/offset-commit.js'
import { Produce } from '../../protocol/apis/produce.js'
import { ErrorCode } from '../../protocol/errors.js'
import { buildBatch } from '../../protocol/records/index.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { soloGroup } from '../helpers/groups.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'

const brokers: TestBroker[] = []
const clients: TestClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  for (const b of brokers.splice(0)) await b.cleanup()
})
async function start(o: Parameters<typeof startTestBroker>[0] = {}) {
  const b = await startTestBroker(o)
  brokers.push(b)
  const c = await TestClient.connect(b.port)
  clients.push(c)
  return { b, c }
}
const produce = (c: TestClient, topic: string, values: string[]) =>
  c.send(Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records: buildBatch({ records: values.map((v) => ({ key: null, value: Buffer.from(v) })) }) }] }] })

describe('manual clock', () => {
  it('evicts a member after its 45 s session timeout in milliseconds', async () => {
    const { b, c } = await start({ clock: 'manual', config: { 'group.initial.rebalance.delay.ms': 0 } })
    const wall = performance.now()
    const m = await soloGroup(c, 'g', { sessionTimeoutMs: 45_000 })
    await b.kit.until.groupStable('g')
    b.kit.advance(44_999)
    expect(b.broker.groups.group('g')!.members.has(m.memberId)).toBe(true)
    b.kit.advance(1)
    expect(b.broker.groups.group('g')!.members.size).toBe(0)
    expect(b.broker.groups.group('g')!.state).toBe('Empty')
    const hb = await c.send(Heartbeat, 3, { groupId: 'g', generationId: m.generationId, memberId: m.memberId, groupInstanceId: null })
    expect(hb.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(performance.now() - wall).toBeLessThan(5000)
  })

  it('expires committed offsets after offsets.retention.minutes', async () => {
    const { b, c } = await start({ clock: 'manual', config: { 'offsets.retention.minutes': 1, 'offsets.retention.check.interval.ms': 1000 } })
    b.kit.createTopic('t', { partitions: 1 })
    const res = await c.send(OffsetCommit, 2, { groupId: 'lone', generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 5n, committedMetadata: null }] }] })
    expect(res.topics[0]!.partitions[0]!.errorCode).toBe(0)
    expect(b.broker.groups.group('lone')!.offsets.size).toBe(1)
    b.kit.advance(59_000)
    expect(b.broker.groups.group('lone')?.offsets.size).toBe(1)
    b.kit.advance(2_000)
    expect(b.broker.groups.group('lone')?.offsets.size ?? 0).toBe(0)
  })

  it('answers long-polling fetches in real time, so kafkajs consumes on a clock that stands still', async () => {
    const { b } = await start({ clock: 'manual' })
    b.kit.createTopic('idle', { partitions: 1 })
    const kafka = new Kafka({ clientId: 'manual', brokers: [b.bootstrap], logLevel: logLevel.NOTHING })
    const consumer = kafka.consumer({ groupId: 'manual-group', maxWaitTimeInMs: 200 })
    const producer = kafka.producer()
    try {
      await consumer.connect()
      await producer.connect()
      await consumer.subscribe({ topics: ['idle'] })
      const got = new Promise<string>((resolve) => void consumer.run({ eachMessage: async ({ message }) => resolve(message.value!.toString()) }))
      await b.kit.until.groupStable('manual-group')
      // Idle long polls end by max_wait_ms on real time; the message produced later arrives.
      await b.kit.until.condition('two empty fetches', () => b.kit.requests.list('Fetch').length >= 2)
      await producer.send({ topic: 'idle', messages: [{ value: 'late' }] })
      expect(await got).toBe('late')
    } finally {
      await consumer.disconnect()
      await producer.disconnect()
    }
  })

  it('refuses advance() on the system clock with a clear message', async () => {
    const { b } = await start()
    expect(() => b.kit.advance(1)).toThrow(/clock: "manual"/)
  })
})

describe('inspection', () => {
  it('records every request with API, version, client id and the client software from ApiVersions', async () => {
    const { b } = await start()
    b.kit.createTopic('seen', { partitions: 1 })
    const kafka = new Kafka({ clientId: 'inspected', brokers: [b.bootstrap], logLevel: logLevel.NOTHING })
    const p = kafka.producer()
    await p.connect()
    await p.send({ topic: 'seen', messages: [{ value: 'v' }] })
    await p.disconnect()
    const reqs = b.kit.requests.list((r) => r.clientId === 'inspected')
    expect(reqs[0]).toMatchObject({ apiName: 'ApiVersions', apiKey: 18, clientId: 'inspected' })
    const produceReq = reqs.find((r) => r.apiName === 'Produce')!
    expect(produceReq).toMatchObject({ apiKey: 0, header: { clientId: 'inspected' } })
    expect((produceReq.body as { topicData: { name: string }[] }).topicData[0]!.name).toBe('seen')
    expect(reqs.map((r) => r.seq)).toEqual([...reqs.map((r) => r.seq)].sort((x, y) => x - y))
  })

  it('reports the client software of KIP-511 clients', async () => {
    const { b, c } = await start()
    const { ApiVersions } = await import('../../protocol/apis/api-versions.js')
    await c.send(ApiVersions, 3, { clientSoftwareName: 'my-app', clientSoftwareVersion: '1.2.3' })
    await c.send(Metadata, 9, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
    expect(b.kit.requests.list().map((r) => [r.apiName, r.clientSoftwareName, r.clientSoftwareVersion])).toEqual([
      ['ApiVersions', 'my-app', '1.2.3'],
      ['Metadata', 'my-app', '1.2.3'],
    ])
  })

  it('streams requests as an async iterator', async () => {
    const { b, c } = await start()
    const seen: string[] = []
    const reading = (async () => {
      for await (const r of b.kit.requests.watch({ filter: 'Metadata' })) {
        seen.push(`${r.apiName} v${r.version}`)
        if (seen.length === 2) break
      }
    })()
    await c.send(Metadata, 9, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
    await c.send(Metadata, 4, { topics: [], allowAutoTopicCreation: false })
    await reading
    expect(seen).toEqual(['Metadata v9', 'Metadata v4'])
  })

  it('keeps a bounded ring', async () => {
    const { b, c } = await start({ kit: { maxRequests: 3 } })
    for (let i = 0; i < 5; i++) await c.send(Metadata, 9, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
    expect(b.kit.requests.list().map((r) => r.seq)).toEqual([3, 4, 5])
    const bytes = await start({ kit: { maxBytes: 1 } })
    for (let i = 0; i < 3; i++) await bytes.c.send(Metadata, 9, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
    expect(bytes.b.kit.requests.list().map((r) => r.seq)).toEqual([3])
    // 30 produces of 100 KB under a 1 MiB cap: at most 10 kept, the newest.
    const big = await start({ kit: { maxBytes: 1 << 20 } })
    big.b.kit.createTopic('big', { partitions: 1 })
    for (let i = 0; i < 30; i++) await produce(big.c, 'big', ['x'.repeat(100_000)])
    const kept = big.b.kit.requests.list('Produce')
    expect(kept.length).toBeGreaterThan(0)
    expect(kept.length).toBeLessThanOrEqual(10)
    expect(kept.at(-1)!.seq).toBe(30)
  })
})

describe('await helpers, records, reset, isolation', () => {
  it('until.offset resolves on the append that reaches it, and times out with what it saw', async () => {
    const { b, c } = await start()
    b.kit.createTopic('o', { partitions: 1 })
    const reached = b.kit.until.offset('o', 0, 3)
    await produce(c, 'o', ['a', 'b'])
    await produce(c, 'o', ['c'])
    await reached
    await expect(b.kit.until.offset('o', 0, 10, { timeoutMs: 50 })).rejects.toThrow(/o-0 to reach offset 10: its high watermark is 3/)
    expect(b.kit.records('o').map((r) => [r.offset, r.value!.toString()])).toEqual([[0, 'a'], [1, 'b'], [2, 'c']])
  })

  it('records() leaves out transaction markers', async () => {
    const { b } = await start()
    b.kit.createTopic('txn', { partitions: 1 })
    const p = new Kafka({ clientId: 'txn', brokers: [b.bootstrap], logLevel: logLevel.NOTHING }).producer({ transactionalId: 'kit-txn', idempotent: true, maxInFlightRequests: 1 })
    await p.connect()
    try {
      const t = await p.transaction()
      await t.send({ topic: 'txn', messages: [{ key: 'k', value: 'committed', headers: { h: 'v' } }] })
      await t.commit()
    } finally {
      await p.disconnect()
    }
    await b.kit.until.offset('txn', 0, 2) // the record and the commit marker
    expect(b.kit.records('txn').map((r) => [r.offset, r.key!.toString(), r.value!.toString(), r.headers.map((h) => `${h.key}=${h.value}`)])).toEqual([[0, 'k', 'committed', ['h=v']]])
  })

  it('createTopic applies configs', async () => {
    const { b } = await start()
    const t = b.kit.createTopic('cfg', { partitions: 2, config: { 'cleanup.policy': 'compact' } })
    expect(t.partitions).toBe(2)
    expect(b.broker.cluster.topic('cfg')!.configs['cleanup.policy']).toBe('compact')
    expect(() => b.kit.createTopic('cfg')).toThrow()
    expect(() => b.kit.records('nope')).toThrow(/unknown topic nope/)
  })

  it('reset() empties everything and keeps the port; clients reconnect', async () => {
    const { b, c } = await start()
    b.kit.createTopic('gone', { partitions: 1 })
    await produce(c, 'gone', ['x'])
    b.kit.faults.add({ api: 'Produce', delayMs: 1 })
    const port = b.port
    await b.kit.reset()
    expect(b.broker.cluster.topic('gone')).toBeUndefined()
    expect(b.kit.faults.list()).toEqual([])
    expect(b.kit.requests.list()).toEqual([])
    await c.closed
    const again = await TestClient.connect(port)
    clients.push(again)
    const meta = await again.send(Metadata, 9, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
    expect(meta.topics).toEqual([])
    expect(b.kit.requests.list('Metadata')).toHaveLength(1)
  })

  it('two brokers in one process share no kit state', async () => {
    const one = await start()
    const two = await start()
    one.b.kit.faults.add({ api: 'Metadata', error: 'UNKNOWN_SERVER_ERROR' })
    const m = { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }
    await expect(two.c.send(Metadata, 9, m)).resolves.toMatchObject({ topics: [] })
    expect(two.b.kit.faults.list()).toEqual([])
    expect(one.b.kit.requests.list()).toHaveLength(0)
    expect(two.b.kit.requests.list()).toHaveLength(1)
  })
})
