// ConsumerGroupHeartbeat and ConsumerGroupDescribe through the wire, and what the classic APIs
// answer about a KIP-848 group: DescribeGroups, ListGroups with a types filter, OffsetFetch v9
// with member epochs, a classic JoinGroup into a live consumer group (MEMBER_ID_REQUIRED, as a classic member may join it), DeleteGroups.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConsumerGroupDescribe } from '../../protocol/apis/consumer-group-describe.js'
import { ConsumerGroupHeartbeat } from '../../protocol/apis/consumer-group-heartbeat.js'
import { DeleteGroups } from '../../protocol/apis/delete-groups.js'
import { DescribeGroups } from '../../protocol/apis/describe-groups.js'
import { JoinGroup } from '../../protocol/apis/join-group.js'
import { ListGroups } from '../../protocol/apis/list-groups.js'
import { OffsetFetch } from '../../protocol/apis/offset-fetch.js'
import { ErrorCode } from '../../protocol/errors.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

let b: TestBroker
let client: TestClient
let topicId: string
beforeAll(async () => {
  b = await startTestBroker()
  client = await TestClient.connect(b.port)
  topicId = b.broker.createTopic('t', 2, 1, {}).id
})
afterAll(async () => {
  await client.close()
  await b.cleanup()
})

const join = (groupId: string, memberId: string) =>
  client.send(ConsumerGroupHeartbeat, 1, { groupId, memberId, memberEpoch: 0, rebalanceTimeoutMs: 30000, subscribedTopicNames: ['t'], topicPartitions: [], serverAssignor: 'range' })

describe('KIP-848 APIs on the wire', () => {
  it('joins, describes with topic names, and answers errors with Kafka messages', async () => {
    const r = await join('cg', 'm1')
    expect(r).toMatchObject({ errorCode: 0, memberId: 'm1', memberEpoch: 1, heartbeatIntervalMs: 5000, assignment: { topicPartitions: [{ topicId, partitions: [0, 1] }] } })
    const d = await client.send(ConsumerGroupDescribe, 1, { groupIds: ['cg', 'nope'], includeAuthorizedOperations: false })
    expect(d.groups[0]).toMatchObject({
      errorCode: 0, groupId: 'cg', groupState: 'Stable', groupEpoch: 1, assignmentEpoch: 1, assignorName: 'range',
      members: [{ memberId: 'm1', memberEpoch: 1, clientId: 'rivulet-test', subscribedTopicNames: ['t'], memberType: 1, assignment: { topicPartitions: [{ topicId, topicName: 't', partitions: [0, 1] }] } }],
    })
    expect(d.groups[1]).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Group nope not found.' })
    const bad = await client.send(ConsumerGroupHeartbeat, 1, { groupId: 'cg', memberId: 'm1', memberEpoch: 0, rebalanceTimeoutMs: 30000, subscribedTopicRegex: '(', topicPartitions: [] })
    expect(bad.errorCode).toBe(ErrorCode.INVALID_REGULAR_EXPRESSION)
  })

  it('shows the group to the classic APIs as Kafka does', async () => {
    await join('cg2', 'm1')
    const dg = await client.send(DescribeGroups, 6, { groups: ['cg2'] })
    expect(dg.groups[0]).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Group cg2 is not a classic group.' })
    const lg = await client.send(ListGroups, 5, { statesFilter: [], typesFilter: ['consumer'] })
    expect(lg.groups.find((g) => g.groupId === 'cg2')).toEqual({ groupId: 'cg2', protocolType: 'consumer', groupState: 'Stable', groupType: 'consumer' })
    const stale = await client.send(OffsetFetch, 9, { groups: [{ groupId: 'cg2', memberId: 'm1', memberEpoch: 7, topics: null }], requireStable: false })
    expect(stale.groups[0]!.errorCode).toBe(ErrorCode.STALE_MEMBER_EPOCH)
    const ok = await client.send(OffsetFetch, 9, { groups: [{ groupId: 'cg2', memberId: 'm1', memberEpoch: 1, topics: null }], requireStable: false })
    expect(ok.groups[0]!.errorCode).toBe(0)
    const classic = await client.send(JoinGroup, 9, { groupId: 'cg2', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] })
    // Kafka 4.4 (classicGroupJoinToConsumerGroup): a classic consumer may join a live consumer
    // group (online migration), so it is asked for a member id; another protocol type may not.
    expect(classic).toMatchObject({ errorCode: ErrorCode.MEMBER_ID_REQUIRED })
    const other = await client.send(JoinGroup, 9, { groupId: 'cg2', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', protocolType: 'connect', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] })
    expect(other.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    const del = await client.send(DeleteGroups, 2, { groupsNames: ['cg2'] })
    expect(del.results[0]!.errorCode).toBe(ErrorCode.NON_EMPTY_GROUP)
    await client.send(ConsumerGroupHeartbeat, 1, { groupId: 'cg2', memberId: 'm1', memberEpoch: -1 })
    const del2 = await client.send(DeleteGroups, 2, { groupsNames: ['cg2'] })
    expect(del2.results[0]!.errorCode).toBe(0)
  })
})
