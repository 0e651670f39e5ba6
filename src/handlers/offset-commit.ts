// OffsetCommit 2–10 (KafkaApis.handleOffsetCommitRequest, OffsetMetadataManager.commitOffset,
// ClassicGroup.validateOffsetCommit). Unknown topics and partitions answer
// UNKNOWN_TOPIC_OR_PARTITION before the group is consulted; the other partitions share the group's
// verdict. v0–1 were removed in Kafka 4.0 (KIP-896): the connection is closed. v2–4: retentionTimeMs, an explicit expiry
// (-1 = the broker's offsets.retention.minutes); v5+ drops it. v6+: committedLeaderEpoch; v7+:
// groupInstanceId. For a group that does not exist and a generation >= 0: GROUP_ID_NOT_FOUND from
// v9, older versions ILLEGAL_GENERATION (OffsetMetadataManager.validateOffsetCommit). A
// generation < 0 creates a simple group. Metadata longer than offset.metadata.max.bytes (4096)
// answers OFFSET_METADATA_TOO_LARGE for that partition. v10 (KIP-848) names topics by id: an id
// no topic has (the zero id too) answers UNKNOWN_TOPIC_ID for its partitions, before the group is
// consulted, and the response echoes the ids (KafkaApis.handleOffsetCommitRequest). With an
// authorizer: READ on the group (else GROUP_AUTHORIZATION_FAILED everywhere) and on each topic
// (else TOPIC_AUTHORIZATION_FAILED for its partitions).

import { OffsetCommit, type OffsetCommitResponse } from '../../protocol/apis/offset-commit.js'
import { ErrorCode } from '../../protocol/errors.js'
import type { DeepPartial } from '../../protocol/schema.js'
import type { Broker } from '../broker.js'
import { commitOffsets, fetchOffsets, type OffsetCommitRequest } from '../groups/offsets.js'
import { allowed, authorizedNames, Op, requireGroup, Res } from './auth.js'
import { defineHandler } from './handler.js'

type TopicOut = DeepPartial<OffsetCommitResponse['topics'][number]>

export default defineHandler({
  api: OffsetCommit,
  handle(req, ctx) {
    const { broker, version } = ctx
    requireGroup(ctx, Op.READ, req.groupId)
    const readable = authorizedNames(ctx, Op.READ, Res.TOPIC, req.topics.map((t) => (version >= 10 ? broker.cluster.topicById(t.topicId)?.name ?? '' : t.name)))
    const offsets: OffsetCommitRequest['offsets'] = []
    const slots: { partitionIndex: number; errorCode: number; at: number }[][] = []
    for (const t of req.topics) {
      const topic = version >= 10 ? broker.cluster.topicById(t.topicId) : broker.cluster.topic(t.name)
      slots.push(
        t.partitions.map((p) => {
          if (!topic && version >= 10) return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, at: -1 }
          if (!allowed(readable, topic?.name ?? t.name)) return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, at: -1 }
          if (!topic || p.partitionIndex < 0 || p.partitionIndex >= topic.partitions) return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, at: -1 }
          offsets.push({
            topic: topic.name,
            partition: p.partitionIndex,
            offset: Number(p.committedOffset),
            leaderEpoch: version >= 6 ? p.committedLeaderEpoch : -1,
            metadata: p.committedMetadata,
            commitTimestamp: -1,
          })
          return { partitionIndex: p.partitionIndex, errorCode: 0, at: offsets.length - 1 }
        }),
      )
    }
    const generationId = req.generationIdOrMemberEpoch
    if (generationId < 0 && offsets.length > 0) logReset(ctx.broker, req.groupId, offsets)
    const codes =
      offsets.length === 0
        ? []
        : commitOffsets(broker.groups, {
            groupId: req.groupId,
            generationId,
            memberId: req.memberId,
            groupInstanceId: version >= 7 ? req.groupInstanceId : null,
            retentionTimeMs: version <= 4 ? Number(req.retentionTimeMs) : -1,
            groupNotFoundError: version >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION,
            version,
            offsets,
          })
    const topics: TopicOut[] = req.topics.map((t, i) => ({
      name: t.name,
      topicId: t.topicId,
      partitions: slots[i]!.map((s) => ({ partitionIndex: s.partitionIndex, errorCode: s.at < 0 ? s.errorCode : codes[s.at]! })),
    }))
    return { throttleTimeMs: 0, topics }
  },
  errorResponse: (req, errorCode) => ({
    topics: req.topics.map((t) => ({ name: t.name, topicId: t.topicId, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
  }),
})

// A commit outside any generation that moves an offset back is an offset reset (what
// kafka-consumer-groups --reset-offsets and Admin.alterConsumerGroupOffsets send): worth a line at
// INFO. Other such commits (consumers with manual assignment) are routine: DEBUG.
function logReset(broker: Broker, groupId: string, offsets: OffsetCommitRequest['offsets']): void {
  const before = new Map<string, number>()
  for (const t of fetchOffsets(broker.groups, groupId, [...new Set(offsets.map((o) => o.topic))].map((name) => ({ name, partitionIndexes: offsets.filter((o) => o.topic === name).map((o) => o.partition) })))) {
    for (const p of t.partitions) before.set(`${t.name}-${p.partitionIndex}`, p.committedOffset)
  }
  const changes = offsets.map((o) => ({ partition: `${o.topic}-${o.partition}`, from: before.get(`${o.topic}-${o.partition}`) ?? -1, to: o.offset }))
  const rewound = changes.some((c) => c.from >= 0 && c.to < c.from)
  broker.logger[rewound ? 'info' : 'debug']({ group: groupId, offsets: changes }, rewound ? 'committed offsets reset' : 'offsets committed outside a group generation')
}
