// Metadata 0–13. The live brokers of the cluster (one unless started as a cluster), the lowest of
// them reported as the controller (Admin clients send CreateTopics and DeleteTopics to
// controllerId; any broker here serves them). Each partition's leader, leader epoch, replicas and
// ISR come from the leadership table (cluster-view.ts); replicas on stopped brokers are offline. v0: an empty list means all topics; v1+: null means all. Unknown topics
// are auto-created when auto.create.topics.enable and the request allows it (v4+ flag; always
// allowed before v4). v10+ topic ids; v12+ lookup by id (name null).

import { Metadata, type MetadataResponse } from '../../protocol/apis/metadata.js'
import { ErrorCode } from '../../protocol/errors.js'
import { ZERO_UUID } from '../../protocol/primitives.js'
import type { DeepPartial } from '../../protocol/schema.js'
import type { Broker } from '../broker.js'
import type { TopicInfo } from '../cluster/cluster.js'
import { validateTopicName } from '../cluster/cluster.js'
import { partitionView, liveBrokers } from './cluster-view.js'
import { defineHandler } from './handler.js'

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
    const topics: TopicOut[] = []
    if (all) {
      for (const t of broker.cluster.topics.values()) topics.push(describeTopic(broker, t))
    } else {
      const allowCreate = version < 4 || req.allowAutoTopicCreation
      for (const want of req.topics!) {
        if (want.name === null || want.name === '') {
          const t = want.topicId !== ZERO_UUID ? broker.cluster.topicById(want.topicId) : undefined
          topics.push(t ? describeTopic(broker, t) : { errorCode: ErrorCode.UNKNOWN_TOPIC_ID, name: null, topicId: want.topicId, partitions: [] })
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
          if (allowCreate) t = broker.autoCreate(want.name)
        }
        topics.push(t ? describeTopic(broker, t) : { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name: want.name, partitions: [] })
      }
    }
    return {
      throttleTimeMs: 0,
      brokers: liveBrokers(ctx),
      clusterId: broker.cluster.clusterId,
      controllerId: broker.nodes.controllerId,
      topics,
    }
  },
  errorResponse: (req, errorCode) => ({
    topics: (req.topics ?? []).map((t) => ({ errorCode, name: t.name, topicId: t.topicId, partitions: [] })),
  }),
})
