// OffsetCommit v10, OffsetFetch v10 (KIP-848) and TxnOffsetCommit v6 (KIP-1319) name topics by id.
// Expected answers are what Kafka 4.4.0 gave the same requests (compared by hand with a probe
// through our codec): an id no topic has, the zero id included, answers UNKNOWN_TOPIC_ID on its
// partitions before the group is consulted; known ids are stored and read under the topic's name,
// so older versions and Kafka's tools see the same offsets; answers echo the ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OffsetCommit } from '../../protocol/apis/offset-commit.js'
import { OffsetFetch } from '../../protocol/apis/offset-fetch.js'
import { TxnOffsetCommit } from '../../protocol/apis/txn-offset-commit.js'
import { ErrorCode as E } from '../../protocol/errors.js'
import { ZERO_UUID } from '../../protocol/primitives.js'
import { offsetKey } from '../../src/groups/group.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { addOffsets, endTxn, fetchOffsets, initTxn, topic, uniq } from '../helpers/txn.js'

let tb: TestBroker
let c: TestClient

beforeAll(async () => {
  tb = await startTestBroker()
  c = await TestClient.connect(tb.port)
})
afterAll(async () => {
  await c?.close()
  await tb?.cleanup()
})

const UNKNOWN_ID = 'Dw8PDw8PTw-PDw8PDw8PDw'
const part = (partitionIndex: number, committedOffset: number) => ({ partitionIndex, committedOffset: BigInt(committedOffset), committedMetadata: `m${committedOffset}` })

function commitV10(groupId: string, topics: { topicId: string; partitions: ReturnType<typeof part>[] }[], generation = -1) {
  return c.send(OffsetCommit, 10, { groupId, generationIdOrMemberEpoch: generation, memberId: '', topics })
}

describe('OffsetCommit v10', () => {
  it('stores offsets under the topic the id names, and answers by id', async () => {
    const t = topic(tb, 2)
    const group = uniq('g')
    const res = await commitV10(group, [{ topicId: t.id, partitions: [part(0, 5), part(1, 6), part(7, 1)] }])
    expect(res.topics).toEqual([{ name: '', topicId: t.id, partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 0 }, { partitionIndex: 7, errorCode: E.UNKNOWN_TOPIC_OR_PARTITION }] }])
    // The same offsets through the name-based versions.
    expect(await fetchOffsets(c, 9, group, { [t.name]: [0, 1] }, false)).toEqual({ [`${t.name}:0`]: [5, 0], [`${t.name}:1`]: [6, 0] })
  })

  it('answers UNKNOWN_TOPIC_ID for an unknown or zero id, before the group is consulted', async () => {
    const t = topic(tb)
    // generation 3 for a group that does not exist would be GROUP_ID_NOT_FOUND, but only the known topic gets that far
    const res = await commitV10(uniq('g'), [
      { topicId: UNKNOWN_ID, partitions: [part(0, 1)] },
      { topicId: ZERO_UUID, partitions: [part(0, 1), part(1, 1)] },
      { topicId: t.id, partitions: [part(0, 1)] },
    ], 3)
    expect(res.topics.map((x) => [x.topicId, x.partitions.map((p) => p.errorCode)])).toEqual([
      [UNKNOWN_ID, [E.UNKNOWN_TOPIC_ID]],
      [ZERO_UUID, [E.UNKNOWN_TOPIC_ID, E.UNKNOWN_TOPIC_ID]],
      [t.id, [E.GROUP_ID_NOT_FOUND]],
    ])
  })

  it('a topic deleted and recreated under the same name has a new id: the old id is unknown', async () => {
    const t = topic(tb)
    tb.broker.deleteTopic(t.name)
    const again = tb.broker.createTopic(t.name, 1, 1, {})
    const res = await commitV10(uniq('g'), [{ topicId: t.id, partitions: [part(0, 1)] }, { topicId: again.id, partitions: [part(0, 2)] }])
    expect(res.topics.map((x) => x.partitions[0]!.errorCode)).toEqual([E.UNKNOWN_TOPIC_ID, 0])
  })
})

describe('OffsetFetch v10', () => {
  it('reads by id, answers UNKNOWN_TOPIC_ID with offset -1 for unknown ids, and lists every committed topic by id', async () => {
    const t = topic(tb, 2)
    const other = topic(tb)
    const group = uniq('g')
    await commitV10(group, [{ topicId: t.id, partitions: [part(1, 9)] }, { topicId: other.id, partitions: [part(0, 3)] }])
    const res = await c.send(OffsetFetch, 10, {
      groups: [
        { groupId: group, topics: [{ topicId: t.id, partitionIndexes: [0, 1] }, { topicId: UNKNOWN_ID, partitionIndexes: [0] }, { topicId: ZERO_UUID, partitionIndexes: [2] }] },
        { groupId: group, topics: null },
      ],
      requireStable: true,
    })
    const [some, all] = res.groups
    const offsets = (g: typeof some) => g!.topics.map((x) => [x.name, x.topicId, x.partitions.map((p) => [p.partitionIndex, Number(p.committedOffset), p.metadata, p.errorCode])])
    expect(offsets(some)).toEqual([
      ['', t.id, [[0, -1, '', 0], [1, 9, 'm9', 0]]],
      ['', UNKNOWN_ID, [[0, -1, '', E.UNKNOWN_TOPIC_ID]]],
      ['', ZERO_UUID, [[2, -1, '', E.UNKNOWN_TOPIC_ID]]],
    ])
    expect(offsets(all).sort()).toEqual([['', other.id, [[0, 3, 'm3', 0]]], ['', t.id, [[1, 9, 'm9', 0]]]].sort())
  })

  it('"all topics" leaves out offsets whose topic no longer exists (it has no id to name)', async () => {
    const t = topic(tb)
    const gone = topic(tb)
    const group = uniq('g')
    await commitV10(group, [{ topicId: t.id, partitions: [part(0, 1)] }, { topicId: gone.id, partitions: [part(0, 2)] }])
    // Offsets outliving their topic (deleting a topic drops them; put one back, as a group
    // restored from an older __consumer_offsets might hold).
    const offsets = tb.broker.groups.group(group)!.offsets
    const orphan = offsets.get(offsetKey(gone.name, 0))!
    tb.broker.deleteTopic(gone.name)
    offsets.set(offsetKey(gone.name, 0), orphan)
    expect(await fetchOffsets(c, 9, group, { [gone.name]: [0] }, false)).toEqual({ [`${gone.name}:0`]: [2, 0] })
    const res = await c.send(OffsetFetch, 10, { groups: [{ groupId: group, topics: null }] })
    expect(res.groups[0]!.topics.map((x) => x.topicId)).toEqual([t.id])
  })
})

describe('TxnOffsetCommit v6', () => {
  it('commits by id inside the transaction; unknown ids answer UNKNOWN_TOPIC_ID', async () => {
    const t = topic(tb)
    const group = uniq('g')
    const txn = await initTxn(c, uniq('toc6'))
    expect(await addOffsets(c, 4, txn, group)).toBe(0)
    const res = await c.send(TxnOffsetCommit, 6, {
      transactionalId: txn.id, groupId: group, producerId: txn.pid, producerEpoch: txn.epoch,
      topics: [{ topicId: t.id, partitions: [part(0, 11)] }, { topicId: UNKNOWN_ID, partitions: [part(0, 1)] }, { topicId: ZERO_UUID, partitions: [part(3, 1)] }],
    })
    expect(res.topics.map((x) => [x.name, x.topicId, x.partitions.map((p) => [p.partitionIndex, p.errorCode])])).toEqual([
      ['', t.id, [[0, 0]]],
      ['', UNKNOWN_ID, [[0, E.UNKNOWN_TOPIC_ID]]],
      ['', ZERO_UUID, [[3, E.UNKNOWN_TOPIC_ID]]],
    ])
    expect(await fetchOffsets(c, 9, group, { [t.name]: [0] }, true)).toEqual({ [`${t.name}:0`]: [-1, E.UNSTABLE_OFFSET_COMMIT] })
    expect((await endTxn(c, 4, txn, true)).errorCode).toBe(0)
    expect(await fetchOffsets(c, 9, group, { [t.name]: [0] }, true)).toEqual({ [`${t.name}:0`]: [11, 0] })
  })
})
