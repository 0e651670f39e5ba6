// DescribeGroups 0–6 (KafkaApis.handleDescribeGroupsRequest, GroupMetadataManager.describeGroups).
// A Stable group shows its protocol and each member's metadata and assignment; other states show
// members without them (ClassicGroupMember.describeNoMetadata). An unknown group (the empty id
// included) is state "Dead" with no error before v6 and GROUP_ID_NOT_FOUND with the message
// "Group <id> not found." from v6, as Kafka 4 answers. v3+: authorizedOperations is
// Integer.MIN_VALUE unless includeAuthorizedOperations, then every operation Kafka supports on a
// group (READ, DELETE, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS) without an authorizer, the
// principal's with one, for each group answered without error; a group the principal may not
// DESCRIBE: GROUP_AUTHORIZATION_FAILED; v4+: member groupInstanceId; v5 flexible; v6 errorMessage.

import { DescribeGroups } from '../../protocol/apis/describe-groups.js'
import { ErrorCode } from '../../protocol/errors.js'
import { describeGroup } from '../groups/offsets.js'
import { authorize, authorizedOperations, Op, Res } from './auth.js'
import { defineHandler } from './handler.js'

const NOT_REQUESTED = -2147483648

// AclEntry.supportedOperations(GROUP) as AclOperation codes: READ 3, DELETE 6, DESCRIBE 8,
// DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11 (= 3400, what Kafka 4.1 answered in test/golden).
export const GROUP_OPERATIONS = [3, 6, 8, 10, 11].reduce((bits, op) => bits | (1 << op), 0)

// DescribeGroupsResponse.groupError: empty state, protocol type and protocol, no members.
function groupError(groupId: string, errorCode: number) {
  return { groupId, errorCode, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: NOT_REQUESTED }
}

export default defineHandler({
  api: DescribeGroups,
  handle(req, ctx) {
    const { broker, version } = ctx
    const withOps = version >= 3 && req.includeAuthorizedOperations
    const groups = req.groups.map((groupId) => {
      if (!authorize(ctx, Op.DESCRIBE, Res.GROUP, groupId)) return groupError(groupId, ErrorCode.GROUP_AUTHORIZATION_FAILED)
      const operations = withOps ? authorizedOperations(ctx, Res.GROUP, groupId) : NOT_REQUESTED
      const g = describeGroup(broker.groups, groupId)
      if (!g) {
        // A KIP-848, KIP-932 or KIP-1071 group is not a classic group (GroupMetadataManager.describeGroups).
        const g = broker.groups.group(groupId)
        const modern = g?.consumer || g?.streams || broker.shareGroups.coordinator.group(groupId)
        const message = modern ? `Group ${groupId} is not a classic group.` : `Group ${groupId} not found.`
        if (version >= 6) return { groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: message, groupState: 'Dead', authorizedOperations: NOT_REQUESTED }
        return { groupId, errorCode: 0, groupState: 'Dead', authorizedOperations: operations }
      }
      return {
        groupId,
        errorCode: 0,
        errorMessage: null,
        groupState: g.state,
        protocolType: g.protocolType,
        protocolData: g.protocol,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: m.metadata,
          memberAssignment: m.assignment,
        })),
        authorizedOperations: operations,
      }
    })
    return { throttleTimeMs: 0, groups }
  },
  errorResponse: (req, errorCode) => ({ groups: req.groups.map((groupId) => groupError(groupId, errorCode)) }),
})
