// ShareGroupDescribe 1 (KIP-932; GroupMetadataManager.shareGroupDescribe): each share group's
// state (Empty or Stable), epochs, assignor ("simple") and members with their assignments. A
// group that does not exist answers GROUP_ID_NOT_FOUND "Group <id> not found.", a group of another
// type "Group <id> is not a share group.". authorizedOperations as DescribeGroups reports them.
// With an authorizer (KafkaApis.handleShareGroupDescribe): DESCRIBE on each group, else
// GROUP_AUTHORIZATION_FAILED; a group whose members subscribe to or are assigned a topic the
// principal may not DESCRIBE answers TOPIC_AUTHORIZATION_FAILED without its members.

import { ShareGroupDescribe } from '../../protocol/apis/share-group-describe.js'
import { authorizedOperations, describedTopicsDenied, describeGroupDenied, Res } from './auth.js'
import { defineHandler } from './handler.js'

const NOT_REQUESTED = -2147483648

export default defineHandler({
  api: ShareGroupDescribe,
  handle(req, ctx) {
    const groups = req.groupIds.map((groupId) => {
      const groupDenied = describeGroupDenied(ctx, groupId)
      if (groupDenied) return { groupId, ...groupDenied, authorizedOperations: NOT_REQUESTED }
      const d = ctx.broker.shareGroups.coordinator.describe(groupId)
      if ('errorCode' in d) return { groupId, errorCode: d.errorCode, errorMessage: d.errorMessage, authorizedOperations: NOT_REQUESTED }
      const topics = d.members.flatMap((m) => [...m.subscribedTopicNames, ...m.assignment.map((t) => t.topicName)])
      const topicsDenied = describedTopicsDenied(ctx, topics)
      if (topicsDenied) return { groupId, ...topicsDenied, authorizedOperations: NOT_REQUESTED }
      return {
        groupId,
        errorCode: 0,
        errorMessage: null,
        groupState: d.state,
        groupEpoch: d.groupEpoch,
        assignmentEpoch: d.assignmentEpoch,
        assignorName: d.assignorName,
        members: d.members.map((m) => ({ ...m, assignment: { topicPartitions: m.assignment } })),
        authorizedOperations: req.includeAuthorizedOperations ? authorizedOperations(ctx, Res.GROUP, groupId) : NOT_REQUESTED,
      }
    })
    return { throttleTimeMs: 0, groups }
  },
  errorResponse: (req, errorCode) => ({ groups: req.groupIds.map((groupId) => ({ groupId, errorCode })) }),
})
