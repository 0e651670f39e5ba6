import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// LeaveGroup (13). v0–2: one memberId; v3+: a batch of members (by memberId or groupInstanceId)
// with a per-member error in the response (KIP-345); v5+: a reason per member.
export const LeaveGroup = defineApi({
  key: 13,
  name: 'LeaveGroup',
  valid: '0-5',
  flexible: '4+',
  request: {
    groupId: t.string(),
    memberId: t.string({ versions: '0-2' }),
    members: t.array(
      {
        memberId: t.string(),
        groupInstanceId: t.nullableString({ nullable: '3+', default: null }),
        reason: t.nullableString({ versions: '5+', nullable: '5+', default: null }),
      },
      { versions: '3+' },
    ),
  },
  response: {
    throttleTimeMs: t.int32({ versions: '1+' }),
    errorCode: t.errorCode(),
    members: t.array(
      {
        memberId: t.string(),
        groupInstanceId: t.nullableString({ nullable: '3+', default: '' }),
        errorCode: t.errorCode(),
      },
      { versions: '3+' },
    ),
  },
})
export type LeaveGroupRequest = RequestOf<typeof LeaveGroup>
export type LeaveGroupResponse = ResponseOf<typeof LeaveGroup>
