import { describe, it, expect } from 'vitest'
import { OffsetDelete } from '../../../protocol/apis/offset-delete.js'
import { checkRoundTrip, encode, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

describe('OffsetDelete', () => {
  it.each(versionsOf(OffsetDelete))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      OffsetDelete,
      v,
      {
        groupId: 'orders',
        topics: [
          { name: 'orders', partitions: [{ partitionIndex: 0 }, { partitionIndex: 3 }] },
          { name: 'empty', partitions: [] },
        ],
      },
      {
        errorCode: 0,
        throttleTimeMs: 12,
        topics: [
          { name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 3, errorCode: 86 }] },
          { name: 'empty', partitions: [] },
        ],
      },
    )
    expect(request.topics[0]!.partitions.map((p) => p.partitionIndex)).toEqual([0, 3])
    expect(request.topics[1]!.partitions).toEqual([])
    expect(response.throttleTimeMs).toBe(12)
    expect(response.topics[0]!.partitions[1]!.errorCode).toBe(86)
  })

  it('round-trips an empty request and a group-level error', () => {
    const { response } = checkRoundTrip(OffsetDelete, 0, { groupId: 'g', topics: [] }, { errorCode: 69, topics: [] })
    expect(response.errorCode).toBe(69)
  })

  it('writes the response errorCode before throttleTimeMs', () => {
    expect(encode(OffsetDelete.response(0), { errorCode: 69, throttleTimeMs: 1, topics: [] }).toString('hex')).toBe('0045' + '00000001' + '00000000')
  })
})

describe('OffsetDelete golden frames', () => {
  it.each(goldenFrames('offset-delete').map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request } = checkGolden(OffsetDelete, f)
    expect(request.topics.length).toBeGreaterThan(0)
  })
})
