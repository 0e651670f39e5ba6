import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// DescribeGroups (15). v3+: includeAuthorizedOperations and per-group authorizedOperations;
// v4+: member groupInstanceId; v6+: per-group errorMessage.
export const DescribeGroups = defineApi({
  key: 15,
  name: 'DescribeGroups',
  valid: '0-6',
  flexible: '5+',
  request: {
    groups: t.array(t.string()),
    includeAuthorizedOperations: t.bool({ versions: '3+' }),
  },
  response: {
    throttleTimeMs: t.int32({ versions: '1+' }),
    groups: t.array({
      errorCode: t.errorCode(),
      errorMessage: t.nullableString({ versions: '6+', nullable: '6+', default: null }),
      groupId: t.string(),
      groupState: t.string(),
      protocolType: t.string(),
      protocolData: t.string(),
      members: t.array({
        memberId: t.string(),
        groupInstanceId: t.nullableString({ versions: '4+', nullable: '4+', default: null }),
        clientId: t.string(),
        clientHost: t.string(),
        memberMetadata: t.bytes(),
        memberAssignment: t.bytes(),
      }),
      authorizedOperations: t.int32({ versions: '3+', default: -2147483648 }),
    }),
  },
})
export type DescribeGroupsRequest = RequestOf<typeof DescribeGroups>
export type DescribeGroupsResponse = ResponseOf<typeof DescribeGroups>
