import { describe, it, expect } from 'vitest'
import { DeleteGroups } from '../../../protocol/apis/delete-groups.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

describe('DeleteGroups', () => {
  it.each(versionsOf(DeleteGroups))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      DeleteGroups,
      v,
      { groupsNames: ['orders', 'payments', ''] },
      {
        throttleTimeMs: 1,
        results: [
          { groupId: 'orders', errorCode: 0 },
          { groupId: 'payments', errorCode: 68, errorMessage: 'The group is not empty.' },
          { groupId: '', errorCode: 24 },
        ],
      },
    )
    expect(request.groupsNames).toEqual(['orders', 'payments', ''])
    expect(response.throttleTimeMs).toBe(1)
    // v3 carries the error message; older versions decode the default, null.
    expect(response.results[1]).toEqual({ groupId: 'payments', errorCode: 68, errorMessage: v >= 3 ? 'The group is not empty.' : null })
    expect(response.results[0]!.errorMessage).toBeNull()
  })

  it.each(versionsOf(DeleteGroups))('v%i round-trips empty lists', (v) => {
    const { request, response } = checkRoundTrip(DeleteGroups, v, { groupsNames: [] }, { results: [] })
    expect(request.groupsNames).toEqual([])
    expect(response.results).toEqual([])
  })

  it('v3 writes errorMessage as a compact nullable string after the error code', () => {
    const res = (errorMessage: string | null) => encode(DeleteGroups.response(3), { throttleTimeMs: 0, results: [{ groupId: 'g', errorCode: 69, errorMessage }] }).toString('hex')
    expect(res(null)).toBe('00000000' + '02' + '0267' + '0045' + '00' + '00' + '00')
    expect(res('x')).toBe('00000000' + '02' + '0267' + '0045' + '0278' + '00' + '00')
  })

  it('uses compact arrays only in v2', () => {
    expect(encode(DeleteGroups.request(1), { groupsNames: ['g'] }).toString('hex')).toBe('00000001' + '000167')
    expect(encode(DeleteGroups.request(2), { groupsNames: ['g'] }).toString('hex')).toBe('02' + '0267' + '00')
    const bytes = encode(DeleteGroups.request(2), { groupsNames: ['g'] })
    const tagged = Buffer.concat([bytes.subarray(0, -1), Buffer.from([1, 9, 2, 0xab, 0xcd])])
    expect(decodeAll(DeleteGroups.request(2), tagged)).toEqual({ groupsNames: ['g'] })
  })
})

describe('DeleteGroups golden frames', () => {
  it.each(goldenFrames('delete-groups').map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request, response } = checkGolden(DeleteGroups, f)
    expect(response!.results.map((r) => r.groupId).sort()).toEqual([...request.groupsNames].sort())
  })
})
