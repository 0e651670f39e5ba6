// Compaction end to end with kafkajs: an idempotent producer, a transactional one (a committed and
// an aborted transaction) and tombstones on a cleanup.policy=compact topic; the broker's cleaner
// runs on its clock; a consumer from offset 0 then reads exactly the latest value of each key,
// the idempotent producer carries on, and a restart on the same data directory reads the same.
import fs from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ManualClock } from '../../src/clock.js'
import { commitOffsets } from '../../src/groups/offsets.js'
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'

const TOPIC = 'compacted'
const dir = tempDir('rivulet-compaction-')
const clock = new ManualClock(Date.now())
let b: TestBroker

const config = { 'log.cleaner.backoff.ms': 1000, 'transaction.state.log.segment.bytes': 16384, 'offsets.topic.segment.bytes': 16384 }
const start = async () => {
  b = await startTestBroker({ dataDir: dir, disk: true, clock, config })
}
beforeAll(start)
afterAll(async () => {
  await b.cleanup()
  fs.rmSync(dir, { recursive: true, force: true })
})

const kafka = () => new Kafka({ clientId: 'compaction', brokers: [b.bootstrap], logLevel: logLevel.NOTHING })

async function consumeAll(group: string): Promise<Map<string, string | null>> {
  const k = kafka()
  const admin = k.admin()
  await admin.connect()
  const end = Number((await admin.fetchTopicOffsets(TOPIC))[0]!.high)
  await admin.disconnect()
  const consumer = k.consumer({ groupId: group, maxWaitTimeInMs: 100 })
  await consumer.connect()
  await consumer.subscribe({ topics: [TOPIC], fromBeginning: true })
  const seen = new Map<string, string | null>()
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stuck at ${seen.size} keys`)), 20_000)
    void consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) seen.set(m.key!.toString(), m.value?.toString() ?? null)
        if (Number(batch.lastOffset()) + 1 >= end || Number(batch.highWatermark) <= Number(batch.lastOffset()) + 1) {
          clearTimeout(timer)
          resolve()
        }
      },
    })
  })
  await consumer.disconnect()
  return seen
}

async function cleanNow(): Promise<void> {
  clock.advance(1000)
  await b.broker.cleaner.idle()
}

it('a consumer from offset 0 reads the latest value of each key after cleaning, and producers carry on', async () => {
  const k = kafka()
  const admin = k.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1, configEntries: [
    { name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: '16384' }, { name: 'min.cleanable.dirty.ratio', value: '0.01' },
  ] }] })
  await admin.disconnect()

  const producer = k.producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  const want = new Map<string, string | null>()
  for (let round = 0; round < 40; round++) {
    const messages = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `r${round}-${i}`.padEnd(30, '.') }))
    await producer.send({ topic: TOPIC, messages })
    for (const m of messages) want.set(m.key, m.value)
  }
  await producer.send({ topic: TOPIC, messages: [0, 1, 2].map((i) => ({ key: `k${i}`, value: null })) })
  for (const i of [0, 1, 2]) want.set(`k${i}`, null)

  const txp = k.producer({ transactionalId: 'compaction-txn', maxInFlightRequests: 1, idempotent: true })
  await txp.connect()
  const committed = await txp.transaction()
  await committed.send({ topic: TOPIC, messages: [{ key: 'k10', value: 'committed' }] })
  await committed.commit()
  want.set('k10', 'committed')
  const aborted = await txp.transaction()
  await aborted.send({ topic: TOPIC, messages: [{ key: 'k11', value: 'aborted' }] })
  await aborted.abort()
  await txp.disconnect()
  // More updates, so that the transactions' segment is sealed and dirty.
  for (let round = 40; round < 60; round++) {
    const messages = Array.from({ length: 50 }, (_, i) => ({ key: `k${i + 20}`, value: `r${round}-${i + 20}`.padEnd(30, '.') }))
    await producer.send({ topic: TOPIC, messages })
    for (const m of messages) want.set(m.key, m.value)
  }

  const log = b.broker.partition(TOPIC, 0)!
  const before = log.size
  await cleanNow()
  expect(log.size).toBeLessThan(before / 2)
  const seen = await consumeAll('reader-1')
  expect(seen).toEqual(want)

  // The idempotent producer's sequence survived the cleaning.
  await producer.send({ topic: TOPIC, messages: [{ key: 'k49', value: 'after-clean' }] })
  want.set('k49', 'after-clean')
  await producer.disconnect()

  await b.stop()
  await start()
  expect(await consumeAll('reader-2')).toEqual(want)
}, 60_000)

it('compacts __consumer_offsets, so a restart replays the live commits only', async () => {
  for (let i = 0; i < 300; i++) {
    commitOffsets(b.broker.groups, {
      groupId: `g${i % 3}`, generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, groupNotFoundError: 69,
      offsets: [{ topic: TOPIC, partition: 0, offset: i, leaderEpoch: -1, metadata: 'm'.repeat(100), commitTimestamp: -1 }],
    })
  }
  const offsets = b.broker.partition('__consumer_offsets', 0)!
  const before = offsets.size
  await cleanNow()
  expect(offsets.size).toBeLessThan(before / 2)
  await b.stop()
  await start()
  const replayed: unknown[] = []
  b.broker.groups.store.replay((r) => replayed.push(r))
  expect(replayed.filter((r) => (r as { kind: string }).kind === 'offset').length).toBeLessThan(50)
  const a2 = kafka().admin()
  await a2.connect()
  expect((await a2.fetchOffsets({ groupId: 'g2', topics: [TOPIC] }))[0]!.partitions[0]!.offset).toBe('299')
  await a2.disconnect()
}, 60_000)
