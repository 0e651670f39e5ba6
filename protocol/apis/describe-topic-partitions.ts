import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// DescribeTopicPartitions (75, KIP-966). Single version. Pages through topics: at most
// responsePartitionLimit partitions per answer, resuming from cursor; nextCursor null on the last
// page. Both cursors are nullable structs.
export const DescribeTopicPartitions = defineApi({
  key: 75,
  name: 'DescribeTopicPartitions',
  valid: '0',
  flexible: '0+',
  request: {
    topics: t.array({ name: t.string() }),
    responsePartitionLimit: t.int32({ default: 2000 }),
    cursor: t.nullableStruct({ topicName: t.string(), partitionIndex: t.int32() }),
  },
  response: {
    throttleTimeMs: t.int32(),
    topics: t.array({
      errorCode: t.errorCode(),
      name: t.nullableString({ default: '' }),
      topicId: t.uuid(),
      isInternal: t.bool(),
      partitions: t.array({
        errorCode: t.errorCode(),
        partitionIndex: t.int32(),
        leaderId: t.int32(),
        leaderEpoch: t.int32({ default: -1 }),
        replicaNodes: t.array(t.int32()),
        isrNodes: t.array(t.int32()),
        eligibleLeaderReplicas: t.nullableArray(t.int32()),
        lastKnownElr: t.nullableArray(t.int32()),
        offlineReplicas: t.array(t.int32()),
      }),
      topicAuthorizedOperations: t.int32({ default: -2147483648 }),
    }),
    nextCursor: t.nullableStruct({ topicName: t.string(), partitionIndex: t.int32() }),
  },
})
export type DescribeTopicPartitionsRequest = RequestOf<typeof DescribeTopicPartitions>
export type DescribeTopicPartitionsResponse = ResponseOf<typeof DescribeTopicPartitions>
