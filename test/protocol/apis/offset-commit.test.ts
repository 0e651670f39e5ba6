import { describe, it, expect } from 'vitest'
import { OffsetCommit } from '../../../protocol/apis/offset-commit.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

describe('OffsetCommit', () => {
  it.each(versionsOf(OffsetCommit))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      OffsetCommit,
      v,
      {
        groupId: 'orders',
        generationIdOrMemberEpoch: 7,
        memberId: 'm-1',
        groupInstanceId: 'static-1',
        retentionTimeMs: 86400000n,
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 3, committedMetadata: null },
              { partitionIndex: 5, committedOffset: 9007199254740993n, committedLeaderEpoch: -1, committedMetadata: 'meta' },
            ],
          },
          { name: 'empty', partitions: [] },
        ],
      },
      {
        throttleTimeMs: 4,
        topics: [
          { name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 5, errorCode: 22 }] },
          { name: 'empty', partitions: [] },
        ],
      },
    )
    expect(request.generationIdOrMemberEpoch).toBe(7)
    expect(request.memberId).toBe('m-1')
    expect(request.groupInstanceId).toBe(v >= 7 ? 'static-1' : null)
    expect(request.retentionTimeMs).toBe(v >= 2 && v <= 4 ? 86400000n : -1n)
    const p0 = request.topics[0]!.partitions[0]!
    expect(p0.committedLeaderEpoch).toBe(v >= 6 ? 3 : -1)
    expect(p0.committedMetadata).toBeNull()
    expect(request.topics[0]!.partitions[1]!.committedOffset).toBe(9007199254740993n)
    expect(request.topics[0]!.partitions[1]!.committedMetadata).toBe('meta')
    expect(request.topics[1]!.partitions).toEqual([])
    expect(response.throttleTimeMs).toBe(v >= 3 ? 4 : 0)
    expect(response.topics[0]!.partitions[1]).toEqual({ partitionIndex: 5, errorCode: 22 })
  })

  it.each(versionsOf(OffsetCommit))('v%i round-trips an empty commit', (v) => {
    const { request, response } = checkRoundTrip(OffsetCommit, v, { groupId: 'g', topics: [] }, { topics: [] })
    expect(request.topics).toEqual([])
    expect(response.topics).toEqual([])
  })

  it('places v2-4 retentionTimeMs after the member id, before the topics', () => {
    const bytes = encode(OffsetCommit.request(2), { groupId: 'g', generationIdOrMemberEpoch: 1, memberId: 'm', retentionTimeMs: -1n, topics: [] })
    expect(bytes.toString('hex')).toBe('000167' + '00000001' + '00016d' + 'ffffffffffffffff' + '00000000')
  })

  it('skips unknown tagged fields in flexible versions', () => {
    for (let v = 8; v <= 9; v++) {
      const bytes = encode(OffsetCommit.request(v), { groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }] })
      const tagged = Buffer.concat([bytes.subarray(0, -1), Buffer.from([1, 9, 2, 0xab, 0xcd])])
      expect(decodeAll(OffsetCommit.request(v), tagged)).toEqual(decodeAll(OffsetCommit.request(v), bytes))
    }
  })
})

// v10 (KIP-848) swaps the topic name for its id, in the request and the response.
describe('OffsetCommit topic ids', () => {
  const ID = 'kT3DnzY6Rf6wO6y3Lw5b2A'
  const req = { groupId: 'g', generationIdOrMemberEpoch: 1, memberId: 'm', topics: [{ name: 'orders', topicId: ID, partitions: [{ partitionIndex: 2, committedOffset: 3n, committedMetadata: '' }] }] }
  const res = { topics: [{ name: 'orders', topicId: ID, partitions: [{ partitionIndex: 2, errorCode: 100 }] }] }

  it.each([9, 10])('v%i carries the name before v10 and the id from v10', (v) => {
    const { request, response } = checkRoundTrip(OffsetCommit, v, req, res)
    for (const t of [request.topics[0]!, response.topics[0]!]) {
      expect([t.name, t.topicId]).toEqual(v >= 10 ? ['', ID] : ['orders', 'AAAAAAAAAAAAAAAAAAAAAA'])
    }
  })

  it('v10 writes the 16 id bytes where v9 wrote the name', () => {
    const hex = encode(OffsetCommit.request(10), req).toString('hex')
    expect(hex).toContain('02' + Buffer.from(ID, 'base64url').toString('hex') + '02' + '00000002')
    expect(hex).not.toContain(Buffer.from('orders').toString('hex'))
  })

  it('the Java 4.4 and franz-go v10 golden frames name a real topic id both ways', () => {
    const frames = goldenFrames('offset-commit').filter((f) => f.apiVersion === 10)
    expect(frames.map((f) => f.client).sort()).toEqual(['franz-go-1.22.2', 'java-4.4.0'])
    for (const f of frames) {
      const { request, response } = checkGolden(OffsetCommit, f)
      expect(request.topics.length).toBeGreaterThan(0)
      for (const t of request.topics) expect([t.name, t.topicId === 'AAAAAAAAAAAAAAAAAAAAAA']).toEqual(['', false])
      expect(response!.topics.map((t) => t.topicId)).toEqual(request.topics.map((t) => t.topicId))
    }
  })
})

describe('OffsetCommit golden frames', () => {
  it.each(goldenFrames('offset-commit').map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request, response } = checkGolden(OffsetCommit, f)
    expect(request.topics.length).toBeGreaterThan(0)
    expect(response!.topics.map((t) => t.name)).toEqual(request.topics.map((t) => t.name))
  })
})
