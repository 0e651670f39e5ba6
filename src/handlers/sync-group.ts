// SyncGroup 0–5 (KafkaApis.handleSyncGroupRequest, GroupMetadataManager.classicGroupSync). The
// leader's request carries the assignments; every member's request parks until the leader's
// arrives and then answers with that member's assignment. Assignments sent by a follower are
// ignored, as in Kafka; members the leader leaves out get an empty assignment. v3+:
// groupInstanceId (static membership); v5+: protocolType and protocolName are mandatory
// (SyncGroupRequest.areMandatoryProtocolTypeAndNamePresent: INCONSISTENT_GROUP_PROTOCOL when
// either is null) and must match the group's; the response carries the group's pair on success.
// A group record too large for __consumer_offsets (max.message.bytes) fails every parked
// SyncGroup with UNKNOWN_SERVER_ERROR and starts another rebalance, as Kafka's failed append does.
// In a KIP-848 consumer group a classic member's SyncGroup returns the server assignor's partitions
// (src/groups/consumer-classic.ts), or REBALANCE_IN_PROGRESS when it must rejoin first.
// With an authorizer the group needs READ (else GROUP_AUTHORIZATION_FAILED), as KafkaApis.

import { SyncGroup } from '../../protocol/apis/sync-group.js'
import { KafkaError } from '../../protocol/errors.js'
import { Op, requireGroup } from './auth.js'
import { defineHandler } from './handler.js'

export default defineHandler({
  api: SyncGroup,
  async handle(req, ctx) {
    requireGroup(ctx, Op.READ, req.groupId)
    const { broker, version } = ctx
    if (version >= 5 && (req.protocolType === null || req.protocolName === null)) {
      throw new KafkaError('INCONSISTENT_GROUP_PROTOCOL', 'SyncGroup v5+ requires protocolType and protocolName')
    }
    const res = await broker.groups.sync({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: version >= 3 ? req.groupInstanceId : null,
      protocolType: version >= 5 ? req.protocolType : null,
      protocolName: version >= 5 ? req.protocolName : null,
      assignments: req.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })),
    })
    return { throttleTimeMs: 0, ...res }
  },
  errorResponse: (_req, errorCode) => ({ errorCode, assignment: Buffer.alloc(0) }),
})
