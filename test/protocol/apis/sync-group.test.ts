import { describe, it, expect } from 'vitest'
import { SyncGroup } from '../../../protocol/apis/sync-group.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

const assignment = Buffer.from('0001000000010006orders0000000200000000000000010000ffffffff', 'hex')

describe('SyncGroup', () => {
  it.each(versionsOf(SyncGroup))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      SyncGroup,
      v,
      {
        groupId: 'orders',
        generationId: 5,
        memberId: 'm-1',
        groupInstanceId: 'i-1',
        protocolType: 'consumer',
        protocolName: 'range',
        assignments: [
          { memberId: 'm-1', assignment },
          { memberId: 'm-2', assignment: Buffer.alloc(0) },
        ],
      },
      { throttleTimeMs: 3, errorCode: 27, protocolType: null, protocolName: 'range', assignment },
    )
    expect(request.generationId).toBe(5)
    expect(request.groupInstanceId).toBe(v >= 3 ? 'i-1' : null)
    expect(request.protocolType).toBe(v >= 5 ? 'consumer' : null)
    expect(request.protocolName).toBe(v >= 5 ? 'range' : null)
    expect(request.assignments.map((a) => a.memberId)).toEqual(['m-1', 'm-2'])
    expect(request.assignments[0]!.assignment.equals(assignment)).toBe(true)
    expect(response.throttleTimeMs).toBe(v >= 1 ? 3 : 0)
    expect(response.errorCode).toBe(27)
    expect(response.protocolType).toBeNull()
    expect(response.protocolName).toBe(v >= 5 ? 'range' : null)
    expect(response.assignment.equals(assignment)).toBe(true)
  })

  it.each(versionsOf(SyncGroup))('v%i round-trips a follower sync (no assignments)', (v) => {
    const { request, response } = checkRoundTrip(SyncGroup, v, { groupId: 'g', generationId: 1, memberId: 'm', assignments: [] }, { assignment: Buffer.alloc(0) })
    expect(request.assignments).toEqual([])
    expect(response.assignment.length).toBe(0)
  })

  it('skips unknown tagged fields in flexible versions', () => {
    for (let v = 4; v <= 5; v++) {
      const bytes = encode(SyncGroup.request(v), { groupId: 'g', assignments: [{ memberId: 'm' }] })
      const tagged = Buffer.concat([bytes.subarray(0, -1), Buffer.from([1, 9, 2, 0xab, 0xcd])])
      expect(decodeAll(SyncGroup.request(v), tagged)).toEqual(decodeAll(SyncGroup.request(v), bytes))
    }
  })
})

describe('SyncGroup golden frames', () => {
  it.each(goldenFrames('sync-group').map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request, response } = checkGolden(SyncGroup, f)
    expect(request.generationId).toBeGreaterThan(0)
    expect(response!.errorCode).toBe(0)
  })
})
