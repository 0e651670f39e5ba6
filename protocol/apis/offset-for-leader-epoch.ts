import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// OffsetForLeaderEpoch (23). v0–1 were removed in Kafka 4.0 (KIP-896). Answers with the leader epoch found and
// fences on currentLeaderEpoch; v3+ replicaId (-1 consumer, -2 unspecified, as for older versions).
export const OffsetForLeaderEpoch = defineApi({
  key: 23,
  name: 'OffsetForLeaderEpoch',
  valid: '2-4',
  flexible: '4+',
  request: {
    replicaId: t.int32({ versions: '3+', default: -2 }),
    topics: t.array({
      topic: t.string(),
      partitions: t.array({
        partition: t.int32(),
        currentLeaderEpoch: t.int32({ default: -1 }),
        leaderEpoch: t.int32(),
      }),
    }),
  },
  response: {
    throttleTimeMs: t.int32(),
    topics: t.array({
      topic: t.string(),
      partitions: t.array({
        errorCode: t.errorCode(),
        partition: t.int32(),
        leaderEpoch: t.int32({ default: -1 }),
        endOffset: t.int64({ default: -1n }),
      }),
    }),
  },
})
export type OffsetForLeaderEpochRequest = RequestOf<typeof OffsetForLeaderEpoch>
export type OffsetForLeaderEpochResponse = ResponseOf<typeof OffsetForLeaderEpoch>
