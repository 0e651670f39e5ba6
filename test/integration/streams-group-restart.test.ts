// A KIP-1071 streams group survives a broker killed with SIGKILL: after the restart (the built
// CLI, replaying Kafka's streams group records from __consumer_offsets) the topology, the members'
// epochs and tasks are the same, a heartbeat at the old epoch carries on, one at a wrong epoch is
// fenced, and StreamsGroupDescribe shows the same group.
import fs from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { CreateTopics } from '../../protocol/apis/create-topics.js'
import { StreamsGroupDescribe } from '../../protocol/apis/streams-group-describe.js'
import { StreamsGroupHeartbeat } from '../../protocol/apis/streams-group-heartbeat.js'
import { ErrorCode } from '../../protocol/errors.js'
import { tempDir } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { startChildBroker, type ChildBroker } from '../helpers/process.js'

const dir = tempDir('rivulet-streams-crash-')
const children: ChildBroker[] = []
afterAll(async () => {
  for (const c of children) await c.kill('SIGKILL')
  fs.rmSync(dir, { recursive: true, force: true })
})

const topology = {
  epoch: 0,
  subtopologies: [{
    subtopologyId: '0', sourceTopics: ['events'], sourceTopicRegex: [], repartitionSinkTopics: [], repartitionSourceTopics: [], copartitionGroups: [],
    stateChangelogTopics: [{ name: 'durable-store-changelog', partitions: 0, replicationFactor: 0, topicConfigs: [{ key: 'cleanup.policy', value: 'compact' }] }],
  }],
}
// Targets computed at every epoch (Kafka's group.streams.assignment.interval.ms=0), so the joins
// below are assigned without waiting a second.
const IMMEDIATE = ['--override', 'group.streams.assignment.interval.ms=0']
const join = (memberId: string) => ({
  groupId: 'durable', memberId, memberEpoch: 0, endpointInformationEpoch: -1, rebalanceTimeoutMs: 30000, topology,
  activeTasks: [], standbyTasks: [], warmupTasks: [], processId: `process-${memberId}`, clientTags: [],
})
const beat = (memberId: string, memberEpoch: number, active: { subtopologyId: string; partitions: number[] }[]) => ({
  groupId: 'durable', memberId, memberEpoch, activeTasks: active, standbyTasks: [], warmupTasks: [],
})

describe('streams group state across kill -9', () => {
  it('keeps the topology, member epochs and tasks', async () => {
    const first = await startChildBroker(['--data-dir', dir, ...IMMEDIATE])
    children.push(first)
    const c1 = await TestClient.connect(first.port)
    // The changelog topic as a first run of the application left it: a join is assigned at once.
    await c1.send(CreateTopics, 7, { topics: [{ name: 'events', numPartitions: 4, replicationFactor: 1 }, { name: 'durable-store-changelog', numPartitions: 4, replicationFactor: 1, configs: [{ name: 'cleanup.policy', value: 'compact' }] }], timeoutMs: 5000 })
    const a = await c1.send(StreamsGroupHeartbeat, 1, join('member-a'))
    expect(a).toMatchObject({ errorCode: 0, memberEpoch: 1, activeTasks: [{ subtopologyId: '0', partitions: [0, 1, 2, 3] }] })
    expect((await c1.send(StreamsGroupHeartbeat, 1, join('member-b'))).memberEpoch).toBe(2)
    const a1 = await c1.send(StreamsGroupHeartbeat, 1, beat('member-a', 1, a.activeTasks!))
    const a2 = await c1.send(StreamsGroupHeartbeat, 1, beat('member-a', 1, a1.activeTasks!))
    expect(a2.memberEpoch).toBe(2)
    const b2 = await c1.send(StreamsGroupHeartbeat, 1, beat('member-b', 2, []))
    expect(b2.activeTasks![0]!.partitions).toHaveLength(2)
    const before = await c1.send(StreamsGroupDescribe, 1, { groupIds: ['durable'] })
    await c1.close()
    await first.kill('SIGKILL')

    const second = await startChildBroker(['--data-dir', dir, ...IMMEDIATE])
    children.push(second)
    const c2 = await TestClient.connect(second.port)
    const after = await c2.send(StreamsGroupDescribe, 1, { groupIds: ['durable'] })
    expect(after.groups[0]!.members).toHaveLength(2)
    expect(after).toEqual(before)
    // member-b carries on at epoch 2 with its tasks; a wrong epoch is fenced.
    expect(await c2.send(StreamsGroupHeartbeat, 1, beat('member-b', 2, b2.activeTasks!))).toMatchObject({ errorCode: 0, memberEpoch: 2 })
    expect((await c2.send(StreamsGroupHeartbeat, 1, beat('member-a', 7, []))).errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH)
    await c2.close()
  })
})
