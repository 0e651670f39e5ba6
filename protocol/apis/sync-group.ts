import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// SyncGroup (14). v3+: groupInstanceId (static membership); v5+: protocolType/protocolName in
// both directions, which the coordinator checks against the group's (KIP-559).
export const SyncGroup = defineApi({
  key: 14,
  name: 'SyncGroup',
  valid: '0-5',
  flexible: '4+',
  request: {
    groupId: t.string(),
    generationId: t.int32(),
    memberId: t.string(),
    groupInstanceId: t.nullableString({ versions: '3+', nullable: '3+', default: null }),
    protocolType: t.nullableString({ versions: '5+', nullable: '5+', default: null }),
    protocolName: t.nullableString({ versions: '5+', nullable: '5+', default: null }),
    assignments: t.array({
      memberId: t.string(),
      assignment: t.bytes(),
    }),
  },
  response: {
    throttleTimeMs: t.int32({ versions: '1+' }),
    errorCode: t.errorCode(),
    protocolType: t.nullableString({ versions: '5+', nullable: '5+', default: null }),
    protocolName: t.nullableString({ versions: '5+', nullable: '5+', default: null }),
    assignment: t.bytes(),
  },
})
export type SyncGroupRequest = RequestOf<typeof SyncGroup>
export type SyncGroupResponse = ResponseOf<typeof SyncGroup>
