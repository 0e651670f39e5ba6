// Coordinators across brokers over one PostgreSQL (issue 11 part 2, step 4): two brokers in one
// process share a database. The group's __consumer_offsets partition is leased by broker 1, so
// broker 1 coordinates it: broker 2's FindCoordinator names broker 1 and its endpoint, and broker 2
// answers NOT_COORDINATOR for the group. Broker 1 then dies without giving its leases up (its
// store abandoned: no renewal, no release, as after SIGKILL); once its lease runs out broker 2
// takes the partition, rebuilds it from the store, loads the group, and serves the offsets broker 1
// committed. And a broker whose coordinator partition another broker took while it was not looking
// (a pause): its next offset commit, conditioned on the epoch it held, is refused
// (NOT_COORDINATOR, nothing stored) and it unloads the group. Waits poll the brokers' answers
// (bounded), as a client retries.
import { afterEach, expect, it } from 'vitest'
import { FindCoordinator } from '../../protocol/apis/find-coordinator.js'
import { OffsetCommit } from '../../protocol/apis/offset-commit.js'
import { OffsetFetch } from '../../protocol/apis/offset-fetch.js'
import { ErrorCode } from '../../protocol/errors.js'
import { startBroker, type RunningBroker } from '../../src/index.js'
import type { PgBrokerStore } from '../../src/store/postgres/broker-store.js'
import { PostgresStore } from '../../src/store/postgres/store.js'
import { TestClient } from '../helpers/client.js'
import { describePostgres } from '../helpers/postgres.js'
import { until } from '../helpers/until.js'

const untilLong = <T>(read: () => Promise<T>, done: (v: T) => boolean) => until(read, done, 15_000)

const closers: (() => Promise<unknown> | void)[] = []
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c()?.catch(() => {})
})

const config = (nodeId: number) => ({ 'node.id': nodeId, 'store.multi.process.enable': true, 'store.heartbeat.interval.ms': 50, 'store.lease.ms': 600, 'offsets.topic.num.partitions': 3 })

async function broker(url: string, nodeId: number, overrides: Record<string, number> = {}): Promise<{ b: RunningBroker; c: TestClient }> {
  const b = await startBroker({ port: 0, store: url, config: { ...config(nodeId), ...overrides } })
  closers.push(() => b.stop())
  const c = await TestClient.connect(b.port)
  closers.push(() => c.close())
  return { b, c }
}

const commit = (c: TestClient, offsets: [number, bigint][]) =>
  c.send(OffsetCommit, 8, { groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 't', partitions: offsets.map(([p, o]) => ({ partitionIndex: p, committedOffset: o, committedLeaderEpoch: -1, committedMetadata: null })) }] })
const fetchOffsets = (c: TestClient) => c.send(OffsetFetch, 7, { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 1] }], requireStable: false })
const coordinator = (c: TestClient) => c.send(FindCoordinator, 3, { key: 'g', keyType: 0 })

describePostgres('coordinators over PostgreSQL', (pg) => {
  it('moves a group to the broker that takes its partition, with the offsets committed on the first', async () => {
    const url = await pg.freshDatabase()
    const one = await broker(url, 1)
    one.b.broker.createTopic('t', 2, 1, {})
    // COORDINATOR_LOAD_IN_PROGRESS while broker 1 takes the new partition's lease and loads it.
    const first = await untilLong(() => commit(one.c, [[0, 5n], [1, 7n]]), (r) => r.topics[0]!.partitions[0]!.errorCode !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
    expect(first.topics[0]!.partitions.map((p) => p.errorCode)).toEqual([0, 0])

    const two = await broker(url, 2)
    // Broker 2 sees broker 1's lease: FindCoordinator names broker 1 at its endpoint, and the
    // group's requests here are refused.
    const found = await untilLong(() => coordinator(two.c), (r) => r.errorCode === 0 && r.nodeId === 1)
    expect(found.port).toBe(one.b.port)
    expect((await fetchOffsets(two.c)).errorCode).toBe(ErrorCode.NOT_COORDINATOR)
    expect((await commit(two.c, [[0, 9n]])).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NOT_COORDINATOR)

    // Broker 1 dies holding its leases.
    await (one.b.broker.sharedStore as PgBrokerStore).abandon()
    await one.b.stop()
    const took = await untilLong(() => coordinator(two.c), (r) => r.errorCode === 0 && r.nodeId === 2)
    expect(took.port).toBe(two.b.port)
    const res = await untilLong(() => fetchOffsets(two.c), (r) => r.errorCode !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS && r.errorCode !== ErrorCode.NOT_COORDINATOR)
    expect(res.errorCode).toBe(0)
    expect(res.topics[0]!.partitions.map((p) => [p.partitionIndex, p.committedOffset])).toEqual([[0, 5n], [1, 7n]])
    // And broker 2 commits there now, at its own lease epoch.
    expect((await commit(two.c, [[0, 9n]])).topics[0]!.partitions[0]!.errorCode).toBe(0)
    expect((await fetchOffsets(two.c)).topics[0]!.partitions[0]!.committedOffset).toBe(9n)
  }, 60_000)

  it('refuses the write of a broker whose coordinator partition was taken meanwhile, and unloads the group', async () => {
    const url = await pg.freshDatabase()
    // Renewals far apart, so the broker learns of the loss from its own write.
    const one = await broker(url, 1, { 'store.heartbeat.interval.ms': 5000, 'store.lease.ms': 20_000 })
    one.b.broker.createTopic('t', 2, 1, {})
    await untilLong(() => commit(one.c, [[0, 5n]]), (r) => r.topics[0]!.partitions[0]!.errorCode === 0)
    // Broker 2 (its rows, as its process would write them) takes the group's partition.
    const other = await PostgresStore.open(url)
    closers.push(() => other.close())
    await other.leases(2, 60_000).register('10.0.0.2:9092', [{ name: 'PLAINTEXT', host: '10.0.0.2', port: 9092 }], null)
    const partition = one.b.broker.offsetsTopic.partitionFor('g')
    const where = `topic_id = (SELECT topic_id FROM rivulet_topics WHERE name = '__consumer_offsets') AND partition = ${partition}`
    await other.db.query(`UPDATE rivulet_partitions SET leader_id = 2, leader_epoch = leader_epoch + 1, lease_expires_at = now() + interval '1 minute' WHERE ${where}`)
    const [before] = await other.db.query<{ n: string }>(`SELECT count(*) AS n FROM rivulet_batches WHERE ${where}`)

    expect((await commit(one.c, [[0, 6n]])).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NOT_COORDINATOR)
    expect((await fetchOffsets(one.c)).errorCode).toBe(ErrorCode.NOT_COORDINATOR)
    const [after] = await other.db.query<{ n: string }>(`SELECT count(*) AS n FROM rivulet_batches WHERE ${where}`)
    expect(after!.n).toBe(before!.n)
  }, 60_000)
})
