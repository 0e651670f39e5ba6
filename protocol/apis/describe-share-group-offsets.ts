import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// DescribeShareGroupOffsets (90, KIP-932). Kafka 4.4 serves v0-1. Null topics: every topic the
// group has share-partition state for. v1 (KIP-1226): the lag of each share-partition.
export const DescribeShareGroupOffsets = defineApi({
  key: 90,
  name: 'DescribeShareGroupOffsets',
  valid: '0-1',
  flexible: '0+',
  request: {
    groups: t.array({
      groupId: t.string(),
      topics: t.nullableArray({
        topicName: t.string(),
        partitions: t.array(t.int32()),
      }, { nullable: '0+', default: null }),
    }),
  },
  response: {
    throttleTimeMs: t.int32(),
    groups: t.array({
      groupId: t.string(),
      topics: t.array({
        topicName: t.string(),
        topicId: t.uuid(),
        partitions: t.array({
          partitionIndex: t.int32(),
          startOffset: t.int64(),
          leaderEpoch: t.int32(),
          lag: t.int64({ versions: '1+', default: -1n }),
          errorCode: t.errorCode(),
          errorMessage: t.nullableString({ nullable: '0+', default: null }),
        }),
      }),
      errorCode: t.errorCode(),
      errorMessage: t.nullableString({ nullable: '0+', default: null }),
    }),
  },
})
export type DescribeShareGroupOffsetsRequest = RequestOf<typeof DescribeShareGroupOffsets>
export type DescribeShareGroupOffsetsResponse = ResponseOf<typeof DescribeShareGroupOffsets>
