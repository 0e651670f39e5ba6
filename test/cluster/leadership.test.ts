// Leadership in an in-process cluster, through the wire: requests that reach a broker that does not
// lead their partition (NOT_LEADER_OR_FOLLOWER with KIP-951 leader hints), coordinators on the
// leader of their internal-topic partition (NOT_COORDINATOR elsewhere), and leader epochs that
// move with leadership (fencing, OffsetForLeaderEpoch end offsets, batches stamped).
import { afterEach, describe, expect, it } from 'vitest'
import { ConsumerGroupHeartbeat } from '../../protocol/apis/consumer-group-heartbeat.js'
import { ShareGroupHeartbeat } from '../../protocol/apis/share-group-heartbeat.js'
import { CreateTopics } from '../../protocol/apis/create-topics.js'
import { Fetch } from '../../protocol/apis/fetch.js'
import { FindCoordinator } from '../../protocol/apis/find-coordinator.js'
import { JoinGroup } from '../../protocol/apis/join-group.js'
import { ListOffsets } from '../../protocol/apis/list-offsets.js'
import { Metadata } from '../../protocol/apis/metadata.js'
import { OffsetForLeaderEpoch } from '../../protocol/apis/offset-for-leader-epoch.js'
import { Produce } from '../../protocol/apis/produce.js'
import { DeleteRecords } from '../../protocol/apis/delete-records.js'
import { ErrorCode } from '../../protocol/errors.js'
import { buildBatch, getPartitionLeaderEpoch } from '../../protocol/records/index.js'
import { startCluster, type RunningCluster } from '../../src/index.js'
import { TestClient } from '../helpers/client.js'

let cluster: RunningCluster | null = null
const clients: TestClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close()
  await cluster?.stop()
  cluster = null
})

async function clientOf(c: RunningCluster, nodeId: number): Promise<TestClient> {
  const client = await TestClient.connect(c.brokers.find((b) => b.nodeId === nodeId)!.port)
  clients.push(client)
  return client
}

const batch = (value: string) => buildBatch({ records: [{ key: null, value: Buffer.from(value) }] })

let topicId = ''

async function setup(): Promise<{ c: RunningCluster; leader: number; other: number }> {
  const c = (cluster = await startCluster({ brokers: 3 }))
  const admin = await clientOf(c, 1)
  const created = await admin.send(CreateTopics, 7, { topics: [{ name: 't', numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false })
  expect(created.topics[0]!.errorCode).toBe(0)
  topicId = created.topics[0]!.topicId
  const leader = c.leaderOf('t', 0)
  return { c, leader, other: c.brokers.map((b) => b.nodeId).find((id) => id !== leader)! }
}

function produce(client: TestClient, version: number, value: string) {
  return client.send(Produce, version, { acks: -1, timeoutMs: 5000, transactionalId: null, topicData: [{ name: 't', partitionData: [{ index: 0, records: batch(value) }] }] })
}

function fetch(client: TestClient, version: number, currentLeaderEpoch = -1) {
  return client.send(Fetch, version, {
    maxWaitMs: 0, minBytes: 0, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: 't', topicId, partitions: [{ partition: 0, currentLeaderEpoch, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  })
}

describe('requests on a broker that does not lead the partition', () => {
  it('Produce answers NOT_LEADER_OR_FOLLOWER with the current leader and its endpoint (v10+)', async () => {
    const { c, leader, other } = await setup()
    const res = await produce(await clientOf(c, other), 11, 'x')
    const p = res.responses[0]!.partitionResponses[0]!
    expect(p.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    expect(p.currentLeader).toEqual({ leaderId: leader, leaderEpoch: 0 })
    const port = c.brokers.find((b) => b.nodeId === leader)!.port
    expect(res.nodeEndpoints).toEqual([{ nodeId: leader, host: '127.0.0.1', port, rack: null }])
    const ok = await produce(await clientOf(c, leader), 11, 'x')
    expect(ok.responses[0]!.partitionResponses[0]!.errorCode).toBe(0)
    expect(ok.nodeEndpoints).toEqual([])
  })

  it('Fetch answers NOT_LEADER_OR_FOLLOWER with CurrentLeader (v12+) and NodeEndpoints (v16+)', async () => {
    const { c, leader, other } = await setup()
    const res = await fetch(await clientOf(c, other), 16)
    const p = res.responses[0]!.partitions[0]!
    expect(p.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    expect(p.currentLeader).toEqual({ leaderId: leader, leaderEpoch: 0 })
    expect(res.nodeEndpoints.map((n) => n.nodeId)).toEqual([leader])
    expect((await fetch(await clientOf(c, leader), 16)).responses[0]!.partitions[0]!.errorCode).toBe(0)
  })

  it('ListOffsets, OffsetForLeaderEpoch and DeleteRecords answer NOT_LEADER_OR_FOLLOWER', async () => {
    const { c, other } = await setup()
    const client = await clientOf(c, other)
    const lo = await client.send(ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }] })
    expect(lo.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    const ofle = await client.send(OffsetForLeaderEpoch, 4, { replicaId: -1, topics: [{ topic: 't', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }] })
    expect(ofle.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    const dr = await client.send(DeleteRecords, 2, { timeoutMs: 1000, topics: [{ name: 't', partitions: [{ partitionIndex: 0, offset: -1n }] }] })
    expect(dr.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER)
  })

  it('FindCoordinator answers the leader of the group\'s __consumer_offsets partition; JoinGroup elsewhere gets NOT_COORDINATOR', async () => {
    const c = (cluster = await startCluster({ brokers: 3 }))
    const found = await (await clientOf(c, 2)).send(FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['g'] })
    const coordinator = found.coordinators[0]!
    expect(coordinator.errorCode).toBe(0)
    expect(coordinator.nodeId).toBe(c.leaderOf('__consumer_offsets', 0))
    expect(coordinator.port).toBe(c.brokers.find((b) => b.nodeId === coordinator.nodeId)!.port)
    const elsewhere = c.brokers.find((b) => b.nodeId !== coordinator.nodeId)!.nodeId
    const join = { groupId: 'g', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], reason: null }
    expect((await (await clientOf(c, elsewhere)).send(JoinGroup, 5, join)).errorCode).toBe(ErrorCode.NOT_COORDINATOR)
    expect((await (await clientOf(c, coordinator.nodeId)).send(JoinGroup, 5, join)).errorCode).not.toBe(ErrorCode.NOT_COORDINATOR)
    // KIP-848 heartbeats too (the Java consumer then looks the coordinator up again).
    const beat = { groupId: 'g848', memberId: 'm1', memberEpoch: 0, rebalanceTimeoutMs: 30000, subscribedTopicNames: ['t'], topicPartitions: [], serverAssignor: null }
    const g848 = (await (await clientOf(c, 1)).send(FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['g848'] })).coordinators[0]!.nodeId
    const notThere = c.brokers.find((b) => b.nodeId !== g848)!.nodeId
    expect((await (await clientOf(c, notThere)).send(ConsumerGroupHeartbeat, 1, beat)).errorCode).toBe(ErrorCode.NOT_COORDINATOR)
    expect((await (await clientOf(c, g848)).send(ConsumerGroupHeartbeat, 1, beat)).errorCode).toBe(0)
    // Share groups (KIP-932) as well.
    const share = { groupId: 'g848', memberId: 'sm1', memberEpoch: 0, rackId: null, subscribedTopicNames: ['t'] }
    expect((await (await clientOf(c, notThere)).send(ShareGroupHeartbeat, 1, share)).errorCode).toBe(ErrorCode.NOT_COORDINATOR)
  })
})

describe('leader epochs', () => {
  it('a leader move bumps the epoch: Metadata shows it, batches carry it, old epochs are fenced, OffsetForLeaderEpoch answers epoch end offsets', async () => {
    const { c, leader, other } = await setup()
    const first = await clientOf(c, leader)
    for (const v of ['a', 'b']) expect((await produce(first, 9, v)).responses[0]!.partitionResponses[0]!.errorCode).toBe(0)
    c.moveLeader('t', 0, other)
    expect(c.leaderOf('t', 0)).toBe(other)
    const second = await clientOf(c, other)
    const md = await second.send(Metadata, 12, { topics: [{ name: 't', topicId: undefined }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
    expect(md.topics[0]!.partitions[0]).toMatchObject({ leaderId: other, leaderEpoch: 1 })
    expect((await produce(second, 9, 'c')).responses[0]!.partitionResponses[0]!.errorCode).toBe(0)
    // The old leader now points at the new one.
    expect((await produce(first, 11, 'd')).responses[0]!.partitionResponses[0]!.currentLeader).toEqual({ leaderId: other, leaderEpoch: 1 })

    expect((await fetch(second, 12, 0)).responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH)
    expect((await fetch(second, 12, 2)).responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH)
    const read = (await fetch(second, 12, 1)).responses[0]!.partitions[0]!
    expect(read.errorCode).toBe(0)
    const epochs: number[] = []
    for (let at = 0; at < read.records!.length; at += 12 + read.records!.readInt32BE(at + 8)) epochs.push(getPartitionLeaderEpoch(read.records!, at))
    expect(epochs).toEqual([0, 0, 1])

    const ofle = await second.send(OffsetForLeaderEpoch, 4, { replicaId: -1, topics: [{ topic: 't', partitions: [0, 1, 5].map((e) => ({ partition: 0, currentLeaderEpoch: 1, leaderEpoch: e })) }] })
    expect(ofle.topics[0]!.partitions.map((p) => [p.errorCode, p.leaderEpoch, Number(p.endOffset)])).toEqual([[0, 0, 2], [0, 1, 3], [0, -1, -1]])
    const lo = await second.send(ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: 0, timestamp: -1n }] }] })
    expect(lo.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH)
  })
})
