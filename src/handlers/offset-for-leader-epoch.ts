// OffsetForLeaderEpoch 2–4 (Partition.lastOffsetForLeaderEpoch; v0–1 were removed in Kafka 4.0 (KIP-896)). The answer is Kafka's
// LeaderEpochFileCache.endOffsetFor over the partition's epoch history (leadership.ts): the latest
// epoch ends at the log end offset; an earlier one where the next known epoch starts (answered
// with the largest known epoch at or below the requested one); one below every known epoch ends
// where the first starts; one above the latest, or -1, is undefined (leader epoch and end offset
// -1, no error). A broker that never changed leaders has the one epoch 0. It answers the leader
// epoch and fences on currentLeaderEpoch (UNKNOWN_LEADER_EPOCH above the partition's,
// FENCED_LEADER_EPOCH below); v3+ carries a replicaId, which changes nothing here (the store
// replicates; consumers and followers alike are served by the leader, others answer
// NOT_LEADER_OR_FOLLOWER). librdkafka sends v2 whenever it knows an epoch. With an authorizer:
// CLUSTER_ACTION on the cluster (followers) or DESCRIBE on each topic, else
// TOPIC_AUTHORIZATION_FAILED.

import { OffsetForLeaderEpoch, type OffsetForLeaderEpochResponse } from '../../protocol/apis/offset-for-leader-epoch.js'
import { ErrorCode } from '../../protocol/errors.js'
import type { DeepPartial } from '../../protocol/schema.js'
import { allowed, authorizeCluster, authorizedNames, hasAuthorizer, Op, Res } from './auth.js'
import { leaderError } from './cluster-view.js'
import { defineHandler } from './handler.js'

type PartitionOut = DeepPartial<OffsetForLeaderEpochResponse['topics'][number]['partitions'][number]>

function failed(partition: number, errorCode: number): PartitionOut {
  return { partition, errorCode, leaderEpoch: -1, endOffset: -1n }
}

export default defineHandler({
  api: OffsetForLeaderEpoch,
  handle(req, ctx) {
    const { broker, version } = ctx
    const leadership = broker.cluster.leadership
    const describable = !hasAuthorizer(ctx) || authorizeCluster(ctx, Op.CLUSTER_ACTION) ? null : authorizedNames(ctx, Op.DESCRIBE, Res.TOPIC, req.topics.map((t) => t.topic))
    const topics = req.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p): PartitionOut => {
        if (!allowed(describable, t.topic)) return failed(p.partition, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
        const log = broker.partition(t.topic, p.partition)
        if (!log) return failed(p.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        const fenced = leaderError(ctx, t.topic, p.partition, p.currentLeaderEpoch)
        if (fenced !== 0) return failed(p.partition, fenced)
        const state = leadership.get(t.topic, p.partition)
        const [epoch, end] = state ? leadership.endOffsetFor(state, p.leaderEpoch, log.logStartOffset, log.logEndOffset) : [-1, -1]
        return { partition: p.partition, errorCode: 0, leaderEpoch: epoch, endOffset: BigInt(end) }
      }),
    }))
    return { throttleTimeMs: 0, topics }
  },
  errorResponse: (req, errorCode) => ({
    topics: req.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => failed(p.partition, errorCode)) })),
  }),
})
