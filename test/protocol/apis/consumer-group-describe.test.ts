import { describe, it, expect } from 'vitest'
import { ConsumerGroupDescribe } from '../../../protocol/apis/consumer-group-describe.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

const topicId = 'AAAAAAAAAAAAAAAAAAAAAQ'
const assignment = {
  topicPartitions: [
    { topicId, topicName: 'orders', partitions: [0, 2] },
    { topicId: 'AAAAAAAAAAAAAAAAAAAAAg', topicName: 'none', partitions: [] },
  ],
}

describe('ConsumerGroupDescribe', () => {
  it.each(versionsOf(ConsumerGroupDescribe))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      ConsumerGroupDescribe,
      v,
      { groupIds: ['orders', 'classic-group'], includeAuthorizedOperations: true },
      {
        throttleTimeMs: 1,
        groups: [
          {
            errorCode: 0,
            errorMessage: null,
            groupId: 'orders',
            groupState: 'Stable',
            groupEpoch: 5,
            assignmentEpoch: 5,
            assignorName: 'uniform',
            members: [
              {
                memberId: 'm-1',
                instanceId: null,
                rackId: 'rack-a',
                memberEpoch: 5,
                clientId: 'consumer-1',
                clientHost: '/127.0.0.1',
                subscribedTopicNames: ['orders'],
                subscribedTopicRegex: null,
                assignment,
                targetAssignment: { topicPartitions: [] },
                memberType: 1,
              },
            ],
            authorizedOperations: 0x0ff8,
          },
          { errorCode: 69, errorMessage: 'not a consumer group', groupId: 'classic-group', members: [] },
        ],
      },
    )
    expect(request.groupIds).toEqual(['orders', 'classic-group'])
    expect(request.includeAuthorizedOperations).toBe(true)
    const m = response.groups[0]!.members[0]!
    expect(m.assignment).toEqual(assignment)
    expect(m.targetAssignment).toEqual({ topicPartitions: [] })
    expect(m.rackId).toBe('rack-a')
    expect(m.instanceId).toBeNull()
    expect(m.memberType).toBe(v >= 1 ? 1 : -1)
    expect(response.groups[1]!.errorMessage).toBe('not a consumer group')
    expect(response.groups[1]!.authorizedOperations).toBe(-2147483648)
  })

  it.each(versionsOf(ConsumerGroupDescribe))('v%i round-trips empty lists', (v) => {
    const { request, response } = checkRoundTrip(ConsumerGroupDescribe, v, { groupIds: [] }, { groups: [] })
    expect(request.groupIds).toEqual([])
    expect(response.groups).toEqual([])
  })

  it('skips unknown tagged fields, including inside the assignment struct', () => {
    for (const v of versionsOf(ConsumerGroupDescribe)) {
      const bytes = encode(ConsumerGroupDescribe.request(v), { groupIds: ['g'] })
      const tagged = Buffer.concat([bytes.subarray(0, -1), Buffer.from([1, 9, 2, 0xab, 0xcd])])
      expect(decodeAll(ConsumerGroupDescribe.request(v), tagged)).toEqual(decodeAll(ConsumerGroupDescribe.request(v), bytes))
    }
  })
})

describe('ConsumerGroupDescribe golden frames', () => {
  it.each(goldenFrames('consumer-group-describe').map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request, response } = checkGolden(ConsumerGroupDescribe, f)
    expect(response!.groups.map((g) => g.groupId)).toEqual(request.groupIds)
  })
})
