import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// TxnOffsetCommit (28). v2+: committedLeaderEpoch; v3+: generationId, memberId and
// groupInstanceId so the coordinator can fence zombie consumers (KIP-447); v5 (KIP-890) only
// changes how the producer is verified; v6+ (KIP-1319) names topics by id, in the request and
// the response.
export const TxnOffsetCommit = defineApi({
  key: 28,
  name: 'TxnOffsetCommit',
  valid: '0-6',
  flexible: '3+',
  request: {
    transactionalId: t.string(),
    groupId: t.string(),
    producerId: t.int64(),
    producerEpoch: t.int16(),
    generationId: t.int32({ versions: '3+', default: -1 }),
    memberId: t.string({ versions: '3+' }),
    groupInstanceId: t.nullableString({ versions: '3+', nullable: '3+', default: null }),
    topics: t.array({
      name: t.string({ versions: '0-5' }),
      topicId: t.uuid({ versions: '6+' }),
      partitions: t.array({
        partitionIndex: t.int32(),
        committedOffset: t.int64(),
        committedLeaderEpoch: t.int32({ versions: '2+', default: -1 }),
        committedMetadata: t.nullableString({ nullable: '0+', default: '' }),
      }),
    }),
  },
  response: {
    throttleTimeMs: t.int32(),
    topics: t.array({
      name: t.string({ versions: '0-5' }),
      topicId: t.uuid({ versions: '6+' }),
      partitions: t.array({
        partitionIndex: t.int32(),
        errorCode: t.errorCode(),
      }),
    }),
  },
})
export type TxnOffsetCommitRequest = RequestOf<typeof TxnOffsetCommit>
export type TxnOffsetCommitResponse = ResponseOf<typeof TxnOffsetCommit>
