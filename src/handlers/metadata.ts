// Metadata 0–13. The live brokers of the cluster (one unless started as a cluster), the lowest of
// them reported as the controller (Admin clients send CreateTopics and DeleteTopics to
// controllerId; any broker here serves them). Each partition's leader, leader epoch, replicas and
// ISR come from the leadership table (cluster-view.ts); replicas on stopped brokers are offline. v0: an empty list means all topics; v1+: null means all. Unknown topics
// are auto-created when auto.create.topics.enable and the request allows it (v4+ flag; always
// allowed before v4). v10+ topic ids; v12+ lookup by id (name null). v8+ topic authorized
// operations and v8–10 cluster authorized operations when asked (every supported operation without
// an authorizer, as Kafka). With an authorizer: DESCRIBE per topic (TOPIC_AUTHORIZATION_FAILED, or
// left out of an all-topics answer), CREATE on the cluster or the topic to auto-create.

import { Metadata, type MetadataResponse } from '../../protocol/apis/metadata.js'
import { ErrorCode } from '../../protocol/errors.js'
import { ZERO_UUID } from '../../protocol/primitives.js'
import type { DeepPartial } from '../../protocol/schema.js'
import type { Broker } from '../broker.js'
import type { TopicInfo } from '../cluster/cluster.js'
import { validateTopicName } from '../cluster/cluster.js'
import { CLUSTER_NAME } from '../security/authorizer/acl.js'
import { allowed, authorize, authorizeCluster, authorizedNames, authorizedOperations, Op, Res } from './auth.js'
import { partitionView, liveBrokers } from './cluster-view.js'
import { defineHandler, type RequestContext } from './handler.js'

const NOT_REQUESTED = -2147483648

// The topic is answered with its name only: no id, no partitions (Kafka sends ZERO_UUID).
function unauthorized(name: string): TopicOut {
  return { errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, name, topicId: ZERO_UUID, isInternal: false, partitions: [] }
}

// DESCRIBE on the cluster first, else 0 (Kafka's Metadata v8–10 and DescribeCluster).
export function clusterOperations(ctx: RequestContext): number {
  return authorizeCluster(ctx, Op.DESCRIBE) ? authorizedOperations(ctx, Res.CLUSTER, CLUSTER_NAME) : 0
}

type TopicOut = DeepPartial<MetadataResponse['topics'][number]>

export function describeTopic(broker: Broker, t: TopicInfo): TopicOut {
  const partitions = []
  for (let p = 0; p < t.partitions; p++) {
    const view = partitionView(broker, t.name, p)
    // Kafka answers LEADER_NOT_AVAILABLE for a partition without a live leader.
    partitions.push({ errorCode: view.leaderId === -1 ? ErrorCode.LEADER_NOT_AVAILABLE : 0, partitionIndex: p, ...view })
  }
  return { errorCode: 0, name: t.name, topicId: t.id, isInternal: t.internal, partitions }
}

export default defineHandler({
  api: Metadata,
  handle(req, ctx) {
    const { broker, version } = ctx
    const all = req.topics === null || (version === 0 && req.topics.length === 0)
    const withOps = version >= 8 && req.includeTopicAuthorizedOperations
    const topics: TopicOut[] = []
    if (all) {
      // Topics the principal may not describe are left out, without a trace (Kafka's
      // handleTopicMetadataRequest: "do not disclose the existence").
      const describable = authorizedNames(ctx, Op.DESCRIBE, Res.TOPIC, broker.cluster.topics.keys())
      for (const t of broker.cluster.topics.values()) if (allowed(describable, t.name)) topics.push(describeTopic(broker, t))
    } else {
      const allowCreate = version < 4 || req.allowAutoTopicCreation
      const describable = authorizedNames(ctx, Op.DESCRIBE, Res.TOPIC, req.topics!.flatMap((w) => (w.name ? [w.name] : [])))
      // Auto-creation needs CREATE on the cluster or on the topic.
      const mayCreate = (name: string) => authorizeCluster(ctx, Op.CREATE) || authorize(ctx, Op.CREATE, Res.TOPIC, name)
      for (const want of req.topics!) {
        if (want.name === null || want.name === '') {
          const t = want.topicId !== ZERO_UUID ? broker.cluster.topicById(want.topicId) : undefined
          if (t && !authorize(ctx, Op.DESCRIBE, Res.TOPIC, t.name)) topics.push({ errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, name: null, topicId: t.id, partitions: [] })
          else topics.push(t ? describeTopic(broker, t) : { errorCode: ErrorCode.UNKNOWN_TOPIC_ID, name: null, topicId: want.topicId, partitions: [] })
          continue
        }
        if (!allowed(describable, want.name)) {
          topics.push(unauthorized(want.name))
          continue
        }
        let t = broker.cluster.topic(want.name)
        if (!t) {
          try {
            validateTopicName(want.name)
          } catch {
            topics.push({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, name: want.name, partitions: [] })
            continue
          }
          if (allowCreate && broker.config.bool('auto.create.topics.enable') && !mayCreate(want.name)) {
            topics.push(unauthorized(want.name))
            continue
          }
          if (allowCreate) t = broker.autoCreate(want.name)
        }
        topics.push(t ? describeTopic(broker, t) : { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name: want.name, partitions: [] })
      }
    }
    if (withOps) for (const t of topics) if (t.errorCode !== ErrorCode.TOPIC_AUTHORIZATION_FAILED && t.name) t.topicAuthorizedOperations = authorizedOperations(ctx, Res.TOPIC, t.name)
    return {
      throttleTimeMs: 0,
      brokers: liveBrokers(ctx),
      clusterId: broker.cluster.clusterId,
      controllerId: broker.nodes.controllerId,
      topics,
      clusterAuthorizedOperations: version >= 8 && version <= 10 && req.includeClusterAuthorizedOperations ? clusterOperations(ctx) : NOT_REQUESTED,
    }
  },
  errorResponse: (req, errorCode) => ({
    topics: (req.topics ?? []).map((t) => ({ errorCode, name: t.name, topicId: t.topicId, partitions: [] })),
  }),
})
