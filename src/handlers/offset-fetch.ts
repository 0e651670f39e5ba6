// OffsetFetch 0–9 (KafkaApis.handleOffsetFetchRequestFromCoordinator,
// OffsetMetadataManager.fetchOffsets / fetchAllOffsets). A partition without a committed offset
// answers -1 with empty metadata and no error, as does every partition of an unknown group.
// v0–1: the topics are required, errors only per partition (Kafka 2.x read v0 from ZooKeeper and
// Kafka 4 dropped it; here it is served like v1); v2–7: topics null = every committed offset of
// the group, and a top-level errorCode; v5+: committedLeaderEpoch; v7+: requireStable (a
// transactional commit still pending answers UNSTABLE_OFFSET_COMMIT on its partition); v8+: several groups, each
// with its own topics (null = all) and errorCode; v9+: memberId/memberEpoch, which only KIP-848
// consumer groups check. An empty group id is served like any
// other, as Kafka does for this API. Not implemented: v10 (topic ids).

import { OffsetFetch } from '../../protocol/apis/offset-fetch.js'
import type { Broker } from '../broker.js'
import { validateConsumerFetch } from '../groups/consumer-group.js'
import { fetchOffsets } from '../groups/offsets.js'
import { defineHandler } from './handler.js'

function fetchGroup(broker: Broker, groupId: string, topics: { name: string; partitionIndexes: number[] }[] | null, requireStable: boolean) {
  return fetchOffsets(broker.groups, groupId, topics, requireStable).map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({ ...p, committedOffset: BigInt(p.committedOffset) })),
  }))
}

export default defineHandler({
  api: OffsetFetch,
  handle(req, ctx) {
    const { broker, version } = ctx
    if (version >= 8) {
      return {
        throttleTimeMs: 0,
        groups: req.groups.map((g) => {
          // v9+: a KIP-848 member fetches at its current epoch (STALE_MEMBER_EPOCH, UNKNOWN_MEMBER_ID).
          const consumer = broker.groups.group(g.groupId)?.consumer
          const errorCode = consumer && version >= 9 ? validateConsumerFetch(consumer, g.memberId, g.memberEpoch) : 0
          if (errorCode !== 0) return { groupId: g.groupId, topics: [], errorCode }
          return { groupId: g.groupId, topics: fetchGroup(broker, g.groupId, g.topics, req.requireStable), errorCode: 0 }
        }),
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
