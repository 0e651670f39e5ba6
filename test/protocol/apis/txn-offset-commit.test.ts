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

// v6 (KIP-1319) swaps the topic name for its id, in the request and the response.
describe('TxnOffsetCommit topic ids', () => {
  const ID = 'kT3DnzY6Rf6wO6y3Lw5b2A'
  const req = { transactionalId: 't', groupId: 'g', producerId: 1n, producerEpoch: 0, topics: [{ name: 'orders', topicId: ID, partitions: [{ partitionIndex: 2, committedOffset: 3n, committedMetadata: '' }] }] }
  const res = { topics: [{ name: 'orders', topicId: ID, partitions: [{ partitionIndex: 2, errorCode: 100 }] }] }

  it.each([5, 6])('v%i carries the name before v6 and the id from v6', (v) => {
    const { request, response } = checkRoundTrip(TxnOffsetCommit, v, req, res)
    for (const t of [request.topics[0]!, response.topics[0]!]) {
      expect([t.name, t.topicId]).toEqual(v >= 6 ? ['', ID] : ['orders', 'AAAAAAAAAAAAAAAAAAAAAA'])
    }
  })

  it('the Java 4.4 and franz-go v6 golden frames name a real topic id both ways', () => {
    const frames = goldenFrames('txn-offset-commit').filter((f) => f.apiVersion === 6)
    expect(frames.map((f) => f.client).sort()).toEqual(['franz-go-1.22.2', 'java-4.4.0'])
    for (const f of frames) {
      const { request, response } = checkGolden(TxnOffsetCommit, f)
      expect(request.topics.length).toBeGreaterThan(0)
      for (const t of request.topics) expect([t.name, t.topicId === 'AAAAAAAAAAAAAAAAAAAAAA']).toEqual(['', false])
      expect(response!.topics.map((t) => t.topicId).sort()).toEqual(request.topics.map((t) => t.topicId).sort())
    }
  })
})

describe('TxnOffsetCommit golden frames', () => {
  it.each(goldenFrames('txn-offset-commit').map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request } = checkGolden(TxnOffsetCommit, f)
    expect(request.topics.length).toBeGreaterThan(0)
  })
})
