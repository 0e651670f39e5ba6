// Codecs of DescribeClientQuotas (48) and AlterClientQuotas (49) 0–1, at the versions Kafka 4.4
// serves (its common/message JSON and kafka-clients 4.4.0's HIGHEST_SUPPORTED_VERSION): every
// version round-trips and fails cleanly on every truncated prefix, and frames are checked byte for
// byte against the layout the JSON schemas give (v0 classic, v1 flexible).
import { describe, expect, it } from 'vitest'
import { AlterClientQuotas } from '../../../protocol/apis/alter-client-quotas.js'
import { DescribeClientQuotas } from '../../../protocol/apis/describe-client-quotas.js'
import { checkRoundTrip, checkTruncation, decodeAll, encode, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

const str = (s: string) => Buffer.concat([Buffer.from([0, s.length]), Buffer.from(s)]).toString('hex')
const cstr = (s: string) => Buffer.concat([Buffer.from([s.length + 1]), Buffer.from(s)]).toString('hex')
const f64 = (v: number) => {
  const b = Buffer.alloc(8)
  b.writeDoubleBE(v)
  return b.toString('hex')
}

describe('client quota APIs', () => {
  it('serve 0-1, flexible from 1', () => {
    for (const api of [DescribeClientQuotas, AlterClientQuotas]) {
      expect(versionsOf(api)).toEqual([0, 1])
      expect(api.isFlexible(0)).toBe(false)
      expect(api.isFlexible(1)).toBe(true)
    }
    expect([DescribeClientQuotas.key, AlterClientQuotas.key]).toEqual([48, 49])
  })

  it.each([0, 1])('DescribeClientQuotas v%i round-trips, null entries and null names included', (v) => {
    const { request, response } = checkRoundTrip(
      DescribeClientQuotas, v,
      { components: [{ entityType: 'user', matchType: 0, match: 'alice' }, { entityType: 'client-id', matchType: 1, match: null }], strict: true },
      { throttleTimeMs: 7, errorCode: 0, errorMessage: null, entries: [{ entity: [{ entityType: 'user', entityName: null }], values: [{ key: 'producer_byte_rate', value: 1048576 }, { key: 'request_percentage', value: 12.5 }] }] },
    )
    expect(request.components[1]!.match).toBeNull()
    expect(response.entries![0]!.entity[0]!.entityName).toBeNull()
    expect(response.entries![0]!.values[1]!.value).toBe(12.5)
    const err = checkRoundTrip(DescribeClientQuotas, v, { components: [], strict: false }, { errorCode: 42, errorMessage: 'Invalid empty entity type.', entries: null })
    expect(err.response.entries).toBeNull()
  })

  it.each([0, 1])('AlterClientQuotas v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      AlterClientQuotas, v,
      { entries: [{ entity: [{ entityType: 'client-id', entityName: 'perf' }], ops: [{ key: 'producer_byte_rate', value: 1048576, remove: false }, { key: 'consumer_byte_rate', value: 0, remove: true }] }], validateOnly: true },
      { throttleTimeMs: 0, entries: [{ errorCode: 42, errorMessage: 'Invalid configuration key x', entity: [{ entityType: 'client-id', entityName: 'perf' }] }] },
    )
    expect(request.validateOnly).toBe(true)
    expect(request.entries[0]!.ops[1]!.remove).toBe(true)
    expect(response.entries[0]!.errorMessage).toBe('Invalid configuration key x')
  })

  it('lays out DescribeClientQuotas v0 and v1 as the schema says', () => {
    const req0 = encode(DescribeClientQuotas.request(0), { components: [{ entityType: 'user', matchType: 2, match: null }], strict: true })
    expect(req0.toString('hex')).toBe('00000001' + str('user') + '02' + 'ffff' + '01')
    const req1 = encode(DescribeClientQuotas.request(1), { components: [{ entityType: 'user', matchType: 0, match: 'a' }], strict: false })
    expect(req1.toString('hex')).toBe('02' + cstr('user') + '00' + cstr('a') + '00' + '00' + '00')
    const res1 = encode(DescribeClientQuotas.response(1), { throttleTimeMs: 0, errorCode: 0, errorMessage: null, entries: [{ entity: [{ entityType: 'user', entityName: null }], values: [{ key: 'k', value: 2 }] }] })
    expect(res1.toString('hex')).toBe('00000000' + '0000' + '00' + '02' + '02' + cstr('user') + '00' + '00' + '02' + cstr('k') + f64(2) + '00' + '00' + '00')
    const nullEntries = encode(DescribeClientQuotas.response(0), { throttleTimeMs: 0, errorCode: 42, errorMessage: 'm', entries: null })
    expect(nullEntries.toString('hex')).toBe('00000000' + '002a' + str('m') + 'ffffffff')
  })

  it('lays out AlterClientQuotas v0 as the schema says', () => {
    const req = encode(AlterClientQuotas.request(0), { entries: [{ entity: [{ entityType: 'user', entityName: null }], ops: [{ key: 'k', value: 1.5, remove: false }] }], validateOnly: false })
    expect(req.toString('hex')).toBe('00000001' + '00000001' + str('user') + 'ffff' + '00000001' + str('k') + f64(1.5) + '00' + '00')
    const decoded = decodeAll(AlterClientQuotas.request(0), req)
    expect(decoded.entries[0]!.entity[0]!.entityName).toBeNull()
  })

  // kafka-configs 4.4 against Kafka 4.4.0 (compat/quotas/capture-golden.mjs).
  const golden = [
    ...goldenFrames('describe-client-quotas').map((f) => [f.file, f, DescribeClientQuotas] as const),
    ...goldenFrames('alter-client-quotas').map((f) => [f.file, f, AlterClientQuotas] as const),
  ]
  it('has golden frames of both APIs', () => {
    expect(golden.length).toBeGreaterThanOrEqual(7)
  })
  it.each(golden)('reads and rewrites %s byte for byte', (_file, f, api) => {
    checkGolden(api as typeof DescribeClientQuotas, f)
  })

  it.each([0, 1])('v%i fails cleanly on every truncated prefix', (v) => {
    checkTruncation(DescribeClientQuotas.request(v), encode(DescribeClientQuotas.request(v), { components: [{ entityType: 'user', matchType: 0, match: 'alice' }], strict: true }))
    checkTruncation(AlterClientQuotas.request(v), encode(AlterClientQuotas.request(v), { entries: [{ entity: [{ entityType: 'user', entityName: 'a' }], ops: [{ key: 'producer_byte_rate', value: 5, remove: false }] }], validateOnly: false }))
  })
})
