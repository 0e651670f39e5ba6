import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// RenewDelegationToken (39, KIP-48): the token's HMAC and how long to extend it. Kafka 4 serves v1+;
// v2+ flexible.
export const RenewDelegationToken = defineApi({
  key: 39,
  name: 'RenewDelegationToken',
  valid: '1-2',
  flexible: '2+',
  request: {
    hmac: t.bytes(),
    renewPeriodMs: t.int64(),
  },
  response: {
    errorCode: t.errorCode(),
    expiryTimestampMs: t.int64(),
    throttleTimeMs: t.int32(),
  },
})
export type RenewDelegationTokenRequest = RequestOf<typeof RenewDelegationToken>
export type RenewDelegationTokenResponse = ResponseOf<typeof RenewDelegationToken>
