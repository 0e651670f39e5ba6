// `rivulet --store postgres://…` as a real process, SIGKILLed (no clean goodbye: its leases are
// still running) and started again over the same database: every acknowledged record, the
// group's committed offsets and a committed transaction are served by the new process, which
// takes its node id and partitions back once the old process's lease has run out. And a process
// paused (SIGSTOP) past its lease and replaced is fenced when it resumes: its write, conditioned
// on the leader epoch it held, is refused, and it answers NOT_LEADER_OR_FOLLOWER.
import { afterEach, expect, it } from 'vitest'
import { Fetch } from '../../protocol/apis/fetch.js'
import { Produce } from '../../protocol/apis/produce.js'
import { ErrorCode } from '../../protocol/errors.js'
import { buildBatch, readHeaders } from '../../protocol/records/index.js'
import { TestClient } from '../helpers/client.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'
import { describePostgres } from '../helpers/postgres.js'
import { startChildBroker, type ChildBroker } from '../helpers/process.js'

const children: ChildBroker[] = []
const open: { disconnect(): Promise<void> }[] = []
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.disconnect().catch(() => {})
  for (const c of children.splice(0)) await c.kill('SIGKILL')
})

async function child(url: string, ...args: string[]): Promise<ChildBroker> {
  const c = await startChildBroker(['--store', url, ...args])
  children.push(c)
  return c
}

const kafka = (bootstrap: string) => new Kafka({ clientId: 'pg-kill', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } })

async function connected<T extends { connect(): Promise<void>; disconnect(): Promise<void> }>(x: T): Promise<T> {
  await x.connect()
  open.push(x)
  return x
}

describePostgres('rivulet --store, killed and restarted', (pg) => {
  it('serves every acknowledged record, committed offsets and transaction after a SIGKILL', async () => {
    const url = await pg.freshDatabase()
    const first = await child(url)
    const admin = await connected(kafka(first.bootstrap).admin())
    await admin.createTopics({ topics: [{ topic: 'k', numPartitions: 2 }] })
    const producer = await connected(kafka(first.bootstrap).producer({ idempotent: true, maxInFlightRequests: 1 }))
    const sent: string[] = []
    for (let round = 0; round < 5; round++) {
      const messages = Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `r${round}-${i}` }))
      await producer.send({ topic: 'k', acks: -1, messages })
      sent.push(...messages.map((m) => m.value))
    }
    const tp = await connected(kafka(first.bootstrap).producer({ transactionalId: 'kill-tx', idempotent: true, maxInFlightRequests: 1 }))
    const txn = await tp.transaction()
    await txn.send({ topic: 'k', messages: [{ key: 'k0', value: 'in-txn' }] })
    await txn.commit()
    sent.push('in-txn')
    await admin.setOffsets({ groupId: 'kg', topic: 'k', partitions: [{ partition: 0, offset: '3' }, { partition: 1, offset: '4' }] })

    await first.kill('SIGKILL')
    for (const x of open.splice(0).reverse()) await x.disconnect().catch(() => {})

    const second = await child(url)
    const admin2 = await connected(kafka(second.bootstrap).admin())
    const ends = await admin2.fetchTopicOffsets('k')
    // 50 records, one transactional record and its commit marker.
    expect(ends.reduce((n, p) => n + Number(p.high), 0)).toBe(52)
    const offsets = await admin2.fetchOffsets({ groupId: 'kg', topics: ['k'] })
    expect(offsets[0]!.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([[0, '3'], [1, '4']])

    const consumer = await connected(kafka(second.bootstrap).consumer({ groupId: 'kg-read', maxWaitTimeInMs: 100 }))
    await consumer.subscribe({ topics: ['k'], fromBeginning: true })
    const got: string[] = []
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out with ${got.length} of ${sent.length}`)), 30_000)
      void consumer.run({
        eachMessage: async ({ message }) => {
          got.push(message.value!.toString())
          if (got.length >= sent.length) {
            clearTimeout(timer)
            resolve()
          }
        },
      })
    })
    expect(got.sort()).toEqual(sent.sort())
  }, 90_000)

  it('fences a paused broker that resumes after another took its partitions', async () => {
    const url = await pg.freshDatabase()
    const lease = ['--override', 'store.lease.ms=1000', '--override', 'store.heartbeat.interval.ms=100']
    const a = await child(url, ...lease)
    const admin = await connected(kafka(a.bootstrap).admin())
    await admin.createTopics({ topics: [{ topic: 'p', numPartitions: 1 }] })
    const produce = (c: TestClient, value: string) =>
      c.send(Produce, 9, { acks: -1, timeoutMs: 5000, topicData: [{ name: 'p', partitionData: [{ index: 0, records: buildBatch({ records: [{ key: null, value: Buffer.from(value) }] }) }] }] })
    const toA = await TestClient.connect(a.port)
    expect((await produce(toA, 'from-a')).responses[0]!.partitionResponses[0]!.errorCode).toBe(0)
    await admin.disconnect()

    a.proc.kill('SIGSTOP')
    // Another process for the same node id: it waits for the paused one's lease to run out.
    const b = await child(url, ...lease)
    const toB = await TestClient.connect(b.port)
    expect((await produce(toB, 'from-b')).responses[0]!.partitionResponses[0]!.errorCode).toBe(0)

    a.proc.kill('SIGCONT')
    const stale = await produce(toA, 'stale')
    expect(stale.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    expect((await produce(toA, 'stale-again')).responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    toA.close()

    const read = await toB.send(Fetch, 11, { maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, sessionEpoch: -1, topics: [{ topic: 'p', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }] })
    const records = read.responses[0]!.partitions[0]!.records as Buffer
    expect(readHeaders(records).map((h) => [h.baseOffset, h.partitionLeaderEpoch])).toEqual([[0, expect.any(Number)], [1, expect.any(Number)]])
    const [first, second] = readHeaders(records)
    expect(second!.partitionLeaderEpoch).toBeGreaterThan(first!.partitionLeaderEpoch)
    toB.close()
  }, 90_000)
})
