import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// JoinGroup (11). v1+: rebalanceTimeoutMs (v0 uses the session timeout); v4+: an empty memberId
// gets MEMBER_ID_REQUIRED with a generated id; v5+: static membership (groupInstanceId);
// v7+: protocolType in the response, protocolName nullable; v8+: reason; v9+: skipAssignment.
export const JoinGroup = defineApi({
  key: 11,
  name: 'JoinGroup',
  valid: '0-9',
  flexible: '6+',
  request: {
    groupId: t.string(),
    sessionTimeoutMs: t.int32(),
    rebalanceTimeoutMs: t.int32({ versions: '1+', default: -1 }),
    memberId: t.string(),
    groupInstanceId: t.nullableString({ versions: '5+', nullable: '5+', default: null }),
    protocolType: t.string(),
    protocols: t.array({
      name: t.string(),
      metadata: t.bytes(),
    }),
    reason: t.nullableString({ versions: '8+', nullable: '8+', default: null }),
  },
  response: {
    throttleTimeMs: t.int32({ versions: '2+' }),
    errorCode: t.errorCode(),
    generationId: t.int32({ default: -1 }),
    protocolType: t.nullableString({ versions: '7+', nullable: '7+', default: null }),
    protocolName: t.nullableString({ nullable: '7+', default: '' }),
    leader: t.string(),
    skipAssignment: t.bool({ versions: '9+' }),
    memberId: t.string(),
    members: t.array({
      memberId: t.string(),
      groupInstanceId: t.nullableString({ versions: '5+', nullable: '5+', default: null }),
      metadata: t.bytes(),
    }),
  },
})
export type JoinGroupRequest = RequestOf<typeof JoinGroup>
export type JoinGroupResponse = ResponseOf<typeof JoinGroup>
