import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// Heartbeat (12). v3+: groupInstanceId (static membership).
export const Heartbeat = defineApi({
  key: 12,
  name: 'Heartbeat',
  valid: '0-4',
  flexible: '4+',
  request: {
    groupId: t.string(),
    generationId: t.int32(),
    memberId: t.string(),
    groupInstanceId: t.nullableString({ versions: '3+', nullable: '3+', default: null }),
  },
  response: {
    throttleTimeMs: t.int32({ versions: '1+' }),
    errorCode: t.errorCode(),
  },
})
export type HeartbeatRequest = RequestOf<typeof Heartbeat>
export type HeartbeatResponse = ResponseOf<typeof Heartbeat>
