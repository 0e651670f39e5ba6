// kafkajs 2.2.4 consumer groups against the broker: three consumers share a 6-partition topic
// and see every message exactly once; a fourth member joining and one leaving each rebalance the
// partitions; a consumer whose connections die without LeaveGroup is evicted after its session
// timeout; after every consumer and the broker restart (on disk), new consumers resume from the
// committed offsets. Every wait is on kafkajs events (GROUP_JOIN, COMMIT_OFFSETS, messages); the
// timers below only bound a wait so a failure does not hang.
import fs from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import type { Consumer } from 'kafkajs'
import { Metadata } from '../../protocol/apis/metadata.js'
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'

const TOPIC = 'kg'
const GROUP = 'kg-group'
const PARTITIONS = 6
const config = { 'group.min.session.timeout.ms': 1000 }
const dir = tempDir('rivulet-kafkajs-groups-')
let b: TestBroker

// Event-driven waiting: every kafkajs event pokes the pending conditions.
const waiters = new Set<() => void>()
const poke = () => {
  for (const w of [...waiters]) w()
}
function until(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiters.delete(check)
      reject(new Error(`timed out waiting for ${what}`))
    }, ms)
    function check() {
      if (!cond()) return
      waiters.delete(check)
      clearTimeout(timer)
      resolve()
    }
    waiters.add(check)
    check()
  })
}

interface Received { consumer: string; partition: number; offset: string; value: string }
const received: Received[] = []
const assignments = new Map<string, { memberId: string; partitions: number[] }>() // latest GROUP_JOIN per consumer
const committed = new Map<number, bigint>() // latest committed offset per partition
const consumers = new Map<string, Consumer>()

// A consumer on a custom socket factory gets short request timeouts: once its sockets are killed,
// kafkajs otherwise waits requestTimeout (30 s) on requests that were in flight.
function kafka(name: string, fragile = false) {
  const timeouts = fragile ? { requestTimeout: 1000, connectionTimeout: 500 } : {}
  return new Kafka({ clientId: name, brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 50 }, ...timeouts })
}

async function startConsumer(name: string, fragile = false): Promise<Consumer> {
  const c = kafka(name, fragile).consumer({
    groupId: GROUP,
    sessionTimeout: 3000,
    rebalanceTimeout: 6000,
    heartbeatInterval: 200,
    maxWaitTimeInMs: 100,
    retry: { retries: 2, initialRetryTime: 50, restartOnFailure: async () => false },
  })
  c.on(c.events.GROUP_JOIN, ({ payload }) => {
    assignments.set(name, { memberId: payload.memberId, partitions: payload.memberAssignment[TOPIC] ?? [] })
    poke()
  })
  c.on(c.events.COMMIT_OFFSETS, ({ payload }) => {
    for (const t of payload.topics) for (const p of t.partitions) committed.set(Number(p.partition), BigInt(p.offset))
    poke()
  })
  await c.connect()
  await c.subscribe({ topics: [TOPIC], fromBeginning: true })
  await c.run({
    eachMessage: async ({ partition, message }) => {
      received.push({ consumer: name, partition, offset: message.offset, value: message.value!.toString() })
      poke()
    },
  })
  consumers.set(name, c)
  return c
}

// The live consumers' latest assignments are disjoint, cover every partition, and are exactly
// the broker's members: one generation, fully synced.
function balanced(names: string[]): boolean {
  const group = b.broker.groups.group(GROUP)
  if (!group || group.state !== 'Stable') return false
  const latest = names.map((n) => assignments.get(n))
  if (latest.some((a) => a === undefined)) return false
  const owned = latest.flatMap((a) => a!.partitions)
  const members = new Set(latest.map((a) => a!.memberId))
  return owned.length === PARTITIONS && new Set(owned).size === PARTITIONS && members.size === group.members.size && [...members].every((m) => group.members.has(m))
}

async function produce(values: string[]): Promise<void> {
  const producer = kafka('kg-producer').producer()
  await producer.connect()
  await producer.send({ topic: TOPIC, messages: values.map((value, i) => ({ partition: i % PARTITIONS, value })) })
  await producer.disconnect()
}

function highWatermarks(): bigint[] {
  return Array.from({ length: PARTITIONS }, (_, p) => BigInt(b.broker.partition(TOPIC, p)!.highWatermark))
}

afterAll(async () => {
  for (const c of consumers.values()) await c.disconnect().catch(() => {})
  await b?.stop()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('kafkajs consumer groups', () => {
  it('balances, rebalances, evicts and resumes', { timeout: 120_000 }, async () => {
    b = await startTestBroker({ disk: true, dataDir: dir, config })
    b.broker.createTopic(TOPIC, PARTITIONS, 1, {})

    // Three consumers share the six partitions.
    await Promise.all(['c1', 'c2', 'c3'].map((n) => startConsumer(n)))
    await until('3 consumers to own all partitions', () => balanced(['c1', 'c2', 'c3']))
    for (const n of ['c1', 'c2', 'c3']) expect(assignments.get(n)!.partitions).toHaveLength(2)

    // Steady state: every message exactly once.
    const first = Array.from({ length: 60 }, (_, i) => `first-${i}`)
    await produce(first)
    await until('60 messages', () => received.length >= 60)
    expect(received.map((r) => r.value).sort()).toEqual([...first].sort())
    expect(new Set(received.map((r) => `${r.partition}:${r.offset}`)).size).toBe(60)
    for (const r of received) expect(assignments.get(r.consumer)!.partitions).toContain(r.partition)

    // A fourth member joins: a rebalance, then the four own every partition.
    await startConsumer('c4')
    await until('4 consumers to own all partitions', () => balanced(['c1', 'c2', 'c3', 'c4']))
    const generation4 = b.broker.groups.group(GROUP)!.generationId

    // One leaves (LeaveGroup): a rebalance among the three left.
    await consumers.get('c4')!.disconnect()
    consumers.delete('c4')
    await until('3 consumers again after c4 left', () => balanced(['c1', 'c2', 'c3']))
    expect(b.broker.groups.group(GROUP)!.generationId).toBeGreaterThan(generation4)

    // c5's connections die without a LeaveGroup (the kit drops every request c5 sends from now
    // on, reconnections included): the broker evicts it after its session timeout.
    await startConsumer('c5', true)
    await until('4 consumers with c5', () => balanced(['c1', 'c2', 'c3', 'c5']))
    const c5Member = assignments.get('c5')!.memberId
    b.kit.faults.add({ clientId: 'c5', drop: 'before' })
    await until('c5 to be evicted and the rest to rebalance', () => balanced(['c1', 'c2', 'c3']), 20_000)
    expect(b.broker.groups.group(GROUP)!.members.has(c5Member)).toBe(false)

    // Every message consumed and committed; then every consumer and the broker stop.
    const second = Array.from({ length: 30 }, (_, i) => `second-${i}`)
    await produce(second)
    await until('the second batch', () => second.every((v) => received.some((r) => r.value === v)))
    const hw = highWatermarks()
    await until('offsets committed up to the high watermarks', () => hw.every((h, p) => committed.get(p) === h))
    for (const [n, c] of consumers) {
      await c.disconnect().catch(() => {})
      consumers.delete(n)
    }
    await b.stop()

    // A new broker on the same data directory (a new port), new clients: consumption resumes at
    // the committed offsets, so only messages produced after the restart arrive.
    b = await startTestBroker({ disk: true, dataDir: dir, config })
    expect(b.broker.groups.group(GROUP)).toMatchObject({ state: 'Empty' })
    expect(highWatermarks()).toEqual(hw)
    const before = received.length
    const third = Array.from({ length: 12 }, (_, i) => `third-${i}`)
    await produce(third)
    await Promise.all(['r1', 'r2'].map((n) => startConsumer(n)))
    await until('the messages produced after the restart', () => third.every((v) => received.some((r) => r.value === v)))
    expect(received.slice(before).map((r) => r.value).sort()).toEqual([...third].sort())

    // The internal __consumer_offsets topic shows in metadata (isInternal) without upsetting kafkajs.
    const client = await TestClient.connect(b.port)
    const meta = await client.send(Metadata, 1, { topics: null })
    await client.close()
    expect(meta.topics.find((t) => t.name === '__consumer_offsets')).toMatchObject({ errorCode: 0, isInternal: true })
    expect(meta.topics.find((t) => t.name === TOPIC)).toMatchObject({ isInternal: false })
    await until('offsets committed after the restart', () => highWatermarks().every((h, p) => committed.get(p) === h))
    const admin = kafka('kg-admin').admin()
    await admin.connect()
    expect(await admin.listTopics()).toContain('__consumer_offsets')
    expect((await admin.fetchTopicMetadata()).topics.map((t) => t.name)).toContain(TOPIC)
    expect(await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] })).toEqual([
      { topic: TOPIC, partitions: highWatermarks().map((h, partition) => ({ partition, offset: String(h), metadata: null })) },
    ])
    await admin.disconnect()
  })
})
