import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// ExpireDelegationToken (40, KIP-48): the token's HMAC and the period after which it expires (-1:
// now). Kafka 4 serves v1+; v2+ flexible.
export const ExpireDelegationToken = defineApi({
  key: 40,
  name: 'ExpireDelegationToken',
  valid: '1-2',
  flexible: '2+',
  request: {
    hmac: t.bytes(),
    expiryTimePeriodMs: t.int64(),
  },
  response: {
    errorCode: t.errorCode(),
    expiryTimestampMs: t.int64(),
    throttleTimeMs: t.int32(),
  },
})
export type ExpireDelegationTokenRequest = RequestOf<typeof ExpireDelegationToken>
export type ExpireDelegationTokenResponse = ResponseOf<typeof ExpireDelegationToken>
