import { describe, it, expect } from 'vitest'
import { InitProducerId } from '../../../protocol/apis/init-producer-id.js'
import { goldenFrames, checkGolden } from '../../helpers/golden.js'
import { checkRoundTrip, versionsOf } from '../../helpers/codec.js'

describe('InitProducerId', () => {
  it.each(versionsOf(InitProducerId))('v%i round-trips a transactional producer', (v) => {
    const { request, response } = checkRoundTrip(
      InitProducerId,
      v,
      { transactionalId: 'txn-app-1', transactionTimeoutMs: 60000, producerId: 4000n, producerEpoch: 3 },
      { throttleTimeMs: 1, errorCode: 0, producerId: 4000n, producerEpoch: 4 },
    )
    expect(request.transactionalId).toBe('txn-app-1')
    expect(request.transactionTimeoutMs).toBe(60000)
    expect(request.producerId).toBe(v >= 3 ? 4000n : -1n)
    expect(request.producerEpoch).toBe(v >= 3 ? 3 : -1)
    expect(response).toEqual({ throttleTimeMs: 1, errorCode: 0, producerId: 4000n, producerEpoch: 4 })
  })

  it.each(versionsOf(InitProducerId))('v%i round-trips an idempotent producer', (v) => {
    const { request, response } = checkRoundTrip(
      InitProducerId,
      v,
      { transactionalId: null, transactionTimeoutMs: 2147483647 },
      { errorCode: 15 },
    )
    expect(request.transactionalId).toBeNull()
    expect(request.producerId).toBe(-1n)
    expect(response.producerId).toBe(-1n)
    expect(response.errorCode).toBe(15)
  })
})

describe('InitProducerId golden frames', () => {
  const frames = goldenFrames('init-producer-id')
  it.each(frames.map((f) => [f.file, f] as const))('%s decodes and re-encodes byte for byte', (_, frame) => {
    checkGolden(InitProducerId, frame)
  })
})
