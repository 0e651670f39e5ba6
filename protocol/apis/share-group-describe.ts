import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// ShareGroupDescribe (77, KIP-932). Kafka 4.4 serves v1 only. A group that is not a share group
// answers GROUP_ID_NOT_FOUND.
export const ShareGroupDescribe = defineApi({
  key: 77,
  name: 'ShareGroupDescribe',
  valid: '1',
  flexible: '0+',
  request: {
    groupIds: t.array(t.string()),
    includeAuthorizedOperations: t.bool(),
  },
  response: {
    throttleTimeMs: t.int32(),
    groups: t.array({
      errorCode: t.errorCode(),
      errorMessage: t.nullableString({ nullable: '0+', default: null }),
      groupId: t.string(),
      groupState: t.string(),
      groupEpoch: t.int32(),
      assignmentEpoch: t.int32(),
      assignorName: t.string(),
      members: t.array({
        memberId: t.string(),
        rackId: t.nullableString({ nullable: '0+', default: null }),
        memberEpoch: t.int32(),
        clientId: t.string(),
        clientHost: t.string(),
        subscribedTopicNames: t.array(t.string()),
        assignment: t.struct({
          topicPartitions: t.array({
            topicId: t.uuid(),
            topicName: t.string(),
            partitions: t.array(t.int32()),
          }),
        }),
      }),
      authorizedOperations: t.int32({ default: -2147483648 }),
    }),
  },
})
export type ShareGroupDescribeRequest = RequestOf<typeof ShareGroupDescribe>
export type ShareGroupDescribeResponse = ResponseOf<typeof ShareGroupDescribe>
