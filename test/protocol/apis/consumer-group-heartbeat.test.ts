import { describe, it, expect } from 'vitest'
import { ConsumerGroupHeartbeat } from '../../../protocol/apis/consumer-group-heartbeat.js'
import { Reader } from '../../../protocol/primitives.js'
import { readResponseHeader } from '../../../protocol/header.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

const topicId = 'AAAAAAAAAAAAAAAAAAAAAQ'

describe('ConsumerGroupHeartbeat', () => {
  it.each(versionsOf(ConsumerGroupHeartbeat))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      ConsumerGroupHeartbeat,
      v,
      {
        groupId: 'orders',
        memberId: 'bWVtYmVyLWlkLTEyMzQ1Ng',
        memberEpoch: 0,
        instanceId: 'static-1',
        rackId: null,
        rebalanceTimeoutMs: 300000,
        subscribedTopicNames: ['orders', 'payments'],
        subscribedTopicRegex: 'orders-.*',
        serverAssignor: 'uniform',
        topicPartitions: [
          { topicId, partitions: [0, 1] },
          { topicId: 'AAAAAAAAAAAAAAAAAAAAAg', partitions: [] },
        ],
      },
      {
        throttleTimeMs: 0,
        errorCode: 0,
        errorMessage: null,
        memberId: 'bWVtYmVyLWlkLTEyMzQ1Ng',
        memberEpoch: 1,
        heartbeatIntervalMs: 5000,
        assignment: { topicPartitions: [{ topicId, partitions: [0, 1] }] },
      },
    )
    expect(request.instanceId).toBe('static-1')
    expect(request.rackId).toBeNull()
    expect(request.rebalanceTimeoutMs).toBe(300000)
    expect(request.subscribedTopicNames).toEqual(['orders', 'payments'])
    expect(request.subscribedTopicRegex).toBe(v >= 1 ? 'orders-.*' : null)
    expect(request.topicPartitions![0]).toEqual({ topicId, partitions: [0, 1] })
    expect(response.memberEpoch).toBe(1)
    expect(response.heartbeatIntervalMs).toBe(5000)
  })

  it.each(versionsOf(ConsumerGroupHeartbeat))('v%i round-trips null "unchanged" fields', (v) => {
    const { request, response } = checkRoundTrip(
      ConsumerGroupHeartbeat,
      v,
      { groupId: 'g', memberId: 'm', memberEpoch: 3 },
      { errorCode: 25, errorMessage: 'unknown member', memberId: null },
    )
    expect(request.subscribedTopicNames).toBeNull()
    expect(request.topicPartitions).toBeNull()
    expect(request.serverAssignor).toBeNull()
    expect(request.rebalanceTimeoutMs).toBe(-1)
    expect(response.memberId).toBeNull()
    expect(response.errorMessage).toBe('unknown member')
  })

  it('skips unknown tagged fields', () => {
    for (const v of versionsOf(ConsumerGroupHeartbeat)) {
      const bytes = encode(ConsumerGroupHeartbeat.request(v), { groupId: 'g', subscribedTopicNames: [] })
      const tagged = Buffer.concat([bytes.subarray(0, -1), Buffer.from([1, 9, 2, 0xab, 0xcd])])
      expect(decodeAll(ConsumerGroupHeartbeat.request(v), tagged)).toEqual(decodeAll(ConsumerGroupHeartbeat.request(v), bytes))
    }
  })

  // Kafka's assignment is a nullable struct: int8 -1 for null, 1 then the struct. The schema has
  // no nullable struct yet; these fail until it does (then turn them into plain tests).
  it('decodes a null assignment as Kafka writes it', () => {
    const frame = Buffer.from('00000000' + '0000' + '00' + '00' + '00000001' + '00001388' + 'ff' + '00', 'hex')
    const r = new Reader(frame)
    ConsumerGroupHeartbeat.response(0).read(r)
    expect(r.remaining).toBe(0)
  })

  it('writes a present assignment with a 1 marker byte', () => {
    const bytes = encode(ConsumerGroupHeartbeat.response(0), { assignment: { topicPartitions: [] } })
    expect(bytes.subarray(-4).toString('hex')).toBe('01' + '01' + '00' + '00')
  })
})

describe('ConsumerGroupHeartbeat golden frames', () => {
  const frames = goldenFrames('consumer-group-heartbeat').map((f) => [f.file, f] as const)
  it.each(frames)('%s: request', (_file, f) => {
    const { request } = checkGolden(ConsumerGroupHeartbeat, { ...f, response: undefined })
    expect(request.groupId).not.toBe('')
  })
  it.each(frames)('%s: response', (_file, f) => {
    checkGolden(ConsumerGroupHeartbeat, f)
  })

})
