// Heartbeat 0–4 (KafkaApis.handleHeartbeatRequest, GroupMetadataManager.classicGroupHeartbeat).
// Keeps a member's session alive. REBALANCE_IN_PROGRESS while the group prepares a rebalance
// (the member must rejoin); a heartbeat between JoinGroup and SyncGroup is normal. Errors as
// Kafka: INVALID_GROUP_ID for an empty group id, UNKNOWN_MEMBER_ID for an unknown group or member,
// FENCED_INSTANCE_ID for a static member replaced by a newer instance, ILLEGAL_GENERATION for a
// stale generation. In a KIP-848 consumer group (a classic member after an online upgrade) the
// generation is the member epoch and REBALANCE_IN_PROGRESS asks it to rejoin. v1+ throttleTimeMs; v3+ groupInstanceId; v4 flexible.
// With an authorizer the group needs READ (else GROUP_AUTHORIZATION_FAILED), as KafkaApis.

import { Heartbeat } from '../../protocol/apis/heartbeat.js'
import { Op, requireGroup } from './auth.js'
import { defineHandler } from './handler.js'

export default defineHandler({
  api: Heartbeat,
  handle(req, ctx) {
    requireGroup(ctx, Op.READ, req.groupId)
    const errorCode = ctx.broker.groups.heartbeat({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: ctx.version >= 3 ? req.groupInstanceId : null,
    })
    return { throttleTimeMs: 0, errorCode }
  },
  errorResponse: (_req, errorCode) => ({ errorCode }),
})
