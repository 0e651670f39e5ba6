import { describe, it, expect } from 'vitest'
import { AddOffsetsToTxn } from '../../../protocol/apis/add-offsets-to-txn.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

describe('AddOffsetsToTxn', () => {
  it.each(versionsOf(AddOffsetsToTxn))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      AddOffsetsToTxn,
      v,
      { transactionalId: 'tx-é', producerId: 123456789012345n, producerEpoch: 32767, groupId: 'orders' },
      { throttleTimeMs: 10, errorCode: 51 },
    )
    expect(request).toEqual({ transactionalId: 'tx-é', producerId: 123456789012345n, producerEpoch: 32767, groupId: 'orders' })
    expect(response).toEqual({ throttleTimeMs: 10, errorCode: 51 })
  })

  it('uses compact strings and a tagged-field section from v3', () => {
    expect(encode(AddOffsetsToTxn.request(2), { transactionalId: 't', producerId: 1n, producerEpoch: 1, groupId: 'g' }).toString('hex')).toBe(
      '000174' + '0000000000000001' + '0001' + '000167',
    )
    const bytes = encode(AddOffsetsToTxn.request(3), { transactionalId: 't', producerId: 1n, producerEpoch: 1, groupId: 'g' })
    expect(bytes.toString('hex')).toBe('0274' + '0000000000000001' + '0001' + '0267' + '00')
    const tagged = Buffer.concat([bytes.subarray(0, -1), Buffer.from([1, 9, 2, 0xab, 0xcd])])
    expect(decodeAll(AddOffsetsToTxn.request(3), tagged)).toEqual(decodeAll(AddOffsetsToTxn.request(3), bytes))
  })
})

describe('AddOffsetsToTxn golden frames', () => {
  it.each(goldenFrames('add-offsets-to-txn').map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request } = checkGolden(AddOffsetsToTxn, f)
    expect(request.producerId).toBeGreaterThanOrEqual(0n)
  })
})
