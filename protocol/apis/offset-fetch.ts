import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// OffsetFetch (9). v0 was removed in Kafka 4.0 (KIP-896). v1–7: one group; topics null (v2+) means all committed offsets; request-wide
// errorCode v2–7; committedLeaderEpoch v5+. v7+: requireStable. v8+: several groups, each with
// its own topics (null = all) and errorCode; v9+: memberId/memberEpoch (KIP-848 consumers);
// v10+: the v8+ topics by id instead of name, in the request and the response.
export const OffsetFetch = defineApi({
  key: 9,
  name: 'OffsetFetch',
  valid: '1-10',
  flexible: '6+',
  request: {
    groupId: t.string({ versions: '1-7' }),
    topics: t.nullableArray(
      {
        name: t.string(),
        partitionIndexes: t.array(t.int32()),
      },
      { versions: '1-7', nullable: '2-7', default: [] },
    ),
    groups: t.array(
      {
        groupId: t.string(),
        memberId: t.nullableString({ versions: '9+', nullable: '9+', default: null }),
        memberEpoch: t.int32({ versions: '9+', default: -1 }),
        topics: t.nullableArray(
          {
            name: t.string({ versions: '8-9' }),
            topicId: t.uuid({ versions: '10+' }),
            partitionIndexes: t.array(t.int32()),
          },
          { nullable: '8+', default: [] },
        ),
      },
      { versions: '8+' },
    ),
    requireStable: t.bool({ versions: '7+' }),
  },
  response: {
    throttleTimeMs: t.int32({ versions: '3+' }),
    topics: t.array(
      {
        name: t.string(),
        partitions: t.array({
          partitionIndex: t.int32(),
          committedOffset: t.int64(),
          committedLeaderEpoch: t.int32({ versions: '5-7', default: -1 }),
          metadata: t.nullableString({ nullable: '1-7', default: '' }),
          errorCode: t.errorCode(),
        }),
      },
      { versions: '1-7' },
    ),
    errorCode: t.errorCode({ versions: '2-7' }),
    groups: t.array(
      {
        groupId: t.string(),
        topics: t.array({
          name: t.string({ versions: '8-9' }),
          topicId: t.uuid({ versions: '10+' }),
          partitions: t.array({
            partitionIndex: t.int32(),
            committedOffset: t.int64(),
            committedLeaderEpoch: t.int32({ default: -1 }),
            metadata: t.nullableString({ nullable: '8+', default: '' }),
            errorCode: t.errorCode(),
          }),
        }),
        errorCode: t.errorCode(),
      },
      { versions: '8+' },
    ),
  },
})
export type OffsetFetchRequest = RequestOf<typeof OffsetFetch>
export type OffsetFetchResponse = ResponseOf<typeof OffsetFetch>
