import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LeaveGroup } from '../../protocol/apis/leave-group.js'
import { ErrorCode } from '../../protocol/errors.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { soloGroup } from '../helpers/groups.js'

let b: TestBroker
let c: TestClient

beforeAll(async () => {
  b = await startTestBroker()
  c = await TestClient.connect(b.port)
})
afterAll(async () => {
  await c.close()
  await b.cleanup()
})

const state = (id: string) => b.broker.groups.group(id)?.state

describe('LeaveGroup', () => {
  it.each([0, 1, 2])('v%i: one member leaves; its error is the top-level error', async (v) => {
    const groupId = `leave-v${v}`
    const m = await soloGroup(c, groupId)
    expect(await c.send(LeaveGroup, v, { groupId, memberId: m.memberId })).toEqual({ throttleTimeMs: 0, errorCode: 0, members: [] })
    expect(state(groupId)).toBe('Empty')
    expect((await c.send(LeaveGroup, v, { groupId, memberId: m.memberId })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect((await c.send(LeaveGroup, v, { groupId: 'leave-no-such-group', memberId: 'x' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect((await c.send(LeaveGroup, v, { groupId: '', memberId: 'x' })).errorCode).toBe(ErrorCode.INVALID_GROUP_ID)
  })

  it.each([3, 4, 5])('v%i: a batch by member id and by group.instance.id, each with its own error', async (v) => {
    const groupId = `leave-batch-v${v}`
    const dyn = await soloGroup(c, groupId)
    const members = [
      { memberId: dyn.memberId, groupInstanceId: null, reason: 'bye' },
      { memberId: '', groupInstanceId: 'unknown-pod', reason: null },
      { memberId: 'ghost', groupInstanceId: null, reason: null },
    ]
    const res = await c.send(LeaveGroup, v, { groupId, members })
    expect(res).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      members: [
        { memberId: dyn.memberId, groupInstanceId: null, errorCode: 0 },
        { memberId: '', groupInstanceId: 'unknown-pod', errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
        { memberId: 'ghost', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
      ],
    })
    expect(state(groupId)).toBe('Empty')
    const stat = await soloGroup(c, `${groupId}-static`, { groupInstanceId: 'pod-a' })
    const byInstance = await c.send(LeaveGroup, v, { groupId: `${groupId}-static`, members: [{ memberId: 'stale-id', groupInstanceId: 'pod-a' }, { memberId: '', groupInstanceId: 'pod-a' }] })
    expect(byInstance.members.map((m) => m.errorCode)).toEqual([ErrorCode.FENCED_INSTANCE_ID, 0])
    expect(b.broker.groups.group(`${groupId}-static`)!.members.has(stat.memberId)).toBe(false)
    expect(await c.send(LeaveGroup, v, { groupId: 'leave-no-such-group', members: [{ memberId: 'x', groupInstanceId: null }] })).toEqual({
      throttleTimeMs: 0, errorCode: 0, members: [{ memberId: 'x', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }],
    })
    expect(await c.send(LeaveGroup, v, { groupId: '', members: [{ memberId: 'x', groupInstanceId: null }] })).toEqual({ throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID, members: [] })
  })
})
