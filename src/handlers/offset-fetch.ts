// OffsetFetch 0–10 (KafkaApis.handleOffsetFetchRequestFromCoordinator,
// OffsetMetadataManager.fetchOffsets / fetchAllOffsets). A partition without a committed offset
// answers -1 with empty metadata and no error, as does every partition of an unknown group.
// v0–1: the topics are required, errors only per partition (Kafka 2.x read v0 from ZooKeeper and
// Kafka 4 dropped it; here it is served like v1); v2–7: topics null = every committed offset of
// the group, and a top-level errorCode; v5+: committedLeaderEpoch; v7+: requireStable (a
// transactional commit still pending answers UNSTABLE_OFFSET_COMMIT on its partition); v8+: several groups, each
// with its own topics (null = all) and errorCode; v9+: memberId/memberEpoch, which only KIP-848
// consumer groups check (every group here is classic). An empty group id is served like any
// other, as Kafka does for this API. v10 (KIP-848) names topics by id: an unknown id (the zero id
// too) answers UNKNOWN_TOPIC_ID with offset -1 on its partitions; "all topics" lists only the
// committed offsets whose topic still has an id (KafkaApis.fetchAllOffsetsForGroup).

import { OffsetFetch, type OffsetFetchRequest } from '../../protocol/apis/offset-fetch.js'
import { ErrorCode } from '../../protocol/errors.js'
import type { Broker } from '../broker.js'
import { fetchOffsets } from '../groups/offsets.js'
import { defineHandler } from './handler.js'

function fetchGroup(broker: Broker, groupId: string, topics: { name: string; partitionIndexes: number[] }[] | null, requireStable: boolean) {
  return fetchOffsets(broker.groups, groupId, topics, requireStable).map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({ ...p, committedOffset: BigInt(p.committedOffset) })),
  }))
}

type GroupTopics = OffsetFetchRequest['groups'][number]['topics']

// v10: resolve ids to names around fetchGroup, keeping the request's order.
function fetchGroupByIds(broker: Broker, groupId: string, topics: GroupTopics, requireStable: boolean) {
  if (topics === null) {
    return fetchGroup(broker, groupId, null, requireStable).flatMap((t) => {
      const id = broker.cluster.topic(t.name)?.id
      return id === undefined ? [] : [{ ...t, topicId: id }]
    })
  }
  return topics.map((t) => {
    const topic = broker.cluster.topicById(t.topicId)
    if (!topic) {
      const partitions = t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNKNOWN_TOPIC_ID }))
      return { name: '', topicId: t.topicId, partitions }
    }
    return { ...fetchGroup(broker, groupId, [{ name: topic.name, partitionIndexes: t.partitionIndexes }], requireStable)[0]!, topicId: t.topicId }
  })
}

export default defineHandler({
  api: OffsetFetch,
  handle(req, ctx) {
    const { broker, version } = ctx
    if (version >= 8) {
      return {
        throttleTimeMs: 0,
        groups: req.groups.map((g) => ({
          groupId: g.groupId,
          topics: version >= 10 ? fetchGroupByIds(broker, g.groupId, g.topics, req.requireStable) : fetchGroup(broker, g.groupId, g.topics, req.requireStable),
          errorCode: 0,
        })),
      }
    }
    const topics = version >= 2 ? req.topics : (req.topics ?? [])
    return { throttleTimeMs: 0, topics: fetchGroup(broker, req.groupId, topics, version >= 7 && req.requireStable), errorCode: 0 }
  },
  // OffsetFetchRequest.getErrorResponse: per partition before v2, top level v2–7, per group v8+.
  errorResponse: (req, errorCode, ctx) => {
    if (ctx.version >= 8) return { groups: req.groups.map((g) => ({ groupId: g.groupId, errorCode, topics: [] })) }
    if (ctx.version >= 2) return { errorCode, topics: [] }
    return {
      topics: (req.topics ?? []).map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode })),
      })),
    }
  },
})
