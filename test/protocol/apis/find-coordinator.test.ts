import { describe, it, expect } from 'vitest'
import { FindCoordinator } from '../../../protocol/apis/find-coordinator.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

describe('FindCoordinator', () => {
  it.each(versionsOf(FindCoordinator))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      FindCoordinator,
      v,
      { key: 'orders-group', keyType: 1, coordinatorKeys: ['orders-group', 'txn-é'] },
      {
        throttleTimeMs: 7,
        errorCode: 15,
        errorMessage: null,
        nodeId: 3,
        host: 'broker-3',
        port: 19092,
        coordinators: [
          { key: 'orders-group', nodeId: 1, host: 'localhost', port: 9092, errorCode: 0, errorMessage: null },
          { key: 'txn-é', nodeId: -1, host: '', port: -1, errorCode: 15, errorMessage: 'coordinator not available' },
        ],
      },
    )
    expect(request.key).toBe(v <= 3 ? 'orders-group' : '')
    expect(request.keyType).toBe(v >= 1 ? 1 : 0)
    expect(request.coordinatorKeys).toEqual(v >= 4 ? ['orders-group', 'txn-é'] : [])
    expect(response.throttleTimeMs).toBe(v >= 1 ? 7 : 0)
    expect(response.errorCode).toBe(v <= 3 ? 15 : 0)
    expect(response.errorMessage).toBe(v >= 1 && v <= 3 ? null : '')
    expect(response.nodeId).toBe(v <= 3 ? 3 : 0)
    expect(response.port).toBe(v <= 3 ? 19092 : 0)
    expect(response.coordinators.length).toBe(v >= 4 ? 2 : 0)
    if (v >= 4) {
      expect(response.coordinators[0]!.errorMessage).toBeNull()
      expect(response.coordinators[1]).toEqual({ key: 'txn-é', nodeId: -1, host: '', port: -1, errorCode: 15, errorMessage: 'coordinator not available' })
    }
  })

  it.each(versionsOf(FindCoordinator))('v%i round-trips empty batches', (v) => {
    const { request, response } = checkRoundTrip(FindCoordinator, v, { coordinatorKeys: [] }, { coordinators: [], errorMessage: 'x' })
    expect(request.coordinatorKeys).toEqual([])
    expect(response.coordinators).toEqual([])
  })

  it('skips unknown tagged fields in flexible versions', () => {
    for (let v = 3; v <= 6; v++) {
      const bytes = encode(FindCoordinator.request(v), { key: 'g', keyType: 0, coordinatorKeys: ['g'] })
      const tagged = Buffer.concat([bytes.subarray(0, -1), Buffer.from([1, 9, 2, 0xab, 0xcd])])
      expect(decodeAll(FindCoordinator.request(v), tagged)).toEqual(decodeAll(FindCoordinator.request(v), bytes))
    }
  })

  it('encodes v0 as in Kafka: key only', () => {
    expect(encode(FindCoordinator.request(0), { key: 'ab', keyType: 1 }).toString('hex')).toBe('00026162')
  })
})

describe('FindCoordinator golden frames', () => {
  it.each(goldenFrames('find-coordinator').map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request, response } = checkGolden(FindCoordinator, f)
    if (f.apiVersion >= 4) {
      expect(request.coordinatorKeys.length).toBeGreaterThan(0)
      expect(response!.coordinators.map((c) => c.key)).toEqual(request.coordinatorKeys)
    } else {
      expect(request.key).not.toBe('')
    }
    if (f.label === 'error-coordinator-not-available') expect(response!.errorCode).toBe(15)
    else expect(response!.errorCode).toBe(0)
  })
})
