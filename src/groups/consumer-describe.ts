// ConsumerGroupDescribe's view of a KIP-848 consumer group (ConsumerGroup.asDescribedGroup): state,
// epochs, assignor, and each member with its current and target assignment by topic id and name,
// and whether it speaks the classic protocol (memberType, after an online upgrade).

import { ErrorCode } from '../../protocol/errors.js'
import type { AssignorTopic } from './assignors.js'
import type { GroupContext } from './context.js'
import type { Assignment } from './consumer-group.js'

type NamedAssignment = { topicId: string; topicName: string; partitions: number[] }[]

export interface ConsumerGroupDescription {
  groupId: string
  state: string
  groupEpoch: number
  assignmentEpoch: number
  assignorName: string
  members: {
    memberId: string
    instanceId: string | null
    rackId: string | null
    memberEpoch: number
    clientId: string
    clientHost: string
    subscribedTopicNames: string[]
    subscribedTopicRegex: string | null
    assignment: NamedAssignment
    targetAssignment: NamedAssignment
    classic: boolean
  }[]
}

export function toList(a: Assignment): { topicId: string; partitions: number[] }[] {
  return [...a].filter(([, ps]) => ps.size > 0).map(([topicId, ps]) => ({ topicId, partitions: [...ps].sort((x, y) => x - y) }))
}

// GROUP_ID_NOT_FOUND with Kafka's messages for a group that does not exist or is classic.
export function describeConsumerGroup(c: GroupContext, topics: { byId(id: string): AssignorTopic | undefined }, defaultAssignor: string, groupId: string): ConsumerGroupDescription | { errorCode: number; errorMessage: string } {
  const g = c.group(groupId)
  if (!g || g.state === 'Dead') return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${groupId} not found.` }
  if (!g.consumer) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${groupId} is not a consumer group.` }
  const data = g.consumer
  const named = (a: Assignment) => toList(a).map((t) => ({ ...t, topicName: topics.byId(t.topicId)?.name ?? '' }))
  return {
    groupId,
    state: data.state(),
    groupEpoch: data.groupEpoch,
    assignmentEpoch: data.assignmentEpoch,
    assignorName: data.assignorName !== '' ? data.assignorName : defaultAssignor,
    members: [...data.members.values()].map((m) => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      rackId: m.rackId,
      memberEpoch: m.memberEpoch,
      clientId: m.clientId,
      clientHost: m.clientHost,
      subscribedTopicNames: m.subscribedTopicNames,
      subscribedTopicRegex: m.subscribedTopicRegex,
      assignment: named(m.assigned),
      targetAssignment: named(data.targetAssignment.get(m.memberId) ?? new Map()),
      classic: m.classic !== null,
    })),
  }
}
