import { describe, it, expect } from 'vitest'
import { TxnOffsetCommit } from '../../../protocol/apis/txn-offset-commit.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

describe('TxnOffsetCommit', () => {
  it.each(versionsOf(TxnOffsetCommit))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      TxnOffsetCommit,
      v,
      {
        transactionalId: 'tx-1',
        groupId: 'orders',
        producerId: 77n,
        producerEpoch: 4,
        generationId: 9,
        memberId: 'm-1',
        groupInstanceId: 'static-1',
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, committedOffset: 100n, committedLeaderEpoch: 6, committedMetadata: null },
              { partitionIndex: 1, committedOffset: 0n, committedLeaderEpoch: -1, committedMetadata: 'm' },
            ],
          },
          { name: 'empty', partitions: [] },
        ],
      },
      {
        throttleTimeMs: 3,
        topics: [
          { name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 53 }] },
          { name: 'empty', partitions: [] },
        ],
      },
    )
    expect(request.producerId).toBe(77n)
    expect(request.generationId).toBe(v >= 3 ? 9 : -1)
    expect(request.memberId).toBe(v >= 3 ? 'm-1' : '')
    expect(request.groupInstanceId).toBe(v >= 3 ? 'static-1' : null)
    expect(request.topics[0]!.partitions[0]!.committedLeaderEpoch).toBe(v >= 2 ? 6 : -1)
    expect(request.topics[0]!.partitions[0]!.committedMetadata).toBeNull()
    expect(request.topics[0]!.partitions[1]!.committedMetadata).toBe('m')
    expect(request.topics[1]!.partitions).toEqual([])
    expect(response.throttleTimeMs).toBe(3)
    expect(response.topics[0]!.partitions[1]!.errorCode).toBe(53)
  })

  it.each(versionsOf(TxnOffsetCommit))('v%i round-trips empty lists', (v) => {
    const { request, response } = checkRoundTrip(TxnOffsetCommit, v, { transactionalId: 't', groupId: 'g', topics: [] }, { topics: [] })
    expect(request.topics).toEqual([])
    expect(response.topics).toEqual([])
  })

  it('skips unknown tagged fields in flexible versions', () => {
    for (let v = 3; v <= 5; v++) {
      const bytes = encode(TxnOffsetCommit.request(v), { transactionalId: 't', groupId: 'g', topics: [{ name: 'x', partitions: [{ partitionIndex: 1 }] }] })
      const tagged = Buffer.concat([bytes.subarray(0, -1), Buffer.from([1, 9, 2, 0xab, 0xcd])])
      expect(decodeAll(TxnOffsetCommit.request(v), tagged)).toEqual(decodeAll(TxnOffsetCommit.request(v), bytes))
    }
  })
})

describe('TxnOffsetCommit golden frames', () => {
  it.each(goldenFrames('txn-offset-commit').map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request } = checkGolden(TxnOffsetCommit, f)
    expect(request.topics.length).toBeGreaterThan(0)
  })
})
