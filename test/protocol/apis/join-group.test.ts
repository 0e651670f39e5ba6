import { describe, it, expect } from 'vitest'
import { JoinGroup } from '../../../protocol/apis/join-group.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

const meta = Buffer.from([0, 1, 0, 0, 0, 1, 0, 6, 111, 114, 100, 101, 114, 115, 0xff, 0xff, 0xff, 0xff])

describe('JoinGroup', () => {
  it.each(versionsOf(JoinGroup))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      JoinGroup,
      v,
      {
        groupId: 'orders',
        sessionTimeoutMs: 45000,
        rebalanceTimeoutMs: 300000,
        memberId: 'rdkafka-1234',
        groupInstanceId: 'instance-1',
        protocolType: 'consumer',
        protocols: [
          { name: 'range', metadata: meta },
          { name: 'cooperative-sticky', metadata: Buffer.alloc(0) },
        ],
        reason: 'rebalance needed',
      },
      {
        throttleTimeMs: 11,
        errorCode: 79,
        generationId: 4,
        protocolType: 'consumer',
        protocolName: null,
        leader: 'rdkafka-1234',
        skipAssignment: true,
        memberId: 'rdkafka-1234',
        members: [
          { memberId: 'rdkafka-1234', groupInstanceId: null, metadata: meta },
          { memberId: 'rdkafka-5678', groupInstanceId: 'instance-2', metadata: Buffer.from('x') },
        ],
      },
    )
    expect(request.rebalanceTimeoutMs).toBe(v >= 1 ? 300000 : -1)
    expect(request.groupInstanceId).toBe(v >= 5 ? 'instance-1' : null)
    expect(request.reason).toBe(v >= 8 ? 'rebalance needed' : null)
    expect(request.protocols[0]!.metadata.equals(meta)).toBe(true)
    expect(request.protocols[1]!.name).toBe('cooperative-sticky')
    expect(response.throttleTimeMs).toBe(v >= 2 ? 11 : 0)
    expect(response.protocolType).toBe(v >= 7 ? 'consumer' : null)
    // A null protocol name is only representable from v7; before that it is written as "".
    expect(response.protocolName).toBe(v >= 7 ? null : '')
    expect(response.skipAssignment).toBe(v >= 9)
    expect(response.members[1]!.groupInstanceId).toBe(v >= 5 ? 'instance-2' : null)
    expect(response.generationId).toBe(4)
  })

  it.each(versionsOf(JoinGroup))('v%i round-trips an empty join', (v) => {
    const { request, response } = checkRoundTrip(JoinGroup, v, { groupId: 'g', memberId: '', protocols: [] }, { protocolName: 'range', members: [] })
    expect(request.memberId).toBe('')
    expect(request.protocols).toEqual([])
    expect(response.protocolName).toBe('range')
    expect(response.generationId).toBe(-1)
  })

  it('skips unknown tagged fields in flexible versions', () => {
    for (let v = 6; v <= 9; v++) {
      const bytes = encode(JoinGroup.response(v), { memberId: 'm', members: [{ memberId: 'm' }] })
      const tagged = Buffer.concat([bytes.subarray(0, -1), Buffer.from([1, 9, 2, 0xab, 0xcd])])
      expect(decodeAll(JoinGroup.response(v), tagged)).toEqual(decodeAll(JoinGroup.response(v), bytes))
    }
  })
})

describe('JoinGroup golden frames', () => {
  it.each(goldenFrames('join-group').map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request, response } = checkGolden(JoinGroup, f)
    expect(request.protocolType).toBe('consumer')
    expect(request.protocols.length).toBeGreaterThan(0)
    if (f.label === 'error-member-id-required') {
      expect(request.memberId).toBe('')
      expect(response!.errorCode).toBe(79)
      expect(response!.memberId).not.toBe('')
    } else {
      expect(response!.errorCode).toBe(0)
      expect(response!.generationId).toBeGreaterThan(0)
    }
  })
})
