import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { DescribeGroups } from '../../protocol/apis/describe-groups.js'
import { JoinGroup } from '../../protocol/apis/join-group.js'
import { SyncGroup } from '../../protocol/apis/sync-group.js'
import { ErrorCode } from '../../protocol/errors.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { join, joinBody, soloGroup, subscription } from '../helpers/groups.js'

let b: TestBroker
const clients: TestClient[] = []
async function connect() {
  const c = await TestClient.connect(b.port)
  clients.push(c)
  return c
}

beforeAll(async () => {
  b = await startTestBroker()
})
afterAll(async () => {
  for (const c of clients) await c.close()
  await b.cleanup()
})

const ALL = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]

describe('JoinGroup', () => {
  it.each(ALL)('v%i: a first member becomes leader of generation 1', async (v) => {
    const c = await connect()
    const groupId = `join-v${v}`
    const first = await c.send(JoinGroup, v, joinBody(groupId, { sessionTimeoutMs: 7000, rebalanceTimeoutMs: 20_000 }))
    if (v >= 4) {
      // KIP-394: the broker hands out the member id and the client comes back with it.
      expect(first).toMatchObject({ errorCode: ErrorCode.MEMBER_ID_REQUIRED, generationId: -1, leader: '', members: [] })
      expect(first.protocolName).toBe(v >= 7 ? null : '')
    }
    const res = v >= 4 ? await c.send(JoinGroup, v, joinBody(groupId, { memberId: first.memberId, sessionTimeoutMs: 7000, rebalanceTimeoutMs: 20_000 })) : first
    expect(res).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range', leader: res.memberId })
    expect(res.memberId).toMatch(/^rivulet-test-[0-9a-f-]{36}$/)
    expect(res.protocolType).toBe(v >= 7 ? 'consumer' : null)
    expect(res.members).toEqual([{ memberId: res.memberId, groupInstanceId: null, metadata: subscription(['t']) }])
    const member = b.broker.groups.group(groupId)!.members.get(res.memberId)!
    // v0 has no rebalance timeout: the session timeout serves.
    expect(member.rebalanceTimeoutMs).toBe(v === 0 ? 7000 : 20_000)
    expect(member.clientId).toBe('rivulet-test')
    expect(member.clientHost).toBe('/127.0.0.1')
  })

  it.each([5, 6, 7, 8, 9])('v%i: static members (group.instance.id) join without MEMBER_ID_REQUIRED and restart in place', async (v) => {
    const c = await connect()
    const groupId = `join-static-v${v}`
    const first = await soloGroup(c, groupId, { groupInstanceId: 'pod-1' })
    expect(first.memberId).toMatch(/^pod-1-/)
    const again = await c.send(JoinGroup, v, joinBody(groupId, { groupInstanceId: 'pod-1' }))
    expect(again).toMatchObject({ errorCode: 0, generationId: 1, members: v >= 9 ? [{ groupInstanceId: 'pod-1' }] : [] })
    expect(again.leader).toBe(v >= 9 ? again.memberId : first.memberId)
    expect(again.skipAssignment).toBe(v >= 9)
    const old = await c.send(JoinGroup, v, joinBody(groupId, { groupInstanceId: 'pod-1', memberId: first.memberId }))
    expect(old.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID)
  })

  it('a rejoin from a second connection parks until the leader rejoins, then both get generation 2', async () => {
    const [a, c] = [await connect(), await connect()]
    const leader = await soloGroup(a, 'join-two')
    const follower = join(c, 9, 'join-two')
    await vi.waitFor(() => expect(b.broker.groups.group('join-two')!.state).toBe('PreparingRebalance'))
    const leader2 = await a.send(JoinGroup, 9, joinBody('join-two', { memberId: leader.memberId }))
    const f = await follower
    expect(leader2).toMatchObject({ errorCode: 0, generationId: 2, leader: leader.memberId })
    expect(leader2.members).toHaveLength(2)
    expect(f).toMatchObject({ errorCode: 0, generationId: 2, leader: leader.memberId, members: [] })
  })

  it('answers bad input as Kafka does', async () => {
    const c = await connect()
    expect((await c.send(JoinGroup, 5, joinBody('join-bad', { protocols: [] }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    expect((await c.send(JoinGroup, 5, joinBody('join-bad', { protocolType: '' }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    expect(await c.send(JoinGroup, 7, joinBody('', { memberId: 'm' }))).toMatchObject({ errorCode: ErrorCode.INVALID_GROUP_ID, memberId: 'm', protocolType: null, protocolName: null })
    expect((await c.send(JoinGroup, 2, joinBody('join-bad', { sessionTimeoutMs: 1000 }))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT)
    expect(await c.send(JoinGroup, 1, joinBody('join-bad-unknown', { memberId: 'ghost' }))).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, memberId: 'ghost', protocolName: '' })
  })

  // Kafka puts no limit on member metadata besides the request size (socket.request.max.bytes):
  // the join succeeds. The group record that stores it must fit __consumer_offsets'
  // max.message.bytes, so the leader's SyncGroup fails (UNKNOWN_SERVER_ERROR, as Kafka maps a
  // too-large append) and the group rebalances.
  it('accepts oversized member metadata; the group record that cannot be stored fails SyncGroup', async () => {
    const c = await connect()
    const huge = Buffer.alloc(2 * 1024 * 1024, 1)
    const j = await join(c, 5, 'join-huge', { protocols: [{ name: 'range', metadata: huge }] })
    expect(j).toMatchObject({ errorCode: 0, generationId: 1 })
    expect(j.members[0]!.metadata.length).toBe(huge.length)
    const s = await c.send(SyncGroup, 3, { groupId: 'join-huge', generationId: 1, memberId: j.memberId, assignments: [{ memberId: j.memberId, assignment: Buffer.from('x') }] })
    expect(s.errorCode).toBe(ErrorCode.UNKNOWN_SERVER_ERROR)
    const d = await c.send(DescribeGroups, 5, { groups: ['join-huge'] })
    expect(d.groups[0]!.groupState).toBe('PreparingRebalance')
  })
})
