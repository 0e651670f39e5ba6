// StreamsGroupHeartbeat 0–1 (KIP-1071; KafkaApis.handleStreamsGroupHeartbeat,
// GroupMetadataManager.streamsGroupHeartbeat): joins (epoch 0, with the topology), heartbeats,
// leaves (-1) and static leaves (-2) of a streams group, answering the member's epoch, its tasks
// (when they changed or the request was a full one), the group's statuses (MISSING_SOURCE_TOPICS,
// MISSING_INTERNAL_TOPICS, INCORRECTLY_PARTITIONED_TOPICS, STALE_TOPOLOGY, SHUTDOWN_APPLICATION)
// and, for Interactive Queries, the partitions behind each member's endpoint when the client's
// endpoint epoch is behind. v1 (KIP-1331): AcceptableRecoveryLag as int64 and
// TopologyDescriptionRequired, which stays false as on a Kafka without a topology description
// plugin (so StreamsGroupTopologyDescriptionUpdate is never asked for and is not served). With an
// authorizer: READ on the group (GROUP_AUTHORIZATION_FAILED), DESCRIBE on every topic of the
// topology (TOPIC_AUTHORIZATION_FAILED), and internal topics are created only with CREATE on the
// cluster or on every one of them (else the MISSING_INTERNAL_TOPICS status says so, as in Kafka;
// src/groups/streams/internal-topics.ts).

import { StreamsGroupHeartbeat } from '../../protocol/apis/streams-group-heartbeat.js'
import { KafkaError } from '../../protocol/errors.js'
import { allowed, authorize, authorizeCluster, authorizedNames, clientHost, Op, requireGroup, Res } from './auth.js'
import { defineHandler } from './handler.js'

export default defineHandler({
  api: StreamsGroupHeartbeat,
  handle(req, ctx) {
    requireGroup(ctx, Op.READ, req.groupId)
    const topology = req.topology
    if (topology !== null) {
      const names = topology.subtopologies.flatMap((s) => [...s.sourceTopics, ...s.repartitionSinkTopics, ...s.repartitionSourceTopics.map((t) => t.name), ...s.stateChangelogTopics.map((t) => t.name)])
      const describable = authorizedNames(ctx, Op.DESCRIBE, Res.TOPIC, names)
      if (names.some((t) => !allowed(describable, t))) throw new KafkaError('TOPIC_AUTHORIZATION_FAILED')
    }
    const clusterCreate = authorizeCluster(ctx, Op.CREATE)
    const res = ctx.broker.streamsGroups.heartbeat({
      groupId: req.groupId,
      memberId: req.memberId,
      memberEpoch: req.memberEpoch,
      endpointInformationEpoch: req.endpointInformationEpoch,
      instanceId: req.instanceId,
      rackId: req.rackId,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      topology,
      activeTasks: req.activeTasks,
      standbyTasks: req.standbyTasks,
      warmupTasks: req.warmupTasks,
      processId: req.processId,
      userEndpoint: req.userEndpoint,
      clientTags: req.clientTags,
      taskOffsets: req.taskOffsets,
      taskEndOffsets: req.taskEndOffsets,
      shutdownApplication: req.shutdownApplication,
      clientId: ctx.header.clientId ?? '',
      clientHost: clientHost(ctx.connection),
      apiVersion: ctx.header.apiVersion,
      mayCreateTopic: (name) => clusterCreate || authorize(ctx, Op.CREATE, Res.TOPIC, name),
    })
    return {
      throttleTimeMs: 0,
      ...res,
      acceptableRecoveryLagLegacy: Math.max(0, res.acceptableRecoveryLag),
      acceptableRecoveryLag: BigInt(res.acceptableRecoveryLag),
      topologyDescriptionRequired: false,
    }
  },
  errorResponse: (req, errorCode) => ({ errorCode, memberId: req.memberId }),
})
