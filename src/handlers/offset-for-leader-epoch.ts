// OffsetForLeaderEpoch 0–4. A single node that never changes leaders has one leader epoch, 0,
// starting at the log start offset, so Kafka's LeaderEpochFileCache.endOffsetFor reduces to:
// epoch 0 (the latest) ends at the log end offset; an epoch above it, or -1, is undefined
// (leader epoch and end offset -1, no error); an epoch below -1 precedes every known epoch and
// ends where epoch 0 starts. v1+ answers the leader epoch; v2+ fences on currentLeaderEpoch
// (as Fetch: UNKNOWN_LEADER_EPOCH above 0, FENCED_LEADER_EPOCH below); v3+ carries a replicaId,
// which changes nothing here (Kafka serves consumers and followers alike from the leader).
// librdkafka sends v2 whenever it knows an epoch. Not implemented: authorization.
// With an authorizer: CLUSTER_ACTION on the cluster (followers) or DESCRIBE on each topic, else
// TOPIC_AUTHORIZATION_FAILED.

import { OffsetForLeaderEpoch, type OffsetForLeaderEpochResponse } from '../../protocol/apis/offset-for-leader-epoch.js'
import { ErrorCode } from '../../protocol/errors.js'
import type { DeepPartial } from '../../protocol/schema.js'
import { allowed, authorizeCluster, authorizedNames, hasAuthorizer, Op, Res } from './auth.js'
import { defineHandler } from './handler.js'
import { fenceLeaderEpoch } from './list-offsets.js'

type PartitionOut = DeepPartial<OffsetForLeaderEpochResponse['topics'][number]['partitions'][number]>

const UNDEFINED_EPOCH = -1

function failed(partition: number, errorCode: number): PartitionOut {
  return { partition, errorCode, leaderEpoch: -1, endOffset: -1n }
}

export default defineHandler({
  api: OffsetForLeaderEpoch,
  handle(req, ctx) {
    const { broker } = ctx
    const describable = !hasAuthorizer(ctx) || authorizeCluster(ctx, Op.CLUSTER_ACTION) ? null : authorizedNames(ctx, Op.DESCRIBE, Res.TOPIC, req.topics.map((t) => t.topic))
    const topics = req.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p): PartitionOut => {
        if (!allowed(describable, t.topic)) return failed(p.partition, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
        const log = broker.partition(t.topic, p.partition)
        if (!log) return failed(p.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        const fenced = fenceLeaderEpoch(p.currentLeaderEpoch)
        if (fenced !== 0) return failed(p.partition, fenced)
        if (p.leaderEpoch === 0) return { partition: p.partition, errorCode: 0, leaderEpoch: 0, endOffset: BigInt(log.logEndOffset) }
        if (p.leaderEpoch < UNDEFINED_EPOCH) return { partition: p.partition, errorCode: 0, leaderEpoch: p.leaderEpoch, endOffset: BigInt(log.logStartOffset) }
        return failed(p.partition, 0)
      }),
    }))
    return { throttleTimeMs: 0, topics }
  },
  errorResponse: (req, errorCode) => ({
    topics: req.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => failed(p.partition, errorCode)) })),
  }),
})
