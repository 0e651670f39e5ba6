import { describe, it, expect } from 'vitest'
import { CreatePartitions } from '../../../protocol/apis/create-partitions.js'
import { goldenFrames, checkGolden } from '../../helpers/golden.js'
import { checkRoundTrip, versionsOf } from '../../helpers/codec.js'

describe('CreatePartitions', () => {
  it.each(versionsOf(CreatePartitions))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      CreatePartitions,
      v,
      {
        topics: [
          { name: 'orders', count: 6, assignments: [{ brokerIds: [1, 2] }, { brokerIds: [] }] },
          { name: 'auto', count: 2, assignments: null },
          { name: 'empty', count: 1, assignments: [] },
        ],
        timeoutMs: 10000,
        validateOnly: true,
      },
      {
        throttleTimeMs: 2,
        results: [
          { name: 'orders', errorCode: 0, errorMessage: null },
          { name: 'auto', errorCode: 37, errorMessage: 'Number of partitions must be larger.' },
        ],
      },
    )
    expect(request.topics[0]!.assignments).toEqual([{ brokerIds: [1, 2] }, { brokerIds: [] }])
    expect(request.topics[1]!.assignments).toBeNull()
    expect(request.topics[2]!.assignments).toEqual([])
    expect(request.validateOnly).toBe(true)
    expect(response.throttleTimeMs).toBe(2)
    expect(response.results[0]!.errorMessage).toBeNull()
    expect(response.results[1]).toEqual({ name: 'auto', errorCode: 37, errorMessage: 'Number of partitions must be larger.' })
    expect(CreatePartitions.isFlexible(v)).toBe(v >= 2)
  })
})

describe('CreatePartitions golden frames', () => {
  const frames = goldenFrames('create-partitions')
  it.each(frames.map((f) => [f.file, f] as const))('%s decodes and re-encodes byte for byte', (_, frame) => {
    checkGolden(CreatePartitions, frame)
  })
})
