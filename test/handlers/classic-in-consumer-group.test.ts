// Classic members inside a KIP-848 consumer group, through the wire at every version the classic
// APIs serve (JoinGroup 0–9, SyncGroup 0–5, Heartbeat 0–4, LeaveGroup 0–5): a consumer-protocol
// member holds the group; a classic member joins (MEMBER_ID_REQUIRED first from v4), gets its
// member epoch as generation, no leader, the protocol it listed first, and its partitions in the
// embedded consumer protocol once the other member released them; then leaves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConsumerGroupHeartbeat } from '../../protocol/apis/consumer-group-heartbeat.js'
import { Heartbeat } from '../../protocol/apis/heartbeat.js'
import { JoinGroup } from '../../protocol/apis/join-group.js'
import { LeaveGroup } from '../../protocol/apis/leave-group.js'
import { SyncGroup } from '../../protocol/apis/sync-group.js'
import { decodeAssignment, encodeSubscription } from '../../protocol/consumer-protocol.js'
import { ErrorCode } from '../../protocol/errors.js'
import { IMMEDIATE_ASSIGNMENT, startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

let b: TestBroker
let client: TestClient
let topicId: string
beforeAll(async () => {
  b = await startTestBroker({ config: IMMEDIATE_ASSIGNMENT })
  client = await TestClient.connect(b.port)
  topicId = b.broker.createTopic('t', 2, 1, {}).id
})
afterAll(async () => {
  await client.close()
  await b.cleanup()
})

async function classicJoin(groupId: string, version: number, memberId = ''): Promise<{ memberId: string; generationId: number; protocolName: string | null; leader: string }> {
  const req = { groupId, sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId, protocolType: 'consumer', protocols: [{ name: 'range', metadata: encodeSubscription(1, { topics: ['t'] }) }] }
  const r = await client.send(JoinGroup, version, req)
  if (r.errorCode === ErrorCode.MEMBER_ID_REQUIRED) return classicJoin(groupId, version, r.memberId)
  expect(r.errorCode).toBe(0)
  return r
}

describe('classic members of a consumer group, at every classic API version', () => {
  for (let v = 0; v <= 9; v++) {
    it(`JoinGroup v${v}, SyncGroup v${Math.min(v, 5)}, Heartbeat v${Math.min(v, 4)}, LeaveGroup v${Math.min(v, 5)}`, async () => {
      const groupId = `g${v}`
      const cgh = (o: object) => client.send(ConsumerGroupHeartbeat, 1, { groupId, memberId: 'c', rebalanceTimeoutMs: -1, ...o })
      const c0 = await cgh({ memberEpoch: 0, rebalanceTimeoutMs: 30000, subscribedTopicNames: ['t'], topicPartitions: [] })
      expect(c0).toMatchObject({ errorCode: 0, memberEpoch: 1 })
      const j = await classicJoin(groupId, v)
      expect(j).toMatchObject({ generationId: 2, leader: '', protocolName: 'range' })
      const sv = Math.min(v, 5)
      const sync = () => client.send(SyncGroup, sv, { groupId, generationId: j.generationId, memberId: j.memberId, protocolType: 'consumer', protocolName: 'range', assignments: [] })
      const s1 = await sync()
      expect(s1.errorCode).toBe(0)
      expect(decodeAssignment(s1.assignment).assignedPartitions).toEqual([]) // still the other member's
      if (sv >= 5) expect(s1).toMatchObject({ protocolType: 'consumer', protocolName: 'range' })
      // The consumer member revokes one partition; the classic member's heartbeat tells it to rejoin.
      await cgh({ memberEpoch: 1, topicPartitions: [{ topicId, partitions: [0, 1] }] })
      const c2 = await cgh({ memberEpoch: 1, topicPartitions: [{ topicId, partitions: [0] }] })
      expect(c2).toMatchObject({ errorCode: 0, memberEpoch: 2 })
      const hv = Math.min(v, 4)
      const hb = await client.send(Heartbeat, hv, { groupId, generationId: j.generationId, memberId: j.memberId })
      expect(hb.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
      const j2 = await classicJoin(groupId, v, j.memberId)
      const s2 = await client.send(SyncGroup, sv, { groupId, generationId: j2.generationId, memberId: j.memberId, protocolType: 'consumer', protocolName: 'range', assignments: [] })
      expect(decodeAssignment(s2.assignment).assignedPartitions).toEqual([{ topic: 't', partitions: [1] }])
      expect((await client.send(Heartbeat, hv, { groupId, generationId: j2.generationId, memberId: j.memberId })).errorCode).toBe(0)
      expect((await client.send(Heartbeat, hv, { groupId, generationId: j2.generationId - 1, memberId: j.memberId })).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION)
      const lv = Math.min(v, 5)
      const left = await client.send(LeaveGroup, lv, { groupId, memberId: j.memberId, members: [{ memberId: j.memberId }] })
      expect(left.errorCode).toBe(0)
      if (lv >= 3) expect(left.members[0]!.errorCode).toBe(0)
      expect(b.broker.groups.group(groupId)!.consumer!.members.has(j.memberId)).toBe(false)
    })
  }
})
