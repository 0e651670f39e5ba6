import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// ConsumerGroupHeartbeat (68, KIP-848). Null request fields mean "unchanged since the last
// heartbeat". v1+: subscribedTopicRegex (server-side regex subscription).
export const ConsumerGroupHeartbeat = defineApi({
  key: 68,
  name: 'ConsumerGroupHeartbeat',
  valid: '0-1',
  flexible: '0+',
  request: {
    groupId: t.string(),
    memberId: t.string(),
    memberEpoch: t.int32(),
    instanceId: t.nullableString({ nullable: '0+', default: null }),
    rackId: t.nullableString({ nullable: '0+', default: null }),
    rebalanceTimeoutMs: t.int32({ default: -1 }),
    subscribedTopicNames: t.nullableArray(t.string(), { nullable: '0+', default: null }),
    subscribedTopicRegex: t.nullableString({ versions: '1+', nullable: '1+', default: null }),
    serverAssignor: t.nullableString({ nullable: '0+', default: null }),
    topicPartitions: t.nullableArray(
      {
        topicId: t.uuid(),
        partitions: t.array(t.int32()),
      },
      { nullable: '0+', default: null },
    ),
  },
  response: {
    throttleTimeMs: t.int32(),
    errorCode: t.errorCode(),
    errorMessage: t.nullableString({ nullable: '0+', default: null }),
    memberId: t.nullableString({ nullable: '0+', default: null }),
    memberEpoch: t.int32(),
    heartbeatIntervalMs: t.int32(),
    assignment: t.nullableStruct({
      topicPartitions: t.array({
        topicId: t.uuid(),
        partitions: t.array(t.int32()),
      }),
    }),
  },
})
export type ConsumerGroupHeartbeatRequest = RequestOf<typeof ConsumerGroupHeartbeat>
export type ConsumerGroupHeartbeatResponse = ResponseOf<typeof ConsumerGroupHeartbeat>
