// OffsetFetch 1–10 (KafkaApis.handleOffsetFetchRequestFromCoordinator,
// OffsetMetadataManager.fetchOffsets / fetchAllOffsets). A partition without a committed offset
// answers -1 with empty metadata and no error, as does every partition of an unknown group.
// v0 was removed in Kafka 4.0 (KIP-896): the connection is closed. v1: the topics are required,
// errors only per partition; v2–7: topics null = every committed offset of
// the group, and a top-level errorCode; v5+: committedLeaderEpoch; v7+: requireStable (a
// transactional commit still pending answers UNSTABLE_OFFSET_COMMIT on its partition); v8+: several groups, each
// with its own topics (null = all) and errorCode; v9+: memberId/memberEpoch, which only KIP-848
// consumer groups check. An empty group id is served like any other, as Kafka does for this API.
// v10 (KIP-848) names topics by id: an unknown id (the zero id too) answers UNKNOWN_TOPIC_ID with
// offset -1 on its partitions; "all topics" lists only the committed offsets whose topic still has
// an id (KafkaApis.fetchAllOffsetsForGroup). With an authorizer: DESCRIBE on the group
// (GROUP_AUTHORIZATION_FAILED) and on each topic.

import { OffsetFetch, type OffsetFetchRequest } from '../../protocol/apis/offset-fetch.js'
import { ErrorCode } from '../../protocol/errors.js'
import { validateConsumerFetch } from '../groups/consumer-group.js'
import { fetchOffsets } from '../groups/offsets.js'
import { allowed, authorize, authorizedNames, Op, requireGroup, Res } from './auth.js'
import { defineHandler, type RequestContext } from './handler.js'

// Topics the principal may not DESCRIBE: left out of an all-topics answer, else answered
// TOPIC_AUTHORIZATION_FAILED after the others (KafkaApis.fetchOffsetsForGroup).
function fetchGroup(ctx: RequestContext, groupId: string, topics: { name: string; partitionIndexes: number[] }[] | null, requireStable: boolean) {
  const describable = authorizedNames(ctx, Op.DESCRIBE, Res.TOPIC, topics ? topics.map((t) => t.name) : ctx.broker.cluster.topics.keys())
  const asked = topics?.filter((t) => allowed(describable, t.name)) ?? null
  const out = fetchOffsets(ctx.broker.groups, groupId, asked, requireStable)
    .filter((t) => allowed(describable, t.name))
    .map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ ...p, committedOffset: BigInt(p.committedOffset) })),
    }))
  for (const t of topics ?? []) {
    if (allowed(describable, t.name)) continue
    out.push({ name: t.name, partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED })) })
  }
  return out
}

type GroupTopics = OffsetFetchRequest['groups'][number]['topics']

// v10: resolve ids to names around fetchGroup, keeping the request's order.
function fetchGroupByIds(ctx: RequestContext, groupId: string, topics: GroupTopics, requireStable: boolean) {
  const { broker } = ctx
  if (topics === null) {
    return fetchGroup(ctx, groupId, null, requireStable).flatMap((t) => {
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
    return { ...fetchGroup(ctx, groupId, [{ name: topic.name, partitionIndexes: t.partitionIndexes }], requireStable)[0]!, topicId: t.topicId }
  })
}

export default defineHandler({
  api: OffsetFetch,
  handle(req, ctx) {
    const { version } = ctx
    if (version >= 8) {
      return {
        throttleTimeMs: 0,
        groups: req.groups.map((g) => {
          if (!authorize(ctx, Op.DESCRIBE, Res.GROUP, g.groupId)) return { groupId: g.groupId, topics: [], errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED }
          // v9+: a KIP-848 member fetches at its current epoch (STALE_MEMBER_EPOCH, UNKNOWN_MEMBER_ID).
          const group = ctx.broker.groups.group(g.groupId)
          const consumer = group?.consumer ?? group?.streams
          const errorCode = consumer && version >= 9 ? validateConsumerFetch(consumer, g.memberId, g.memberEpoch) : 0
          if (errorCode !== 0) return { groupId: g.groupId, topics: [], errorCode }
          const topics = version >= 10 ? fetchGroupByIds(ctx, g.groupId, g.topics, req.requireStable) : fetchGroup(ctx, g.groupId, g.topics, req.requireStable)
          return { groupId: g.groupId, topics, errorCode: 0 }
        }),
      }
    }
    requireGroup(ctx, Op.DESCRIBE, req.groupId)
    const topics = version >= 2 ? req.topics : (req.topics ?? [])
    return { throttleTimeMs: 0, topics: fetchGroup(ctx, req.groupId, topics, version >= 7 && req.requireStable), errorCode: 0 }
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
