import { describe, it, expect } from 'vitest'
import { DeleteTopics } from '../../../protocol/apis/delete-topics.js'
import { goldenFrames, checkGolden } from '../../helpers/golden.js'
import { checkRoundTrip, versionsOf } from '../../helpers/codec.js'

const TOPIC_ID = Buffer.from('0f0e0d0c0b0a09080706050403020100', 'hex').toString('base64url')
const ZERO = 'AAAAAAAAAAAAAAAAAAAAAA'

describe('DeleteTopics', () => {
  it.each(versionsOf(DeleteTopics))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      DeleteTopics,
      v,
      {
        topics: [
          { name: 'orders', topicId: ZERO },
          { name: null, topicId: TOPIC_ID },
        ],
        topicNames: ['orders', 'payments'],
        timeoutMs: 30000,
      },
      {
        throttleTimeMs: 6,
        responses: [
          { name: 'orders', topicId: TOPIC_ID, errorCode: 0, errorMessage: null },
          { name: null, topicId: TOPIC_ID, errorCode: 100, errorMessage: 'Unknown topic id.' },
        ],
      },
    )
    expect(request.timeoutMs).toBe(30000)
    expect(request.topicNames).toEqual(v <= 5 ? ['orders', 'payments'] : [])
    expect(request.topics).toEqual(
      v >= 6
        ? [
            { name: 'orders', topicId: ZERO },
            { name: null, topicId: TOPIC_ID },
          ]
        : [],
    )
    expect(response.throttleTimeMs).toBe(v >= 1 ? 6 : 0)
    expect(response.responses[0]!.name).toBe('orders')
    // A null name is only representable from v6; before that it is written as "".
    expect(response.responses[1]!.name).toBe(v >= 6 ? null : '')
    expect(response.responses[1]!.topicId).toBe(v >= 6 ? TOPIC_ID : ZERO)
    expect(response.responses[1]!.errorMessage).toBe(v >= 5 ? 'Unknown topic id.' : null)
  })
})

describe('DeleteTopics golden frames', () => {
  const frames = goldenFrames('delete-topics')
  it.each(frames.map((f) => [f.file, f] as const))('%s decodes and re-encodes byte for byte', (_, frame) => {
    checkGolden(DeleteTopics, frame)
  })
})
