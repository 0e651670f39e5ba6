// The classic group coordinator engine on a ManualClock: the membership state machine, rebalances,
// static membership and every timer, checked against Kafka's GroupMetadataManager semantics.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../protocol/errors.js'
import { ManualClock } from '../../src/clock.js'
import type { GroupCoordinator } from '../../src/groups/coordinator.js'
import { describeGroup } from '../../src/groups/offsets.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { joinReq, peek, range, roundrobin, settled, stableSolo, syncReq } from './helpers.js'

let clock: ManualClock
let b: TestBroker
let g: GroupCoordinator

async function start(config: Record<string, number> = {}) {
  clock = new ManualClock()
  b = await startTestBroker({ clock, config })
  g = b.broker.groups
}
beforeEach(() => start())
afterEach(() => b.cleanup())

const state = (id: string) => g.group(id)?.state

describe('join and sync', () => {
  it('takes a first member through CompletingRebalance to Stable, leader of generation 1', async () => {
    const join = await settled(g.join(joinReq('solo', { protocols: [range, roundrobin] })))
    expect(join).toMatchObject({ errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: join.memberId })
    expect(join.memberId).toMatch(/^client-[0-9a-f-]{36}$/)
    expect(join.members).toEqual([{ memberId: join.memberId, groupInstanceId: null, metadata: range.metadata }])
    expect(state('solo')).toBe('CompletingRebalance')
    const sync = await settled(g.sync(syncReq('solo', join, [{ memberId: join.memberId, assignment: Buffer.from('mine') }])))
    expect(sync).toEqual({ errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from('mine') })
    expect(state('solo')).toBe('Stable')
    expect(describeGroup(g, 'solo')).toMatchObject({ state: 'Stable', protocol: 'range', members: [{ memberId: join.memberId, clientHost: '/127.0.0.1', assignment: Buffer.from('mine') }] })
  })

  it('rebalances when a second member joins: leader gets members, followers their assignment', async () => {
    const { join: a1 } = await stableSolo(g, 'pair', { protocols: [range, roundrobin] })
    const bJoin = g.join(joinReq('pair', { protocols: [roundrobin], clientId: 'other' }))
    expect(state('pair')).toBe('PreparingRebalance')
    expect(await peek(bJoin)).toBe('pending')
    expect(g.heartbeat({ groupId: 'pair', generationId: 1, memberId: a1.memberId, groupInstanceId: null })).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    const a2 = await settled(g.join(joinReq('pair', { memberId: a1.memberId, protocols: [range, roundrobin] })))
    const b2 = await settled(bJoin)
    // Only roundrobin is supported by both members, whatever their preferences.
    for (const r of [a2, b2]) expect(r).toMatchObject({ errorCode: 0, generationId: 2, protocolName: 'roundrobin', leader: a1.memberId })
    expect(a2.members.map((m) => m.memberId).sort()).toEqual([a1.memberId, b2.memberId].sort())
    expect(a2.members.find((m) => m.memberId === b2.memberId)!.metadata).toEqual(roundrobin.metadata)
    expect(b2.members).toEqual([])
    // The follower's SyncGroup waits for the leader's; assignments a follower sends are ignored.
    const bSync = g.sync(syncReq('pair', b2, [{ memberId: b2.memberId, assignment: Buffer.from('ignored') }]))
    expect(await peek(bSync)).toBe('pending')
    const aSync = await settled(g.sync(syncReq('pair', a2, [{ memberId: b2.memberId, assignment: Buffer.from('for-b') }])))
    expect(aSync.assignment).toEqual(Buffer.alloc(0)) // the leader left itself out
    expect((await settled(bSync)).assignment).toEqual(Buffer.from('for-b'))
    expect(state('pair')).toBe('Stable')
  })

  it('votes for the protocol most members prefer among those all support', async () => {
    const prefs = [[range, roundrobin], [roundrobin, range], [roundrobin, range]]
    const { join } = await stableSolo(g, 'vote', { protocols: prefs[0] })
    const others = prefs.slice(1).map((protocols, i) => g.join(joinReq('vote', { protocols, clientId: `c${i}` })))
    const lead = await settled(g.join(joinReq('vote', { memberId: join.memberId, protocols: prefs[0] })))
    expect(lead.protocolName).toBe('roundrobin')
    for (const o of others) expect((await settled(o)).protocolName).toBe('roundrobin')
  })

  it('answers a repeated JoinGroup with unchanged metadata during CompletingRebalance with the same generation', async () => {
    const j = await settled(g.join(joinReq('again')))
    const again = await settled(g.join(joinReq('again', { memberId: j.memberId })))
    expect(again).toMatchObject({ errorCode: 0, generationId: 1, leader: j.memberId })
    expect(state('again')).toBe('CompletingRebalance')
  })

  it('refuses protocols no member shares (INCONSISTENT_GROUP_PROTOCOL) and empty protocol lists', async () => {
    await stableSolo(g, 'incons')
    expect((await settled(g.join(joinReq('incons', { protocols: [roundrobin] })))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    expect((await settled(g.join(joinReq('incons', { protocolType: 'connect' })))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    expect((await settled(g.join(joinReq('empty-protocols', { protocols: [] })))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    expect((await settled(g.join(joinReq('empty-type', { protocolType: '' })))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
  })

  it('checks the group id, session timeout bounds and unknown members', async () => {
    expect((await settled(g.join(joinReq('')))).errorCode).toBe(ErrorCode.INVALID_GROUP_ID)
    expect((await settled(g.join(joinReq('st', { sessionTimeoutMs: 5999 })))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT)
    expect((await settled(g.join(joinReq('st', { sessionTimeoutMs: 1_800_001 })))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT)
    expect(await settled(g.join(joinReq('nobody', { memberId: 'ghost' })))).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, memberId: 'ghost' })
    expect((await settled(g.sync({ ...syncReq('nobody', { generationId: 1, memberId: 'ghost' } as never) })))).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID })
  })

  it('MEMBER_ID_REQUIRED (KIP-394): a generated id, then the rejoin is admitted; unused ids expire', async () => {
    const first = await settled(g.join(joinReq('kip394', { requireKnownMemberId: true })))
    expect(first).toMatchObject({ errorCode: ErrorCode.MEMBER_ID_REQUIRED, generationId: -1, leader: '' })
    expect(first.memberId).toMatch(/^client-/)
    expect(state('kip394')).toBe('Empty')
    const joined = await settled(g.join(joinReq('kip394', { memberId: first.memberId, requireKnownMemberId: true })))
    expect(joined).toMatchObject({ errorCode: 0, generationId: 1, memberId: first.memberId, leader: first.memberId })
    // A pending id that never comes back is forgotten after the session timeout.
    const lost = await settled(g.join(joinReq('kip394', { requireKnownMemberId: true })))
    expect(g.group('kip394')!.pendingMembers.has(lost.memberId)).toBe(true)
    clock.advance(10_000)
    expect(g.group('kip394')!.pendingMembers.has(lost.memberId)).toBe(false)
  })
})

describe('heartbeats and sessions', () => {
  it('answers REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID and INVALID_GROUP_ID', async () => {
    const { join } = await stableSolo(g, 'hb')
    const hb = (o: object) => g.heartbeat({ groupId: 'hb', generationId: 1, memberId: join.memberId, groupInstanceId: null, ...o })
    expect(hb({})).toBe(0)
    expect(hb({ generationId: 0 })).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect(hb({ memberId: 'nobody' })).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(hb({ groupId: 'no-such-group' })).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(hb({ groupId: '' })).toBe(ErrorCode.INVALID_GROUP_ID)
    void g.join(joinReq('hb', { clientId: 'newcomer' }))
    expect(hb({})).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
  })

  it('removes a silent member after its session timeout and rebalances the rest', async () => {
    const { join: a } = await stableSolo(g, 'silent')
    const bJoin = g.join(joinReq('silent', { clientId: 'b' }))
    const a2 = await settled(g.join(joinReq('silent', { memberId: a.memberId })))
    const b2 = await settled(bJoin)
    await settled(g.sync(syncReq('silent', a2)))
    await settled(g.sync(syncReq('silent', b2)))
    const hbA = () => g.heartbeat({ groupId: 'silent', generationId: 2, memberId: a.memberId, groupInstanceId: null })
    for (let t = 0; t < 2; t++) {
      clock.advance(4_000)
      expect(hbA()).toBe(0)
    }
    expect(g.group('silent')!.members.has(b2.memberId)).toBe(true)
    clock.advance(2_000) // b's 10 s session is over
    expect(g.group('silent')!.members.has(b2.memberId)).toBe(false)
    expect(state('silent')).toBe('PreparingRebalance')
    expect(hbA()).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    const a3 = await settled(g.join(joinReq('silent', { memberId: a.memberId })))
    expect(a3).toMatchObject({ generationId: 3, members: [{ memberId: a.memberId }] })
  })

  it('evicts members that do not rejoin within the rebalance timeout, and elects a joined leader', async () => {
    const { join: a } = await stableSolo(g, 'slow')
    const bJoin = g.join(joinReq('slow', { clientId: 'b' }))
    await settled(g.join(joinReq('slow', { memberId: a.memberId })))
    const b2 = await settled(bJoin)
    // b rejoins (metadata change) but the old leader a does not: a keeps heartbeating, in vain.
    const bAgain = g.join(joinReq('slow', { memberId: b2.memberId, protocols: [range, roundrobin] }))
    for (let t = 0; t < 6; t++) {
      expect(g.heartbeat({ groupId: 'slow', generationId: 2, memberId: a.memberId, groupInstanceId: null })).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
      clock.advance(5_000)
    }
    const b3 = await settled(bAgain)
    expect(b3).toMatchObject({ errorCode: 0, generationId: 3, leader: b2.memberId, members: [{ memberId: b2.memberId }] })
    expect(g.heartbeat({ groupId: 'slow', generationId: 3, memberId: a.memberId, groupInstanceId: null })).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('removes members that never send SyncGroup after the rebalance timeout', async () => {
    const { join: a } = await stableSolo(g, 'nosync')
    const bJoin = g.join(joinReq('nosync', { clientId: 'b' }))
    const a2 = await settled(g.join(joinReq('nosync', { memberId: a.memberId })))
    const b2 = await settled(bJoin)
    await settled(g.sync(syncReq('nosync', a2)))
    expect(state('nosync')).toBe('Stable')
    for (let t = 0; t < 6; t++) {
      clock.advance(5_000)
      g.heartbeat({ groupId: 'nosync', generationId: 2, memberId: a.memberId, groupInstanceId: null })
      g.heartbeat({ groupId: 'nosync', generationId: 2, memberId: b2.memberId, groupInstanceId: null })
    }
    expect(g.group('nosync')!.members.has(b2.memberId)).toBe(false)
    expect(state('nosync')).toBe('PreparingRebalance')
  })

  it('delays the first generation by group.initial.rebalance.delay.ms, extended per arrival', async () => {
    await b.cleanup()
    await start({ 'group.initial.rebalance.delay.ms': 3000 })
    const a = g.join(joinReq('delayed'))
    clock.advance(2000)
    const c = g.join(joinReq('delayed', { clientId: 'c' }))
    clock.advance(2000)
    expect(await peek(a)).toBe('pending') // c arrived: the wait was extended
    clock.advance(2000)
    const [ra, rc] = [await settled(a), await settled(c)]
    expect(ra.generationId).toBe(1)
    expect(rc.generationId).toBe(1)
    expect(ra.members.length + rc.members.length).toBe(2)
  })
})

describe('leaving', () => {
  it('rebalances when a member leaves and empties the group when the last one does', async () => {
    const { join: a } = await stableSolo(g, 'bye')
    const bJoin = g.join(joinReq('bye', { clientId: 'b' }))
    const a2 = await settled(g.join(joinReq('bye', { memberId: a.memberId })))
    const b2 = await settled(bJoin)
    await settled(g.sync(syncReq('bye', a2)))
    await settled(g.sync(syncReq('bye', b2)))
    expect(g.leave('bye', [{ memberId: b2.memberId, groupInstanceId: null }])).toEqual({ errorCode: 0, members: [{ memberId: b2.memberId, groupInstanceId: null, errorCode: 0 }] })
    expect(state('bye')).toBe('PreparingRebalance')
    expect((await settled(g.join(joinReq('bye', { memberId: a.memberId })))).generationId).toBe(3)
    expect(g.leave('bye', [{ memberId: a.memberId, groupInstanceId: null }, { memberId: 'ghost', groupInstanceId: null }]).members.map((m) => m.errorCode)).toEqual([0, ErrorCode.UNKNOWN_MEMBER_ID])
    expect(state('bye')).toBe('Empty')
    expect(g.group('bye')!.generationId).toBe(4)
    expect(g.leave('no-such', [{ memberId: 'x', groupInstanceId: null }])).toEqual({ errorCode: 0, members: [{ memberId: 'x', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }] })
    expect(g.leave('', [{ memberId: 'x', groupInstanceId: null }])).toEqual({ errorCode: ErrorCode.INVALID_GROUP_ID, members: [] })
  })
})

describe('static membership (KIP-345)', () => {
  const inst = { groupInstanceId: 'instance-1', clientId: 'svc' }

  it('a restart within the session timeout keeps the generation and the assignment, without a rebalance', async () => {
    const { join: old } = await stableSolo(g, 'static', inst, Buffer.from('kept'))
    expect(old.memberId).toMatch(/^instance-1-/)
    const again = await settled(g.join(joinReq('static', inst)))
    // Before v9 the answer names the previous leader id, so the member does not assign again.
    expect(again).toMatchObject({ errorCode: 0, generationId: 1, leader: old.memberId, members: [], skipAssignment: false })
    expect(again.memberId).not.toBe(old.memberId)
    expect(state('static')).toBe('Stable')
    const sync = await settled(g.sync({ ...syncReq('static', again), groupInstanceId: 'instance-1' }))
    expect(sync.assignment).toEqual(Buffer.from('kept'))
    // The old instance is fenced everywhere.
    expect(g.heartbeat({ groupId: 'static', generationId: 1, memberId: old.memberId, groupInstanceId: 'instance-1' })).toBe(ErrorCode.FENCED_INSTANCE_ID)
    expect((await settled(g.join(joinReq('static', { ...inst, memberId: old.memberId })))).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID)
    expect((await settled(g.sync({ ...syncReq('static', old), groupInstanceId: 'instance-1' }))).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID)
    expect(g.leave('static', [{ memberId: old.memberId, groupInstanceId: 'instance-1' }]).members[0]!.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID)
    expect(g.heartbeat({ groupId: 'static', generationId: 1, memberId: again.memberId, groupInstanceId: 'instance-1' })).toBe(0)
  })

  it('v9 tells a restarted static leader it leads but may skip the assignment', async () => {
    await stableSolo(g, 'static9', inst)
    const again = await settled(g.join(joinReq('static9', { ...inst, supportsSkipAssignment: true })))
    expect(again).toMatchObject({ errorCode: 0, generationId: 1, leader: again.memberId, skipAssignment: true, members: [{ memberId: again.memberId, groupInstanceId: 'instance-1' }] })
  })

  it('a restart that changes the selected protocol rebalances', async () => {
    await stableSolo(g, 'static-proto', { ...inst, protocols: [range, roundrobin] })
    const again = await settled(g.join(joinReq('static-proto', { ...inst, protocols: [roundrobin] })))
    expect(again).toMatchObject({ errorCode: 0, generationId: 2, protocolName: 'roundrobin' })
  })

  it('static members that miss a rebalance keep their place until their session expires; admin removal by instance id', async () => {
    const { join: s } = await stableSolo(g, 'static-slow', inst)
    const dyn = g.join(joinReq('static-slow', { clientId: 'dyn' }))
    // The static member heartbeats but does not rejoin within the rebalance timeout; it stays.
    for (let t = 0; t < 6; t++) {
      expect(g.heartbeat({ groupId: 'static-slow', generationId: 1, memberId: s.memberId, groupInstanceId: 'instance-1' })).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
      clock.advance(5_000)
    }
    const d = await settled(dyn)
    expect(d).toMatchObject({ errorCode: 0, generationId: 2, leader: d.memberId })
    expect(d.members.map((m) => m.memberId).sort()).toEqual([s.memberId, d.memberId].sort())
    expect(g.leave('static-slow', [{ memberId: '', groupInstanceId: 'instance-1' }, { memberId: '', groupInstanceId: 'unknown' }]).members.map((m) => m.errorCode)).toEqual([0, ErrorCode.UNKNOWN_MEMBER_ID])
    expect(g.group('static-slow')!.members.has(s.memberId)).toBe(false)
  })
})

describe('shutdown', () => {
  it('answers parked JoinGroup requests with NOT_COORDINATOR', async () => {
    await stableSolo(g, 'parked')
    const parked = g.join(joinReq('parked', { clientId: 'late' }))
    g.answerWaiters()
    expect((await settled(parked)).errorCode).toBe(ErrorCode.NOT_COORDINATOR)
  })
})
