// DescribeShareGroupOffsets 0–1 (KIP-932; GroupCoordinatorService.describeShareGroupOffsets and
// describeShareGroupAllOffsets): each share-partition's start offset, and from v1 its lag (KIP-1226:
// the partition's latest offset minus the start offset minus the in-flight records already
// acknowledged or archived). Null topics: every share-partition the group has state for. A
// partition without state, or a topic that does not exist (topic id zero), answers start offset -1
// and lag -1 without an error, as OffsetFetch treats missing offsets. The leader epoch is always 0
// (one broker). With an authorizer (KafkaApis.handleDescribeShareGroupOffsetsRequest): DESCRIBE on
// the group, else GROUP_AUTHORIZATION_FAILED for it; DESCRIBE on each topic, else
// TOPIC_AUTHORIZATION_FAILED for its partitions.

import { DescribeShareGroupOffsets } from '../../protocol/apis/describe-share-group-offsets.js'
import { ErrorCode } from '../../protocol/errors.js'
import { ZERO_UUID } from '../../protocol/primitives.js'
import type { Broker } from '../broker.js'
import { allowed, authorize, authorizedNames, Op, Res } from './auth.js'
import { defineHandler } from './handler.js'

function partitionOffset(broker: Broker, groupId: string, topic: { id: string; name: string }, partitionIndex: number) {
  const sp = broker.shareGroups.partitions.get(groupId, topic.id, partitionIndex)
  const log = broker.partition(topic.name, partitionIndex)
  if (!sp || !log) return { partitionIndex, startOffset: -1n, leaderEpoch: 0, lag: -1n }
  const lag = log.highWatermark - sp.startOffset - sp.deliveryCompleteCount()
  return { partitionIndex, startOffset: BigInt(sp.startOffset), leaderEpoch: 0, lag: BigInt(lag) }
}

export default defineHandler({
  api: DescribeShareGroupOffsets,
  handle(req, ctx) {
    const { broker } = ctx
    const groups = req.groups.map((g) => {
      if (!authorize(ctx, Op.DESCRIBE, Res.GROUP, g.groupId)) return { groupId: g.groupId, topics: [], errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: 'Group authorization failed.' }
      const requested = g.topics ?? groupTopics(broker, g.groupId)
      const describable = authorizedNames(ctx, Op.DESCRIBE, Res.TOPIC, requested.map((t) => t.topicName))
      const topics = requested.map((t) => {
        const topic = broker.cluster.topic(t.topicName)
        if (!allowed(describable, t.topicName)) {
          return { topicName: t.topicName, topicId: topic?.id ?? ZERO_UUID, partitions: t.partitions.map((partitionIndex) => ({ partitionIndex, startOffset: -1n, lag: -1n, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'Topic authorization failed.' })) }
        }
        if (!topic) return { topicName: t.topicName, topicId: ZERO_UUID, partitions: t.partitions.map((partitionIndex) => ({ partitionIndex, startOffset: -1n, leaderEpoch: 0, lag: -1n })) }
        return { topicName: t.topicName, topicId: topic.id, partitions: t.partitions.map((p) => partitionOffset(broker, g.groupId, topic, p)) }
      })
      return { groupId: g.groupId, topics, errorCode: 0, errorMessage: null }
    })
    return { throttleTimeMs: 0, groups }
  },
  errorResponse: (req, errorCode) => ({ groups: req.groups.map((g) => ({ groupId: g.groupId, topics: [], errorCode })) }),
})

// The group's initialized share-partitions, by topic name (topics that no longer exist left out).
function groupTopics(broker: Broker, groupId: string): { topicName: string; partitions: number[] }[] {
  const byTopic = new Map<string, number[]>()
  for (const { topicId, partition } of broker.shareGroups.partitions.ofGroup(groupId)) {
    const name = broker.cluster.topicById(topicId)?.name
    if (name === undefined) continue
    let ps = byTopic.get(name)
    if (!ps) byTopic.set(name, (ps = []))
    ps.push(partition)
  }
  return [...byTopic].map(([topicName, partitions]) => ({ topicName, partitions: partitions.sort((a, b) => a - b) }))
}
