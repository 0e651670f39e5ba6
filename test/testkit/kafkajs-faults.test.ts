// Each fault changes a real client's behaviour the way the same fault on Kafka would (kafkajs
// 2.2.4): FindCoordinator answering COORDINATOR_NOT_AVAILABLE delays a group join that then
// succeeds; a Produce whose connection drops after the append is retried by an idempotent
// producer without a duplicate; NOT_LEADER_OR_FOLLOWER makes the producer refresh metadata and
// retry; a hung Fetch times out in the client; throttling and a paused partition hold the producer. Waits are on kafkajs events and kit.until.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Consumer, Producer } from 'kafkajs'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'

let b: TestBroker
const stops: (() => Promise<void>)[] = []

beforeEach(async () => {
  b = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': 0 } })
  b.kit.createTopic('orders', { partitions: 1 })
})
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s().catch(() => {})
  await b.cleanup()
})

const kafka = (clientId: string, o: { requestTimeout?: number } = {}) =>
  new Kafka({ clientId, brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 20, maxRetryTime: 100 }, ...o })

async function producer(clientId: string, idempotent: boolean): Promise<Producer> {
  const p = kafka(clientId).producer({ idempotent, maxInFlightRequests: idempotent ? 1 : undefined, allowAutoTopicCreation: false })
  await p.connect()
  stops.push(() => p.disconnect())
  return p
}

function consumer(clientId: string, o: { requestTimeout?: number } = {}): Consumer {
  const c = kafka(clientId, o).consumer({ groupId: `${clientId}-group`, maxWaitTimeInMs: 50, retry: { retries: 8, initialRetryTime: 20 } })
  stops.push(() => c.disconnect())
  return c
}

describe('kafkajs under faults', () => {
  it('FindCoordinator answering COORDINATOR_NOT_AVAILABLE 3 times delays the group join, which then succeeds', async () => {
    b.kit.faults.error('FindCoordinator', 'COORDINATOR_NOT_AVAILABLE', { times: 3 })
    const c = consumer('join')
    const joined = new Promise((resolve) => c.on(c.events.GROUP_JOIN, resolve))
    await c.connect()
    await c.subscribe({ topics: ['orders'] })
    await c.run({ eachMessage: async () => {} })
    await joined
    await b.kit.until.groupStable('join-group')
    const seen = b.kit.requests.list((r) => r.clientId === 'join' && (r.apiName === 'FindCoordinator' || r.apiName === 'JoinGroup'))
    const firstJoin = seen.findIndex((r) => r.apiName === 'JoinGroup')
    // Three refused lookups, then the one that found the coordinator, and only then a JoinGroup.
    expect(seen.slice(0, firstJoin).map((r) => r.apiName)).toEqual(['FindCoordinator', 'FindCoordinator', 'FindCoordinator', 'FindCoordinator'])
  })

  it('a Produce whose connection drops after the append is retried by an idempotent producer without a duplicate', async () => {
    const p = await producer('idem', true)
    b.kit.faults.add({ api: 'Produce', drop: 'after', times: 1 })
    await p.send({ topic: 'orders', messages: [{ key: 'k', value: 'once' }] })
    const produces = b.kit.requests.list('Produce')
    expect(produces.length).toBe(2) // the first was appended and its answer lost; the retry
    expect(new Set(produces.map((r) => r.connectionId)).size).toBe(2) // went out on a new connection
    expect(b.kit.records('orders').map((r) => r.value!.toString())).toEqual(['once'])
  })

  it('the same dropped Produce duplicates the record for a producer that is not idempotent', async () => {
    const p = await producer('plain', false)
    b.kit.faults.add({ api: 'Produce', drop: 'after', times: 1 })
    await p.send({ topic: 'orders', messages: [{ value: 'twice' }] })
    expect(b.kit.records('orders').map((r) => r.value!.toString())).toEqual(['twice', 'twice'])
  })

  it('NOT_LEADER_OR_FOLLOWER makes the producer refresh metadata and retry', async () => {
    const p = await producer('moved', false)
    b.kit.faults.notLeader('orders', 0, { times: 2 })
    const before = b.kit.requests.list('Metadata').length
    await p.send({ topic: 'orders', messages: [{ value: 'after-move' }] })
    expect(b.kit.requests.list('Produce').length).toBe(3)
    expect(b.kit.requests.list('Metadata').length).toBeGreaterThan(before)
    expect(b.kit.records('orders').map((r) => r.value!.toString())).toEqual(['after-move'])
  })

  it('a hung Fetch makes the client time out, and it consumes once the broker answers again', async () => {
    const p = await producer('hung-producer', false)
    await p.send({ topic: 'orders', messages: [{ value: 'm1' }] })
    const c = consumer('hung', { requestTimeout: 300 })
    const errors: string[] = []
    c.on(c.events.REQUEST_TIMEOUT, (e) => errors.push(`${e.payload.apiName}`))
    b.kit.faults.add({ api: 'Fetch', clientId: 'hung', hang: true })
    await c.connect()
    await c.subscribe({ topics: ['orders'], fromBeginning: true })
    const got = new Promise<string>((resolve) => void c.run({ eachMessage: async ({ message }) => resolve(message.value!.toString()) }))
    await b.kit.until.condition('kafkajs to time out a Fetch', () => errors.includes('Fetch'))
    expect(b.kit.requests.list('Fetch').length).toBeGreaterThan(0)
    b.kit.faults.clear()
    expect(await got).toBe('m1')
    // kafkajs 2.2.4 keeps the connection after a request timeout (the Java client closes it):
    // its next Fetch waited behind the hung one, as it would behind a hung Kafka broker.
    expect(new Set(b.kit.requests.list('Fetch').map((r) => r.connectionId)).size).toBe(1)
  })

  it('a throttled Produce carries throttle_time_ms and arrives late', async () => {
    const p = await producer('throttled', false)
    b.kit.faults.add({ api: 'Produce', throttleMs: 150, times: 1 })
    const started = performance.now()
    await p.send({ topic: 'orders', messages: [{ value: 'slow' }] })
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
    expect(b.kit.records('orders')).toHaveLength(1)
  })

  it('a paused partition holds a produce until resumed', async () => {
    const p = await producer('paused', false)
    const id = b.kit.faults.pausePartition('orders', 0)
    let sent = false
    const pending = p.send({ topic: 'orders', messages: [{ value: 'held' }] }).then(() => (sent = true))
    await b.kit.until.condition('the produce to arrive', () => b.kit.requests.list('Produce').length > 0)
    expect(sent).toBe(false)
    b.kit.faults.remove(id)
    await pending
    expect(b.kit.records('orders').map((r) => r.value!.toString())).toEqual(['held'])
  })
})
