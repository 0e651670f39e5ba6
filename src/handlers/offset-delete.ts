// OffsetDelete 0 (KafkaApis.handleOffsetDeleteRequest, OffsetMetadataManager.deleteOffsets,
// ClassicGroup.validateOffsetDelete). Unknown topics and partitions answer
// UNKNOWN_TOPIC_OR_PARTITION; the group is checked even when no partition is left. Top-level
// errors (the topics list is then empty, as OffsetDeleteResponse.Builder.merge keeps only the
// error): INVALID_GROUP_ID for an empty id, GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP for a live group
// that is not a consumer group. A live consumer group keeps the offsets of topics it subscribes
// to (GROUP_SUBSCRIBED_TO_TOPIC per partition).
// With an authorizer: DELETE on the group (GROUP_AUTHORIZATION_FAILED), READ on each topic
// (TOPIC_AUTHORIZATION_FAILED for its partitions), as KafkaApis.handleOffsetDeleteRequest.

import { OffsetDelete } from '../../protocol/apis/offset-delete.js'
import { ErrorCode } from '../../protocol/errors.js'
import { deleteOffsets } from '../groups/offsets.js'
import { allowed, authorizedNames, Op, requireGroup, Res } from './auth.js'
import { defineHandler } from './handler.js'

export default defineHandler({
  api: OffsetDelete,
  handle(req, ctx) {
    const { broker } = ctx
    requireGroup(ctx, Op.DELETE, req.groupId)
    const requested = new Map<string, number[]>()
    for (const t of req.topics) requested.set(t.name, [...(requested.get(t.name) ?? []), ...t.partitions.map((p) => p.partitionIndex)])
    const unknown = new Map<string, number[]>()
    const known: { name: string; partitions: number[] }[] = []
    const readable = authorizedNames(ctx, Op.READ, Res.TOPIC, requested.keys())
    const denied = new Map<string, number[]>()
    for (const [name, partitions] of requested) {
      if (!allowed(readable, name)) {
        denied.set(name, partitions)
        continue
      }
      const topic = broker.cluster.topic(name)
      const exists = (p: number) => topic !== undefined && p >= 0 && p < topic.partitions
      if (partitions.some((p) => !exists(p))) unknown.set(name, partitions.filter((p) => !exists(p)))
      if (partitions.some(exists)) known.push({ name, partitions: partitions.filter(exists) })
    }
    const res = deleteOffsets(broker.groups, req.groupId, known)
    if (res.errorCode !== 0) return { errorCode: res.errorCode, throttleTimeMs: 0, topics: [] }
    const deleted = res.results.flatMap((t) => t.partitions.filter((p) => p.errorCode === 0).map((p) => `${t.name}-${p.partitionIndex}`))
    if (deleted.length > 0) broker.logger.info({ group: req.groupId, partitions: deleted }, 'committed offsets deleted')
    const byName = new Map(res.results.map((t) => [t.name, t.partitions]))
    return {
      errorCode: 0,
      throttleTimeMs: 0,
      topics: [...requested.keys()].map((name) => ({
        name,
        partitions: [
          ...(denied.get(name) ?? []).map((partitionIndex) => ({ partitionIndex, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED })),
          ...(unknown.get(name) ?? []).map((partitionIndex) => ({ partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION })),
          ...(byName.get(name) ?? []),
        ],
      })),
    }
  },
  errorResponse: (_req, errorCode) => ({ errorCode, throttleTimeMs: 0, topics: [] }),
})
