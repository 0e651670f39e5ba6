// DescribeTopicPartitions 0 (KIP-966), paged exactly as Kafka's DescribeTopicPartitionsRequestHandler
// and KRaftMetadataCache.getTopicMetadataForDescribeTopicResponse: topics sorted by name, starting
// at the cursor (its topic from its partition, later topics from partition 0); at most
// min(responsePartitionLimit, 2000) partitions (at least 1) per answer; nextCursor names the first
// partition left out, or the next topic when the limit falls on a topic boundary. An empty topic
// list means every topic (then unknown ones cannot appear); named topics that do not exist are
// answered UNKNOWN_TOPIC_OR_PARTITION (INVALID_TOPIC_EXCEPTION for illegal names) without using
// the limit. With a topic list, the cursor's topic must be in it, and a cursor partition must not
// be negative (INVALID_REQUEST for the whole request). Leader, epoch, replicas and ISR from the
// leadership table (cluster-view.ts), no ELR. topicAuthorizedOperations: all topic operations
// without an authorizer, as Kafka; with one, the principal's. Topics it may not DESCRIBE are left
// out of an all-topics answer and answered TOPIC_AUTHORIZATION_FAILED when named.

import { DescribeTopicPartitions, type DescribeTopicPartitionsResponse } from '../../protocol/apis/describe-topic-partitions.js'
import { ErrorCode, KafkaError } from '../../protocol/errors.js'
import { ZERO_UUID } from '../../protocol/primitives.js'
import type { DeepPartial } from '../../protocol/schema.js'
import type { Broker } from '../broker.js'
import { validateTopicName } from '../cluster/cluster.js'
import { allowed, authorizedNames, authorizedOperations, Op, Res } from './auth.js'
import { partitionView } from './cluster-view.js'
import { defineHandler } from './handler.js'

const NOT_REQUESTED = -2147483648

type TopicOut = DeepPartial<DescribeTopicPartitionsResponse['topics'][number]>
type PartitionOut = DeepPartial<DescribeTopicPartitionsResponse['topics'][number]['partitions'][number]>

// Kafka's max.request.partition.size.limit default.
const MAX_REQUEST_PARTITION_SIZE_LIMIT = 2000
// Topic.isInternal.
const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state', '__share_group_state'])

function partitionsOf(broker: Broker, topic: string, from: number, to: number): PartitionOut[] {
  const out: PartitionOut[] = []
  for (let p = from; p < to; p++) {
    const view = partitionView(broker, topic, p)
    out.push({ errorCode: view.leaderId === -1 ? ErrorCode.LEADER_NOT_AVAILABLE : 0, partitionIndex: p, ...view, eligibleLeaderReplicas: [], lastKnownElr: [] })
  }
  return out
}

function unknownTopic(name: string): TopicOut {
  let errorCode: number = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
  try {
    validateTopicName(name)
  } catch {
    errorCode = ErrorCode.INVALID_TOPIC_EXCEPTION
  }
  return { errorCode, name, topicId: ZERO_UUID, isInternal: INTERNAL_TOPICS.has(name), partitions: [] }
}

export default defineHandler({
  api: DescribeTopicPartitions,
  handle(req, ctx) {
    const { broker } = ctx
    const all = req.topics.length === 0
    const cursor = req.cursor
    const cursorTopic = cursor?.topicName ?? ''
    const names = new Set<string>()
    for (const name of all ? broker.cluster.topics.keys() : req.topics.map((t) => t.name)) {
      if (name >= cursorTopic) names.add(name)
    }
    if (!all && cursor && !names.has(cursor.topicName)) {
      throw new KafkaError('INVALID_REQUEST', `DescribeTopicPartitionsRequest topic list should contain the cursor topic: ${cursor.topicName}`)
    }
    if (cursor && cursor.partitionIndex < 0) throw new KafkaError('INVALID_REQUEST', `DescribeTopicPartitionsRequest cursor partition must be valid: Cursor(topicName='${cursor.topicName}', partitionIndex=${cursor.partitionIndex})`)

    const describable = authorizedNames(ctx, Op.DESCRIBE, Res.TOPIC, names)
    let remaining = Math.max(Math.min(MAX_REQUEST_PARTITION_SIZE_LIMIT, req.responsePartitionLimit), 1)
    const topics: TopicOut[] = []
    let nextCursor: { topicName: string; partitionIndex: number } | null = null
    for (const name of [...names].sort()) {
      if (remaining === 0) {
        // The limit fell on a topic boundary: the next page starts at this topic.
        nextCursor = { topicName: name, partitionIndex: 0 }
        break
      }
      if (!allowed(describable, name)) {
        if (!all) topics.push({ errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, name, topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: NOT_REQUESTED })
        continue
      }
      const t = broker.cluster.topic(name)
      if (!t) {
        if (!all) topics.push({ ...unknownTopic(name), topicAuthorizedOperations: authorizedOperations(ctx, Res.TOPIC, name) })
        continue
      }
      const start = cursor && name === cursorTopic ? cursor.partitionIndex : 0
      const upper = Math.min(t.partitions, start + remaining)
      const partitions = partitionsOf(broker, name, start, upper)
      topics.push({ errorCode: 0, name, topicId: t.id, isInternal: t.internal, partitions, topicAuthorizedOperations: authorizedOperations(ctx, Res.TOPIC, name) })
      if (upper < t.partitions) {
        nextCursor = { topicName: name, partitionIndex: upper }
        break
      }
      remaining -= partitions.length
    }
    return { throttleTimeMs: 0, topics, nextCursor }
  },
  errorResponse: (req, errorCode) => ({
    topics: req.topics.map((t) => ({ errorCode, name: t.name, isInternal: false, partitions: [] })),
  }),
})
