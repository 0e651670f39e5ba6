import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OffsetCommit } from '../../protocol/apis/offset-commit.js'
import { OffsetFetch } from '../../protocol/apis/offset-fetch.js'
import { ZERO_UUID } from '../../protocol/primitives.js' // v10 answers by id; v8-9 decode the zero id
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

let b: TestBroker
let c: TestClient

beforeAll(async () => {
  b = await startTestBroker()
  b.broker.createTopic('of-a', 2, 1, {})
  b.broker.createTopic('of-b', 1, 1, {})
  c = await TestClient.connect(b.port)
  for (const groupId of ['of-group', 'of-other']) {
    await c.send(OffsetCommit, 8, {
      groupId,
      generationIdOrMemberEpoch: -1,
      topics: [
        { name: 'of-a', partitions: [{ partitionIndex: 1, committedOffset: 11n, committedLeaderEpoch: 2, committedMetadata: 'a1' }] },
        { name: 'of-b', partitions: [{ partitionIndex: 0, committedOffset: 7n, committedLeaderEpoch: 1, committedMetadata: '' }] },
      ],
    })
  }
})
afterAll(async () => {
  await c.close()
  await b.cleanup()
})

const part = (partitionIndex: number, committedOffset: bigint, committedLeaderEpoch: number, metadata: string) => ({ partitionIndex, committedOffset, committedLeaderEpoch, metadata, errorCode: 0 })
const requested = [{ name: 'of-a', partitionIndexes: [0, 1] }]

describe('OffsetFetch', () => {
  it.each([1, 2, 3, 4, 5, 6, 7])('v%i: the requested partitions, -1 where nothing is committed', async (v) => {
    const res = await c.send(OffsetFetch, v, { groupId: 'of-group', topics: requested, requireStable: true })
    const epoch = v >= 5 ? 2 : -1
    expect(res.topics).toEqual([{ name: 'of-a', partitions: [part(0, -1n, -1, ''), part(1, 11n, epoch, 'a1')] }])
    expect(res.errorCode).toBe(0)
    // An unknown group is no error: nothing is committed.
    expect((await c.send(OffsetFetch, v, { groupId: 'of-nobody', topics: requested })).topics[0]!.partitions.map((p) => p.committedOffset)).toEqual([-1n, -1n])
  })

  it.each([2, 3, 4, 5, 6, 7])('v%i: topics null means every committed offset of the group', async (v) => {
    const res = await c.send(OffsetFetch, v, { groupId: 'of-group', topics: null })
    const e = (n: number) => (v >= 5 ? n : -1)
    expect(res.topics).toEqual([
      { name: 'of-a', partitions: [part(1, 11n, e(2), 'a1')] },
      { name: 'of-b', partitions: [part(0, 7n, e(1), '')] },
    ])
    expect((await c.send(OffsetFetch, v, { groupId: 'of-nobody', topics: null })).topics).toEqual([])
  })

  it.each([8, 9])('v%i: several groups at once, each with its own topics (null = all) and errorCode', async (v) => {
    const res = await c.send(OffsetFetch, v, {
      groups: [
        { groupId: 'of-group', memberId: null, memberEpoch: -1, topics: requested },
        { groupId: 'of-other', memberId: 'someone', memberEpoch: 3, topics: null },
        { groupId: 'of-nobody', topics: null },
      ],
      requireStable: v === 9,
    })
    expect(res.groups).toEqual([
      { groupId: 'of-group', errorCode: 0, topics: [{ name: 'of-a', topicId: ZERO_UUID, partitions: [part(0, -1n, -1, ''), part(1, 11n, 2, 'a1')] }] },
      { groupId: 'of-other', errorCode: 0, topics: [{ name: 'of-a', topicId: ZERO_UUID, partitions: [part(1, 11n, 2, 'a1')] }, { name: 'of-b', topicId: ZERO_UUID, partitions: [part(0, 7n, 1, '')] }] },
      { groupId: 'of-nobody', errorCode: 0, topics: [] },
    ])
  })
})
