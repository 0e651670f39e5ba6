import { describe, it, expect } from 'vitest'
import { CreateTopics } from '../../../protocol/apis/create-topics.js'
import { goldenFrames, checkGolden } from '../../helpers/golden.js'
import { checkRoundTrip, versionsOf } from '../../helpers/codec.js'

const TOPIC_ID = Buffer.from('a1a2a3a4a5a6a7a8b1b2b3b4b5b6b7b8', 'hex').toString('base64url')

describe('CreateTopics', () => {
  it.each(versionsOf(CreateTopics))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      CreateTopics,
      v,
      {
        topics: [
          {
            name: 'orders',
            numPartitions: -1,
            replicationFactor: -1,
            assignments: [
              { partitionIndex: 0, brokerIds: [1, 2] },
              { partitionIndex: 1, brokerIds: [] },
            ],
            configs: [
              { name: 'cleanup.policy', value: 'compact' },
              { name: 'retention.ms', value: null },
            ],
          },
          { name: 'plain', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [] },
        ],
        timeoutMs: 15000,
        validateOnly: true,
      },
      {
        throttleTimeMs: 4,
        topics: [
          {
            name: 'orders',
            topicId: TOPIC_ID,
            errorCode: 0,
            errorMessage: null,
            topicConfigErrorCode: 29,
            numPartitions: 2,
            replicationFactor: 1,
            configs: [
              { name: 'cleanup.policy', value: 'compact', readOnly: false, configSource: 1, isSensitive: false },
              { name: 'sasl.jaas.config', value: null, readOnly: true, configSource: 5, isSensitive: true },
            ],
          },
          { name: 'plain', errorCode: 36, errorMessage: 'Topic already exists.', configs: null },
        ],
      },
    )
    const topic = request.topics[0]!
    expect(topic.numPartitions).toBe(-1)
    expect(topic.assignments[0]).toEqual({ partitionIndex: 0, brokerIds: [1, 2] })
    expect(topic.assignments[1]!.brokerIds).toEqual([])
    expect(topic.configs[1]!.value).toBeNull()
    expect(request.topics[1]!.configs).toEqual([])
    expect(request.timeoutMs).toBe(15000)
    expect(request.validateOnly).toBe(v >= 1)

    const a = response.topics[0]!
    const b = response.topics[1]!
    expect(response.throttleTimeMs).toBe(v >= 2 ? 4 : 0)
    expect(a.topicId).toBe(v >= 7 ? TOPIC_ID : 'AAAAAAAAAAAAAAAAAAAAAA')
    // Before v1 there is no message at all; it decodes to Kafka's default, "".
    expect(a.errorMessage).toBe(v >= 1 ? null : '')
    expect(b.errorMessage).toBe(v >= 1 ? 'Topic already exists.' : '')
    expect(a.topicConfigErrorCode).toBe(v >= 5 ? 29 : 0)
    expect(a.numPartitions).toBe(v >= 5 ? 2 : -1)
    expect(a.replicationFactor).toBe(v >= 5 ? 1 : -1)
    expect(a.configs?.length).toBe(v >= 5 ? 2 : 0)
    if (v >= 5) expect(a.configs![1]).toEqual({ name: 'sasl.jaas.config', value: null, readOnly: true, configSource: 5, isSensitive: true })
    expect(b.configs).toEqual(v >= 5 ? null : [])
  })
})

describe('CreateTopics golden frames', () => {
  const frames = goldenFrames('create-topics')
  it.each(frames.map((f) => [f.file, f] as const))('%s decodes and re-encodes byte for byte', (_, frame) => {
    checkGolden(CreateTopics, frame)
  })
})
