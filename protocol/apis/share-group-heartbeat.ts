import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// ShareGroupHeartbeat (76, KIP-932). Kafka 4.4 serves v1 only (v0 was the 4.0 early-access
// version, removed in 4.1). Null request fields mean "unchanged since the last heartbeat"; the
// member id is chosen by the client (a UUID). The assignment is a nullable struct.
export const ShareGroupHeartbeat = defineApi({
  key: 76,
  name: 'ShareGroupHeartbeat',
  valid: '1',
  flexible: '0+',
  request: {
    groupId: t.string(),
    memberId: t.string(),
    memberEpoch: t.int32(),
    rackId: t.nullableString({ nullable: '0+', default: null }),
    subscribedTopicNames: t.nullableArray(t.string(), { nullable: '0+', default: null }),
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
export type ShareGroupHeartbeatRequest = RequestOf<typeof ShareGroupHeartbeat>
export type ShareGroupHeartbeatResponse = ResponseOf<typeof ShareGroupHeartbeat>
