import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// CreateDelegationToken (38, KIP-48). Kafka 4 serves v1+ (v0 removed); v2+ flexible; v3 (KIP-373)
// adds the owner to create the token for and the requester in the answer.
export const CreateDelegationToken = defineApi({
  key: 38,
  name: 'CreateDelegationToken',
  valid: '1-3',
  flexible: '2+',
  request: {
    ownerPrincipalType: t.nullableString({ versions: '3+', nullable: '3+', default: '' }),
    ownerPrincipalName: t.nullableString({ versions: '3+', nullable: '3+', default: '' }),
    renewers: t.array({
      principalType: t.string(),
      principalName: t.string(),
    }),
    maxLifetimeMs: t.int64(),
  },
  response: {
    errorCode: t.errorCode(),
    principalType: t.string(),
    principalName: t.string(),
    tokenRequesterPrincipalType: t.string({ versions: '3+' }),
    tokenRequesterPrincipalName: t.string({ versions: '3+' }),
    issueTimestampMs: t.int64(),
    expiryTimestampMs: t.int64(),
    maxTimestampMs: t.int64(),
    tokenId: t.string(),
    hmac: t.bytes(),
    throttleTimeMs: t.int32(),
  },
})
export type CreateDelegationTokenRequest = RequestOf<typeof CreateDelegationToken>
export type CreateDelegationTokenResponse = ResponseOf<typeof CreateDelegationToken>
