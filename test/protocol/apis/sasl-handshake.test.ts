import { describe, it, expect } from 'vitest'
import { SaslHandshake } from '../../../protocol/apis/sasl-handshake.js'
import { checkRoundTrip, encode, versionsOf } from '../../helpers/codec.js'

describe('SaslHandshake', () => {
  it.each(versionsOf(SaslHandshake))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(SaslHandshake, v, { mechanism: 'SCRAM-SHA-256' }, { errorCode: 33, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] })
    expect(request.mechanism).toBe('SCRAM-SHA-256')
    expect(response.errorCode).toBe(33)
    expect(response.mechanisms).toEqual(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])
  })

  it.each(versionsOf(SaslHandshake))('v%i round-trips an empty mechanism list', (v) => {
    const { response } = checkRoundTrip(SaslHandshake, v, { mechanism: '' }, { mechanisms: [] })
    expect(response.mechanisms).toEqual([])
  })

  it('is never flexible', () => {
    expect(SaslHandshake.isFlexible(1)).toBe(false)
    expect(encode(SaslHandshake.request(1), { mechanism: 'PLAIN' }).toString('hex')).toBe('0005' + Buffer.from('PLAIN').toString('hex'))
  })
})
