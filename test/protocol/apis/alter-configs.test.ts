import { describe, it, expect } from 'vitest'
import { AlterConfigs } from '../../../protocol/apis/alter-configs.js'
import { goldenFrames, checkGolden } from '../../helpers/golden.js'
import { checkRoundTrip, versionsOf } from '../../helpers/codec.js'

describe('AlterConfigs', () => {
  it.each(versionsOf(AlterConfigs))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      AlterConfigs,
      v,
      {
        resources: [
          {
            resourceType: 2,
            resourceName: 'orders',
            configs: [
              { name: 'retention.ms', value: '1000' },
              { name: 'cleanup.policy', value: null },
            ],
          },
          { resourceType: 4, resourceName: '1', configs: [] },
        ],
        validateOnly: true,
      },
      {
        throttleTimeMs: 3,
        responses: [
          { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' },
          { errorCode: 40, errorMessage: 'Invalid config.', resourceType: 4, resourceName: '1' },
        ],
      },
    )
    expect(request.resources[0]!.configs).toEqual([
      { name: 'retention.ms', value: '1000' },
      { name: 'cleanup.policy', value: null },
    ])
    expect(request.resources[1]!.configs).toEqual([])
    expect(request.validateOnly).toBe(true)
    expect(response.responses[0]!.errorMessage).toBeNull()
    expect(response.responses[1]).toEqual({ errorCode: 40, errorMessage: 'Invalid config.', resourceType: 4, resourceName: '1' })
    expect(AlterConfigs.isFlexible(v)).toBe(v >= 2)
  })
})

describe('AlterConfigs golden frames', () => {
  const frames = goldenFrames('alter-configs')
  it.each(frames.map((f) => [f.file, f] as const))('%s decodes and re-encodes byte for byte', (_, frame) => {
    checkGolden(AlterConfigs, frame)
  })
})
