// KIP-848's online migration on the engine (ManualClock, no sockets), as Kafka 4.4's
// GroupMetadataManager does it: a live classic group of the consumer protocol type becomes a
// consumer group on the first ConsumerGroupHeartbeat; its classic members keep working through
// JoinGroup/SyncGroup/Heartbeat/LeaveGroup/OffsetCommit until they leave; the group goes back to
// classic when its last consumer-protocol member leaves; group.consumer.migration.policy and the
// size limits refuse either move; a restart replays the group as it was converted.
import { afterEach, describe, expect, it } from 'vitest'
import { encodeAssignment, encodeSubscription, decodeAssignment } from '../../protocol/consumer-protocol.js'
import { ErrorCode } from '../../protocol/errors.js'
import { ManualClock } from '../../src/clock.js'
import type { ConsumerHeartbeat, ConsumerHeartbeatResult } from '../../src/groups/consumer-coordinator.js'
import { commitOffsets, fetchOffsets, listGroups } from '../../src/groups/offsets.js'
import { IMMEDIATE_ASSIGNMENT, scratchDirs, startTestBroker, type TestBroker } from '../helpers/broker.js'
import { joinReq, settled, syncReq } from './helpers.js'

const dir = scratchDirs('rivulet-migration-')
let clock: ManualClock
let b: TestBroker
let topicId: string

async function start(config: Record<string, string | number> = {}, dataDir?: string) {
  clock = new ManualClock()
  b = await startTestBroker({ clock, config: { ...IMMEDIATE_ASSIGNMENT, ...config } as Record<string, number>, disk: dataDir !== undefined, dataDir })
  topicId = b.broker.cluster.topic('orders')?.id ?? b.broker.createTopic('orders', 6, 1, {}).id
}
afterEach(() => b?.cleanup())

const groups = () => b.broker.groups
const group = () => groups().group('g')!
const sub = (owned: number[] = [], version = 1) => encodeSubscription(version, { topics: ['orders'], ownedPartitions: owned.length > 0 ? [{ topic: 'orders', partitions: owned }] : [] })
const asg = (ps: number[]) => encodeAssignment(1, { assignedPartitions: ps.length > 0 ? [{ topic: 'orders', partitions: ps }] : [] })
const partsOf = (assignment: Buffer) => decodeAssignment(assignment).assignedPartitions.flatMap((t) => t.partitions).sort()

function hb(o: Partial<ConsumerHeartbeat> & { memberId: string }): ConsumerHeartbeatResult {
  return b.broker.consumerGroups.heartbeat({
    groupId: 'g', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: o.memberEpoch ? -1 : 30000,
    subscribedTopicNames: o.memberEpoch ? null : ['orders'], subscribedTopicRegex: null, serverAssignor: null,
    topicPartitions: o.memberEpoch ? null : [], clientId: 'c', clientHost: '/127.0.0.1', version: 1, ...o,
  })
}

// A Stable classic group at generation 2: a owns 0-2, b owns 3-5 (the leader's range assignment).
async function classicGroup(protocolType = 'consumer'): Promise<{ a: string; b: string }> {
  const protocols = [{ name: 'range', metadata: sub() }]
  const ja = await settled(groups().join(joinReq('g', { protocols, protocolType })))
  await settled(groups().sync(syncReq('g', ja, [{ memberId: ja.memberId, assignment: asg([0, 1, 2, 3, 4, 5]) }])))
  const pb = groups().join(joinReq('g', { protocols, protocolType, clientId: 'b' }))
  const ja2 = await settled(groups().join(joinReq('g', { memberId: ja.memberId, protocols, protocolType })))
  const jb = await settled(pb)
  expect(ja2.generationId).toBe(2)
  const sa = groups().sync(syncReq('g', ja2, [{ memberId: ja.memberId, assignment: asg([0, 1, 2]) }, { memberId: jb.memberId, assignment: asg([3, 4, 5]) }]))
  await settled(groups().sync(syncReq('g', jb)))
  await settled(sa)
  expect(group().state).toBe('Stable')
  return { a: ja.memberId, b: jb.memberId }
}

// A classic consumer as the Java client runs it (eager: it gives up everything before rejoining).
class Classic {
  generation: number
  owned: number[] = []
  constructor(readonly memberId: string, generation: number, owned: number[]) {
    this.generation = generation
    this.owned = owned
  }
  async step(): Promise<number> {
    const err = groups().heartbeat({ groupId: 'g', generationId: this.generation, memberId: this.memberId, groupInstanceId: null })
    if (err !== ErrorCode.REBALANCE_IN_PROGRESS) return err
    this.owned = []
    const j = await settled(groups().join(joinReq('g', { memberId: this.memberId, protocols: [{ name: 'range', metadata: sub(this.owned) }] })))
    expect(j).toMatchObject({ errorCode: 0, protocolType: 'consumer', protocolName: 'range', leader: '', members: [] })
    this.generation = j.generationId
    const s = await settled(groups().sync({ ...syncReq('g', j), protocolType: 'consumer', protocolName: 'range' }))
    if (s.errorCode === 0) this.owned = partsOf(s.assignment)
    return s.errorCode
  }
}

class Modern {
  epoch = 0
  owned: number[] = []
  constructor(readonly memberId: string) {}
  step(): ConsumerHeartbeatResult {
    const r = this.epoch === 0 ? hb({ memberId: this.memberId }) : hb({ memberId: this.memberId, memberEpoch: this.epoch, topicPartitions: [{ topicId, partitions: this.owned }] })
    expect(r.errorCode).toBe(0)
    this.epoch = r.memberEpoch
    if (r.assignment) this.owned = r.assignment.flatMap((t) => t.partitions).sort()
    return r
  }
}

async function converge(members: (Classic | Modern)[]): Promise<void> {
  for (let round = 0; round < 10; round++) for (const m of members) await m.step()
  const all = members.flatMap((m) => m.owned).sort()
  expect(all).toEqual([0, 1, 2, 3, 4, 5])
}

describe('upgrade: a live classic group becomes a consumer group', () => {
  it('on the first consumer heartbeat; classic members keep their partitions, rejoin and hand some over', async () => {
    await start()
    const { a, b: bId } = await classicGroup()
    commitOffsets(groups(), { groupId: 'g', generationId: 2, memberId: a, groupInstanceId: null, retentionTimeMs: -1, groupNotFoundError: ErrorCode.ILLEGAL_GENERATION, version: 8, offsets: [{ topic: 'orders', partition: 0, offset: 42, leaderEpoch: -1, metadata: '', commitTimestamp: -1 }] })
    const c = new Modern('c')
    const first = c.step()
    // The classic generation (2) became the group epoch; the new member bumped it to 3. Its
    // partitions are still owned by the classic members, so it gets none yet.
    expect(first).toMatchObject({ errorCode: 0, memberEpoch: 3 })
    expect(c.owned).toEqual([])
    expect(listGroups(groups(), [], [])).toEqual([{ groupId: 'g', protocolType: 'consumer', state: 'Reconciling', type: 'consumer' }])
    const data = group().consumer!
    expect(data.members.get(a)).toMatchObject({ memberEpoch: 2, classic: { sessionTimeoutMs: 10_000 } })
    expect([...data.members.get(a)!.assigned.get(topicId)!].sort()).toEqual([0, 1, 2])
    const described = b.broker.consumerGroups.describe('g')
    expect('members' in described && described.members.map((m) => [m.memberId, m.classic])).toEqual([[a, true], [bId, true], ['c', false]])
    // Classic members learn of the rebalance through their heartbeat; a stale generation is refused.
    expect(groups().heartbeat({ groupId: 'g', generationId: 1, memberId: a, groupInstanceId: null })).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect(groups().heartbeat({ groupId: 'g', generationId: 2, memberId: 'c', groupInstanceId: null })).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    const ca = new Classic(a, 2, [0, 1, 2])
    const cb = new Classic(bId, 2, [3, 4, 5])
    expect(await ca.step()).toBe(0)
    await converge([ca, cb, c])
    for (const m of [ca, cb, c]) expect(m.owned).toHaveLength(2)
    expect(data.state()).toBe('Stable')
    expect(fetchOffsets(groups(), 'g', null)[0]!.partitions[0]).toMatchObject({ partitionIndex: 0, committedOffset: 42 })
  })

  it('serves OffsetCommit of classic members with their generation at any version; consumer members need v9', async () => {
    await start()
    const { a } = await classicGroup()
    new Modern('c').step()
    const commit = (memberId: string, generationId: number, version: number) =>
      commitOffsets(groups(), { groupId: 'g', generationId, memberId, groupInstanceId: null, retentionTimeMs: -1, groupNotFoundError: ErrorCode.ILLEGAL_GENERATION, version, offsets: [{ topic: 'orders', partition: 1, offset: 7, leaderEpoch: -1, metadata: '', commitTimestamp: -1 }] })[0]
    expect(commit(a, 2, 8)).toBe(0)
    expect(commit(a, 3, 8)).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect(commit('c', 3, 8)).toBe(ErrorCode.UNSUPPORTED_VERSION)
    expect(commit('c', 2, 9)).toBe(ErrorCode.STALE_MEMBER_EPOCH)
  })

  it('a new classic member may join a live consumer group, and is answered MEMBER_ID_REQUIRED first (v4+)', async () => {
    await start()
    const c = new Modern('c')
    c.step()
    const first = await settled(groups().join(joinReq('g', { protocols: [{ name: 'range', metadata: sub() }], requireKnownMemberId: true })))
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED)
    const d = new Classic(first.memberId, -1, [])
    const j = await settled(groups().join(joinReq('g', { memberId: first.memberId, protocols: [{ name: 'range', metadata: sub() }] })))
    expect(j).toMatchObject({ errorCode: 0, memberId: first.memberId, generationId: 2 })
    d.generation = j.generationId
    // Its partitions are still c's: it syncs with none, and heartbeats until they are released.
    expect(partsOf((await settled(groups().sync(syncReq('g', j)))).assignment)).toEqual([])
    await converge([d, c])
    expect(d.owned).toHaveLength(3)
    // A protocol no classic member shares is refused.
    const other = await settled(groups().join(joinReq('g', { protocols: [{ name: 'roundrobin', metadata: sub() }] })))
    expect(other.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
  })
})

describe('refusals', () => {
  for (const policy of ['disabled', 'downgrade', 'DISABLED']) {
    it(`group.consumer.migration.policy=${policy} keeps the classic group: GROUP_ID_NOT_FOUND`, async () => {
      await start({ 'group.consumer.migration.policy': policy })
      await classicGroup()
      expect(hb({ memberId: 'c' })).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Group g is not a consumer group.' })
      expect(group()).toMatchObject({ consumer: null, state: 'Stable', generationId: 2 })
      expect(group().members.size).toBe(2)
    })
  }

  it('a classic group of another protocol type (connect) is not upgraded', async () => {
    await start()
    await classicGroup('connect')
    expect(hb({ memberId: 'c' }).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND)
    expect(group().consumer).toBeNull()
  })

  it('a classic group larger than group.consumer.max.size is not upgraded; one that fills it refuses the newcomer', async () => {
    await start({ 'group.consumer.max.size': 1 })
    await classicGroup()
    expect(hb({ memberId: 'c' }).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND)
    await b.cleanup()
    await start({ 'group.consumer.max.size': 2 })
    await classicGroup()
    expect(hb({ memberId: 'c' }).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED)
    expect(group()).toMatchObject({ consumer: null, state: 'Stable' })
  })

  it('a classic group completing a rebalance (no assignments yet) is not upgraded, as Kafka cannot read them', async () => {
    await start()
    const protocols = [{ name: 'range', metadata: sub() }]
    const j = await settled(groups().join(joinReq('g', { protocols })))
    expect(group().state).toBe('CompletingRebalance')
    expect(hb({ memberId: 'c' })).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Cannot upgrade the classic group g to consumer group because the embedded consumer protocol is malformed.' })
    expect(group()).toMatchObject({ consumer: null, state: 'CompletingRebalance' })
    // Once the leader assigned, the upgrade goes through.
    await settled(groups().sync(syncReq('g', j, [{ memberId: j.memberId, assignment: asg([0, 1]) }])))
    expect(hb({ memberId: 'c' }).errorCode).toBe(0)
  })

  it('a static consumer member cannot take an instance id a classic member holds: UNRELEASED_INSTANCE_ID', async () => {
    await start()
    const protocols = [{ name: 'range', metadata: sub() }]
    const j = await settled(groups().join(joinReq('g', { protocols, groupInstanceId: 'i1' })))
    await settled(groups().sync({ ...syncReq('g', j, [{ memberId: j.memberId, assignment: asg([0]) }]), groupInstanceId: 'i1' }))
    expect(hb({ memberId: 'c', instanceId: 'i1' }).errorCode).toBe(ErrorCode.UNRELEASED_INSTANCE_ID)
    expect(group().consumer).toBeNull()
  })
})

describe('downgrade: the last consumer-protocol member leaves', () => {
  it('turns the group back into a classic group that rebalances at the next generation', async () => {
    await start()
    const { a, b: bId } = await classicGroup()
    const c = new Modern('c')
    const ca = new Classic(a, 2, [0, 1, 2])
    const cb = new Classic(bId, 2, [3, 4, 5])
    c.step()
    await converge([ca, cb, c])
    expect(hb({ memberId: 'c', memberEpoch: -1 }).errorCode).toBe(0)
    expect(group().consumer).toBeNull()
    expect(group()).toMatchObject({ state: 'PreparingRebalance', generationId: 3, protocolType: 'consumer', protocolName: 'range' })
    expect(listGroups(groups(), [], [])).toEqual([{ groupId: 'g', protocolType: 'consumer', state: 'PreparingRebalance', type: 'classic' }])
    expect(partsOf(group().members.get(a)!.assignment)).toEqual(ca.owned)
    expect(groups().heartbeat({ groupId: 'g', generationId: 3, memberId: a, groupInstanceId: null })).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    const pa = groups().join(joinReq('g', { memberId: a, protocols: [{ name: 'range', metadata: sub() }] }))
    const jb = await settled(groups().join(joinReq('g', { memberId: bId, protocols: [{ name: 'range', metadata: sub() }] })))
    expect(jb).toMatchObject({ errorCode: 0, generationId: 4 })
    expect((await settled(pa)).generationId).toBe(4)
  })

  it('not under group.consumer.migration.policy=upgrade: the consumer group keeps its classic members', async () => {
    await start({ 'group.consumer.migration.policy': 'upgrade' })
    const { a } = await classicGroup()
    hb({ memberId: 'c' })
    expect(hb({ memberId: 'c', memberEpoch: -1 }).errorCode).toBe(0)
    expect(group().consumer!.members.size).toBe(2)
    expect(group().consumer!.groupEpoch).toBe(4)
    expect(groups().heartbeat({ groupId: 'g', generationId: 2, memberId: a, groupInstanceId: null })).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
  })

  it('not beyond group.max.size', async () => {
    await start({ 'group.max.size': 1 })
    await classicGroup()
    hb({ memberId: 'c' })
    hb({ memberId: 'c', memberEpoch: -1 })
    expect(group().consumer!.members.size).toBe(2)
  })
})

describe('classic members leave, time out, and are fenced', () => {
  it('LeaveGroup removes a classic member (bumping the epoch); a consumer member is UNKNOWN_MEMBER_ID by member id', async () => {
    await start()
    const { a } = await classicGroup()
    hb({ memberId: 'c' })
    const res = groups().leave('g', [{ memberId: a, groupInstanceId: null }, { memberId: 'c', groupInstanceId: null }])
    expect(res.members.map((m) => m.errorCode)).toEqual([0, ErrorCode.UNKNOWN_MEMBER_ID])
    expect(group().consumer!.members.has(a)).toBe(false)
    expect(group().consumer!.groupEpoch).toBe(4)
  })

  it('a classic member that does not rejoin within its rebalance timeout is fenced; one that stops heartbeating, after its session', async () => {
    await start()
    const { a, b: bId } = await classicGroup()
    const c = new Modern('c')
    c.step()
    for (let t = 0; t < 6; t++) {
      expect(groups().heartbeat({ groupId: 'g', generationId: 2, memberId: a, groupInstanceId: null })).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
      clock.advance(5_000)
      c.step()
    }
    // b stopped heartbeating: its classic session (10 s) ended first; a never rejoined (30 s).
    expect(group().consumer!.members.has(bId)).toBe(false)
    expect(group().consumer!.members.has(a)).toBe(false)
    expect(group().consumer!.members.has('c')).toBe(true)
  })
})

describe('restarts', () => {
  it('replay the upgraded group (classic members with their protocols and sessions) and the downgraded one, offsets kept', async () => {
    const d = dir()
    await start({}, d)
    const { a, b: bId } = await classicGroup()
    const c = new Modern('c')
    const ca = new Classic(a, 2, [0, 1, 2])
    const cb = new Classic(bId, 2, [3, 4, 5])
    c.step()
    await converge([ca, cb, c])
    commitOffsets(groups(), { groupId: 'g', generationId: ca.generation, memberId: a, groupInstanceId: null, retentionTimeMs: -1, groupNotFoundError: ErrorCode.ILLEGAL_GENERATION, version: 8, offsets: [{ topic: 'orders', partition: ca.owned[0]!, offset: 9, leaderEpoch: -1, metadata: '', commitTimestamp: -1 }] })
    await b.cleanup()
    await start({}, d)
    const data = group().consumer!
    expect(data.members.get(a)).toMatchObject({ memberEpoch: ca.generation, classic: { sessionTimeoutMs: 10_000, protocols: [{ name: 'range' }] } })
    expect(data.state()).toBe('Stable')
    expect(groups().heartbeat({ groupId: 'g', generationId: ca.generation, memberId: a, groupInstanceId: null })).toBe(0)
    expect(partsOf((await settled(groups().sync({ ...syncReq('g', { generationId: ca.generation, memberId: a } as never), protocolType: 'consumer', protocolName: 'range' }))).assignment)).toEqual(ca.owned)
    expect(hb({ memberId: 'c', memberEpoch: -1 }).errorCode).toBe(0)
    await b.cleanup()
    await start({}, d)
    expect(group()).toMatchObject({ consumer: null, state: 'Stable', protocolType: 'consumer', protocolName: 'range' })
    expect([...group().members.keys()].sort()).toEqual([a, bId].sort())
    expect(partsOf(group().members.get(a)!.assignment)).toEqual(ca.owned)
    expect(fetchOffsets(groups(), 'g', null)[0]!.partitions[0]).toMatchObject({ committedOffset: 9 })
  })
})
