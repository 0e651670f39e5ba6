import { describe, it, expect } from 'vitest'
import { OffsetFetch } from '../../../protocol/apis/offset-fetch.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

describe('OffsetFetch', () => {
  it.each(versionsOf(OffsetFetch))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      OffsetFetch,
      v,
      {
        groupId: 'orders',
        topics: [
          { name: 'orders', partitionIndexes: [0, 1, 2] },
          { name: 'none', partitionIndexes: [] },
        ],
        groups: [
          { groupId: 'orders', memberId: 'm-1', memberEpoch: 5, topics: [{ name: 'orders', partitionIndexes: [0, 2] }] },
          { groupId: 'all-topics', memberId: null, memberEpoch: -1, topics: null },
          { groupId: 'no-topics', topics: [] },
        ],
        requireStable: true,
      },
      {
        throttleTimeMs: 8,
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 2, metadata: null, errorCode: 0 },
              { partitionIndex: 1, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: 3 },
            ],
          },
        ],
        errorCode: 14,
        groups: [
          {
            groupId: 'orders',
            topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 2, metadata: null, errorCode: 0 }] }],
            errorCode: 0,
          },
          { groupId: 'missing', topics: [], errorCode: 69 },
        ],
      },
    )
    expect(request.groupId).toBe(v <= 7 ? 'orders' : '')
    expect(request.topics).toEqual(v <= 7 ? [{ name: 'orders', partitionIndexes: [0, 1, 2] }, { name: 'none', partitionIndexes: [] }] : [])
    expect(request.requireStable).toBe(v >= 7)
    expect(request.groups.length).toBe(v >= 8 ? 3 : 0)
    if (v >= 8) {
      expect(request.groups[0]!.memberId).toBe(v >= 9 ? 'm-1' : null)
      expect(request.groups[0]!.memberEpoch).toBe(v >= 9 ? 5 : -1)
      expect(request.groups[1]!.topics).toBeNull()
      expect(request.groups[2]!.topics).toEqual([])
      expect(response.groups[0]!.topics[0]!.partitions[0]!.metadata).toBeNull()
      expect(response.groups[1]!.errorCode).toBe(69)
      expect(response.topics).toEqual([])
    } else {
      expect(response.groups).toEqual([])
      const p = response.topics[0]!.partitions
      expect(p[0]!.committedLeaderEpoch).toBe(v >= 5 ? 2 : -1)
      expect(p[0]!.metadata).toBeNull()
      expect(p[1]!.committedOffset).toBe(-1n)
      expect(p[1]!.errorCode).toBe(3)
    }
    expect(response.throttleTimeMs).toBe(v >= 3 ? 8 : 0)
    expect(response.errorCode).toBe(v >= 2 && v <= 7 ? 14 : 0)
  })

  it.each([2, 3, 4, 5, 6, 7])('v%i round-trips null topics (all committed offsets)', (v) => {
    const { request } = checkRoundTrip(OffsetFetch, v, { groupId: 'g', topics: null }, { topics: [] })
    expect(request.topics).toBeNull()
  })

  it.each([1])('v%i cannot express null topics and writes an empty list', (v) => {
    const req = decodeAll(OffsetFetch.request(v), encode(OffsetFetch.request(v), { groupId: 'g', topics: null }))
    expect(req.topics).toEqual([])
  })

  it('skips unknown tagged fields in flexible versions', () => {
    for (let v = 6; v <= 9; v++) {
      const bytes = encode(OffsetFetch.request(v), { groupId: 'g', groups: [{ groupId: 'g', topics: null }] })
      const tagged = Buffer.concat([bytes.subarray(0, -1), Buffer.from([1, 9, 2, 0xab, 0xcd])])
      expect(decodeAll(OffsetFetch.request(v), tagged)).toEqual(decodeAll(OffsetFetch.request(v), bytes))
    }
  })
})

// v10 (KIP-848) swaps the topic name for its id inside each group, in the request and the response.
describe('OffsetFetch topic ids', () => {
  const ID = 'kT3DnzY6Rf6wO6y3Lw5b2A'
  const req = { groups: [{ groupId: 'g', memberId: null, memberEpoch: -1, topics: [{ name: 'orders', topicId: ID, partitionIndexes: [2] }] }], requireStable: true }
  const res = { groups: [{ groupId: 'g', topics: [{ name: 'orders', topicId: ID, partitions: [{ partitionIndex: 2, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: 100 }] }], errorCode: 0 }] }

  it.each([9, 10])('v%i carries the name before v10 and the id from v10', (v) => {
    const { request, response } = checkRoundTrip(OffsetFetch, v, req, res)
    for (const t of [request.groups[0]!.topics![0]!, response.groups[0]!.topics[0]!]) {
      expect([t.name, t.topicId]).toEqual(v >= 10 ? ['', ID] : ['orders', 'AAAAAAAAAAAAAAAAAAAAAA'])
    }
  })

  it('v10 keeps null topics (every committed offset)', () => {
    const { request } = checkRoundTrip(OffsetFetch, 10, { groups: [{ groupId: 'g', topics: null }] }, { groups: [] })
    expect(request.groups[0]!.topics).toBeNull()
  })

  it('the Java 4.4 and franz-go v10 golden frames decode, and answers name topics by id', () => {
    const frames = goldenFrames('offset-fetch').filter((f) => f.apiVersion === 10)
    expect(frames.map((f) => f.client).sort()).toEqual(['franz-go-1.22.2', 'java-4.4.0'])
    for (const f of frames) {
      const { response } = checkGolden(OffsetFetch, f)
      for (const t of response!.groups.flatMap((g) => g.topics)) expect([t.name, t.topicId === 'AAAAAAAAAAAAAAAAAAAAAA']).toEqual(['', false])
    }
  })
})

describe('OffsetFetch golden frames', () => {
  it.each(goldenFrames('offset-fetch').map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request, response } = checkGolden(OffsetFetch, f)
    if (f.apiVersion >= 8) {
      expect(request.groups.length).toBeGreaterThan(0)
      expect(response!.groups.map((g) => g.groupId)).toEqual(request.groups.map((g) => g.groupId))
    } else {
      expect(request.groupId).not.toBe('')
    }
  })
})
