// A KIP-848 consumer group survives a broker killed with SIGKILL: after the restart (the built CLI,
// replaying Kafka's consumer group records from __consumer_offsets) the members keep their epochs
// and assignments, a heartbeat at the old epoch is accepted, one at a wrong epoch is fenced, and
// ConsumerGroupDescribe shows the same group.
import fs from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { ConsumerGroupDescribe } from '../../protocol/apis/consumer-group-describe.js'
import { ConsumerGroupHeartbeat } from '../../protocol/apis/consumer-group-heartbeat.js'
import { CreateTopics } from '../../protocol/apis/create-topics.js'
import { ErrorCode } from '../../protocol/errors.js'
import { tempDir } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { startChildBroker, type ChildBroker } from '../helpers/process.js'

const dir = tempDir('rivulet-kip848-crash-')
const children: ChildBroker[] = []
afterAll(async () => {
  for (const c of children) await c.kill('SIGKILL')
  fs.rmSync(dir, { recursive: true, force: true })
})

// Targets computed at every epoch (Kafka's group.consumer.assignment.interval.ms=0), so the joins
// below are assigned without waiting a second.
const IMMEDIATE = ['--override', 'group.consumer.assignment.interval.ms=0']
const join = (memberId: string, instanceId: string | null = null) => ({
  groupId: 'durable', memberId, memberEpoch: 0, instanceId, rebalanceTimeoutMs: 30000, subscribedTopicNames: ['events'], topicPartitions: [],
})

describe('KIP-848 group state across kill -9', () => {
  it('keeps member epochs, assignments and targets', async () => {
    const first = await startChildBroker(['--data-dir', dir, ...IMMEDIATE])
    children.push(first)
    const c1 = await TestClient.connect(first.port)
    await c1.send(CreateTopics, 7, { topics: [{ name: 'events', numPartitions: 4, replicationFactor: 1 }], timeoutMs: 5000 })
    const a = await c1.send(ConsumerGroupHeartbeat, 1, join('member-a'))
    expect(a).toMatchObject({ errorCode: 0, memberEpoch: 1 })
    const b = await c1.send(ConsumerGroupHeartbeat, 1, join('member-b', 'static-b'))
    expect(b).toMatchObject({ errorCode: 0, memberEpoch: 2 })
    const owned = a.assignment!.topicPartitions
    // a is asked to give up half: it revokes, moves to epoch 2, then b gets its half.
    const a1 = await c1.send(ConsumerGroupHeartbeat, 1, { groupId: 'durable', memberId: 'member-a', memberEpoch: 1, topicPartitions: owned })
    const a2 = await c1.send(ConsumerGroupHeartbeat, 1, { groupId: 'durable', memberId: 'member-a', memberEpoch: 1, topicPartitions: a1.assignment!.topicPartitions })
    expect(a2.memberEpoch).toBe(2)
    const b2 = await c1.send(ConsumerGroupHeartbeat, 1, { groupId: 'durable', memberId: 'member-b', instanceId: 'static-b', memberEpoch: 2, topicPartitions: [] })
    expect(b2.assignment!.topicPartitions[0]!.partitions).toHaveLength(2)
    const before = await c1.send(ConsumerGroupDescribe, 1, { groupIds: ['durable'] })
    await c1.close()
    await first.kill('SIGKILL')

    const second = await startChildBroker(['--data-dir', dir, ...IMMEDIATE])
    children.push(second)
    const c2 = await TestClient.connect(second.port)
    const after = await c2.send(ConsumerGroupDescribe, 1, { groupIds: ['durable'] })
    const norm = (d: typeof after) => ({ ...d.groups[0]!, members: [...d.groups[0]!.members].sort((x, y) => (x.memberId < y.memberId ? -1 : 1)) })
    expect(norm(after)).toEqual(norm(before))
    expect(after.groups[0]).toMatchObject({ groupState: 'Stable', groupEpoch: 2, assignmentEpoch: 2 })
    // The members carry on at their epochs; a wrong epoch is fenced as before the crash.
    const again = await c2.send(ConsumerGroupHeartbeat, 1, { groupId: 'durable', memberId: 'member-a', memberEpoch: 2, topicPartitions: a1.assignment!.topicPartitions })
    expect(again).toMatchObject({ errorCode: 0, memberEpoch: 2 })
    const wrong = await c2.send(ConsumerGroupHeartbeat, 1, { groupId: 'durable', memberId: 'member-b', instanceId: 'static-b', memberEpoch: 7 })
    expect(wrong.errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH)
    await c2.close()
  }, 60_000)
})
