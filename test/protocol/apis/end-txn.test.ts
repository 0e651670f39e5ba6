import { describe, it, expect } from 'vitest'
import { EndTxn } from '../../../protocol/apis/end-txn.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

describe('EndTxn', () => {
  it.each(versionsOf(EndTxn))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      EndTxn,
      v,
      { transactionalId: 'tx-1', producerId: 4000n, producerEpoch: 3, committed: true },
      { throttleTimeMs: 2, errorCode: 48, producerId: 4001n, producerEpoch: 0 },
    )
    expect(request).toEqual({ transactionalId: 'tx-1', producerId: 4000n, producerEpoch: 3, committed: true })
    expect(response.throttleTimeMs).toBe(2)
    expect(response.errorCode).toBe(48)
    expect(response.producerId).toBe(v >= 5 ? 4001n : -1n)
    expect(response.producerEpoch).toBe(v >= 5 ? 0 : -1)
  })

  it.each(versionsOf(EndTxn))('v%i round-trips an abort', (v) => {
    const { request } = checkRoundTrip(EndTxn, v, { transactionalId: '', producerId: -1n, producerEpoch: -1, committed: false }, {})
    expect(request.committed).toBe(false)
    expect(request.producerId).toBe(-1n)
  })

  it('skips unknown tagged fields in flexible versions', () => {
    for (let v = 3; v <= 5; v++) {
      const bytes = encode(EndTxn.response(v), { errorCode: 1, producerId: 5n })
      const tagged = Buffer.concat([bytes.subarray(0, -1), Buffer.from([1, 9, 2, 0xab, 0xcd])])
      expect(decodeAll(EndTxn.response(v), tagged)).toEqual(decodeAll(EndTxn.response(v), bytes))
    }
  })
})

describe('EndTxn golden frames', () => {
  it.each(goldenFrames('end-txn').map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request, response } = checkGolden(EndTxn, f)
    expect(request.transactionalId).not.toBe('')
    // v5 (transactions v2) answers with the producer id it continues with; an error answer with -1
    if (f.apiVersion >= 5) expect(response!.producerId).toBe(response!.errorCode === 0 ? request.producerId : -1n)
  })
})
