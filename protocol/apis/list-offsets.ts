import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// ListOffsets (2). One (timestamp, offset) per partition; v0 (up to maxNumOffsets offsets per
// partition) was removed in Kafka 4.0 (KIP-896), as here. v2+ isolation level; v4+ leader epochs; special timestamps:
// -1 latest, -2 earliest, -3 max timestamp (v7+), -4 local log start (v8+), -5 last tiered (v9+),
// -6 earliest pending upload (v11+, KIP-1023). v10+ timeoutMs (KIP-1075).
export const ListOffsets = defineApi({
  key: 2,
  name: 'ListOffsets',
  valid: '1-11',
  flexible: '6+',
  request: {
    replicaId: t.int32(),
    isolationLevel: t.int8({ versions: '2+' }),
    topics: t.array({
      name: t.string(),
      partitions: t.array({
        partitionIndex: t.int32(),
        currentLeaderEpoch: t.int32({ versions: '4+', default: -1 }),
        timestamp: t.int64(),
      }),
    }),
    timeoutMs: t.int32({ versions: '10+' }),
  },
  response: {
    throttleTimeMs: t.int32({ versions: '2+' }),
    topics: t.array({
      name: t.string(),
      partitions: t.array({
        partitionIndex: t.int32(),
        errorCode: t.errorCode(),
        timestamp: t.int64({ default: -1n }),
        offset: t.int64({ default: -1n }),
        leaderEpoch: t.int32({ versions: '4+', default: -1 }),
      }),
    }),
  },
})
export type ListOffsetsRequest = RequestOf<typeof ListOffsets>
export type ListOffsetsResponse = ResponseOf<typeof ListOffsets>
