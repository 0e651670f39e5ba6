import { describe, it, expect } from 'vitest'
import { DescribeTopicPartitions } from '../../../protocol/apis/describe-topic-partitions.js'
import { Reader } from '../../../protocol/primitives.js'
import { goldenFrames, checkGolden } from '../../helpers/golden.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../../helpers/codec.js'

const TOPIC_ID = Buffer.from('5a5b5c5d5e5f60616263646566676869', 'hex').toString('base64url')

describe('DescribeTopicPartitions', () => {
  it.each(versionsOf(DescribeTopicPartitions))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      DescribeTopicPartitions,
      v,
      {
        topics: [{ name: 'orders' }, { name: 'payments' }],
        responsePartitionLimit: 100,
        cursor: { topicName: 'orders', partitionIndex: 3 },
      },
      {
        throttleTimeMs: 2,
        topics: [
          {
            errorCode: 0,
            name: 'orders',
            topicId: TOPIC_ID,
            isInternal: false,
            partitions: [
              {
                errorCode: 0,
                partitionIndex: 3,
                leaderId: 1,
                leaderEpoch: 0,
                replicaNodes: [1, 2],
                isrNodes: [1],
                eligibleLeaderReplicas: [2],
                lastKnownElr: null,
                offlineReplicas: [],
              },
              { errorCode: 0, partitionIndex: 4, leaderId: 2, replicaNodes: [2], isrNodes: [2] },
            ],
            topicAuthorizedOperations: 0x0df8,
          },
          { errorCode: 3, name: null, partitions: [] },
        ],
        nextCursor: { topicName: 'payments', partitionIndex: 0 },
      },
    )
    expect(request.topics).toEqual([{ name: 'orders' }, { name: 'payments' }])
    expect(request.responsePartitionLimit).toBe(100)
    expect(request.cursor).toEqual({ topicName: 'orders', partitionIndex: 3 })
    const t0 = response.topics[0]!
    expect(t0.topicId).toBe(TOPIC_ID)
    expect(t0.partitions[0]!.eligibleLeaderReplicas).toEqual([2])
    expect(t0.partitions[0]!.lastKnownElr).toBeNull()
    expect(t0.partitions[1]!.leaderEpoch).toBe(-1)
    expect(t0.partitions[1]!.eligibleLeaderReplicas).toBeNull()
    expect(t0.topicAuthorizedOperations).toBe(0x0df8)
    expect(response.topics[1]!.name).toBeNull()
    expect(response.topics[1]!.topicAuthorizedOperations).toBe(-2147483648)
    expect(response.nextCursor).toEqual({ topicName: 'payments', partitionIndex: 0 })
  })

  it('encodes a null cursor as Kafka does: int8 -1 before the tagged fields', () => {
    const bytes = encode(DescribeTopicPartitions.request(0), { topics: [] })
    // empty compact array, limit 2000, null marker, no tagged fields
    expect(bytes.toString('hex')).toBe('01' + '000007d0' + 'ff' + '00')
    expect(decodeAll(DescribeTopicPartitions.request(0), bytes)).toEqual({ topics: [], responsePartitionLimit: 2000, cursor: null })
  })

  it('encodes a present cursor with marker 1 and the struct with its own tagged fields', () => {
    const bytes = encode(DescribeTopicPartitions.response(0), { topics: [], nextCursor: { topicName: 'a', partitionIndex: 1 } })
    expect(bytes.toString('hex')).toBe('00000000' + '01' + '01' + '0261' + '00000001' + '00' + '00')
  })

  it('skips unknown top-level tagged fields', () => {
    const bytes = Buffer.from('01000007d0ff01050201ff', 'hex')
    const r = new Reader(bytes)
    expect(DescribeTopicPartitions.request(0).read(r).cursor).toBeNull()
    expect(r.remaining).toBe(0)
  })

  it('rejects other versions', () => {
    expect(() => DescribeTopicPartitions.request(1)).toThrow(/not supported/)
    expect(DescribeTopicPartitions.isFlexible(0)).toBe(true)
  })
})

describe('DescribeTopicPartitions golden frames', () => {
  const frames = goldenFrames('describe-topic-partitions')
  it.each(frames.map((f) => [f.file, f] as const))('%s decodes and re-encodes byte for byte', (_, frame) => {
    checkGolden(DescribeTopicPartitions, frame)
  })
})
