// Committed offsets on the engine: who may commit (ClassicGroup.validateOffsetCommit), expiry by
// offsets.retention.minutes, and durability of offsets and group metadata in __consumer_offsets
// across a broker restart.
import fs from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../protocol/errors.js'
import { ManualClock } from '../../src/clock.js'
import type { GroupCoordinator } from '../../src/groups/coordinator.js'
import type { ReplayItem } from '../../src/groups/group-store.js'
import { commitOffsets, commitTxnOffsets, deleteGroup, deleteOffsets, describeGroup, expireOffsets, fetchOffsets, listGroups, type OffsetCommitRequest } from '../../src/groups/offsets.js'
import { legacyGroupPartitionFor } from '../../src/log/internal-topic.js'
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js'
import { joinReq, settled, stableSolo, syncReq } from './helpers.js'

let clock: ManualClock
let b: TestBroker
let g: GroupCoordinator
const dirs: string[] = []

async function start(o: { dataDir?: string; config?: Record<string, number> } = {}) {
  b = await startTestBroker({ clock, disk: o.dataDir !== undefined, dataDir: o.dataDir, config: o.config })
  g = b.broker.groups
}
afterEach(async () => {
  await b.cleanup()
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

function commit(groupId: string, o: Partial<OffsetCommitRequest> = {}, offset = 5): number[] {
  return commitOffsets(g, {
    groupId,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1,
    groupNotFoundError: ErrorCode.ILLEGAL_GENERATION,
    offsets: [{ topic: 't', partition: 0, offset, leaderEpoch: 3, metadata: 'm', commitTimestamp: -1 }],
    ...o,
  })
}
const fetched = (groupId: string) => fetchOffsets(g, groupId, [{ name: 't', partitionIndexes: [0] }])[0]!.partitions[0]!

describe('commits', () => {
  it('accepts simple commits to a new or empty group, refuses them once the group has members', async () => {
    clock = new ManualClock()
    await start()
    expect(commit('simple')).toEqual([0])
    expect(fetched('simple')).toMatchObject({ committedOffset: 5, committedLeaderEpoch: 3, metadata: 'm' })
    expect(describeGroup(g, 'simple')).toMatchObject({ state: 'Empty', protocolType: '', members: [] })
    expect(commit('')).toEqual([0]) // Kafka accepts the empty group id here "for backwards compatibility"
    await stableSolo(g, 'busy')
    expect(commit('busy')).toEqual([ErrorCode.UNKNOWN_MEMBER_ID])
  })

  it('checks member, generation and rebalance state for member commits', async () => {
    clock = new ManualClock()
    await start()
    const { join: a } = await stableSolo(g, 'members')
    const member = { generationId: 1, memberId: a.memberId }
    expect(commit('members', member, 7)).toEqual([0])
    expect(commit('members', { ...member, generationId: 0 })).toEqual([ErrorCode.ILLEGAL_GENERATION])
    expect(commit('members', { ...member, memberId: 'ghost' })).toEqual([ErrorCode.UNKNOWN_MEMBER_ID])
    expect(commit('members', { ...member, groupInstanceId: 'not-mine' })).toEqual([ErrorCode.UNKNOWN_MEMBER_ID])
    expect(commit('no-group', member)).toEqual([ErrorCode.ILLEGAL_GENERATION])
    expect(commit('no-group', { ...member, groupNotFoundError: ErrorCode.GROUP_ID_NOT_FOUND })).toEqual([ErrorCode.GROUP_ID_NOT_FOUND])
    // A second member arrives: generation 2 is being synced.
    const bJoin = g.join(joinReq('members', { clientId: 'b' }))
    expect(commit('members', member)).toEqual([0]) // PreparingRebalance: the current generation still commits
    const a2 = await settled(g.join(joinReq('members', { memberId: a.memberId })))
    await settled(bJoin)
    expect(commit('members', member)).toEqual([ErrorCode.ILLEGAL_GENERATION]) // stale generation
    expect(commit('members', { ...member, generationId: 2 })).toEqual([ErrorCode.REBALANCE_IN_PROGRESS])
    await settled(g.sync(syncReq('members', a2)))
    expect(commit('members', { ...member, generationId: 2 }, 9)).toEqual([0])
    expect(fetched('members').committedOffset).toBe(9)
  })

  it('refuses metadata longer than offset.metadata.max.bytes per partition', async () => {
    clock = new ManualClock()
    await start()
    const codes = commitOffsets(g, {
      groupId: 'meta', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, groupNotFoundError: ErrorCode.ILLEGAL_GENERATION,
      offsets: [
        { topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: 'x'.repeat(4097), commitTimestamp: -1 },
        { topic: 't', partition: 1, offset: 1, leaderEpoch: -1, metadata: 'x'.repeat(4096), commitTimestamp: -1 },
      ],
    })
    expect(codes).toEqual([ErrorCode.OFFSET_METADATA_TOO_LARGE, 0])
  })
})

describe('expiry (offsets.retention.minutes)', () => {
  // The broker's own expiry pass runs every 10 minutes on the same clock; the tests look at the
  // result, whichever pass removed the offsets.
  it('expires offsets of simple groups from their commit and of empty consumer groups from when they emptied', async () => {
    clock = new ManualClock()
    await start({ config: { 'offsets.retention.minutes': 60 } })
    commit('simple')
    const { join } = await stableSolo(g, 'consumers', { sessionTimeoutMs: 1_800_000 })
    commit('consumers', { generationId: 1, memberId: join.memberId })
    clock.advance(30 * 60_000)
    g.leave('consumers', [{ memberId: join.memberId, groupInstanceId: null }]) // Empty from here
    clock.advance(30 * 60_000)
    expireOffsets(g)
    expect(g.group('simple')).toBeUndefined() // no offsets left: the group is gone too
    expect(fetched('simple').committedOffset).toBe(-1)
    expect(fetched('consumers').committedOffset).toBe(5)
    clock.advance(30 * 60_000)
    expireOffsets(g)
    expect(fetched('consumers').committedOffset).toBe(-1)
    expect(g.group('consumers')).toBeUndefined()
  })

  it('keeps the offsets of a group with members; honours an explicit retention (OffsetCommit v2–4)', async () => {
    clock = new ManualClock()
    await start({ config: { 'offsets.retention.minutes': 1 } })
    const { join } = await stableSolo(g, 'alive')
    commit('alive', { generationId: 1, memberId: join.memberId })
    commit('short', { retentionTimeMs: 1000 })
    clock.advance(2000)
    expect(expireOffsets(g)).toBe(1)
    expect(fetched('short').committedOffset).toBe(-1)
    for (let t = 0; t < 150; t++) {
      clock.advance(5_000)
      expect(g.heartbeat({ groupId: 'alive', generationId: 1, memberId: join.memberId, groupInstanceId: null })).toBe(0)
    }
    expireOffsets(g)
    expect(fetched('alive').committedOffset).toBe(5)
  })

  it('runs every offsets.retention.check.interval.ms (10 minutes) on the broker clock', async () => {
    clock = new ManualClock()
    await start({ config: { 'offsets.retention.minutes': 1 } })
    commit('periodic')
    clock.advance(600_000)
    expect(g.group('periodic')).toBeUndefined()
  })
})

describe('administration', () => {
  it('deletes groups and offsets as Kafka allows', async () => {
    clock = new ManualClock()
    await start()
    commit('gone')
    expect(deleteGroup(g, 'gone')).toBe(0)
    expect(fetched('gone').committedOffset).toBe(-1)
    expect(deleteGroup(g, 'gone')).toBe(ErrorCode.GROUP_ID_NOT_FOUND)
    await stableSolo(g, 'live')
    expect(deleteGroup(g, 'live')).toBe(ErrorCode.NON_EMPTY_GROUP)
    commit('od')
    expect(deleteOffsets(g, 'od', [{ name: 't', partitions: [0, 1] }])).toEqual({ errorCode: 0, results: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 0 }] }] })
    expect(fetched('od').committedOffset).toBe(-1)
    expect(deleteOffsets(g, 'missing', []).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND)
    expect(listGroups(g, ['stable'], []).map((x) => x.groupId)).toEqual(['live'])
    expect(listGroups(g, [' EMPTY '], ['Classic']).map((x) => x.groupId)).toEqual(['od'])
    expect(listGroups(g, [], ['consumer'])).toEqual([])
  })
})

describe('topic deletion (OffsetMetadataManager.onPartitionsDeleted)', () => {
  it('removes the deleted topic\'s committed and pending offsets from every group, durably', async () => {
    const dir = tempDir('rivulet-groups-')
    dirs.push(dir)
    clock = new ManualClock()
    await start({ dataDir: dir })
    b.broker.createTopic('t', 2, 1, {})
    b.broker.createTopic('other', 1, 1, {})
    commit('g1', { offsets: [0, 1].map((p) => ({ topic: 't', partition: p, offset: 5, leaderEpoch: 0, metadata: '', commitTimestamp: -1 })) })
    commit('g1', { offsets: [{ topic: 'other', partition: 0, offset: 2, leaderEpoch: 0, metadata: '', commitTimestamp: -1 }] })
    commit('g2', {}, 9)
    commitTxnOffsets(g, { groupId: 'g3', producerId: 77, producerEpoch: 0, generationId: -1, memberId: '', groupInstanceId: null, offsets: [{ topic: 't', partition: 0, offset: 4, leaderEpoch: 0, metadata: null }] })
    b.broker.deleteTopic('t')
    expect(fetched('g1').committedOffset).toBe(-1)
    expect(fetched('g2').committedOffset).toBe(-1)
    expect(fetchOffsets(g, 'g1', null)).toEqual([{ name: 'other', partitions: [expect.objectContaining({ partitionIndex: 0, committedOffset: 2 })] }])
    // The pending transactional offset is gone too: its commit marker would not bring it back.
    expect(fetchOffsets(g, 'g3', [{ name: 't', partitionIndexes: [0] }], true)[0]!.partitions[0]!.errorCode).toBe(0)
    // Groups stay (Kafka keeps them until they expire).
    expect(describeGroup(g, 'g2')).toMatchObject({ state: 'Empty' })
    await b.stop()

    await start({ dataDir: dir })
    expect(fetched('g1').committedOffset).toBe(-1)
    expect(fetched('g2').committedOffset).toBe(-1)
    expect(fetchOffsets(g, 'g1', null)[0]!.partitions[0]!.committedOffset).toBe(2)
  })
})

describe('durability', () => {
  it('replays only the last commit of each key, in log order with deletions', async () => {
    const dir = tempDir('rivulet-groups-')
    dirs.push(dir)
    clock = new ManualClock()
    await start({ dataDir: dir })
    for (let i = 1; i <= 300; i++) commit('busy', {}, i)
    commit('gone-then-back', {}, 7)
    deleteGroup(g, 'gone-then-back')
    commit('gone-then-back', {}, 9)
    commit('gone', {}, 3)
    deleteGroup(g, 'gone')
    commit('offset-deleted', {}, 4)
    deleteOffsets(g, 'offset-deleted', [{ name: 't', partitions: [0] }])
    const replayed: ReplayItem[] = []
    b.broker.groups.store.replay((r) => replayed.push(r))
    // 300 commits of one key come back as one; every deletion stays.
    expect(replayed.filter((r) => r.kind === 'offset' && r.group === 'busy')).toHaveLength(1)
    await b.stop()

    await start({ dataDir: dir })
    expect(fetched('busy').committedOffset).toBe(300)
    expect(fetched('gone-then-back').committedOffset).toBe(9)
    expect(g.group('gone')).toBeUndefined()
    expect(fetched('offset-deleted').committedOffset).toBe(-1)
  })

  it('moves a group an older Rivulet stored by (hashCode & 0x7fffffff) % n into Kafka\'s partition, once', async () => {
    const dir = tempDir('rivulet-groups-')
    dirs.push(dir)
    clock = new ManualClock()
    const config = { 'offsets.topic.num.partitions': 50 }
    await start({ dataDir: dir, config })
    const moved = 'analytics-group' // hashCode -609982088: legacy partition 10, Kafka's 38
    const legacy = legacyGroupPartitionFor(moved, 50)
    expect([legacy, g.store.partitionFor(moved)]).toEqual([10, 38])
    const value = (offset: number) => ({ offset: BigInt(offset), leaderEpoch: 0, metadata: '', commitTimestamp: BigInt(clock.now()), expireTimestamp: -1n })
    // Written as the older layout wrote it.
    g.store.writeOffsets(moved, [{ topic: 't', partition: 0, value: value(11) }], undefined, legacy)
    commit('orders-service', {}, 7) // same partition in both layouts
    b.broker.cluster.groupLayout = 'legacy'
    b.broker.cluster.save()
    await b.stop()

    await start({ dataDir: dir, config })
    expect(fetched(moved).committedOffset).toBe(11)
    expect(fetched('orders-service').committedOffset).toBe(7)
    expect(b.broker.cluster.groupLayout).toBe('kafka')
    commit(moved, {}, 12)
    await b.stop()

    // The old partition now ends with tombstones, which a replay in Kafka's layout skips.
    await start({ dataDir: dir, config })
    expect(fetched(moved).committedOffset).toBe(12)
    expect(fetched('orders-service').committedOffset).toBe(7)
  })

  it('keeps offsets and group members across a restart on the same data directory', async () => {
    const dir = tempDir('rivulet-groups-')
    dirs.push(dir)
    clock = new ManualClock()
    await start({ dataDir: dir })
    const { join } = await stableSolo(g, 'durable', { groupInstanceId: 'i-1' }, Buffer.from('assigned'))
    expect(commit('durable', { generationId: 1, memberId: join.memberId }, 42)).toEqual([0])
    commit('simple-durable', {}, 8)
    commit('deleted', {}, 1)
    deleteGroup(g, 'deleted')
    await b.stop()
    expect(b.broker.cluster.topic('__consumer_offsets')?.internal).toBe(true)

    await start({ dataDir: dir })
    expect(fetched('durable')).toMatchObject({ committedOffset: 42, committedLeaderEpoch: 3, metadata: 'm' })
    expect(fetched('simple-durable').committedOffset).toBe(8)
    expect(g.group('deleted')).toBeUndefined()
    expect(describeGroup(g, 'durable')).toMatchObject({
      state: 'Stable',
      protocolType: 'consumer',
      protocol: 'range',
      members: [{ memberId: join.memberId, groupInstanceId: 'i-1', clientId: 'client', clientHost: '/127.0.0.1', assignment: Buffer.from('assigned') }],
    })
    expect(g.group('durable')!.generationId).toBe(1)
    // The member carries on where it was: same generation, same assignment.
    expect(g.heartbeat({ groupId: 'durable', generationId: 1, memberId: join.memberId, groupInstanceId: 'i-1' })).toBe(0)
    const sync = await settled(g.sync({ ...syncReq('durable', join), groupInstanceId: 'i-1' }))
    expect(sync.assignment).toEqual(Buffer.from('assigned'))
    // Its session runs again from the restart.
    clock.advance(10_000)
    expect(g.group('durable')!.members.size).toBe(0)
  })
})
