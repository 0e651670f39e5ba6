// A broker whose data lives in PostgreSQL (store.url, issue 11 part 2) with kafkajs: produce and
// consume, a group committing offsets, a transaction, a consume-transform-produce transaction
// (sendOffsets) committed and one aborted; a new broker over the same database (the process
// restarted) serves the same records, offsets and transactions. Every wait is on a
// kafkajs call or event; timers only bound a wait so a failure does not hang.
import { afterEach, expect, it } from 'vitest'
import type { Consumer } from 'kafkajs'
import { startBroker, type RunningBroker } from '../../src/index.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'
import { describePostgres } from '../helpers/postgres.js'

const open: { disconnect(): Promise<void> }[] = []
const brokers: RunningBroker[] = []
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.disconnect().catch(() => {})
  for (const b of brokers.splice(0)) await b.stop().catch(() => {})
})

async function start(url: string): Promise<RunningBroker> {
  const b = await startBroker({ port: 0, store: url })
  brokers.push(b)
  return b
}

const kafka = (b: RunningBroker) => new Kafka({ clientId: 'pg-broker', brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 50 } })

// Consumes `topic` from the beginning in group `groupId` until `count` messages arrived.
async function consume(b: RunningBroker, topic: string, groupId: string, count: number, readUncommitted = false): Promise<{ values: string[]; consumer: Consumer }> {
  const consumer = kafka(b).consumer({ groupId, maxWaitTimeInMs: 100, readUncommitted })
  open.push(consumer)
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  const values: string[] = []
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out with ${JSON.stringify(values)}`)), 20_000)
    void consumer.run({
      autoCommit: true,
      autoCommitInterval: 50,
      eachMessage: async ({ message }) => {
        values.push(message.value!.toString())
        if (values.length >= count) {
          clearTimeout(timer)
          resolve()
        }
      },
    })
  })
  return { values, consumer }
}

describePostgres('a broker over PostgreSQL', (pg) => {
  it('keeps records, group offsets and transactions across a restart', async () => {
    const url = await pg.freshDatabase()
    let b = await start(url)
    const admin = kafka(b).admin()
    open.push(admin)
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 2 }, { topic: 'txn-out', numPartitions: 1 }] })

    const producer = kafka(b).producer({ idempotent: true, maxInFlightRequests: 1 })
    open.push(producer)
    await producer.connect()
    const acks = await producer.send({ topic: 'orders', acks: -1, messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) })
    expect(acks.every((a) => a.errorCode === 0)).toBe(true)

    const { values, consumer } = await consume(b, 'orders', 'g1', 20)
    expect(values.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `v${i}`).sort())
    await consumer.commitOffsets([]) // flush whatever autoCommit holds
    await consumer.disconnect()

    const tp = kafka(b).producer({ transactionalId: 'tx-1', idempotent: true, maxInFlightRequests: 1 })
    open.push(tp)
    await tp.connect()
    const txn = await tp.transaction()
    await txn.send({ topic: 'txn-out', messages: [{ value: 'committed-1' }, { value: 'committed-2' }] })
    await txn.commit()
    const aborted = await tp.transaction()
    await aborted.send({ topic: 'txn-out', messages: [{ value: 'aborted' }] })
    await aborted.abort()

    const committedBefore = await admin.fetchOffsets({ groupId: 'g1', topics: ['orders'] })
    for (const x of open.splice(0).reverse()) await x.disconnect().catch(() => {})
    await brokers.pop()!.stop()

    // A new broker process over the same database.
    b = await start(url)
    const admin2 = kafka(b).admin()
    open.push(admin2)
    await admin2.connect()
    expect((await admin2.listTopics()).filter((t) => !t.startsWith('__')).sort()).toEqual(['orders', 'txn-out'])
    const offsets = await admin2.fetchOffsets({ groupId: 'g1', topics: ['orders'] })
    expect(offsets).toEqual(committedBefore)
    expect(offsets[0]!.partitions.reduce((n, p) => n + Number(p.offset), 0)).toBe(20)
    const ends = await admin2.fetchTopicOffsets('orders')
    expect(ends.reduce((n, p) => n + Number(p.high), 0)).toBe(20)

    const again = await consume(b, 'orders', 'g2', 20)
    expect(again.values.sort()).toEqual(values.sort())
    const txnRead = await consume(b, 'txn-out', 'g3', 2)
    expect(txnRead.values).toEqual(['committed-1', 'committed-2'])
    // The transactional id kept its producer id: a new producer with it bumps the epoch.
    const tp2 = kafka(b).producer({ transactionalId: 'tx-1', idempotent: true, maxInFlightRequests: 1 })
    open.push(tp2)
    await tp2.connect()
    const t2 = await tp2.transaction()
    await t2.send({ topic: 'txn-out', messages: [{ value: 'after-restart' }] })
    await t2.commit()
  }, 60_000)

  it('commits a consume-transform-produce transaction (sendOffsets) exactly once, across a restart', async () => {
    const url = await pg.freshDatabase()
    let b = await start(url)
    const admin = kafka(b).admin()
    open.push(admin)
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'in', numPartitions: 1 }, { topic: 'out', numPartitions: 1 }] })
    const plain = kafka(b).producer()
    open.push(plain)
    await plain.connect()
    await plain.send({ topic: 'in', acks: -1, messages: ['a', 'b', 'c'].map((value) => ({ value })) })

    const tp = kafka(b).producer({ transactionalId: 'ctp', idempotent: true, maxInFlightRequests: 1 })
    open.push(tp)
    await tp.connect()
    const txn = await tp.transaction()
    await txn.send({ topic: 'out', messages: ['A', 'B', 'C'].map((value) => ({ value })) })
    await txn.sendOffsets({ consumerGroupId: 'ctp-group', topics: [{ topic: 'in', partitions: [{ partition: 0, offset: '3' }] }] })
    await txn.commit()
    const aborted = await tp.transaction()
    await aborted.send({ topic: 'out', messages: [{ value: 'NEVER' }] })
    await aborted.sendOffsets({ consumerGroupId: 'ctp-group', topics: [{ topic: 'in', partitions: [{ partition: 0, offset: '1' }] }] })
    await aborted.abort()
    for (const x of open.splice(0).reverse()) await x.disconnect().catch(() => {})
    await brokers.pop()!.stop()

    b = await start(url)
    const admin2 = kafka(b).admin()
    open.push(admin2)
    await admin2.connect()
    const offsets = await admin2.fetchOffsets({ groupId: 'ctp-group', topics: ['in'] })
    expect(offsets[0]!.partitions).toEqual([expect.objectContaining({ partition: 0, offset: '3' })])
    // read_committed (kafkajs's default): the committed transform only; the end marker of the
    // aborted transaction lets the consumer past it.
    const plain2 = kafka(b).producer()
    open.push(plain2)
    await plain2.connect()
    await plain2.send({ topic: 'out', acks: -1, messages: [{ value: 'end' }] })
    const read = await consume(b, 'out', 'ctp-check', 4)
    expect(read.values).toEqual(['A', 'B', 'C', 'end'])
  }, 60_000)
})
