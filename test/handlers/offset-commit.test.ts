import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OffsetCommit } from '../../protocol/apis/offset-commit.js'
import { ErrorCode } from '../../protocol/errors.js'
import { ZERO_UUID } from '../../protocol/primitives.js' // v10 answers by id; older versions decode the zero id
import { offsetKey } from '../../src/groups/group.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { soloGroup } from '../helpers/groups.js'

let b: TestBroker
let c: TestClient

beforeAll(async () => {
  b = await startTestBroker()
  b.broker.createTopic('oc', 3, 1, {})
  c = await TestClient.connect(b.port)
})
afterAll(async () => {
  await c.close()
  await b.cleanup()
})

const stored = (groupId: string, partition: number) => b.broker.groups.group(groupId)?.offsets.get(offsetKey('oc', partition))
const ALL = [2, 3, 4, 5, 6, 7, 8, 9]

function body(groupId: string, partitions: object[], o: object = {}) {
  return { groupId, generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 'oc', partitions }], ...o }
}

describe('OffsetCommit', () => {
  it.each(ALL)('v%i: a simple commit (no generation) to a new group is stored', async (v) => {
    const groupId = `oc-simple-v${v}`
    const before = Date.now()
    const res = await c.send(OffsetCommit, v, body(groupId, [
      { partitionIndex: 0, committedOffset: 10n, committedLeaderEpoch: 4, committedMetadata: 'meta' },
      { partitionIndex: 2, committedOffset: 20n, committedMetadata: null },
    ], { retentionTimeMs: 60_000n }))
    expect(res).toEqual({ throttleTimeMs: 0, topics: [{ name: 'oc', topicId: ZERO_UUID, partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 2, errorCode: 0 }] }] })
    const p0 = stored(groupId, 0)!
    expect(p0).toMatchObject({ offset: 10, metadata: 'meta', leaderEpoch: v >= 6 ? 4 : -1 })
    expect(stored(groupId, 2)).toMatchObject({ offset: 20, metadata: '' })
    // v2–4's retention sets an explicit expiry from now.
    expect(p0.commitTimestamp).toBeGreaterThanOrEqual(before)
    if (v >= 2 && v <= 4) expect(p0.expireTimestamp - p0.commitTimestamp).toBe(60_000)
    else expect(p0.expireTimestamp).toBe(-1)
    expect(b.broker.groups.group(groupId)!.state).toBe('Empty')
  })

  it.each(ALL)('v%i: member commits are checked against the group', async (v) => {
    const groupId = `oc-member-v${v}`
    const m = await soloGroup(c, groupId)
    const member = { generationIdOrMemberEpoch: 1, memberId: m.memberId }
    const p = [{ partitionIndex: 1, committedOffset: 5n }]
    const code = async (o: object, g = groupId) => (await c.send(OffsetCommit, v, body(g, p, { ...member, ...o }))).topics[0]!.partitions[0]!.errorCode
    expect(await code({})).toBe(0)
    expect(stored(groupId, 1)!.offset).toBe(5)
    expect(await code({ generationIdOrMemberEpoch: 2 })).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect(await code({ memberId: 'ghost' })).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(await code({ generationIdOrMemberEpoch: -1, memberId: '' })).toBe(ErrorCode.UNKNOWN_MEMBER_ID) // simple commit, group not empty
    // A generation for a group that does not exist: GROUP_ID_NOT_FOUND from v9, ILLEGAL_GENERATION before.
    expect(await code({}, `oc-missing-v${v}`)).toBe(v >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION)
    if (v >= 7) expect(await code({ groupInstanceId: 'not-mine' })).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('answers unknown topics and partitions with UNKNOWN_TOPIC_OR_PARTITION, the rest as usual', async () => {
    const res = await c.send(OffsetCommit, 8, {
      groupId: 'oc-unknown',
      generationIdOrMemberEpoch: -1,
      topics: [
        { name: 'oc', partitions: [{ partitionIndex: 0, committedOffset: 1n }, { partitionIndex: 3, committedOffset: 1n }] },
        { name: 'oc-no-such-topic', partitions: [{ partitionIndex: 0, committedOffset: 1n }] },
      ],
    })
    expect(res.topics).toEqual([
      { name: 'oc', topicId: ZERO_UUID, partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 3, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] },
      { name: 'oc-no-such-topic', topicId: ZERO_UUID, partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] },
    ])
  })

  it('refuses metadata over 4096 characters per partition, and accepts the empty group id as Kafka does', async () => {
    const res = await c.send(OffsetCommit, 2, body('oc-meta', [
      { partitionIndex: 0, committedOffset: 1n, committedMetadata: 'x'.repeat(4097) },
      { partitionIndex: 1, committedOffset: 1n, committedMetadata: 'x'.repeat(4096) },
    ]))
    expect(res.topics[0]!.partitions.map((p) => p.errorCode)).toEqual([ErrorCode.OFFSET_METADATA_TOO_LARGE, 0])
    expect((await c.send(OffsetCommit, 2, body('', [{ partitionIndex: 0, committedOffset: 3n }]))).topics[0]!.partitions[0]!.errorCode).toBe(0)
  })
})
