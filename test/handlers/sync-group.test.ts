import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { JoinGroup } from '../../protocol/apis/join-group.js'
import { SyncGroup } from '../../protocol/apis/sync-group.js'
import { ErrorCode } from '../../protocol/errors.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { join, joinBody } from '../helpers/groups.js'

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

const protocolFields = (v: number) => (v >= 5 ? { protocolType: 'consumer', protocolName: 'range' } : {})

describe('SyncGroup', () => {
  it.each([0, 1, 2, 3, 4, 5])('v%i: the leader hands out assignments; the follower gets its own, its own assignments ignored', async (v) => {
    const [a, c] = [await connect(), await connect()]
    const groupId = `sync-v${v}`
    const lead1 = await join(a, 5, groupId)
    await a.send(SyncGroup, v, { groupId, generationId: 1, memberId: lead1.memberId, ...protocolFields(v), assignments: [] })
    const pending = join(c, 5, groupId)
    await vi.waitFor(() => expect(b.broker.groups.group(groupId)!.state).toBe('PreparingRebalance'))
    const lead = await a.send(JoinGroup, 5, joinBody(groupId, { memberId: lead1.memberId }))
    const follower = await pending
    expect(follower.generationId).toBe(2)
    // The follower's SyncGroup parks until the leader's arrives.
    const followerSync = c.send(SyncGroup, v, { groupId, generationId: 2, memberId: follower.memberId, ...protocolFields(v), assignments: [{ memberId: follower.memberId, assignment: Buffer.from('self-assigned') }] })
    await vi.waitFor(() => expect(b.broker.groups.group(groupId)!.members.get(follower.memberId)!.syncWaiter).not.toBeNull())
    const leaderSync = await a.send(SyncGroup, v, {
      groupId, generationId: 2, memberId: lead.memberId, ...protocolFields(v),
      assignments: [{ memberId: lead.memberId, assignment: Buffer.from('L') }, { memberId: follower.memberId, assignment: Buffer.from('F') }],
    })
    const expected = v >= 5 ? { protocolType: 'consumer', protocolName: 'range' } : { protocolType: null, protocolName: null }
    expect(leaderSync).toEqual({ throttleTimeMs: 0, errorCode: 0, assignment: Buffer.from('L'), ...expected })
    expect(await followerSync).toEqual({ throttleTimeMs: 0, errorCode: 0, assignment: Buffer.from('F'), ...expected })
    // A SyncGroup in the Stable group answers the current assignment at once.
    expect((await c.send(SyncGroup, v, { groupId, generationId: 2, memberId: follower.memberId, ...protocolFields(v), assignments: [] })).assignment).toEqual(Buffer.from('F'))
  })

  it('v5 requires protocolType and protocolName and checks them against the group', async () => {
    const c = await connect()
    const j = await join(c, 9, 'sync-v5-check')
    const base = { groupId: 'sync-v5-check', generationId: 1, memberId: j.memberId, assignments: [] }
    expect((await c.send(SyncGroup, 5, { ...base, protocolType: null, protocolName: 'range' })).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    expect((await c.send(SyncGroup, 5, { ...base, protocolType: 'consumer', protocolName: null })).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    expect((await c.send(SyncGroup, 5, { ...base, protocolType: 'connect', protocolName: 'range' })).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    expect((await c.send(SyncGroup, 5, { ...base, protocolType: 'consumer', protocolName: 'roundrobin' })).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    expect(await c.send(SyncGroup, 5, { ...base, protocolType: 'consumer', protocolName: 'range' })).toMatchObject({ errorCode: 0, protocolType: 'consumer', protocolName: 'range' })
  })

  it('answers unknown groups and members, stale generations and empty group ids', async () => {
    const c = await connect()
    const j = await join(c, 5, 'sync-errors')
    const base = { groupId: 'sync-errors', generationId: 1, memberId: j.memberId, assignments: [] }
    expect((await c.send(SyncGroup, 3, { ...base, groupId: 'sync-no-such-group' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect((await c.send(SyncGroup, 3, { ...base, memberId: 'ghost' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect((await c.send(SyncGroup, 3, { ...base, generationId: 7 })).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect((await c.send(SyncGroup, 3, { ...base, groupInstanceId: 'not-mine' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect((await c.send(SyncGroup, 4, { ...base, groupId: '' })).errorCode).toBe(ErrorCode.INVALID_GROUP_ID)
  })
})
