import { describe, it, expect } from 'vitest'
import { DescribeConfigs } from '../../../protocol/apis/describe-configs.js'
import { goldenFrames, checkGolden } from '../../helpers/golden.js'
import { checkRoundTrip, versionsOf } from '../../helpers/codec.js'

describe('DescribeConfigs', () => {
  it.each(versionsOf(DescribeConfigs))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      DescribeConfigs,
      v,
      {
        resources: [
          { resourceType: 2, resourceName: 'orders', configurationKeys: ['retention.ms', 'cleanup.policy'] },
          { resourceType: 4, resourceName: '1', configurationKeys: null },
          { resourceType: 2, resourceName: 'none', configurationKeys: [] },
        ],
        includeSynonyms: true,
        includeDocumentation: true,
      },
      {
        throttleTimeMs: 9,
        results: [
          {
            errorCode: 0,
            errorMessage: null,
            resourceType: 2,
            resourceName: 'orders',
            configs: [
              {
                name: 'retention.ms',
                value: '604800000',
                readOnly: false,
                configSource: 5,
                isSensitive: false,
                synonyms: [
                  { name: 'log.retention.ms', value: null, source: 4 },
                  { name: 'log.retention.hours', value: '168', source: 5 },
                ],
                configType: 5,
                documentation: 'How long to keep a log.',
              },
              { name: 'ssl.key.password', value: null, readOnly: true, isSensitive: true, synonyms: [], documentation: null },
            ],
          },
          { errorCode: 3, errorMessage: 'Unknown topic.', resourceType: 2, resourceName: 'gone', configs: [] },
        ],
      },
    )
    expect(request.resources[0]!.configurationKeys).toEqual(['retention.ms', 'cleanup.policy'])
    expect(request.resources[1]!.configurationKeys).toBeNull()
    expect(request.resources[2]!.configurationKeys).toEqual([])
    expect(request.includeSynonyms).toBe(true)
    expect(request.includeDocumentation).toBe(v >= 3)

    const c = response.results[0]!.configs[0]!
    expect(response.throttleTimeMs).toBe(9)
    expect(response.results[0]!.errorMessage).toBeNull()
    expect(response.results[1]!.errorMessage).toBe('Unknown topic.')
    expect(c.value).toBe('604800000')
    expect(c.configSource).toBe(5)
    expect(c.synonyms).toEqual([
      { name: 'log.retention.ms', value: null, source: 4 },
      { name: 'log.retention.hours', value: '168', source: 5 },
    ])
    expect(c.configType).toBe(v >= 3 ? 5 : 0)
    expect(c.documentation).toBe(v >= 3 ? 'How long to keep a log.' : '')
    expect(response.results[0]!.configs[1]!.value).toBeNull()
    expect(response.results[0]!.configs[1]!.documentation).toBe(v >= 3 ? null : '')
  })
})

describe('DescribeConfigs golden frames', () => {
  const frames = goldenFrames('describe-configs')
  it.each(frames.map((f) => [f.file, f] as const))('%s decodes and re-encodes byte for byte', (_, frame) => {
    checkGolden(DescribeConfigs, frame)
  })
})
