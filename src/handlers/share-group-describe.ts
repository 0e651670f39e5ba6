// ShareGroupDescribe 1 (KIP-932; GroupMetadataManager.shareGroupDescribe): each share group's
// state (Empty or Stable), epochs, assignor ("simple") and members with their assignments. A
// group that does not exist answers GROUP_ID_NOT_FOUND "Group <id> not found.", a group of another
// type "Group <id> is not a share group.". authorizedOperations as DescribeGroups reports them.
// With an authorizer (KafkaApis.handleShareGroupDescribe): DESCRIBE on each group, else
// GROUP_AUTHORIZATION_FAILED; a group whose members subscribe to or are assigned a topic the
// principal may not DESCRIBE answers TOPIC_AUTHORIZATION_FAILED without its members.

import { ShareGroupDescribe } from '../../protocol/apis/share-group-describe.js'
import { describeGroups } from './group-describe.js'
import { defineHandler } from './handler.js'

export default defineHandler({
  api: ShareGroupDescribe,
  handle(req, ctx) {
    const groups = describeGroups(ctx, req.groupIds, req.includeAuthorizedOperations, {
      describe: (groupId) => ctx.broker.shareGroups.coordinator.describe(groupId),
      topics: (d) => d.members.flatMap((m) => [...m.subscribedTopicNames, ...m.assignment.map((t) => t.topicName)]),
      shape: (d) => ({
        groupState: d.state,
        groupEpoch: d.groupEpoch,
        assignmentEpoch: d.assignmentEpoch,
        assignorName: d.assignorName,
        members: d.members.map((m) => ({ ...m, assignment: { topicPartitions: m.assignment } })),
      }),
    })
    return { throttleTimeMs: 0, groups }
  },
  errorResponse: (req, errorCode) => ({ groups: req.groupIds.map((groupId) => ({ groupId, errorCode })) }),
})
