import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JoinGroup } from '../../protocol/apis/join-group.js'
import { ListGroups } from '../../protocol/apis/list-groups.js'
import { OffsetCommit } from '../../protocol/apis/offset-commit.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { joinBody, soloGroup } from '../helpers/groups.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'

let b: TestBroker
let c: TestClient

beforeAll(async () => {
  b = await startTestBroker()
  b.broker.createTopic('lg', 1, 1, {})
  c = await TestClient.connect(b.port)
  await soloGroup(c, 'lg-stable')
  await c.send(JoinGroup, 3, joinBody('lg-completing'))
  await c.send(OffsetCommit, 2, { groupId: 'lg-simple', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 'lg', partitions: [{ partitionIndex: 0, committedOffset: 1n }] }] })
})
afterAll(async () => {
  await c.close()
  await b.cleanup()
})

const sorted = <T extends { groupId: string }>(groups: T[]) => [...groups].sort((x, y) => x.groupId.localeCompare(y.groupId))

describe('ListGroups', () => {
  it.each([0, 1, 2, 3, 4, 5])('v%i lists every group with its protocol type (state v4+, type v5+)', async (v) => {
    const res = await c.send(ListGroups, v, {})
    expect(res.errorCode).toBe(0)
    expect(sorted(res.groups)).toEqual([
      { groupId: 'lg-completing', protocolType: 'consumer', groupState: v >= 4 ? 'CompletingRebalance' : '', groupType: v >= 5 ? 'classic' : '' },
      { groupId: 'lg-simple', protocolType: '', groupState: v >= 4 ? 'Empty' : '', groupType: v >= 5 ? 'classic' : '' },
      { groupId: 'lg-stable', protocolType: 'consumer', groupState: v >= 4 ? 'Stable' : '', groupType: v >= 5 ? 'classic' : '' },
    ])
  })

  it.each([4, 5])('v%i filters by state, case-insensitively', async (v) => {
    expect((await c.send(ListGroups, v, { statesFilter: ['stable', 'EMPTY'] })).groups.map((g) => g.groupId).sort()).toEqual(['lg-simple', 'lg-stable'])
    expect((await c.send(ListGroups, v, { statesFilter: ['Dead'] })).groups).toEqual([])
  })

  it('v5 filters by type: every group here is classic', async () => {
    expect((await c.send(ListGroups, 5, { typesFilter: ['Classic', 'Consumer'] })).groups).toHaveLength(3)
    expect((await c.send(ListGroups, 5, { typesFilter: ['consumer'] })).groups).toEqual([])
    expect((await c.send(ListGroups, 5, { statesFilter: ['Stable'], typesFilter: ['classic'] })).groups.map((g) => g.groupId)).toEqual(['lg-stable'])
  })

  it('is what kafkajs admin.listGroups shows', async () => {
    const admin = new Kafka({ brokers: [b.bootstrap], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    try {
      const { groups } = await admin.listGroups()
      expect(sorted(groups)).toEqual([
        { groupId: 'lg-completing', protocolType: 'consumer' },
        { groupId: 'lg-simple', protocolType: '' },
        { groupId: 'lg-stable', protocolType: 'consumer' },
      ])
    } finally {
      await admin.disconnect()
    }
  })
})
