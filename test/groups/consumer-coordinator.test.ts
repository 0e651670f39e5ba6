// The KIP-848 consumer group engine on a ManualClock: joins, epochs, target assignment with the
// uniform and range assignors, epoch-fenced incremental reconciliation (a partition moves only
// after its owner revoked it), static membership, timeouts and Kafka's error codes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../protocol/errors.js'
import { ManualClock } from '../../src/clock.js'
import type { ConsumerGroupCoordinator, ConsumerHeartbeat, ConsumerHeartbeatResult } from '../../src/groups/consumer-coordinator.js'
import { commitOffsets, deleteOffsets, listGroups } from '../../src/groups/offsets.js'
import { IMMEDIATE_ASSIGNMENT, startTestBroker, type TestBroker } from '../helpers/broker.js'

let clock: ManualClock
let b: TestBroker
let c: ConsumerGroupCoordinator
let topicId: string

async function start(config: Record<string, number | string> = {}) {
  clock = new ManualClock()
  b = await startTestBroker({ clock, config: { ...IMMEDIATE_ASSIGNMENT, ...config } as Record<string, number> })
  c = b.broker.consumerGroups
  topicId = b.broker.createTopic('orders', 6, 1, {}).id
}
beforeEach(() => start())
afterEach(() => b.cleanup())

function hb(o: Partial<ConsumerHeartbeat> & { memberId: string }): ConsumerHeartbeatResult {
  return c.heartbeat({
    groupId: 'g', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: o.memberEpoch ? -1 : 30000,
    subscribedTopicNames: o.memberEpoch ? null : ['orders'], subscribedTopicRegex: null, serverAssignor: null,
    topicPartitions: o.memberEpoch ? null : [], clientId: 'c', clientHost: '/127.0.0.1', version: 1, ...o,
  })
}
const owned = (ps: number[]) => [{ topicId, partitions: ps }]
const parts = (r: ConsumerHeartbeatResult) => (r.assignment ?? []).flatMap((t) => t.partitions)
const state = () => b.broker.groups.group('g')!.consumer!.state()

describe('join and reconcile', () => {
  it('gives a first member every partition at epoch 1, then the group is Stable', () => {
    const r = hb({ memberId: 'a' })
    expect(r).toMatchObject({ errorCode: 0, memberId: 'a', memberEpoch: 1, heartbeatIntervalMs: 5000 })
    expect(parts(r)).toEqual([0, 1, 2, 3, 4, 5])
    expect(state()).toBe('Stable')
    expect(listGroups(b.broker.groups, [], ['consumer'])).toEqual([{ groupId: 'g', protocolType: 'consumer', state: 'Stable', type: 'consumer' }])
    expect(listGroups(b.broker.groups, [], ['classic'])).toEqual([])
  })

  it('moves partitions to a new member only after the old owner revoked them', () => {
    hb({ memberId: 'a' })
    const b0 = hb({ memberId: 'b' })
    // b gets the epoch 2 target but none of a's partitions yet: they are unreleased.
    expect(b0.memberEpoch).toBe(2)
    expect(parts(b0)).toEqual([])
    expect(state()).toBe('Reconciling')
    // a is told to keep half (same epoch 1 until it revokes the rest).
    const a1 = hb({ memberId: 'a', memberEpoch: 1, topicPartitions: owned([0, 1, 2, 3, 4, 5]) })
    expect(a1.memberEpoch).toBe(1)
    const kept = parts(a1)
    expect(kept).toHaveLength(3)
    // b still waits while a reports the revoked partitions.
    expect(parts(hb({ memberId: 'b', memberEpoch: 2, topicPartitions: owned([]) }))).toEqual([])
    // a revokes: it moves to epoch 2, then b receives the released partitions.
    const a2 = hb({ memberId: 'a', memberEpoch: 1, topicPartitions: owned(kept) })
    expect(a2.memberEpoch).toBe(2)
    const b2 = hb({ memberId: 'b', memberEpoch: 2, topicPartitions: owned([]) })
    expect(parts(b2).sort()).toEqual([0, 1, 2, 3, 4, 5].filter((p) => !kept.includes(p)))
    expect(state()).toBe('Stable')
  })

  it('range assigns contiguous ranges by member id; uniform is the default', () => {
    hb({ memberId: 'm2', serverAssignor: 'range' })
    hb({ memberId: 'm1', serverAssignor: 'range' })
    const target = (id: string) => [...(b.broker.groups.group('g')!.consumer!.targetAssignment.get(id)?.get(topicId) ?? [])].sort()
    expect(target('m1')).toEqual([0, 1, 2])
    expect(target('m2')).toEqual([3, 4, 5])
    expect(c.describe('g')).toMatchObject({ assignorName: 'range', state: 'Reconciling' })
  })

  it('subscribes by regular expression, and a matching topic created later bumps the epoch', () => {
    const r = hb({ memberId: 'a', subscribedTopicNames: null, subscribedTopicRegex: 'ord.*' })
    expect(parts(r)).toHaveLength(6)
    b.broker.createTopic('ordinals', 2, 1, {})
    b.broker.createTopic('xorders', 2, 1, {})
    const r2 = hb({ memberId: 'a', memberEpoch: 1, topicPartitions: owned([0, 1, 2, 3, 4, 5]) })
    expect(r2.memberEpoch).toBe(2)
    expect(r2.assignment!.map((t) => b.broker.cluster.topicById(t.topicId)!.name).sort()).toEqual(['orders', 'ordinals'])
  })

  it('resolves a regular expression against internal topics too, as Kafka does (franz-go\'s Test848RegexBrokerResolves)', () => {
    b.broker.offsetsTopic.partitionFor('g')
    const r = hb({ memberId: 'a', subscribedTopicNames: null, subscribedTopicRegex: '__consumer_offsets' })
    expect(r.errorCode).toBe(0)
    expect(r.assignment!.map((t) => b.broker.cluster.topicById(t.topicId)!.name)).toEqual(['__consumer_offsets'])
  })
})

describe('errors', () => {
  it('answers Kafka error codes and messages for bad heartbeats', () => {
    expect(hb({ memberId: '' })).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: "MemberId can't be empty." })
    expect(hb({ memberId: 'a', rebalanceTimeoutMs: -1 })).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'RebalanceTimeoutMs must be provided in first request.' })
    expect(hb({ memberId: 'a', subscribedTopicNames: null })).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST })
    expect(hb({ memberId: 'a', memberEpoch: -3 })).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'MemberEpoch is invalid.' })
    expect(hb({ memberId: 'a', serverAssignor: 'sticky' })).toMatchObject({
      errorCode: ErrorCode.UNSUPPORTED_ASSIGNOR, errorMessage: 'ServerAssignor sticky is not supported. Supported assignors: uniform, range.',
    })
    expect(hb({ memberId: 'a', subscribedTopicRegex: '[' }).errorCode).toBe(ErrorCode.INVALID_REGULAR_EXPRESSION)
    expect(hb({ memberId: 'a', subscribedTopicRegex: 'a(?=b)' }).errorCode).toBe(ErrorCode.INVALID_REGULAR_EXPRESSION)
    expect(hb({ memberId: 'a', memberEpoch: 1 })).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Consumer group g not found.' })
    hb({ memberId: 'a' })
    expect(hb({ memberId: 'x', memberEpoch: 1 }).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(hb({ memberId: 'a', memberEpoch: 5 }).errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH)
    // Nothing was corrupted: a's epoch and partitions are intact.
    expect(hb({ memberId: 'a', memberEpoch: 1, topicPartitions: owned([0, 1, 2, 3, 4, 5]) })).toMatchObject({ errorCode: 0, memberEpoch: 1 })
  })

  it('refuses a member past group.consumer.max.size', async () => {
    b.cleanup()
    await start({ 'group.consumer.max.size': 1 })
    hb({ memberId: 'a' })
    expect(hb({ memberId: 'b' })).toMatchObject({ errorCode: ErrorCode.GROUP_MAX_SIZE_REACHED })
  })

  it('fences a member with a stale epoch but accepts the previous one with a subset of its partitions', () => {
    hb({ memberId: 'a' })
    hb({ memberId: 'a', memberEpoch: 1, topicPartitions: owned([0, 1, 2, 3, 4, 5]) })
    b.broker.createTopic('orders2', 1, 1, {})
    hb({ memberId: 'a', memberEpoch: 1, subscribedTopicNames: ['orders', 'orders2'], topicPartitions: owned([0, 1, 2, 3, 4, 5]) })
    // now at epoch 2; a lost response means the member may come back with epoch 1
    expect(hb({ memberId: 'a', memberEpoch: 1, topicPartitions: owned([0]) }).errorCode).toBe(0)
    // A fenced client keeps its member id (KIP-1082) and rejoins with epoch 0: it starts over.
    expect(hb({ memberId: 'a', memberEpoch: 3 }).errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH)
    const again = hb({ memberId: 'a', subscribedTopicNames: ['orders', 'orders2'] })
    expect(again).toMatchObject({ errorCode: 0, memberEpoch: 2 })
    expect(again.assignment!.flatMap((t) => t.partitions)).toHaveLength(7)
  })
})

describe('leaving and timeouts', () => {
  it('a member leaving (-1) bumps the epoch and frees its partitions for the others', () => {
    hb({ memberId: 'a' })
    hb({ memberId: 'b' })
    expect(hb({ memberId: 'a', memberEpoch: -1 })).toMatchObject({ errorCode: 0, memberId: 'a', memberEpoch: -1 })
    const r = hb({ memberId: 'b', memberEpoch: 2, topicPartitions: owned([]) })
    expect(r.memberEpoch).toBe(3)
    expect(parts(r)).toHaveLength(6)
  })

  it('removes a member whose session expires (group.consumer.session.timeout.ms)', () => {
    hb({ memberId: 'a' })
    clock.advance(44_999)
    expect(state()).toBe('Stable')
    clock.advance(1)
    expect(state()).toBe('Empty')
    expect(hb({ memberId: 'a', memberEpoch: 1 }).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it("uses the group's own consumer.session.timeout.ms and consumer.heartbeat.interval.ms (GROUP configs)", () => {
    b.broker.cluster.groupConfigs.set('g', { 'consumer.session.timeout.ms': '50000', 'consumer.heartbeat.interval.ms': '6000' })
    expect(hb({ memberId: 'a' }).heartbeatIntervalMs).toBe(6000)
    clock.advance(49_999)
    expect(state()).toBe('Stable')
    clock.advance(1)
    expect(state()).toBe('Empty')
  })

  it('fences a member that does not revoke within its rebalance timeout', () => {
    hb({ memberId: 'a' })
    hb({ memberId: 'b' })
    hb({ memberId: 'a', memberEpoch: 1, topicPartitions: owned([0, 1, 2, 3, 4, 5]) }) // asked to revoke
    hb({ memberId: 'b', memberEpoch: 2, topicPartitions: owned([]) })
    clock.advance(30_000)
    expect(b.broker.groups.group('g')!.consumer!.members.has('a')).toBe(false)
  })

  it('static member: leaves with -2 keeping its partitions; a new instance takes them; a duplicate is UNRELEASED_INSTANCE_ID', () => {
    const a = hb({ memberId: 'a', instanceId: 'i1' })
    expect(parts(a)).toHaveLength(6)
    expect(hb({ memberId: 'a2', instanceId: 'i1' })).toMatchObject({ errorCode: ErrorCode.UNRELEASED_INSTANCE_ID })
    expect(hb({ memberId: 'a', instanceId: 'i1', memberEpoch: -2 })).toMatchObject({ errorCode: 0, memberEpoch: -2 })
    const a2 = hb({ memberId: 'a2', instanceId: 'i1' })
    expect(a2).toMatchObject({ errorCode: 0, memberEpoch: 1 })
    expect(parts(a2)).toEqual([0, 1, 2, 3, 4, 5])
    expect(hb({ memberId: 'a', instanceId: 'i1', memberEpoch: 1 }).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID)
  })
})

describe('offsets of a consumer group', () => {
  it('OffsetDelete keeps the offsets of topics a live member subscribes to (GROUP_SUBSCRIBED_TO_TOPIC), by name or regex', () => {
    b.broker.createTopic('other', 1, 1, {})
    hb({ memberId: 'a' })
    hb({ memberId: 'r', subscribedTopicNames: null, subscribedTopicRegex: 'oth.*' })
    const res = deleteOffsets(b.broker.groups, 'g', [{ name: 'orders', partitions: [0] }, { name: 'other', partitions: [0] }, { name: 'gone', partitions: [0] }])
    expect(res.results.map((t) => t.partitions[0]!.errorCode)).toEqual([ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, 0])
  })

  it('checks the member epoch on OffsetCommit: STALE_MEMBER_EPOCH, UNKNOWN_MEMBER_ID; admin commits only when empty', () => {
    hb({ memberId: 'a' })
    const commit = (memberId: string, epoch: number) =>
      commitOffsets(b.broker.groups, {
        groupId: 'g', generationId: epoch, memberId, groupInstanceId: null, retentionTimeMs: -1, groupNotFoundError: ErrorCode.GROUP_ID_NOT_FOUND, version: 9,
        offsets: [{ topic: 'orders', partition: 0, offset: 5, leaderEpoch: -1, metadata: '', commitTimestamp: -1 }],
      })[0]
    expect(commit('a', 1)).toBe(0)
    expect(commit('a', 0)).toBe(ErrorCode.STALE_MEMBER_EPOCH)
    expect(commit('z', 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(commit('', -1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    hb({ memberId: 'a', memberEpoch: -1 })
    expect(commit('', -1)).toBe(0)
  })
})
