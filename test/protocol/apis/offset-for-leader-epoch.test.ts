import { describe, it, expect } from 'vitest'
import { OffsetForLeaderEpoch } from '../../../protocol/apis/offset-for-leader-epoch.js'
import { goldenFrames, checkGolden } from '../../helpers/golden.js'
import { checkRoundTrip, versionsOf } from '../../helpers/codec.js'

describe('OffsetForLeaderEpoch', () => {
  it.each(versionsOf(OffsetForLeaderEpoch))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      OffsetForLeaderEpoch,
      v,
      {
        replicaId: -1,
        topics: [
          {
            topic: 'orders',
            partitions: [
              { partition: 0, currentLeaderEpoch: 7, leaderEpoch: 5 },
              { partition: 1, leaderEpoch: 6 },
            ],
          },
          { topic: 'none', partitions: [] },
        ],
      },
      {
        throttleTimeMs: 2,
        topics: [
          {
            topic: 'orders',
            partitions: [
              { errorCode: 0, partition: 0, leaderEpoch: 5, endOffset: 1234n },
              { errorCode: 74, partition: 1 },
            ],
          },
        ],
      },
    )
    expect(request.replicaId).toBe(v >= 3 ? -1 : -2)
    expect(request.topics[0]!.partitions[0]).toEqual({ partition: 0, currentLeaderEpoch: v >= 2 ? 7 : -1, leaderEpoch: 5 })
    expect(request.topics[0]!.partitions[1]!.currentLeaderEpoch).toBe(-1)
    expect(request.topics[1]!.partitions).toEqual([])
    expect(response.throttleTimeMs).toBe(v >= 2 ? 2 : 0)
    expect(response.topics[0]!.partitions[0]).toEqual({ errorCode: 0, partition: 0, leaderEpoch: v >= 1 ? 5 : -1, endOffset: 1234n })
    expect(response.topics[0]!.partitions[1]).toEqual({ errorCode: 74, partition: 1, leaderEpoch: -1, endOffset: -1n })
  })
})

describe('OffsetForLeaderEpoch golden frames', () => {
  const frames = goldenFrames('offset-for-leader-epoch')
  it.each(frames.map((f) => [f.file, f] as const))('%s decodes and re-encodes byte for byte', (_, frame) => {
    checkGolden(OffsetForLeaderEpoch, frame)
  })
})
