import { describe, it, expect } from 'vitest'
import { LeaveGroup } from '../../../protocol/apis/leave-group.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

describe('LeaveGroup', () => {
  it.each(versionsOf(LeaveGroup))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      LeaveGroup,
      v,
      {
        groupId: 'orders',
        memberId: 'legacy-member',
        members: [
          { memberId: 'm-1', groupInstanceId: null, reason: 'shutting down' },
          { memberId: '', groupInstanceId: 'static-2', reason: null },
        ],
      },
      {
        throttleTimeMs: 9,
        errorCode: 25,
        members: [
          { memberId: 'm-1', groupInstanceId: null, errorCode: 0 },
          { memberId: '', groupInstanceId: 'static-2', errorCode: 82 },
        ],
      },
    )
    expect(request.memberId).toBe(v <= 2 ? 'legacy-member' : '')
    expect(request.members.length).toBe(v >= 3 ? 2 : 0)
    if (v >= 3) {
      expect(request.members[0]!.reason).toBe(v >= 5 ? 'shutting down' : null)
      expect(request.members[1]!.groupInstanceId).toBe('static-2')
      expect(response.members[0]!.groupInstanceId).toBeNull()
      expect(response.members[1]!.errorCode).toBe(82)
    } else {
      expect(response.members).toEqual([])
    }
    expect(response.throttleTimeMs).toBe(v >= 1 ? 9 : 0)
    expect(response.errorCode).toBe(25)
  })

  it.each(versionsOf(LeaveGroup))('v%i round-trips empty member lists', (v) => {
    const { request, response } = checkRoundTrip(LeaveGroup, v, { groupId: 'g', members: [] }, { members: [] })
    expect(request.members).toEqual([])
    expect(response.members).toEqual([])
  })

  it('defaults a response member groupInstanceId to "" as Kafka does', () => {
    const res = decodeAll(LeaveGroup.response(3), encode(LeaveGroup.response(3), { members: [{ memberId: 'm' }] }))
    expect(res.members[0]!.groupInstanceId).toBe('')
  })

  it('skips unknown tagged fields in flexible versions', () => {
    for (let v = 4; v <= 5; v++) {
      const bytes = encode(LeaveGroup.request(v), { groupId: 'g', members: [{ memberId: 'm' }] })
      const tagged = Buffer.concat([bytes.subarray(0, -1), Buffer.from([1, 9, 2, 0xab, 0xcd])])
      expect(decodeAll(LeaveGroup.request(v), tagged)).toEqual(decodeAll(LeaveGroup.request(v), bytes))
    }
  })
})

describe('LeaveGroup golden frames', () => {
  it.each(goldenFrames('leave-group').map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request } = checkGolden(LeaveGroup, f)
    if (f.apiVersion >= 3) expect(request.members.length).toBeGreaterThan(0)
    else expect(request.memberId).not.toBe('')
  })
})
