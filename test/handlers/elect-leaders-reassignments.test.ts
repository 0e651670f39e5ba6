// ElectLeaders and AlterPartitionReassignments answers, partition by partition, on an in-process
// cluster (the Kafka tools drive the happy paths in test/integration/cluster-tools.test.ts).
import { afterEach, describe, expect, it } from 'vitest'
import { AlterPartitionReassignments } from '../../protocol/apis/alter-partition-reassignments.js'
import { CreateTopics } from '../../protocol/apis/create-topics.js'
import { ElectLeaders } from '../../protocol/apis/elect-leaders.js'
import { ListPartitionReassignments } from '../../protocol/apis/list-partition-reassignments.js'
import { ErrorCode } from '../../protocol/errors.js'
import { startCluster, type RunningCluster } from '../../src/index.js'
import { TestClient } from '../helpers/client.js'

let cluster: RunningCluster | null = null
let client: TestClient | null = null
afterEach(async () => {
  await client?.close()
  await cluster?.stop()
  cluster = client = null
})

async function setup(): Promise<[RunningCluster, TestClient]> {
  cluster = await startCluster({ brokers: 3 })
  client = await TestClient.connect(cluster.brokers[0]!.port)
  const res = await client.send(CreateTopics, 7, { topics: [{ name: 't', numPartitions: 2, replicationFactor: 2, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false })
  expect(res.topics[0]!.errorCode).toBe(0)
  return [cluster, client]
}

describe('ElectLeaders', () => {
  it('elects the preferred replica, says when no election is needed or possible, and refuses unknown election types', async () => {
    const [c, first] = await setup()
    const [preferred, second] = c.broker.cluster.leadership.get('t', 0)!.replicas as [number, number]
    c.moveLeader('t', 0, second)
    // Ask a broker that stays up when the preferred one stops below.
    const cl = await TestClient.connect(c.brokers.find((b) => b.nodeId === second)!.port)
    await first.close()
    client = cl
    const elect = (electionType: number, partitionId: number[]) => cl.send(ElectLeaders, 2, { electionType, topicPartitions: [{ topic: 't', partitionId }, { topic: 'nope', partitionId: [0] }], timeoutMs: 1000 })
    const res = await elect(0, [0, 1, 9])
    expect(res.errorCode).toBe(0)
    expect(res.replicaElectionResults.map((t) => [t.topic, t.partitionResult.map((p) => [p.partitionId, p.errorCode])])).toEqual([
      ['t', [[0, 0], [1, ErrorCode.ELECTION_NOT_NEEDED], [9, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
      ['nope', [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
    ])
    expect(c.leaderOf('t', 0)).toBe(preferred)
    expect(c.broker.cluster.leadership.get('t', 0)!.leaderEpoch).toBe(2)

    c.moveLeader('t', 0, second)
    await c.stopBroker(preferred)
    expect((await elect(0, [0])).replicaElectionResults[0]!.partitionResult[0]!.errorCode).toBe(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE)
    expect((await elect(1, [0])).replicaElectionResults[0]!.partitionResult[0]!.errorCode).toBe(ErrorCode.ELECTION_NOT_NEEDED)
    expect((await elect(7, [0])).errorCode).toBe(ErrorCode.INVALID_REQUEST)
  })
})

describe('AlterPartitionReassignments', () => {
  it('completes a reassignment at once and answers cancels, bad replica lists and refused factor changes as Kafka', async () => {
    const [c, cl] = await setup()
    const send = (allowReplicationFactorChange: boolean, replicas: (number[] | null)[]) =>
      cl.send(AlterPartitionReassignments, 1, { timeoutMs: 1000, allowReplicationFactorChange, topics: [{ name: 't', partitions: replicas.map((r, i) => ({ partitionIndex: i % 2, replicas: r })) }] })
    const codes = async (allow: boolean, replicas: (number[] | null)[]) => (await send(allow, replicas)).responses[0]!.partitions.map((p) => p.errorCode)
    expect(await codes(true, [null])).toEqual([ErrorCode.NO_REASSIGNMENT_IN_PROGRESS])
    expect(await codes(true, [[], [1, 1], [1, 9]])).toEqual([ErrorCode.INVALID_REPLICA_ASSIGNMENT, ErrorCode.INVALID_REPLICA_ASSIGNMENT, ErrorCode.INVALID_REPLICA_ASSIGNMENT])
    expect(await codes(false, [[1, 2, 3]])).toEqual([ErrorCode.INVALID_REPLICATION_FACTOR])
    expect(await codes(true, [[3, 1, 2]])).toEqual([0])
    expect(c.broker.cluster.leadership.get('t', 0)!.replicas).toEqual([3, 1, 2])
    const listed = await cl.send(ListPartitionReassignments, 0, { timeoutMs: 1000, topics: null })
    expect(listed.topics).toEqual([])
  })
})
