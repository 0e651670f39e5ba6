import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// DescribeDelegationToken (41, KIP-48): tokens owned by the given principals (null: every token the
// caller may see). Kafka 4 serves v1+; v2+ flexible; v3 (KIP-373) adds each token's requester.
export const DescribeDelegationToken = defineApi({
  key: 41,
  name: 'DescribeDelegationToken',
  valid: '1-3',
  flexible: '2+',
  request: {
    owners: t.nullableArray(
      {
        principalType: t.string(),
        principalName: t.string(),
      },
      { nullable: '0+', default: [] },
    ),
  },
  response: {
    errorCode: t.errorCode(),
    tokens: t.array({
      principalType: t.string(),
      principalName: t.string(),
      tokenRequesterPrincipalType: t.string({ versions: '3+' }),
      tokenRequesterPrincipalName: t.string({ versions: '3+' }),
      issueTimestamp: t.int64(),
      expiryTimestamp: t.int64(),
      maxTimestamp: t.int64(),
      tokenId: t.string(),
      hmac: t.bytes(),
      renewers: t.array({
        principalType: t.string(),
        principalName: t.string(),
      }),
    }),
    throttleTimeMs: t.int32(),
  },
})
export type DescribeDelegationTokenRequest = RequestOf<typeof DescribeDelegationToken>
export type DescribeDelegationTokenResponse = ResponseOf<typeof DescribeDelegationToken>
