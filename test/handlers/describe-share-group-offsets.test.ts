// DescribeShareGroupOffsets through the wire: start offsets and (v1) lag of a share group's
// share-partitions, all of them with null topics, -1 for partitions without state and for topics
// that do not exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DescribeShareGroupOffsets } from '../../protocol/apis/describe-share-group-offsets.js'
import { ZERO_UUID } from '../../protocol/primitives.js'
import { buildBatch } from '../../protocol/records/index.js'
import { AckType } from '../../src/groups/share/share-partition.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

let b: TestBroker
let client: TestClient
let topicId: string
beforeAll(async () => {
  b = await startTestBroker()
  client = await TestClient.connect(b.port)
  topicId = b.broker.createTopic('jobs', 2, 1, {}).id
  b.broker.cluster.groupConfigs.set('q', { 'share.auto.offset.reset': 'earliest' })
  b.broker.partition('jobs', 0)!.append(buildBatch({ records: ['a', 'b', 'c', 'd', 'e'].map((value) => ({ key: null, value })) }), { nowMs: Date.now() })
  const share = b.broker.shareGroups
  share.partitions.read('q', 'm', topicId, 0, 1 << 20, 10, true, undefined)
  // 0 and 2 done: the start offset moves to 1, and 2 counts as delivered in the lag.
  share.partitions.acknowledge('q', 'm', topicId, 0, [{ firstOffset: 0, lastOffset: 0, types: [AckType.ACCEPT] }, { firstOffset: 2, lastOffset: 2, types: [AckType.REJECT] }], false)
})
afterAll(async () => {
  await client.close()
  await b.cleanup()
})

describe('DescribeShareGroupOffsets', () => {
  it('v1: start offset and lag; -1 without state or topic', async () => {
    const r = await client.send(DescribeShareGroupOffsets, 1, { groups: [{ groupId: 'q', topics: [{ topicName: 'jobs', partitions: [0, 1] }, { topicName: 'gone', partitions: [0] }] }] })
    expect(r.groups[0]!.errorCode).toBe(0)
    expect(r.groups[0]!.topics).toEqual([
      { topicName: 'jobs', topicId, partitions: [
        { partitionIndex: 0, startOffset: 1n, leaderEpoch: 0, lag: 3n, errorCode: 0, errorMessage: null },
        { partitionIndex: 1, startOffset: -1n, leaderEpoch: 0, lag: -1n, errorCode: 0, errorMessage: null },
      ] },
      { topicName: 'gone', topicId: ZERO_UUID, partitions: [{ partitionIndex: 0, startOffset: -1n, leaderEpoch: 0, lag: -1n, errorCode: 0, errorMessage: null }] },
    ])
  })

  it('v0 with null topics: every share-partition of the group', async () => {
    const r = await client.send(DescribeShareGroupOffsets, 0, { groups: [{ groupId: 'q', topics: null }, { groupId: 'none', topics: null }] })
    expect(r.groups[0]!.topics).toEqual([{ topicName: 'jobs', topicId, partitions: [{ partitionIndex: 0, startOffset: 1n, leaderEpoch: 0, lag: -1n, errorCode: 0, errorMessage: null }] }])
    expect(r.groups[1]!.topics).toEqual([])
  })
})
