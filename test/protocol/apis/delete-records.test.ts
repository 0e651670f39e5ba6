import { describe, it, expect } from 'vitest'
import { DeleteRecords } from '../../../protocol/apis/delete-records.js'
import { goldenFrames, checkGolden } from '../../helpers/golden.js'
import { checkRoundTrip, versionsOf } from '../../helpers/codec.js'

describe('DeleteRecords', () => {
  it.each(versionsOf(DeleteRecords))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      DeleteRecords,
      v,
      {
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, offset: 120n },
              { partitionIndex: 1, offset: -1n },
            ],
          },
          { name: 'none', partitions: [] },
        ],
        timeoutMs: 5000,
      },
      {
        throttleTimeMs: 1,
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, lowWatermark: 120n, errorCode: 0 },
              { partitionIndex: 1, lowWatermark: -1n, errorCode: 1 },
            ],
          },
        ],
      },
    )
    expect(request.topics[0]!.partitions[1]).toEqual({ partitionIndex: 1, offset: -1n })
    expect(request.topics[1]!.partitions).toEqual([])
    expect(request.timeoutMs).toBe(5000)
    expect(response.topics[0]!.partitions[0]!.lowWatermark).toBe(120n)
    expect(response.topics[0]!.partitions[1]!.errorCode).toBe(1)
    expect(DeleteRecords.isFlexible(v)).toBe(v >= 2)
  })
})

describe('DeleteRecords golden frames', () => {
  const frames = goldenFrames('delete-records')
  it.each(frames.map((f) => [f.file, f] as const))('%s decodes and re-encodes byte for byte', (_, frame) => {
    checkGolden(DeleteRecords, frame)
  })
})
