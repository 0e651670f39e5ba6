import { describe, expect, it } from 'vitest'
import { ListConfigResources } from '../../../protocol/apis/list-config-resources.js'
import { checkRoundTrip, encode, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

describe('ListConfigResources', () => {
  it.each(versionsOf(ListConfigResources))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      ListConfigResources,
      v,
      { resourceTypes: [2, 4, 32] },
      { throttleTimeMs: 3, errorCode: 0, configResources: [{ resourceName: 'orders', resourceType: 2 }, { resourceName: '1', resourceType: 4 }] },
    )
    // v0 (ListClientMetricsResources) has no types: every resource is a client-metrics one (16)
    expect(request.resourceTypes).toEqual(v >= 1 ? [2, 4, 32] : [])
    expect(response.configResources).toEqual([{ resourceName: 'orders', resourceType: v >= 1 ? 2 : 16 }, { resourceName: '1', resourceType: v >= 1 ? 4 : 16 }])
  })

  it('is flexible from v0: compact arrays and strings, tag sections', () => {
    expect(encode(ListConfigResources.request(0), {}).toString('hex')).toBe('00')
    expect(encode(ListConfigResources.request(1), { resourceTypes: [2, 32] }).toString('hex')).toBe('03' + '02' + '20' + '00')
    expect(encode(ListConfigResources.response(1), { throttleTimeMs: 0, errorCode: 0, configResources: [{ resourceName: 't', resourceType: 2 }] }).toString('hex'))
      .toBe('00000000' + '0000' + '02' + '0274' + '02' + '00' + '00')
  })
})

// kafka-client-metrics --list asks for CLIENT_METRICS (16), kafka-configs --describe --entity-type
// groups for GROUP (32); Kafka 4.4.0 had none of either.
describe('ListConfigResources golden frames', () => {
  const frames = goldenFrames('list-config-resources')
  it.each(frames.map((f) => [f.file, f] as const))('%s decodes and re-encodes byte for byte', (_file, f) => {
    const { request, response } = checkGolden(ListConfigResources, f)
    expect(request.resourceTypes).toEqual([f.label === 'groups' ? 32 : 16])
    expect(response).toEqual({ throttleTimeMs: 0, errorCode: 0, configResources: [] })
  })
  it('has both tools\' frames', () => expect(frames.length).toBe(2))
})
