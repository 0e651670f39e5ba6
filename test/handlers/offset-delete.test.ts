import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OffsetCommit } from '../../protocol/apis/offset-commit.js'
import { OffsetDelete } from '../../protocol/apis/offset-delete.js'
import { ErrorCode } from '../../protocol/errors.js'
import { offsetKey } from '../../src/groups/group.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { soloGroup } from '../helpers/groups.js'

let b: TestBroker
let c: TestClient

beforeAll(async () => {
  b = await startTestBroker()
  b.broker.createTopic('t', 2, 1, {}) // the topic the helpers' members subscribe to
  b.broker.createTopic('od-free', 1, 1, {})
  c = await TestClient.connect(b.port)
})
afterAll(async () => {
  await c.close()
  await b.cleanup()
})

async function commit(groupId: string, topic: string, o: object = {}) {
  const res = await c.send(OffsetCommit, 8, { groupId, generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 3n }] }], ...o })
  expect(res.topics[0]!.partitions[0]!.errorCode).toBe(0)
}

describe('OffsetDelete', () => {
  it('v0 deletes offsets of an empty group; unknown topics and partitions answer UNKNOWN_TOPIC_OR_PARTITION', async () => {
    await commit('od-empty', 't')
    const res = await c.send(OffsetDelete, 0, {
      groupId: 'od-empty',
      topics: [{ name: 't', partitions: [{ partitionIndex: 0 }, { partitionIndex: 5 }] }, { name: 'od-no-such-topic', partitions: [{ partitionIndex: 0 }] }],
    })
    expect(res).toEqual({
      errorCode: 0,
      throttleTimeMs: 0,
      topics: [
        { name: 't', partitions: [{ partitionIndex: 5, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }, { partitionIndex: 0, errorCode: 0 }] },
        { name: 'od-no-such-topic', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] },
      ],
    })
    expect(b.broker.groups.group('od-empty')!.offsets.has(offsetKey('t', 0))).toBe(false)
  })

  it('v0 keeps the offsets of topics a live consumer group subscribes to', async () => {
    const m = await soloGroup(c, 'od-live')
    await commit('od-live', 't', { generationIdOrMemberEpoch: 1, memberId: m.memberId })
    await commit('od-live', 'od-free', { generationIdOrMemberEpoch: 1, memberId: m.memberId })
    const res = await c.send(OffsetDelete, 0, { groupId: 'od-live', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }, { name: 'od-free', partitions: [{ partitionIndex: 0 }] }] })
    expect(res.topics).toEqual([
      { name: 't', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC }] },
      { name: 'od-free', partitions: [{ partitionIndex: 0, errorCode: 0 }] },
    ])
  })

  it('v0 top-level errors: unknown group, empty id, a live group that is not a consumer group', async () => {
    expect(await c.send(OffsetDelete, 0, { groupId: 'od-nobody', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }] })).toEqual({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, throttleTimeMs: 0, topics: [] })
    expect((await c.send(OffsetDelete, 0, { groupId: '', topics: [] })).errorCode).toBe(ErrorCode.INVALID_GROUP_ID)
    await soloGroup(c, 'od-connect', { protocolType: 'connect' })
    expect((await c.send(OffsetDelete, 0, { groupId: 'od-connect', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }] })).errorCode).toBe(ErrorCode.NON_EMPTY_GROUP)
  })
})
