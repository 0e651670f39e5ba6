// The console's actions, each one Kafka request run through the broker's own handler (inject.ts):
// what a topic, partition count, config, committed offset or record becomes is exactly what a
// Kafka client asking the same would get, refusals included.

import { CreatePartitions } from '../../../protocol/apis/create-partitions.js'
import { CreateTopics } from '../../../protocol/apis/create-topics.js'
import { DeleteTopics } from '../../../protocol/apis/delete-topics.js'
import { IncrementalAlterConfigs } from '../../../protocol/apis/incremental-alter-configs.js'
import { OffsetCommit } from '../../../protocol/apis/offset-commit.js'
import { Produce } from '../../../protocol/apis/produce.js'
import { buildBatch } from '../../../protocol/records/index.js'
import type { Broker } from '../../broker.js'
import createPartitions from '../../handlers/create-partitions.js'
import createTopics from '../../handlers/create-topics.js'
import deleteTopics from '../../handlers/delete-topics.js'
import incrementalAlterConfigs from '../../handlers/incremental-alter-configs.js'
import offsetCommit from '../../handlers/offset-commit.js'
import produce from '../../handlers/produce.js'
import { AdminError } from '../routes.js'
import { check, inject } from './inject.js'
import { requireTopic } from './views.js'

// IncrementalAlterConfigs' resource type and operations (KIP-339).
const TOPIC_RESOURCE = 2
const SET = 0
const DELETE = 1

export async function createTopic(b: Broker, name: string, partitions: number, configs: Record<string, string>) {
  const res = await inject(b, CreateTopics, createTopics, 7, {
    topics: [{ name, numPartitions: partitions, replicationFactor: -1, assignments: [], configs: Object.entries(configs).map(([k, v]) => ({ name: k, value: v })) }],
    timeoutMs: 30_000,
  })
  const t = res.topics[0]!
  check(t.errorCode, t.errorMessage)
  return { name: t.name, topicId: t.topicId, partitions: t.numPartitions }
}

export async function deleteTopic(b: Broker, name: string) {
  requireTopic(b, name)
  const res = await inject(b, DeleteTopics, deleteTopics, 5, { topicNames: [name], timeoutMs: 30_000 })
  const t = res.responses[0]!
  check(t.errorCode, t.errorMessage)
  return { deleted: name }
}

export async function addPartitions(b: Broker, name: string, count: number) {
  const res = await inject(b, CreatePartitions, createPartitions, 3, { topics: [{ name, count, assignments: null }], timeoutMs: 30_000, validateOnly: false })
  const r = res.results[0]!
  check(r.errorCode, r.errorMessage)
  return { name, partitions: count }
}

// set: values to set; remove: keys to return to their inherited value (IncrementalAlterConfigs
// SET and DELETE, validated as a whole as Kafka does).
export async function alterTopicConfigs(b: Broker, name: string, set: Record<string, string>, remove: string[]) {
  requireTopic(b, name)
  const configs = [...Object.entries(set).map(([k, v]) => ({ name: k, configOperation: SET, value: v })), ...remove.map((k) => ({ name: k, configOperation: DELETE, value: null }))]
  const res = await inject(b, IncrementalAlterConfigs, incrementalAlterConfigs, 1, { resources: [{ resourceType: TOPIC_RESOURCE, resourceName: name, configs }], validateOnly: false })
  const r = res.responses[0]!
  check(r.errorCode, r.errorMessage)
  return { name, set: Object.keys(set), removed: remove }
}

export type ResetTarget = { to: 'earliest' } | { to: 'latest' } | { to: 'offset'; offset: number } | { to: 'timestamp'; timestamp: number }

// kafka-consumer-groups --reset-offsets: only while the group has no members (a running consumer
// would overwrite the commit with its own position), offsets clamped to the log's range, a
// timestamp resolved as ListOffsets does (no later record: the end). Committed as an admin client
// does (OffsetCommit, generation -1, no member id).
export async function resetOffsets(b: Broker, groupId: string, topic: string, partitions: number[] | undefined, target: ResetTarget) {
  const g = b.groups.group(groupId)
  if (g && g.state !== 'Dead') {
    const members = g.consumer ? g.consumer.members.size : g.members.size
    if (members > 0) throw new AdminError(409, `group ${groupId} has ${members} member(s) (state ${g.consumer ? g.consumer.state() : g.state}): offsets can be reset only while the group is empty; stop its consumers first`)
  }
  const t = requireTopic(b, topic)
  const ps = partitions ?? [...Array(t.partitions).keys()]
  const offsets = ps.map((p) => {
    const log = b.localPartition(topic, p)
    if (!log) throw new AdminError(404, `topic ${topic} has no partition ${p}`)
    const clamp = (o: number) => Math.min(Math.max(o, log.logStartOffset), log.highWatermark)
    switch (target.to) {
      case 'earliest': return { partition: p, offset: log.logStartOffset }
      case 'latest': return { partition: p, offset: log.highWatermark }
      case 'offset': return { partition: p, offset: clamp(target.offset) }
      case 'timestamp': return { partition: p, offset: log.offsetForTimestamp(target.timestamp)?.offset ?? log.highWatermark }
    }
  })
  const res = await inject(b, OffsetCommit, offsetCommit, 9, {
    groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
    topics: [{ name: topic, partitions: offsets.map((o) => ({ partitionIndex: o.partition, committedOffset: BigInt(o.offset), committedLeaderEpoch: -1, committedMetadata: '' })) }],
  })
  for (const p of res.topics[0]?.partitions ?? []) check(p.errorCode, `partition ${p.partitionIndex}`)
  return { groupId, topic, offsets }
}

export interface ProduceInput {
  partition?: number
  key: string | null
  value: string | null
  headers: { key: string; value: string | null }[]
}

let roundRobin = 0

// Kafka's Utils.murmur2, so a keyed record lands where the Java producer's default partitioner
// (and kafkajs's) would put it.
export function murmur2(data: Buffer): number {
  const m = 0x5bd1e995
  let h = (0x9747b28c ^ data.length) | 0
  const n4 = data.length & ~3
  for (let i = 0; i < n4; i += 4) {
    let k = data.readInt32LE(i)
    k = Math.imul(k, m)
    k ^= k >>> 24
    k = Math.imul(k, m)
    h = Math.imul(h, m) ^ k
  }
  const rest = data.length & 3
  if (rest === 3) h ^= data[n4 + 2]! << 16
  if (rest >= 2) h ^= data[n4 + 1]! << 8
  if (rest >= 1) h = Math.imul(h ^ data[n4]!, m)
  h ^= h >>> 13
  h = Math.imul(h, m)
  h ^= h >>> 15
  return h
}

export async function produceRecord(b: Broker, topic: string, input: ProduceInput) {
  const t = requireTopic(b, topic)
  const partition = input.partition ?? (input.key !== null ? (murmur2(Buffer.from(input.key)) & 0x7fffffff) % t.partitions : roundRobin++ % t.partitions)
  const records = buildBatch({ records: [{ key: input.key, value: input.value, headers: input.headers, timestamp: b.clock.now() }] })
  const res = await inject(b, Produce, produce, 9, { transactionalId: null, acks: -1, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] })
  const p = res.responses[0]!.partitionResponses[0]!
  check(p.errorCode, p.errorMessage)
  return { topic, partition, offset: Number(p.baseOffset) }
}
