import { describe, it, expect } from 'vitest'
import { ListOffsets } from '../../../protocol/apis/list-offsets.js'
import { goldenFrames, checkGolden } from '../../helpers/golden.js'
import { checkRoundTrip, versionsOf } from '../../helpers/codec.js'

describe('ListOffsets', () => {
  it.each(versionsOf(ListOffsets))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      ListOffsets,
      v,
      {
        replicaId: -1,
        isolationLevel: 1,
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, currentLeaderEpoch: 5, timestamp: -2n },
              { partitionIndex: 1, timestamp: 1700000000000n },
            ],
          },
          { name: 'none', partitions: [] },
        ],
        timeoutMs: 2500,
      },
      {
        throttleTimeMs: 8,
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, errorCode: 0, timestamp: 1700000000123n, offset: 12n, leaderEpoch: 5 },
              { partitionIndex: 1, errorCode: 3 },
            ],
          },
        ],
      },
    )
    expect(request.replicaId).toBe(-1)
    expect(request.isolationLevel).toBe(v >= 2 ? 1 : 0)
    const p = request.topics[0]!.partitions[0]!
    expect(p.timestamp).toBe(-2n)
    expect(p.currentLeaderEpoch).toBe(v >= 4 ? 5 : -1)
    expect(request.topics[1]!.partitions).toEqual([])
    expect(request.timeoutMs).toBe(v >= 10 ? 2500 : 0)

    const r = response.topics[0]!.partitions[0]!
    expect(response.throttleTimeMs).toBe(v >= 2 ? 8 : 0)
    expect(r.timestamp).toBe(1700000000123n)
    expect(r.offset).toBe(12n)
    expect(r.leaderEpoch).toBe(v >= 4 ? 5 : -1)
    expect(response.topics[0]!.partitions[1]!.errorCode).toBe(3)
    expect(response.topics[0]!.partitions[1]!.offset).toBe(-1n)
  })
})

describe('ListOffsets golden frames', () => {
  const frames = goldenFrames('list-offsets')
  it.each(frames.map((f) => [f.file, f] as const))('%s decodes and re-encodes byte for byte', (_, frame) => {
    checkGolden(ListOffsets, frame)
  })
})
