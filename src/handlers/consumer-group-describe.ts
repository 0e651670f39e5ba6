// ConsumerGroupDescribe 0–1 (KIP-848; GroupMetadataManager.consumerGroupDescribe): each consumer
// group's state, epochs, assignor and members with their current and target assignments. A group
// that does not exist answers GROUP_ID_NOT_FOUND "Group <id> not found.", a classic group
// GROUP_ID_NOT_FOUND "Group <id> is not a consumer group." (the Admin client then falls back to
// DescribeGroups). authorizedOperations as DescribeGroups reports them. v1: memberType (1: a
// member using the consumer protocol, 0: a classic member of a consumer group after an online
// upgrade; v0 has no field, as Kafka's -1 unknown). With an authorizer (KafkaApis.
// handleConsumerGroupDescribe): DESCRIBE on each group, else GROUP_AUTHORIZATION_FAILED; a group
// whose members are subscribed to or assigned a topic the principal may not DESCRIBE answers
// TOPIC_AUTHORIZATION_FAILED without its members.

import { ConsumerGroupDescribe } from '../../protocol/apis/consumer-group-describe.js'
import { describeGroups } from './group-describe.js'
import { defineHandler } from './handler.js'

const CLASSIC_MEMBER_TYPE = 0
const CONSUMER_MEMBER_TYPE = 1

export default defineHandler({
  api: ConsumerGroupDescribe,
  handle(req, ctx) {
    const groups = describeGroups(ctx, req.groupIds, req.includeAuthorizedOperations, {
      describe: (groupId) => ctx.broker.consumerGroups.describe(groupId),
      topics: (d) => d.members.flatMap((m) => [...m.subscribedTopicNames, ...m.assignment.map((t) => t.topicName), ...m.targetAssignment.map((t) => t.topicName)]),
      shape: (d) => ({
        groupState: d.state,
        groupEpoch: d.groupEpoch,
        assignmentEpoch: d.assignmentEpoch,
        assignorName: d.assignorName,
        members: d.members.map(({ classic, ...m }) => ({
          ...m,
          assignment: { topicPartitions: m.assignment },
          targetAssignment: { topicPartitions: m.targetAssignment },
          memberType: classic ? CLASSIC_MEMBER_TYPE : CONSUMER_MEMBER_TYPE,
        })),
      }),
    })
    return { throttleTimeMs: 0, groups }
  },
  errorResponse: (req, errorCode) => ({ groups: req.groupIds.map((groupId) => ({ groupId, errorCode })) }),
})
