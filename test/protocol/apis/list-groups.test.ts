import { describe, it, expect } from 'vitest'
import { ListGroups } from '../../../protocol/apis/list-groups.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

describe('ListGroups', () => {
  it.each(versionsOf(ListGroups))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      ListGroups,
      v,
      { statesFilter: ['Stable', 'Empty'], typesFilter: ['classic'] },
      {
        throttleTimeMs: 6,
        errorCode: 0,
        groups: [
          { groupId: 'orders', protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' },
          { groupId: 'connect', protocolType: 'connect', groupState: 'Empty', groupType: 'classic' },
        ],
      },
    )
    expect(request.statesFilter).toEqual(v >= 4 ? ['Stable', 'Empty'] : [])
    expect(request.typesFilter).toEqual(v >= 5 ? ['classic'] : [])
    expect(response.throttleTimeMs).toBe(v >= 1 ? 6 : 0)
    expect(response.groups[1]).toEqual({
      groupId: 'connect',
      protocolType: 'connect',
      groupState: v >= 4 ? 'Empty' : '',
      groupType: v >= 5 ? 'classic' : '',
    })
  })

  it.each(versionsOf(ListGroups))('v%i round-trips an empty listing', (v) => {
    const { response } = checkRoundTrip(ListGroups, v, {}, { errorCode: 15, groups: [] })
    expect(response.errorCode).toBe(15)
    expect(response.groups).toEqual([])
  })

  it('encodes a v0 request as an empty body and a v3 request as one tagged-field byte', () => {
    expect(encode(ListGroups.request(0), { statesFilter: ['Stable'] }).length).toBe(0)
    expect(encode(ListGroups.request(3), { statesFilter: ['Stable'] }).toString('hex')).toBe('00')
  })

  it('skips unknown tagged fields in flexible versions', () => {
    for (let v = 3; v <= 5; v++) {
      const bytes = encode(ListGroups.request(v), { statesFilter: ['Stable'] })
      const tagged = Buffer.concat([bytes.subarray(0, -1), Buffer.from([1, 9, 2, 0xab, 0xcd])])
      expect(decodeAll(ListGroups.request(v), tagged)).toEqual(decodeAll(ListGroups.request(v), bytes))
    }
  })
})

describe('ListGroups golden frames', () => {
  it.each(goldenFrames('list-groups').map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { response } = checkGolden(ListGroups, f)
    expect(response!.errorCode).toBe(0)
  })
})
