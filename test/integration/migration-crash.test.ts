// KIP-848's online upgrade survives kill -9: over the wire, a classic member (JoinGroup/SyncGroup v3)
// holds both partitions and commits; a consumer-protocol member (ConsumerGroupHeartbeat v1) upgrades
// the group; the CLI broker is killed with SIGKILL and restarted on the same data directory. The
// group is still a consumer group with its classic member (memberType 0, its generation as member
// epoch, its partitions), which is asked to rejoin; the committed offset is there.
import fs from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { ConsumerGroupDescribe } from '../../protocol/apis/consumer-group-describe.js'
import { ConsumerGroupHeartbeat } from '../../protocol/apis/consumer-group-heartbeat.js'
import { CreateTopics } from '../../protocol/apis/create-topics.js'
import { Heartbeat } from '../../protocol/apis/heartbeat.js'
import { JoinGroup } from '../../protocol/apis/join-group.js'
import { OffsetCommit } from '../../protocol/apis/offset-commit.js'
import { OffsetFetch } from '../../protocol/apis/offset-fetch.js'
import { SyncGroup } from '../../protocol/apis/sync-group.js'
import { encodeAssignment, encodeSubscription } from '../../protocol/consumer-protocol.js'
import { ErrorCode } from '../../protocol/errors.js'
import { tempDir } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { startChildBroker, type ChildBroker } from '../helpers/process.js'

const dir = tempDir('rivulet-migration-crash-')
const children: ChildBroker[] = []
const clients: TestClient[] = []

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => {})
  for (const c of children) await c.kill('SIGKILL')
  fs.rmSync(dir, { recursive: true, force: true })
})

async function broker(): Promise<TestClient> {
  const child = await startChildBroker(['--data-dir', dir])
  children.push(child)
  const client = await TestClient.connect(child.port)
  clients.push(client)
  return client
}

describe('online upgrade across kill -9', () => {
  it('keeps the consumer group, its classic member and the committed offsets', async () => {
    let client = await broker()
    const created = await client.send(CreateTopics, 5, { topics: [{ name: 't', numPartitions: 2, replicationFactor: 1 }], timeoutMs: 10000 })
    expect(created.topics[0]!.errorCode).toBe(0)
    const protocols = [{ name: 'range', metadata: encodeSubscription(1, { topics: ['t'] }) }]
    const j = await client.send(JoinGroup, 3, { groupId: 'g', sessionTimeoutMs: 30000, rebalanceTimeoutMs: 30000, memberId: '', protocolType: 'consumer', protocols })
    expect(j).toMatchObject({ errorCode: 0, generationId: 1 })
    const assignment = encodeAssignment(1, { assignedPartitions: [{ topic: 't', partitions: [0, 1] }] })
    const s = await client.send(SyncGroup, 3, { groupId: 'g', generationId: 1, memberId: j.memberId, assignments: [{ memberId: j.memberId, assignment }] })
    expect(s.errorCode).toBe(0)
    const commit = await client.send(OffsetCommit, 8, { groupId: 'g', generationIdOrMemberEpoch: 1, memberId: j.memberId, topics: [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: 5n }] }] })
    expect(commit.topics[0]!.partitions[0]!.errorCode).toBe(0)
    const up = await client.send(ConsumerGroupHeartbeat, 1, { groupId: 'g', memberId: 'c', memberEpoch: 0, rebalanceTimeoutMs: 30000, subscribedTopicNames: ['t'], topicPartitions: [] })
    expect(up).toMatchObject({ errorCode: 0, memberEpoch: 2 })

    await children[0]!.kill('SIGKILL')
    client = await broker()
    const d = await client.send(ConsumerGroupDescribe, 1, { groupIds: ['g'], includeAuthorizedOperations: false })
    expect(d.groups[0]).toMatchObject({ errorCode: 0, groupEpoch: 2, assignmentEpoch: 2 })
    const members = Object.fromEntries(d.groups[0]!.members.map((m) => [m.memberId, m]))
    expect(members[j.memberId]).toMatchObject({ memberType: 0, memberEpoch: 1, assignment: { topicPartitions: [{ topicName: 't', partitions: [0, 1] }] } })
    expect(members.c).toMatchObject({ memberType: 1, memberEpoch: 2 })
    const hb = await client.send(Heartbeat, 3, { groupId: 'g', generationId: 1, memberId: j.memberId })
    expect(hb.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    const fetched = await client.send(OffsetFetch, 7, { groupId: 'g', topics: [{ name: 't', partitionIndexes: [1] }], requireStable: false })
    expect(fetched.topics[0]!.partitions[0]).toMatchObject({ committedOffset: 5n })
  }, 60_000)
})
