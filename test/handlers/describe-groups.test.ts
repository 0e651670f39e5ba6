import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DescribeGroups } from '../../protocol/apis/describe-groups.js'
import { JoinGroup } from '../../protocol/apis/join-group.js'
import { OffsetCommit } from '../../protocol/apis/offset-commit.js'
import { ErrorCode } from '../../protocol/errors.js'
import { GROUP_OPERATIONS } from '../../src/handlers/describe-groups.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { joinBody, soloGroup, subscription } from '../helpers/groups.js'

let b: TestBroker
let c: TestClient
let member: string

beforeAll(async () => {
  b = await startTestBroker()
  b.broker.createTopic('dg', 1, 1, {})
  c = await TestClient.connect(b.port)
  member = (await soloGroup(c, 'dg-stable', { groupInstanceId: 'pod-7' })).memberId
  await c.send(JoinGroup, 3, joinBody('dg-completing')) // joined, never synced
  await c.send(OffsetCommit, 2, { groupId: 'dg-simple', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 'dg', partitions: [{ partitionIndex: 0, committedOffset: 1n }] }] })
})
afterAll(async () => {
  await c.close()
  await b.cleanup()
})

const NOT_REQUESTED = -2147483648

describe('DescribeGroups', () => {
  it('reports 3400 (READ, DELETE, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS) as authorized operations, as Kafka 4.1 did', () => {
    expect(GROUP_OPERATIONS).toBe(3400)
  })

  it.each([0, 1, 2, 3, 4, 5, 6])('v%i: a Stable group with its members, metadata and assignments', async (v) => {
    const res = await c.send(DescribeGroups, v, { groups: ['dg-stable'], includeAuthorizedOperations: true })
    expect(res.groups).toEqual([{
      errorCode: 0,
      errorMessage: null,
      groupId: 'dg-stable',
      groupState: 'Stable',
      protocolType: 'consumer',
      protocolData: 'range',
      members: [{ memberId: member, groupInstanceId: v >= 4 ? 'pod-7' : null, clientId: 'rivulet-test', clientHost: '/127.0.0.1', memberMetadata: subscription(['t']), memberAssignment: Buffer.from('assigned') }],
      authorizedOperations: v >= 3 ? 3400 : NOT_REQUESTED,
    }])
    if (v >= 3) expect((await c.send(DescribeGroups, v, { groups: ['dg-stable'] })).groups[0]!.authorizedOperations).toBe(NOT_REQUESTED)
  })

  it.each([0, 1, 2, 3, 4, 5, 6])('v%i: other states hide metadata; simple groups are Empty with no protocol type', async (v) => {
    const res = await c.send(DescribeGroups, v, { groups: ['dg-completing', 'dg-simple'] })
    expect(res.groups[0]).toMatchObject({ errorCode: 0, groupState: 'CompletingRebalance', protocolType: 'consumer', protocolData: '' })
    expect(res.groups[0]!.members[0]).toMatchObject({ memberMetadata: Buffer.alloc(0), memberAssignment: Buffer.alloc(0), clientId: 'rivulet-test' })
    expect(res.groups[1]).toMatchObject({ errorCode: 0, groupId: 'dg-simple', groupState: 'Empty', protocolType: '', protocolData: '', members: [] })
  })

  it.each([0, 1, 2, 3, 4, 5, 6])('v%i: unknown groups are Dead before v6, GROUP_ID_NOT_FOUND from v6', async (v) => {
    const res = await c.send(DescribeGroups, v, { groups: ['dg-nobody', ''] })
    for (const [i, id] of ['dg-nobody', ''].entries()) {
      if (v >= 6) expect(res.groups[i]).toEqual({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${id} not found.`, groupId: id, groupState: 'Dead', protocolType: '', protocolData: '', members: [], authorizedOperations: NOT_REQUESTED })
      else expect(res.groups[i]).toMatchObject({ errorCode: 0, groupId: id, groupState: 'Dead', protocolType: '', members: [] })
    }
  })
})
