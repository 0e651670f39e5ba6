// The four delegation token APIs (KIP-48; v3 of Create/Describe adds owners and requesters,
// KIP-373). Kafka 4 serves v1+ of each; v2+ flexible. Conformance against kafka-clients is in
// compat/conformance; these pin the field order and the version differences.
import { describe, expect, it } from 'vitest'
import { CreateDelegationToken } from '../../../protocol/apis/create-delegation-token.js'
import { DescribeDelegationToken } from '../../../protocol/apis/describe-delegation-token.js'
import { ExpireDelegationToken } from '../../../protocol/apis/expire-delegation-token.js'
import { RenewDelegationToken } from '../../../protocol/apis/renew-delegation-token.js'
import { checkRoundTrip, encode, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

const hmac = Buffer.from('c0ffee', 'hex')

describe('CreateDelegationToken', () => {
  it.each(versionsOf(CreateDelegationToken))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      CreateDelegationToken, v,
      { ownerPrincipalType: 'User', ownerPrincipalName: 'bob', renewers: [{ principalType: 'User', principalName: 'carol' }], maxLifetimeMs: 3600000n },
      { errorCode: 0, principalType: 'User', principalName: 'bob', tokenRequesterPrincipalType: 'User', tokenRequesterPrincipalName: 'alice', issueTimestampMs: 1n, expiryTimestampMs: 2n, maxTimestampMs: 3n, tokenId: 'id-1', hmac, throttleTimeMs: 4 },
    )
    expect([request.ownerPrincipalType, request.ownerPrincipalName]).toEqual(v >= 3 ? ['User', 'bob'] : ['', ''])
    expect(request.renewers).toEqual([{ principalType: 'User', principalName: 'carol' }])
    expect(request.maxLifetimeMs).toBe(3600000n)
    expect(response.tokenRequesterPrincipalName).toBe(v >= 3 ? 'alice' : '')
    expect([response.tokenId, response.hmac, response.throttleTimeMs]).toEqual(['id-1', hmac, 4])
  })

  it('v3 keeps a null owner (create for myself) apart from an empty one', () => {
    const { request } = checkRoundTrip(CreateDelegationToken, 3, { ownerPrincipalType: null, ownerPrincipalName: null, renewers: [], maxLifetimeMs: -1n }, { hmac })
    expect([request.ownerPrincipalType, request.ownerPrincipalName]).toEqual([null, null])
  })

  it('v1 is not flexible: int16 string lengths and an int32 array count', () => {
    expect(encode(CreateDelegationToken.request(1), { renewers: [{ principalType: 'U', principalName: 'a' }], maxLifetimeMs: 5n }).toString('hex'))
      .toBe('00000001' + '000155' + '000161' + '0000000000000005')
  })
})

describe('RenewDelegationToken and ExpireDelegationToken', () => {
  it.each(versionsOf(RenewDelegationToken))('Renew v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(RenewDelegationToken, v, { hmac, renewPeriodMs: 60000n }, { errorCode: 62, expiryTimestampMs: 9n, throttleTimeMs: 1 })
    expect(request).toEqual({ hmac, renewPeriodMs: 60000n })
    expect(response).toEqual({ errorCode: 62, expiryTimestampMs: 9n, throttleTimeMs: 1 })
  })

  it.each(versionsOf(ExpireDelegationToken))('Expire v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(ExpireDelegationToken, v, { hmac, expiryTimePeriodMs: -1n }, { errorCode: 66, expiryTimestampMs: 9n, throttleTimeMs: 1 })
    expect(request).toEqual({ hmac, expiryTimePeriodMs: -1n })
    expect(response).toEqual({ errorCode: 66, expiryTimestampMs: 9n, throttleTimeMs: 1 })
  })
})

describe('DescribeDelegationToken', () => {
  it.each(versionsOf(DescribeDelegationToken))('v%i round-trips', (v) => {
    const token = {
      principalType: 'User', principalName: 'bob', tokenRequesterPrincipalType: 'User', tokenRequesterPrincipalName: 'alice',
      issueTimestamp: 1n, expiryTimestamp: 2n, maxTimestamp: 3n, tokenId: 'id-1', hmac, renewers: [{ principalType: 'User', principalName: 'carol' }],
    }
    const { request, response } = checkRoundTrip(DescribeDelegationToken, v, { owners: [{ principalType: 'User', principalName: 'bob' }] }, { errorCode: 0, tokens: [token], throttleTimeMs: 2 })
    expect(request.owners).toEqual([{ principalType: 'User', principalName: 'bob' }])
    expect(response.tokens[0]).toEqual(v >= 3 ? token : { ...token, tokenRequesterPrincipalType: '', tokenRequesterPrincipalName: '' })
  })

  it.each(versionsOf(DescribeDelegationToken))('v%i keeps null owners (every token) apart from none', (v) => {
    expect(checkRoundTrip(DescribeDelegationToken, v, { owners: null }, { tokens: [] }).request.owners).toBeNull()
    expect(checkRoundTrip(DescribeDelegationToken, v, { owners: [] }, { tokens: [] }).request.owners).toEqual([])
  })
})

// kafka-delegation-tokens --create/--renew/--expire/--describe against Kafka 4.4.0 on PLAINTEXT:
// every answer is DELEGATION_TOKEN_REQUEST_NOT_ALLOWED (64).
describe('delegation token golden frames', () => {
  const frames = [
    ...goldenFrames('create-delegation-token').map((f) => [f, CreateDelegationToken] as const),
    ...goldenFrames('renew-delegation-token').map((f) => [f, RenewDelegationToken] as const),
    ...goldenFrames('expire-delegation-token').map((f) => [f, ExpireDelegationToken] as const),
    ...goldenFrames('describe-delegation-token').map((f) => [f, DescribeDelegationToken] as const),
  ]
  it('has the four tools\' frames', () => expect(frames.map(([f]) => f.apiKey).sort()).toEqual([38, 39, 40, 41]))
  it.each(frames.map(([f, api]) => [f.file, f, api] as const))('%s decodes and re-encodes byte for byte', (_file, f, api) => {
    const { request, response } = checkGolden(api as typeof CreateDelegationToken, f)
    expect((response as { errorCode: number }).errorCode).toBe(64)
    if (f.apiKey === 38) {
      expect(request).toMatchObject({ ownerPrincipalType: '', ownerPrincipalName: '', renewers: [], maxLifetimeMs: -1n })
      expect(response).toMatchObject({ principalType: 'User', principalName: 'ANONYMOUS', tokenRequesterPrincipalName: 'ANONYMOUS' })
    }
    if (f.apiKey === 41) expect(request).toEqual({ owners: [] })
  })
})
