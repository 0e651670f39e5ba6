// LeaveGroup 0–5 (KafkaApis.handleLeaveGroupRequest, GroupMetadataManager.classicGroupLeave).
// v0–2: one memberId, and the member's error is the top-level error (LeaveGroupResponse's
// constructor for old versions); v3+: a batch of members by memberId, or by groupInstanceId with
// an empty memberId (how the Admin client removes static members), each with its own error; an
// unknown group answers UNKNOWN_MEMBER_ID per member with no top-level error. v5 reason: ignored.
// An empty group id is INVALID_GROUP_ID at the top level. In a KIP-848 consumer group, classic
// members leave by id and any member by instance id; the group may go back to classic (downgrade).
// With an authorizer the group needs READ (else GROUP_AUTHORIZATION_FAILED), as KafkaApis.

import { LeaveGroup } from '../../protocol/apis/leave-group.js'
import { Op, requireGroup } from './auth.js'
import { defineHandler } from './handler.js'

export default defineHandler({
  api: LeaveGroup,
  handle(req, ctx) {
    requireGroup(ctx, Op.READ, req.groupId)
    const { version } = ctx
    const members = version >= 3 ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId })) : [{ memberId: req.memberId, groupInstanceId: null }]
    const res = ctx.broker.groups.leave(req.groupId, members)
    if (version >= 3) return { throttleTimeMs: 0, errorCode: res.errorCode, members: res.members }
    return { throttleTimeMs: 0, errorCode: res.errorCode !== 0 ? res.errorCode : (res.members[0]?.errorCode ?? 0) }
  },
  errorResponse: (_req, errorCode) => ({ errorCode, members: [] }),
})
