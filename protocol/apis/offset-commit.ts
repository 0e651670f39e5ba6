import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// OffsetCommit (8). v0 (no generation/member) and v1 (a per-partition commitTimestamp) were
// removed in Kafka 4.0 (KIP-896). v2–4: request-wide retentionTimeMs (-1 = broker default), dropped in v5+;
// v6+: committedLeaderEpoch; v7+: groupInstanceId; v10+ (KIP-848): topics by id instead of name,
// in the request and the response.
export const OffsetCommit = defineApi({
  key: 8,
  name: 'OffsetCommit',
  valid: '2-10',
  flexible: '8+',
  request: {
    groupId: t.string(),
    generationIdOrMemberEpoch: t.int32({ default: -1 }),
    memberId: t.string(),
    groupInstanceId: t.nullableString({ versions: '7+', nullable: '7+', default: null }),
    retentionTimeMs: t.int64({ versions: '2-4', default: -1n }),
    topics: t.array({
      name: t.string({ versions: '0-9' }),
      topicId: t.uuid({ versions: '10+' }),
      partitions: t.array({
        partitionIndex: t.int32(),
        committedOffset: t.int64(),
        committedLeaderEpoch: t.int32({ versions: '6+', default: -1 }),
        committedMetadata: t.nullableString({ nullable: '0+', default: '' }),
      }),
    }),
  },
  response: {
    throttleTimeMs: t.int32({ versions: '3+' }),
    topics: t.array({
      name: t.string({ versions: '0-9' }),
      topicId: t.uuid({ versions: '10+' }),
      partitions: t.array({
        partitionIndex: t.int32(),
        errorCode: t.errorCode(),
      }),
    }),
  },
})
export type OffsetCommitRequest = RequestOf<typeof OffsetCommit>
export type OffsetCommitResponse = ResponseOf<typeof OffsetCommit>
