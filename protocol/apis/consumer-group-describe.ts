import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// ConsumerGroupDescribe (69, KIP-848). v1+: member memberType (-1 unknown, 0 classic, 1 consumer).
// A classic group must answer GROUP_ID_NOT_FOUND so the Admin falls back to DescribeGroups.
const assignment = {
  topicPartitions: t.array({
    topicId: t.uuid(),
    topicName: t.string(),
    partitions: t.array(t.int32()),
  }),
}

export const ConsumerGroupDescribe = defineApi({
  key: 69,
  name: 'ConsumerGroupDescribe',
  valid: '0-1',
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
        instanceId: t.nullableString({ nullable: '0+', default: null }),
        rackId: t.nullableString({ nullable: '0+', default: null }),
        memberEpoch: t.int32(),
        clientId: t.string(),
        clientHost: t.string(),
        subscribedTopicNames: t.array(t.string()),
        subscribedTopicRegex: t.nullableString({ nullable: '0+', default: null }),
        assignment: t.struct(assignment),
        targetAssignment: t.struct(assignment),
        memberType: t.int8({ versions: '1+', default: -1 }),
      }),
      authorizedOperations: t.int32({ default: -2147483648 }),
    }),
  },
})
export type ConsumerGroupDescribeRequest = RequestOf<typeof ConsumerGroupDescribe>
export type ConsumerGroupDescribeResponse = ResponseOf<typeof ConsumerGroupDescribe>
