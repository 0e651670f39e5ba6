import { describe, it, expect } from 'vitest'
import { ListPartitionReassignments } from '../../../protocol/apis/list-partition-reassignments.js'
import { goldenFrames, checkGolden } from '../../helpers/golden.js'
import { checkRoundTrip, versionsOf } from '../../helpers/codec.js'

describe('ListPartitionReassignments', () => {
  it.each(versionsOf(ListPartitionReassignments))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      ListPartitionReassignments,
      v,
      {
        timeoutMs: 30000,
        topics: [
          { name: 'orders', partitionIndexes: [0, 2] },
          { name: 'none', partitionIndexes: [] },
        ],
      },
      {
        throttleTimeMs: 4,
        errorCode: 0,
        errorMessage: null,
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, replicas: [1, 2, 3], addingReplicas: [3], removingReplicas: [1] },
              { partitionIndex: 2, replicas: [2], addingReplicas: [], removingReplicas: [] },
            ],
          },
        ],
      },
    )
    expect(request.timeoutMs).toBe(30000)
    expect(request.topics).toEqual([
      { name: 'orders', partitionIndexes: [0, 2] },
      { name: 'none', partitionIndexes: [] },
    ])
    expect(response.errorMessage).toBeNull()
    expect(response.topics[0]!.partitions[0]).toEqual({ partitionIndex: 0, replicas: [1, 2, 3], addingReplicas: [3], removingReplicas: [1] })
  })

  it.each(versionsOf(ListPartitionReassignments))('v%i defaults to every topic', (v) => {
    const { request, response } = checkRoundTrip(ListPartitionReassignments, v, {}, { errorCode: 41, errorMessage: 'Not controller.' })
    expect(request.topics).toBeNull()
    expect(request.timeoutMs).toBe(60000)
    expect(response.topics).toEqual([])
    expect(response.errorMessage).toBe('Not controller.')
  })
})

describe('ListPartitionReassignments golden frames', () => {
  const frames = goldenFrames('list-partition-reassignments')
  it.each(frames.map((f) => [f.file, f] as const))('%s decodes and re-encodes byte for byte', (_, frame) => {
    checkGolden(ListPartitionReassignments, frame)
  })
})
