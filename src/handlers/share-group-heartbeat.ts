// ShareGroupHeartbeat 1 (KIP-932; KafkaApis.handleShareGroupHeartbeat, GroupMetadataManager
// shareGroupHeartbeat): joins (epoch 0, member id chosen by the client), heartbeats and leaves (-1)
// of a share group; answers the member's epoch, the heartbeat interval (share.heartbeat.interval.ms)
// and, on a join or when it changed, its assignment. Errors with Kafka's messages: INVALID_REQUEST,
// GROUP_ID_NOT_FOUND (a group of another type), UNKNOWN_MEMBER_ID, FENCED_MEMBER_EPOCH,
// GROUP_MAX_SIZE_REACHED. With an authorizer: READ on the group, else GROUP_AUTHORIZATION_FAILED;
// DESCRIBE on every subscribed topic, else TOPIC_AUTHORIZATION_FAILED.

import { ShareGroupHeartbeat } from '../../protocol/apis/share-group-heartbeat.js'
import { KafkaError } from '../../protocol/errors.js'
import { allowed, authorizedNames, Op, requireGroup, Res } from './auth.js'
import { clientHost } from './join-group.js'
import { defineHandler } from './handler.js'

export default defineHandler({
  api: ShareGroupHeartbeat,
  handle(req, ctx) {
    requireGroup(ctx, Op.READ, req.groupId)
    if (req.subscribedTopicNames !== null && req.subscribedTopicNames.length > 0) {
      const describable = authorizedNames(ctx, Op.DESCRIBE, Res.TOPIC, req.subscribedTopicNames)
      if (req.subscribedTopicNames.some((t) => !allowed(describable, t))) throw new KafkaError('TOPIC_AUTHORIZATION_FAILED')
    }
    const res = ctx.broker.shareGroups.coordinator.heartbeat({
      groupId: req.groupId,
      memberId: req.memberId,
      memberEpoch: req.memberEpoch,
      rackId: req.rackId,
      subscribedTopicNames: req.subscribedTopicNames,
      clientId: ctx.header.clientId ?? '',
      clientHost: clientHost(ctx.connection.remote),
    })
    return {
      throttleTimeMs: 0,
      errorCode: res.errorCode,
      errorMessage: res.errorMessage,
      memberId: res.memberId,
      memberEpoch: res.memberEpoch,
      heartbeatIntervalMs: res.heartbeatIntervalMs,
      assignment: res.assignment === null ? null : { topicPartitions: res.assignment },
    }
  },
  errorResponse: (_req, errorCode) => ({ errorCode }),
})
