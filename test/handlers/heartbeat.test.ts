import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Heartbeat } from '../../protocol/apis/heartbeat.js'
import { ErrorCode } from '../../protocol/errors.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { join, soloGroup } from '../helpers/groups.js'

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

describe('Heartbeat', () => {
  it.each([0, 1, 2, 3, 4])('v%i: NONE in a stable group, REBALANCE_IN_PROGRESS once a rebalance starts', async (v) => {
    const [a, c] = [await connect(), await connect()]
    const groupId = `hb-v${v}`
    const m = await soloGroup(a, groupId)
    const body = { groupId, generationId: m.generationId, memberId: m.memberId }
    expect(await a.send(Heartbeat, v, body)).toEqual({ throttleTimeMs: 0, errorCode: 0 })
    join(c, 5, groupId).catch(() => {}) // parks until the test ends
    await vi.waitFor(() => expect(b.broker.groups.group(groupId)!.state).toBe('PreparingRebalance'))
    expect((await a.send(Heartbeat, v, body)).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
  })

  it.each([0, 1, 2, 3, 4])('v%i: unknown groups and members, stale generations, empty group ids', async (v) => {
    const c = await connect()
    const m = await soloGroup(c, `hb-errors-v${v}`)
    const body = { groupId: `hb-errors-v${v}`, generationId: 1, memberId: m.memberId }
    expect((await c.send(Heartbeat, v, { ...body, groupId: 'hb-no-such-group' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect((await c.send(Heartbeat, v, { ...body, memberId: 'ghost' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect((await c.send(Heartbeat, v, { ...body, generationId: 0 })).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect((await c.send(Heartbeat, v, { ...body, groupId: '' })).errorCode).toBe(ErrorCode.INVALID_GROUP_ID)
  })

  it.each([3, 4])('v%i: a replaced static instance is FENCED_INSTANCE_ID', async (v) => {
    const c = await connect()
    const groupId = `hb-static-v${v}`
    const old = await soloGroup(c, groupId, { groupInstanceId: 'pod' })
    const now = await join(c, 5, groupId, { groupInstanceId: 'pod' })
    expect((await c.send(Heartbeat, v, { groupId, generationId: 1, memberId: old.memberId, groupInstanceId: 'pod' })).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID)
    expect((await c.send(Heartbeat, v, { groupId, generationId: 1, memberId: now.memberId, groupInstanceId: 'pod' })).errorCode).toBe(0)
  })
})
