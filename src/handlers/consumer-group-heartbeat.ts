// ConsumerGroupHeartbeat 0–1 (KIP-848; KafkaApis.handleConsumerGroupHeartbeat,
// GroupMetadataManager.consumerGroupHeartbeat): joins (epoch 0), heartbeats, leaves (-1) and
// static leaves (-2) of a consumer group, answering the member's epoch, the heartbeat interval and,
// when it changed or the request was a full one, its assignment. Errors carry Kafka's messages:
// INVALID_REQUEST, UNSUPPORTED_ASSIGNOR, INVALID_REGULAR_EXPRESSION, GROUP_ID_NOT_FOUND,
// UNKNOWN_MEMBER_ID, FENCED_MEMBER_EPOCH, FENCED_INSTANCE_ID, UNRELEASED_INSTANCE_ID,
// GROUP_MAX_SIZE_REACHED. A join to a live classic group upgrades it to a consumer group, or answers
// GROUP_ID_NOT_FOUND when group.consumer.migration.policy or Kafka's conditions refuse (migration.ts). v1: subscribedTopicRegex, and the member id is always the client's
// (KIP-1082); v0 members joining with an empty id get one. With an authorizer
// (KafkaApis.handleConsumerGroupHeartbeat): READ on the group, else GROUP_AUTHORIZATION_FAILED, and
// DESCRIBE on every subscribed topic name, else TOPIC_AUTHORIZATION_FAILED. Not done: Kafka also
// leaves topics the member may not DESCRIBE out of what its regex subscription resolves to.

import { ConsumerGroupHeartbeat } from '../../protocol/apis/consumer-group-heartbeat.js'
import { KafkaError } from '../../protocol/errors.js'
import { allowed, authorizedNames, Op, requireGroup, Res } from './auth.js'
import { clientHost } from './join-group.js'
import { defineHandler } from './handler.js'

export default defineHandler({
  api: ConsumerGroupHeartbeat,
  handle(req, ctx) {
    requireGroup(ctx, Op.READ, req.groupId)
    if (req.subscribedTopicNames !== null && req.subscribedTopicNames.length > 0) {
      const describable = authorizedNames(ctx, Op.DESCRIBE, Res.TOPIC, req.subscribedTopicNames)
      if (req.subscribedTopicNames.some((t) => !allowed(describable, t))) throw new KafkaError('TOPIC_AUTHORIZATION_FAILED')
    }
    const res = ctx.broker.consumerGroups.heartbeat({
      groupId: req.groupId,
      memberId: req.memberId,
      memberEpoch: req.memberEpoch,
      instanceId: req.instanceId,
      rackId: req.rackId,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      subscribedTopicNames: req.subscribedTopicNames,
      subscribedTopicRegex: ctx.version >= 1 ? req.subscribedTopicRegex : null,
      serverAssignor: req.serverAssignor,
      topicPartitions: req.topicPartitions,
      clientId: ctx.header.clientId ?? '',
      clientHost: clientHost(ctx.connection.remote),
      version: ctx.version,
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
