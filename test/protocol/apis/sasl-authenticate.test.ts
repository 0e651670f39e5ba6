import { describe, it, expect } from 'vitest'
import { SaslAuthenticate } from '../../../protocol/apis/sasl-authenticate.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../../helpers/codec.js'

const token = Buffer.from('\0alice\0secret')

describe('SaslAuthenticate', () => {
  it.each(versionsOf(SaslAuthenticate))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      SaslAuthenticate,
      v,
      { authBytes: token },
      { errorCode: 58, errorMessage: 'Authentication failed: invalid credentials', authBytes: Buffer.from('r=abc'), sessionLifetimeMs: 3600000n },
    )
    expect(request.authBytes.equals(token)).toBe(true)
    expect(response.errorCode).toBe(58)
    expect(response.errorMessage).toBe('Authentication failed: invalid credentials')
    expect(response.authBytes.toString()).toBe('r=abc')
    expect(response.sessionLifetimeMs).toBe(v >= 1 ? 3600000n : 0n)
  })

  it.each(versionsOf(SaslAuthenticate))('v%i round-trips a null error message and empty bytes', (v) => {
    const { request, response } = checkRoundTrip(SaslAuthenticate, v, { authBytes: Buffer.alloc(0) }, { errorMessage: null, authBytes: Buffer.alloc(0) })
    expect(request.authBytes.length).toBe(0)
    expect(response.errorMessage).toBeNull()
  })

  it('uses compact bytes and a tagged-field section in v2', () => {
    expect(encode(SaslAuthenticate.request(1), { authBytes: Buffer.from([7]) }).toString('hex')).toBe('00000001' + '07')
    const bytes = encode(SaslAuthenticate.request(2), { authBytes: Buffer.from([7]) })
    expect(bytes.toString('hex')).toBe('02' + '07' + '00')
    const tagged = Buffer.concat([bytes.subarray(0, -1), Buffer.from([1, 9, 2, 0xab, 0xcd])])
    expect(decodeAll(SaslAuthenticate.request(2), tagged).authBytes.equals(Buffer.from([7]))).toBe(true)
  })
})
