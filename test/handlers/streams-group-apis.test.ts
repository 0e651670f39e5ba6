// StreamsGroupHeartbeat and StreamsGroupDescribe through the wire, what the classic APIs answer
// about a KIP-1071 group (DescribeGroups, ListGroups with a types filter, OffsetFetch v9 with
// member epochs, a classic JoinGroup into a live streams group, DeleteGroups), and the group kept
// across a restart through its records in __consumer_offsets.
import { afterEach, describe, expect, it } from 'vitest'
import { DeleteGroups } from '../../protocol/apis/delete-groups.js'
import { DescribeGroups } from '../../protocol/apis/describe-groups.js'
import { JoinGroup } from '../../protocol/apis/join-group.js'
import { ListGroups } from '../../protocol/apis/list-groups.js'
import { OffsetDelete } from '../../protocol/apis/offset-delete.js'
import { OffsetFetch } from '../../protocol/apis/offset-fetch.js'
import { StreamsGroupDescribe } from '../../protocol/apis/streams-group-describe.js'
import { StreamsGroupHeartbeat } from '../../protocol/apis/streams-group-heartbeat.js'
import { ErrorCode } from '../../protocol/errors.js'
import { commitOffsets } from '../../src/groups/offsets.js'
import { IMMEDIATE_ASSIGNMENT, scratchDirs, startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

const dir = scratchDirs('rivulet-streams-')
let b: TestBroker | null = null
let client: TestClient | null = null
afterEach(async () => {
  await client?.close()
  await b?.cleanup()
  client = null
  b = null
})

async function start(dataDir?: string) {
  b = await startTestBroker({ config: IMMEDIATE_ASSIGNMENT, ...(dataDir ? { disk: true, dataDir } : {}) })
  client = await TestClient.connect(b.port)
}

const topology = {
  epoch: 0,
  subtopologies: [{
    subtopologyId: '0', sourceTopics: ['in'], sourceTopicRegex: [], repartitionSinkTopics: [], repartitionSourceTopics: [], copartitionGroups: [],
    stateChangelogTopics: [{ name: 'app-store-changelog', partitions: 0, replicationFactor: 0, topicConfigs: [{ key: 'cleanup.policy', value: 'compact' }] }],
  }],
}
// Left by an earlier run of the application, so a join is assigned at once.
const CHANGELOG = 'app-store-changelog'
const join = (v: number, memberId: string, processId = memberId) => client!.send(StreamsGroupHeartbeat, v, {
  groupId: 'app', memberId, memberEpoch: 0, endpointInformationEpoch: -1, rebalanceTimeoutMs: 30000, topology,
  activeTasks: [], standbyTasks: [], warmupTasks: [], processId, userEndpoint: { host: 'localhost', port: 8080 }, clientTags: [],
})

describe('KIP-1071 APIs on the wire', () => {
  it('joins at both versions, assigns tasks, describes the group', async () => {
    await start()
    b!.broker.createTopic('in', 2, 1, {})
    // The changelog topic is missing: the join asks for it and hears so, as on Kafka 4.4, whose
    // creation completes after the answer; the next heartbeat finds it and gets the tasks.
    const r0 = await join(1, 'm1')
    expect(r0).toMatchObject({ errorCode: 0, memberId: 'm1', memberEpoch: 1, activeTasks: [], status: [{ statusCode: 3, statusDetail: 'Internal topics are missing: app-store-changelog' }] })
    const r = await client!.send(StreamsGroupHeartbeat, 1, { groupId: 'app', memberId: 'm1', memberEpoch: 1, endpointInformationEpoch: r0.endpointInformationEpoch, activeTasks: [], standbyTasks: [], warmupTasks: [] })
    expect(r).toMatchObject({ errorCode: 0, memberId: 'm1', memberEpoch: 2, heartbeatIntervalMs: 5000, acceptableRecoveryLag: 10000n, taskOffsetIntervalMs: 60000, status: [], topologyDescriptionRequired: false })
    expect(r.activeTasks).toEqual([{ subtopologyId: '0', partitions: [0, 1] }])
    // Interactive Queries: the endpoint serves the source partitions of its active tasks.
    expect(r.partitionsByUserEndpoint).toEqual([{ userEndpoint: { host: 'localhost', port: 8080 }, activePartitions: [{ topic: 'in', partitions: [0, 1] }], standbyPartitions: [] }])
    const v0 = await join(0, 'm2')
    expect(v0).toMatchObject({ errorCode: 0, memberEpoch: 3, acceptableRecoveryLagLegacy: 10000 })
    const d = await client!.send(StreamsGroupDescribe, 1, { groupIds: ['app', 'nope'], includeAuthorizedOperations: false, includeTopologyDescription: true })
    expect(d.groups[0]).toMatchObject({
      errorCode: 0, groupId: 'app', groupState: 'Reconciling', groupEpoch: 3, assignmentEpoch: 3, assignorName: 'sticky', topologyDescriptionStatus: 1,
      topology: { epoch: 0, subtopologies: [{ subtopologyId: '0', sourceTopics: ['in'] }] },
    })
    expect(d.groups[0]!.members.map((m) => m.processId).sort()).toEqual(['m1', 'm2'])
    expect(d.groups[1]).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Group nope not found.' })
    expect(b!.broker.cluster.topic('app-store-changelog')).toMatchObject({ partitions: 2, configs: { 'cleanup.policy': 'compact' } })
  })

  it('shows the group to the classic APIs as Kafka does', async () => {
    await start()
    b!.broker.createTopic('in', 2, 1, {})
    b!.broker.createTopic(CHANGELOG, 2, 1, { 'cleanup.policy': 'compact' })
    await join(1, 'm1')
    const dg = await client!.send(DescribeGroups, 6, { groups: ['app'] })
    expect(dg.groups[0]).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Group app is not a classic group.' })
    const lg = await client!.send(ListGroups, 5, { statesFilter: [], typesFilter: ['streams'] })
    expect(lg.groups).toEqual([{ groupId: 'app', protocolType: 'streams', groupState: 'Stable', groupType: 'streams' }])
    const stale = await client!.send(OffsetFetch, 9, { groups: [{ groupId: 'app', memberId: 'm1', memberEpoch: 7, topics: null }], requireStable: false })
    expect(stale.groups[0]!.errorCode).toBe(ErrorCode.STALE_MEMBER_EPOCH)
    const classic = await client!.send(JoinGroup, 9, { groupId: 'app', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] })
    expect(classic.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    expect((await client!.send(DeleteGroups, 2, { groupsNames: ['app'] })).results[0]!.errorCode).toBe(ErrorCode.NON_EMPTY_GROUP)
    expect(await client!.send(StreamsGroupHeartbeat, 1, { groupId: 'app', memberId: 'm1', memberEpoch: -1 })).toMatchObject({ errorCode: 0, memberEpoch: -1 })
    expect((await client!.send(DeleteGroups, 2, { groupsNames: ['app'] })).results[0]!.errorCode).toBe(0)
    const bad = await client!.send(StreamsGroupHeartbeat, 1, { groupId: 'app', memberId: 'm1', memberEpoch: 4 })
    expect(bad).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Streams group app not found.' })
  })

  it('keeps the topology, member epochs and tasks across a restart', async () => {
    const d = dir()
    await start(d)
    b!.broker.createTopic('in', 2, 1, {})
    b!.broker.createTopic(CHANGELOG, 2, 1, { 'cleanup.policy': 'compact' })
    await join(1, 'm1')
    await join(1, 'm2')
    const owned = await client!.send(StreamsGroupHeartbeat, 1, { groupId: 'app', memberId: 'm1', memberEpoch: 1, activeTasks: [{ subtopologyId: '0', partitions: [0, 1] }], standbyTasks: [], warmupTasks: [] })
    const kept = owned.activeTasks!
    const m1 = await client!.send(StreamsGroupHeartbeat, 1, { groupId: 'app', memberId: 'm1', memberEpoch: 1, activeTasks: kept, standbyTasks: [], warmupTasks: [] })
    expect(m1.memberEpoch).toBe(2)
    const before = await client!.send(StreamsGroupDescribe, 0, { groupIds: ['app'], includeAuthorizedOperations: false })
    await client!.close()
    await b!.stop()
    b = null
    await start(d)
    const after = await client!.send(StreamsGroupDescribe, 0, { groupIds: ['app'], includeAuthorizedOperations: false })
    expect(after.groups[0]).toMatchObject({ errorCode: 0, groupEpoch: 2, topology: { epoch: 0 } })
    expect(after.groups[0]!.members).toHaveLength(2)
    expect(after.groups[0]).toEqual(before.groups[0])
    // m1 carries on at its epoch with its tasks.
    const again = await client!.send(StreamsGroupHeartbeat, 1, { groupId: 'app', memberId: 'm1', memberEpoch: 2, activeTasks: kept, standbyTasks: [], warmupTasks: [] })
    expect(again).toMatchObject({ errorCode: 0, memberEpoch: 2 })
  })
})

describe('OffsetDelete on a streams group', () => {
  it('refuses the topics a live streams group reads, allows the others', async () => {
    await start()
    b!.broker.createTopic('in', 2, 1, {})
    b!.broker.createTopic('other', 1, 1, {})
    b!.broker.createTopic(CHANGELOG, 2, 1, { 'cleanup.policy': 'compact' })
    const r = await join(1, 'm1')
    const commit = (topic: string) => commitOffsets(b!.broker.groups, {
      groupId: 'app', generationId: r.memberEpoch, memberId: 'm1', groupInstanceId: null, retentionTimeMs: -1, groupNotFoundError: ErrorCode.GROUP_ID_NOT_FOUND, version: 9,
      offsets: [{ topic, partition: 0, offset: 3, leaderEpoch: -1, metadata: '', commitTimestamp: -1 }],
    })
    expect([commit('in'), commit('other')]).toEqual([[0], [0]])
    const del = await client!.send(OffsetDelete, 0, { groupId: 'app', topics: [{ name: 'in', partitions: [{ partitionIndex: 0 }] }, { name: 'other', partitions: [{ partitionIndex: 0 }] }] })
    expect(del.topics.map((t) => [t.name, t.partitions[0]!.errorCode])).toEqual([['in', ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC], ['other', 0]])
  })
})
