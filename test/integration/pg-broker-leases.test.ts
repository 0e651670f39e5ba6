// Partition leadership across processes over PostgreSQL (issue 11 part 2, step 3, the part a
// single process can show): a partition whose lease another broker took is reported led there in
// Metadata (leader and leader epoch from the lease), a Produce for it answers
// NOT_LEADER_OR_FOLLOWER with the KIP-951 current leader and its endpoint, and when that broker's
// lease runs out this broker claims the partition back at the next epoch, within a heartbeat, and
// serves it from the offset the store holds. The other broker is its lease rows, written as its
// process would. Waits poll the broker's answer (bounded).
import { afterEach, expect, it } from 'vitest'
import { Metadata } from '../../protocol/apis/metadata.js'
import { Produce } from '../../protocol/apis/produce.js'
import { ErrorCode } from '../../protocol/errors.js'
import { buildBatch } from '../../protocol/records/index.js'
import { startBroker, type RunningBroker } from '../../src/index.js'
import { PostgresStore } from '../../src/store/postgres/store.js'
import { TestClient } from '../helpers/client.js'
import { describePostgres } from '../helpers/postgres.js'
import { until } from '../helpers/until.js'

const closers: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {})
})

describePostgres('partition leases across processes', (pg) => {
  it('reports a partition another broker leads, points clients there, and takes it back when its lease ends', async () => {
    const url = await pg.freshDatabase()
    const b: RunningBroker = await startBroker({ port: 0, store: url, config: { 'store.multi.process.enable': true, 'store.heartbeat.interval.ms': 50 } })
    closers.push(() => b.stop())
    const client = await TestClient.connect(b.port)
    closers.push(() => client.close())
    await client.send((await import('../../protocol/apis/create-topics.js')).CreateTopics, 5, { topics: [{ name: 't', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 })
    const produce = (value: string) =>
      client.send(Produce, 10, { acks: -1, timeoutMs: 5000, topicData: [{ name: 't', partitionData: [{ index: 1, records: buildBatch({ records: [{ key: null, value: Buffer.from(value) }] }) }] }] })
    expect((await produce('a')).responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n })
    const leaders = async () => {
      const res = await client.send(Metadata, 12, { topics: [{ name: 't', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
      return res.topics[0]!.partitions.map((p) => [p.partitionIndex, p.leaderId, p.leaderEpoch]).sort()
    }
    const [[, , e0], [, , e1]] = (await until(leaders, (l) => l.length === 2)) as number[][]
    expect(await leaders()).toEqual([[0, 1, e0], [1, 1, e1]])

    // Broker 2 (another process) registers and takes partition 1, as it would once broker 1's
    // lease had run out.
    const other = await PostgresStore.open(url)
    closers.push(() => other.close())
    await other.leases(2, 60_000).register('10.0.0.2:9092', [{ name: 'PLAINTEXT', host: '10.0.0.2', port: 9092 }], null)
    const [taken] = await other.db.query<{ leader_epoch: number }>(
      `UPDATE rivulet_partitions SET leader_id = 2, leader_epoch = leader_epoch + 1, lease_expires_at = now() + interval '1 minute'
       WHERE partition = 1 AND topic_id = (SELECT topic_id FROM rivulet_topics WHERE name = 't') RETURNING leader_epoch`,
    )
    const e2 = taken!.leader_epoch
    expect(await until(leaders, (l) => l[1]![1] === 2)).toEqual([[0, 1, e0], [1, 2, e2]])
    const refused = await produce('b')
    expect(refused.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, currentLeader: { leaderId: 2, leaderEpoch: e2 } })
    expect(refused.nodeEndpoints).toEqual([{ nodeId: 2, host: '10.0.0.2', port: 9092, rack: null }])

    // Broker 2 dies: its leases run out, and broker 1 claims the partition at the next epoch.
    await other.db.query(`UPDATE rivulet_partitions SET lease_expires_at = now() WHERE leader_id = 2`)
    await other.db.query(`UPDATE rivulet_brokers SET lease_expires_at = now() WHERE node_id = 2`)
    expect(await until(leaders, (l) => l[1]![1] === 1)).toEqual([[0, 1, e0], [1, 1, e2 + 1]])
    expect((await produce('c')).responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 1n })
  })
  it('spreads leaders over the live brokers: leaves the partitions another broker should lead to it, takes them when it dies', async () => {
    const url = await pg.freshDatabase()
    const b: RunningBroker = await startBroker({ port: 0, store: url, config: { 'store.multi.process.enable': true, 'store.heartbeat.interval.ms': 50 } })
    closers.push(() => b.stop())
    const other = await PostgresStore.open(url)
    closers.push(() => other.close())
    const two = other.leases(2, 60_000)
    await two.register('10.0.0.2:9092', [{ name: 'PLAINTEXT', host: '10.0.0.2', port: 9092 }], null)
    const client = await TestClient.connect(b.port)
    closers.push(() => client.close())
    const leaders = async () => {
      const res = await client.send(Metadata, 12, { topics: [{ name: 's', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
      return { brokers: res.brokers.length, leaders: (res.topics[0]?.partitions ?? []).map((p) => [p.partitionIndex, p.leaderId] as [number, number]).sort((x, y) => x[0] - y[0]) }
    }
    await until(leaders, (m) => m.brokers === 2)
    await client.send((await import('../../protocol/apis/create-topics.js')).CreateTopics, 5, { topics: [{ name: 's', numPartitions: 4, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 })
    const held = async () => {
      const rows = await other.db.query<{ partition: number; leader_id: number | null }>("SELECT partition, leader_id FROM rivulet_partitions WHERE topic_id = (SELECT topic_id FROM rivulet_topics WHERE name = 's') ORDER BY partition")
      return rows.map((r) => r.leader_id)
    }
    // Broker 1 takes the two partitions it should lead (every other one) and leaves the others free.
    const taken = await until(held, (h) => h.length === 4 && h.filter((x) => x === 1).length === 2)
    const mine = taken.flatMap((x, p) => (x === 1 ? [p] : []))
    expect(mine[1]! - mine[0]!).toBe(2)
    expect(taken.filter((x) => x === null)).toHaveLength(2)
    // Broker 2 claims its own; broker 1 reports them led there.
    const [{ topic_id: topicId }] = (await other.db.query<{ topic_id: string }>("SELECT topic_id::text FROM rivulet_topics WHERE name = 's'")) as [{ topic_id: string }]
    for (let p = 0; p < 4; p++) if (!mine.includes(p)) expect(await two.claimLeadership(topicId, p)).not.toBeNull()
    const spread = await until(leaders, (m) => m.leaders.filter(([, l]) => l === 2).length === 2)
    expect(spread.leaders.map(([p, l]) => (mine.includes(p) ? l === 1 : l === 2))).toEqual([true, true, true, true])
    // Broker 2 dies: broker 1 leads all four within a heartbeat of the leases running out.
    await other.db.query('UPDATE rivulet_partitions SET lease_expires_at = now() WHERE leader_id = 2')
    await other.db.query('UPDATE rivulet_brokers SET lease_expires_at = now() WHERE node_id = 2')
    expect((await until(leaders, (m) => m.leaders.every(([, l]) => l === 1))).leaders).toEqual([[0, 1], [1, 1], [2, 1], [3, 1]])
    expect(await held()).toEqual([1, 1, 1, 1])
  })
})
