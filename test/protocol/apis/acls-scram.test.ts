// Codecs of DescribeAcls / CreateAcls / DeleteAcls 1–3 and DescribeUserScramCredentials /
// AlterUserScramCredentials 0, at the versions Kafka 4.4 serves (its common/message JSON): every
// version round-trips and fails cleanly on every truncated prefix, and one frame per API is checked
// byte for byte against the layout the JSON schema gives.
import { describe, expect, it } from 'vitest'
import { AlterUserScramCredentials } from '../../../protocol/apis/alter-user-scram-credentials.js'
import { CreateAcls } from '../../../protocol/apis/create-acls.js'
import { DeleteAcls } from '../../../protocol/apis/delete-acls.js'
import { DescribeAcls } from '../../../protocol/apis/describe-acls.js'
import { DescribeUserScramCredentials } from '../../../protocol/apis/describe-user-scram-credentials.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../../helpers/codec.js'

const cstr = (s: string) => Buffer.concat([Buffer.from([s.length + 1]), Buffer.from(s)]).toString('hex')

describe('ACL APIs', () => {
  it('serve 1-3 as Kafka 4.4 (v0 removed by KIP-896), flexible from 2', () => {
    for (const api of [DescribeAcls, CreateAcls, DeleteAcls]) {
      expect(versionsOf(api)).toEqual([1, 2, 3])
      expect(api.isFlexible(1)).toBe(false)
      expect(api.isFlexible(2)).toBe(true)
    }
  })

  it.each([1, 2, 3])('DescribeAcls v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      DescribeAcls, v,
      { resourceTypeFilter: 2, resourceNameFilter: 'orders', patternTypeFilter: 4, principalFilter: 'User:alice', hostFilter: null, operation: 3, permissionType: 3 },
      { throttleTimeMs: 0, errorCode: 54, errorMessage: 'No Authorizer is configured on the broker', resources: [{ resourceType: 2, resourceName: 'orders', patternType: 3, acls: [{ principal: 'User:alice', host: '*', operation: 3, permissionType: 3 }] }] },
    )
    expect(request.patternTypeFilter).toBe(4)
    expect(request.hostFilter).toBeNull()
    expect(response.errorMessage).toBe('No Authorizer is configured on the broker')
  })

  it.each([1, 2, 3])('CreateAcls v%i and DeleteAcls v%i round-trip', (v) => {
    const acl = { resourceType: 2, resourceName: 't', resourcePatternType: 3, principal: 'User:a', host: '*', operation: 4, permissionType: 3 }
    checkRoundTrip(CreateAcls, v, { creations: [acl] }, { results: [{ errorCode: 54, errorMessage: 'No Authorizer is configured.' }] })
    checkRoundTrip(
      DeleteAcls, v,
      { filters: [{ resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 }] },
      { filterResults: [{ errorCode: 0, errorMessage: null, matchingAcls: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 't', patternType: 3, principal: 'User:a', host: '*', operation: 4, permissionType: 3 }] }] },
    )
  })

  it('lays out a DescribeAcls v1 request and v2 response as the schema says', () => {
    // v1: int8 type, nullable string name, int8 pattern, nullable principal, nullable host, int8 op, int8 permission.
    const req = encode(DescribeAcls.request(1), { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 })
    expect(req.toString('hex')).toBe('01' + 'ffff' + '01' + 'ffff' + 'ffff' + '01' + '01')
    // v2 (flexible): int32 throttle, int16 error, compact nullable message, compact array, tags.
    const res = encode(DescribeAcls.response(2), { throttleTimeMs: 0, errorCode: 54, errorMessage: 'x', resources: [] })
    expect(res.toString('hex')).toBe('00000000' + '0036' + cstr('x') + '01' + '00')
  })
})

describe('SCRAM credential APIs', () => {
  it('serve v0 only, flexible', () => {
    for (const api of [DescribeUserScramCredentials, AlterUserScramCredentials]) {
      expect(versionsOf(api)).toEqual([0])
      expect(api.isFlexible(0)).toBe(true)
    }
  })

  it('round-trip', () => {
    const d = checkRoundTrip(
      DescribeUserScramCredentials, 0,
      { users: [{ name: 'alice' }] },
      { throttleTimeMs: 0, errorCode: 0, errorMessage: null, results: [{ user: 'alice', errorCode: 0, errorMessage: null, credentialInfos: [{ mechanism: 1, iterations: 4096 }, { mechanism: 2, iterations: 8192 }] }] },
    )
    expect(d.response.results[0]!.credentialInfos[1]).toEqual({ mechanism: 2, iterations: 8192 })
    const a = checkRoundTrip(
      AlterUserScramCredentials, 0,
      { deletions: [{ name: 'bob', mechanism: 2 }], upsertions: [{ name: 'alice', mechanism: 1, iterations: 4096, salt: Buffer.from('salt'), saltedPassword: Buffer.alloc(32, 7) }] },
      { results: [{ user: 'alice', errorCode: 93, errorMessage: 'Too few iterations' }] },
    )
    expect(a.request.upsertions[0]!.saltedPassword).toEqual(Buffer.alloc(32, 7))
  })

  it('lays out DescribeUserScramCredentials with null users and an AlterUserScramCredentials upsertion as the schema says', () => {
    expect(encode(DescribeUserScramCredentials.request(0), { users: null }).toString('hex')).toBe('00' + '00')
    expect(decodeAll(DescribeUserScramCredentials.request(0), Buffer.from('0000', 'hex')).users).toBeNull()
    const up = encode(AlterUserScramCredentials.request(0), { deletions: [], upsertions: [{ name: 'a', mechanism: 2, iterations: 4096, salt: Buffer.from([9]), saltedPassword: Buffer.from([8]) }] })
    expect(up.toString('hex')).toBe('01' + '02' + cstr('a') + '02' + '00001000' + '0209' + '0208' + '00' + '00')
  })
})
