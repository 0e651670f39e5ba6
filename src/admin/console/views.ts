// What the console shows, read straight from the broker's engines (cluster, partition stores,
// group coordinators, transaction coordinator) as plain JSON-ready objects. Nothing here changes
// state: the actions go through the Kafka handlers (actions.ts).

import { decodeAssignment } from '../../../protocol/consumer-protocol.js'
import type { Broker } from '../../broker.js'
import type { TopicInfo } from '../../cluster/cluster.js'
import { ConfigSource } from '../../cluster/config-defs.js'
import { offsetKey, splitOffsetKey, type Group } from '../../groups/group.js'
import type { ListenerEndpoint } from '../../handlers/handler.js'
import { AdminError } from '../routes.js'

export interface ConsoleSources {
  readonly broker: Broker
  // Open client connections per listener name, and each listener's advertised endpoint.
  connections(): ReadonlyMap<string, number>
  endpoints(): ListenerEndpoint[]
  readonly startedAt: number
}

const SOURCE_NAMES = Object.fromEntries(Object.entries(ConfigSource).map(([k, v]) => [v, k]))

export function overview(src: ConsoleSources) {
  const b = src.broker
  const topics = b.cluster.topicList()
  let partitions = 0
  let bytes = 0
  for (const t of topics) {
    partitions += t.partitions
    for (let p = 0; p < t.partitions; p++) bytes += b.partition(t.name, p)?.size ?? 0
  }
  const groups = [...b.groups.groups.values()].filter((g) => g.state !== 'Dead')
  return {
    clusterId: b.cluster.clusterId,
    nodeId: b.nodeId,
    advertised: `${b.advertisedHost}:${b.advertisedPort}`,
    // One broker (Rivulet runs no cluster of its own): its listeners as clients are told them.
    listeners: src.endpoints().map((e) => ({ ...e, connections: src.connections().get(e.name) ?? 0 })),
    storage: b.storage.usage() === null ? 'memory' : b.storage.root,
    startedAt: src.startedAt,
    now: b.clock.now(),
    node: process.version,
    rssBytes: process.memoryUsage.rss(),
    topics: topics.filter((t) => !t.internal).length,
    internalTopics: topics.filter((t) => t.internal).length,
    partitions,
    bytes,
    groups: groups.length,
    transactions: [...b.txns.txns.values()].filter((m) => m.state !== 'Dead').length,
    authorizer: b.authorizer !== null,
  }
}

function partitionRows(b: Broker, t: TopicInfo) {
  const rows = []
  for (let p = 0; p < t.partitions; p++) {
    const log = b.localPartition(t.name, p)
    if (!log) continue
    rows.push({
      partition: p,
      leader: b.nodeId,
      logStartOffset: log.logStartOffset,
      highWatermark: log.highWatermark,
      lastStableOffset: log.lastStableOffset,
      logEndOffset: log.logEndOffset,
      bytes: log.size,
      segments: log.segmentCount,
    })
  }
  return rows
}

export function topicList(b: Broker) {
  const defaultPolicy = b.config.describeTopic({}).find((c) => c.name === 'cleanup.policy')?.value ?? 'delete'
  return b.cluster
    .topicList()
    .map((t) => {
      const parts = partitionRows(b, t)
      return {
        name: t.name,
        id: t.id,
        internal: t.internal,
        partitions: t.partitions,
        // High watermark minus log start: records a consumer could still read (an upper bound on a compacted topic).
        messages: parts.reduce((n, p) => n + p.highWatermark - p.logStartOffset, 0),
        bytes: parts.reduce((n, p) => n + p.bytes, 0),
        cleanupPolicy: t.configs['cleanup.policy'] ?? defaultPolicy,
      }
    })
    .sort((a, b) => Number(a.internal) - Number(b.internal) || a.name.localeCompare(b.name))
}

export function requireTopic(b: Broker, name: string): TopicInfo {
  const t = b.cluster.topic(name)
  if (!t) throw new AdminError(404, `unknown topic ${JSON.stringify(name)}`)
  return t
}

export function topicDetail(b: Broker, name: string) {
  const t = requireTopic(b, name)
  const configs = b.config.describeTopic(t.configs).map((c) => ({
    name: c.name,
    value: c.sensitive ? null : c.value,
    source: SOURCE_NAMES[c.source] ?? String(c.source),
    isDefault: c.source === ConfigSource.DEFAULT_CONFIG,
    readOnly: c.readOnly,
    sensitive: c.sensitive,
    type: c.def.type,
    doc: c.def.doc,
  }))
  return { name: t.name, id: t.id, internal: t.internal, partitions: partitionRows(b, t), configs }
}

// A classic member's assignment is the consumer protocol's bytes; other protocol types (Connect,
// Streams' own) are shown as their size only.
function classicAssignment(g: Group, bytes: Buffer): { topic: string; partitions: number[] }[] | null {
  if (g.protocolType !== 'consumer' || bytes.length === 0) return bytes.length === 0 ? [] : null
  try {
    return decodeAssignment(bytes).assignedPartitions.map((a) => ({ topic: a.topic, partitions: [...a.partitions].sort((x, y) => x - y) }))
  } catch {
    return null
  }
}

function members(b: Broker, g: Group) {
  if (g.consumer) {
    const d = b.consumerGroups.describe(g.groupId)
    if ('errorCode' in d) return []
    return d.members.map((m) => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      assignment: m.assignment.map((a) => ({ topic: a.topicName, partitions: [...a.partitions].sort((x, y) => x - y) })),
    }))
  }
  return [...g.members.values()].map((m) => ({
    memberId: m.memberId,
    instanceId: m.groupInstanceId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    assignment: g.state === 'Stable' ? classicAssignment(g, m.assignment) : [],
  }))
}

// Committed offsets and lag (high watermark minus committed, as kafka-consumer-groups computes it),
// plus assigned partitions that have no commit yet (lag unknown until the first commit).
function offsets(b: Broker, g: Group, assigned: Map<string, string>) {
  const rows = []
  const seen = new Set<string>()
  for (const [key, c] of g.offsets) {
    const { topic, partition } = splitOffsetKey(key)
    seen.add(key)
    const log = b.partition(topic, partition)
    rows.push({
      topic, partition, committed: c.offset, metadata: c.metadata, commitTimestamp: c.commitTimestamp,
      logStartOffset: log?.logStartOffset ?? null, highWatermark: log?.highWatermark ?? null,
      lag: log ? Math.max(0, log.highWatermark - c.offset) : null, member: assigned.get(key) ?? null,
    })
  }
  for (const [key, member] of assigned) {
    if (seen.has(key)) continue
    const { topic, partition } = splitOffsetKey(key)
    const log = b.partition(topic, partition)
    rows.push({ topic, partition, committed: null, metadata: null, commitTimestamp: null, logStartOffset: log?.logStartOffset ?? null, highWatermark: log?.highWatermark ?? null, lag: null, member })
  }
  return rows.sort((x, y) => x.topic.localeCompare(y.topic) || x.partition - y.partition)
}

function groupState(g: Group): string {
  return g.consumer ? g.consumer.state() : g.state
}

export function groupList(b: Broker) {
  return [...b.groups.groups.values()]
    .filter((g) => g.state !== 'Dead')
    .map((g) => {
      let lag = 0
      for (const [key, c] of g.offsets) {
        const { topic, partition } = splitOffsetKey(key)
        const log = b.partition(topic, partition)
        if (log) lag += Math.max(0, log.highWatermark - c.offset)
      }
      return { groupId: g.groupId, type: g.consumer ? 'consumer' : 'classic', state: groupState(g), protocolType: g.protocolType ?? (g.consumer ? 'consumer' : ''), members: g.consumer ? g.consumer.members.size : g.members.size, partitions: g.offsets.size, lag }
    })
    .sort((x, y) => x.groupId.localeCompare(y.groupId))
}

export function requireGroup(b: Broker, groupId: string): Group {
  const g = b.groups.group(groupId)
  if (!g || g.state === 'Dead') throw new AdminError(404, `unknown group ${JSON.stringify(groupId)}`)
  return g
}

export function groupDetail(b: Broker, groupId: string) {
  const g = requireGroup(b, groupId)
  const ms = members(b, g)
  const assigned = new Map<string, string>()
  for (const m of ms) for (const a of m.assignment ?? []) for (const p of a.partitions) assigned.set(offsetKey(a.topic, p), m.memberId)
  return {
    groupId: g.groupId,
    type: g.consumer ? 'consumer' : 'classic',
    state: groupState(g),
    protocolType: g.protocolType ?? (g.consumer ? 'consumer' : ''),
    protocol: g.consumer ? (g.consumer.assignorName || null) : g.protocolName,
    generation: g.consumer ? g.consumer.groupEpoch : g.generationId,
    leader: g.consumer ? null : g.leaderId,
    members: ms,
    offsets: offsets(b, g, assigned),
  }
}

export function transactions(b: Broker) {
  const now = b.clock.now()
  const txns = [...b.txns.txns.values()]
    .filter((m) => m.state !== 'Dead')
    .map((m) => ({
      transactionalId: m.transactionalId,
      producerId: m.producerId,
      epoch: m.epoch,
      state: m.state,
      timeoutMs: m.timeoutMs,
      startTimestamp: m.startTimestamp,
      runningMs: m.state === 'Ongoing' ? now - m.startTimestamp : null,
      lastUpdateTimestamp: m.lastUpdateTimestamp,
      partitions: [...m.partitions].map(([topic, ps]) => ({ topic, partitions: [...ps].sort((x, y) => x - y) })),
    }))
    .sort((x, y) => x.transactionalId.localeCompare(y.transactionalId))
  const producers = []
  for (const t of b.cluster.topicList()) {
    for (let p = 0; p < t.partitions; p++) {
      for (const e of b.partition(t.name, p)?.activeProducers() ?? []) producers.push({ topic: t.name, partition: p, ...e })
    }
  }
  return { transactions: txns, producers }
}
