import { describe, it, expect } from 'vitest'
import { DescribeGroups } from '../../../protocol/apis/describe-groups.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

describe('DescribeGroups', () => {
  it.each(versionsOf(DescribeGroups))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      DescribeGroups,
      v,
      { groups: ['orders', 'payments'], includeAuthorizedOperations: true },
      {
        throttleTimeMs: 2,
        groups: [
          {
            errorCode: 0,
            errorMessage: null,
            groupId: 'orders',
            groupState: 'Stable',
            protocolType: 'consumer',
            protocolData: 'range',
            members: [
              {
                memberId: 'm-1',
                groupInstanceId: 'static-1',
                clientId: 'rdkafka',
                clientHost: '/127.0.0.1',
                memberMetadata: Buffer.from([0, 1, 2]),
                memberAssignment: Buffer.from([3, 4]),
              },
              { memberId: 'm-2', groupInstanceId: null, clientId: 'kgo', clientHost: '/::1', memberMetadata: Buffer.alloc(0), memberAssignment: Buffer.alloc(0) },
            ],
            authorizedOperations: 0x0ff8,
          },
          {
            errorCode: 69,
            errorMessage: 'group not found',
            groupId: 'payments',
            groupState: 'Dead',
            protocolType: '',
            protocolData: '',
            members: [],
          },
        ],
      },
    )
    expect(request.groups).toEqual(['orders', 'payments'])
    expect(request.includeAuthorizedOperations).toBe(v >= 3)
    expect(response.throttleTimeMs).toBe(v >= 1 ? 2 : 0)
    const [g0, g1] = response.groups
    expect(g0!.members[0]!.groupInstanceId).toBe(v >= 4 ? 'static-1' : null)
    expect(g0!.members[0]!.memberAssignment.equals(Buffer.from([3, 4]))).toBe(true)
    expect(g0!.members[1]!.groupInstanceId).toBeNull()
    expect(g0!.authorizedOperations).toBe(v >= 3 ? 0x0ff8 : -2147483648)
    expect(g1!.errorMessage).toBe(v >= 6 ? 'group not found' : null)
    expect(g1!.authorizedOperations).toBe(-2147483648)
    expect(g1!.members).toEqual([])
  })

  it.each(versionsOf(DescribeGroups))('v%i round-trips empty lists', (v) => {
    const { request, response } = checkRoundTrip(DescribeGroups, v, { groups: [] }, { groups: [] })
    expect(request.groups).toEqual([])
    expect(response.groups).toEqual([])
  })

  it('skips unknown tagged fields in flexible versions', () => {
    for (let v = 5; v <= 6; v++) {
      const bytes = encode(DescribeGroups.response(v), { groups: [{ groupId: 'g', members: [] }] })
      const tagged = Buffer.concat([bytes.subarray(0, -1), Buffer.from([1, 9, 2, 0xab, 0xcd])])
      expect(decodeAll(DescribeGroups.response(v), tagged)).toEqual(decodeAll(DescribeGroups.response(v), bytes))
    }
  })
})

describe('DescribeGroups golden frames', () => {
  it.each(goldenFrames('describe-groups').map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request, response } = checkGolden(DescribeGroups, f)
    expect(response!.groups.map((g) => g.groupId)).toEqual(request.groups)
  })
})
