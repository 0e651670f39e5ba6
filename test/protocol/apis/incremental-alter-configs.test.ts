import { describe, it, expect } from 'vitest'
import { IncrementalAlterConfigs } from '../../../protocol/apis/incremental-alter-configs.js'
import { goldenFrames, checkGolden } from '../../helpers/golden.js'
import { checkRoundTrip, encode, versionsOf } from '../../helpers/codec.js'

describe('IncrementalAlterConfigs', () => {
  it.each(versionsOf(IncrementalAlterConfigs))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      IncrementalAlterConfigs,
      v,
      {
        resources: [
          {
            resourceType: 2,
            resourceName: 'orders',
            configs: [
              { name: 'retention.ms', configOperation: 0, value: '1000' },
              { name: 'cleanup.policy', configOperation: 1, value: null },
              { name: 'follower.replication.throttled.replicas', configOperation: 2, value: '0:1' },
            ],
          },
          { resourceType: 4, resourceName: '', configs: [] },
        ],
        validateOnly: false,
      },
      {
        throttleTimeMs: 0,
        responses: [
          { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' },
          { errorCode: 42, errorMessage: 'Invalid request.', resourceType: 4, resourceName: '' },
        ],
      },
    )
    expect(request.resources[0]!.configs[1]).toEqual({ name: 'cleanup.policy', configOperation: 1, value: null })
    expect(request.resources[0]!.configs[2]!.configOperation).toBe(2)
    expect(request.resources[1]!.configs).toEqual([])
    expect(response.responses[1]!.errorMessage).toBe('Invalid request.')
    expect(response.responses[0]!.errorMessage).toBeNull()
  })

  it('uses compact encodings only in v1', () => {
    const body = { resources: [{ resourceType: 2, resourceName: 'orders', configs: [] }] }
    // v0: array i32 + int8 + string i16 + 6 + array i32 + bool = 4+1+2+6+4+1
    expect(encode(IncrementalAlterConfigs.request(0), body).length).toBe(18)
    // v1: uvarint + int8 + uvarint + 6 + uvarint + struct tags + bool + tags = 1+1+1+6+1+1+1+1
    expect(encode(IncrementalAlterConfigs.request(1), body).length).toBe(13)
  })
})

describe('IncrementalAlterConfigs golden frames', () => {
  const frames = goldenFrames('incremental-alter-configs')
  it.each(frames.map((f) => [f.file, f] as const))('%s decodes and re-encodes byte for byte', (_, frame) => {
    checkGolden(IncrementalAlterConfigs, frame)
  })
})
