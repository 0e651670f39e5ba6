import { describe, it, expect } from 'vitest'
import { Heartbeat } from '../../../protocol/apis/heartbeat.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

describe('Heartbeat', () => {
  it.each(versionsOf(Heartbeat))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      Heartbeat,
      v,
      { groupId: 'orders', generationId: 12, memberId: 'consumer-1-abc', groupInstanceId: 'static-1' },
      { throttleTimeMs: 100, errorCode: 27 },
    )
    expect(request.groupId).toBe('orders')
    expect(request.generationId).toBe(12)
    expect(request.groupInstanceId).toBe(v >= 3 ? 'static-1' : null)
    expect(response.throttleTimeMs).toBe(v >= 1 ? 100 : 0)
    expect(response.errorCode).toBe(27)
  })

  it.each([3, 4])('v%i round-trips a null groupInstanceId', (v) => {
    const { request } = checkRoundTrip(Heartbeat, v, { groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null }, {})
    expect(request.groupInstanceId).toBeNull()
    expect(request.generationId).toBe(-1)
  })

  it('encodes v4 with compact strings and a tagged-field section', () => {
    const bytes = encode(Heartbeat.request(4), { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null })
    expect(bytes.toString('hex')).toBe('0267' + '00000001' + '026d' + '00' + '00')
    const tagged = Buffer.concat([bytes.subarray(0, -1), Buffer.from([1, 9, 2, 0xab, 0xcd])])
    expect(decodeAll(Heartbeat.request(4), tagged)).toEqual(decodeAll(Heartbeat.request(4), bytes))
  })
})

describe('Heartbeat golden frames', () => {
  it.each(goldenFrames('heartbeat').map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request } = checkGolden(Heartbeat, f)
    expect(request.memberId).not.toBe('')
  })
})
