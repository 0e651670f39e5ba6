// The cluster controls of startCluster: stop, restart and isolate a broker, and what clients see
// of each through Metadata and DescribeCluster.
import { afterEach, describe, expect, it } from 'vitest'
import { CreateTopics } from '../../protocol/apis/create-topics.js'
import { DescribeCluster } from '../../protocol/apis/describe-cluster.js'
import { ListGroups } from '../../protocol/apis/list-groups.js'
import { Metadata } from '../../protocol/apis/metadata.js'
import { OffsetCommit } from '../../protocol/apis/offset-commit.js'
import { ErrorCode } from '../../protocol/errors.js'
import { startCluster, type RunningCluster } from '../../src/index.js'
import { scratchDirs } from '../helpers/broker.js'
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

async function create(client: TestClient, name: string, replicationFactor: number): Promise<void> {
  const res = await client.send(CreateTopics, 7, { topics: [{ name, numPartitions: 1, replicationFactor, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false })
  expect(res.topics[0]!.errorCode).toBe(0)
}

function metadata(client: TestClient, topic: string) {
  return client.send(Metadata, 12, { topics: [{ name: topic, topicId: undefined }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
}

describe('stopBroker and restartBroker', () => {
  it('moves the stopped broker\'s leaderships to a live replica, shrinks the ISR, and takes the broker back on the same port', async () => {
    const c = (cluster = await startCluster({ brokers: 3 }))
    await create(await clientOf(c, 1), 'r3', 3)
    const leader = c.leaderOf('r3', 0)
    const port = c.brokers.find((b) => b.nodeId === leader)!.port
    const survivor = c.brokers.find((b) => b.nodeId !== leader)!.nodeId
    await c.stopBroker(leader)
    const client = await clientOf(c, survivor)
    const md = await metadata(client, 'r3')
    expect(md.brokers.map((b) => b.nodeId).sort()).not.toContain(leader)
    const p = md.topics[0]!.partitions[0]!
    expect(p.leaderId).not.toBe(leader)
    expect(p.leaderEpoch).toBe(1)
    expect(p.isrNodes).not.toContain(leader)
    expect(p.offlineReplicas).toEqual([leader])
    const fenced = await client.send(DescribeCluster, 2, { includeClusterAuthorizedOperations: false, endpointType: 1, includeFencedBrokers: true })
    expect(fenced.brokers.find((b) => b.brokerId === leader)).toMatchObject({ isFenced: true, port })

    await c.restartBroker(leader)
    expect(c.brokers.find((b) => b.nodeId === leader)!.port).toBe(port)
    const back = await metadata(await clientOf(c, leader), 'r3')
    expect(back.brokers).toHaveLength(3)
    expect(back.topics[0]!.partitions[0]!.isrNodes.sort()).toEqual([1, 2, 3])
    expect(back.topics[0]!.partitions[0]!.leaderEpoch).toBe(1)
  })

  it('leaves a partition without a live replica leaderless (LEADER_NOT_AVAILABLE) until its broker returns', async () => {
    const c = (cluster = await startCluster({ brokers: 2 }))
    await create(await clientOf(c, 1), 'r1', 1)
    const only = c.leaderOf('r1', 0)
    const other = only === 1 ? 2 : 1
    await c.killBroker(only)
    const md = await metadata(await clientOf(c, other), 'r1')
    expect(md.topics[0]!.partitions[0]).toMatchObject({ errorCode: ErrorCode.LEADER_NOT_AVAILABLE, leaderId: -1, leaderEpoch: 1 })
    await c.restartBroker(only)
    expect(c.leaderOf('r1', 0)).toBe(only)
    expect((await metadata(await clientOf(c, other), 'r1')).topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, leaderId: only, leaderEpoch: 2 })
  })

  it('refuses controls on a broker that is not there or not in that state', async () => {
    const c = (cluster = await startCluster({ brokers: 2 }))
    await expect(c.stopBroker(7)).rejects.toThrow('no broker 7 in this cluster')
    await expect(c.restartBroker(1)).rejects.toThrow('broker 1 is running')
    await c.stopBroker(2)
    await expect(c.killBroker(2)).rejects.toThrow('broker 2 is not running')
    expect(() => c.moveLeader('nope', 0, 1)).toThrow('nope-0 does not exist')
  })
})

describe('isolateBroker', () => {
  it('accepts connections and answers nothing until lifted, then answers what arrived in order', async () => {
    const c = (cluster = await startCluster({ brokers: 2 }))
    const before = await clientOf(c, 2)
    c.isolateBroker(2)
    const answered: string[] = []
    const pending = metadata(before, 'x').then(() => answered.push('existing connection'))
    const fresh = await clientOf(c, 2)
    const pendingFresh = metadata(fresh, 'x').then(() => answered.push('new connection'))
    // A full round trip through the other broker: the isolated one would have answered by now.
    await metadata(await clientOf(c, 1), 'x')
    expect(answered).toEqual([])
    c.isolateBroker(2, false)
    await Promise.all([pending, pendingFresh])
    expect(answered.sort()).toEqual(['existing connection', 'new connection'])
  })
})

describe('a cluster on disk', () => {
  const scratch = scratchDirs('rivulet-cluster-disk-')
  it('keeps replicas, leaders and leader epochs across a restart', async () => {
    const dir = scratch()
    let c = (cluster = await startCluster({ brokers: 3, dataDir: dir }))
    await create(await clientOf(c, 1), 'kept', 3)
    const [, second] = c.broker.cluster.leadership.get('kept', 0)!.replicas as [number, number]
    c.moveLeader('kept', 0, second)
    for (const cl of clients.splice(0)) await cl.close()
    await c.stop()
    c = cluster = await startCluster({ brokers: 3, dataDir: dir })
    expect(c.leaderOf('kept', 0)).toBe(second)
    const p = (await metadata(await clientOf(c, second), 'kept')).topics[0]!.partitions[0]!
    expect(p).toMatchObject({ leaderId: second, leaderEpoch: 1 })
    // Stopped here: the scratch directory goes before the file's afterEach would stop it.
    for (const cl of clients.splice(0)) await cl.close()
    await c.stop()
    cluster = null
  })
})

describe('ListGroups in a cluster', () => {
  it('lists a group only on its coordinator, so admin clients that ask every broker see it once', async () => {
    const c = (cluster = await startCluster({ brokers: 3 }))
    await create(await clientOf(c, 1), 'g-topic', 1)
    const coordinator = c.broker.coordinatorOf(c.broker.offsetsTopic, 'listed')
    const commit = await (await clientOf(c, coordinator)).send(OffsetCommit, 2, { groupId: 'listed', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 'g-topic', partitions: [{ partitionIndex: 0, committedOffset: 0n }] }] })
    expect(commit.topics[0]!.partitions[0]!.errorCode).toBe(0)
    const listed: number[] = []
    for (const b of c.brokers) {
      const res = await (await clientOf(c, b.nodeId)).send(ListGroups, 4, { statesFilter: [] })
      if (res.groups.some((g) => g.groupId === 'listed')) listed.push(b.nodeId)
    }
    expect(listed).toEqual([coordinator])
  })
})
