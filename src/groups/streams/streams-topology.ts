// A streams group's topology as the coordinator keeps it (Kafka's StreamsTopology /
// StreamsGroupTopologyValue), its checks (STREAMS_INVALID_TOPOLOGY) and its configuration against
// the topics that exist (InternalTopicManager.configureTopics): missing source topics, the
// partition counts of repartition and changelog topics (RepartitionTopics, ChangelogTopics,
// CopartitionedTopicsEnforcer), the internal topics to create, and the number of tasks of each
// subtopology. Pure functions: the coordinator owns the state and creates the topics.

export interface TopicInfo {
  name: string
  partitions: number // 0: decided by the coordinator
  replicationFactor: number // 0: the broker's default
  topicConfigs: { key: string; value: string }[]
}

export interface Subtopology {
  subtopologyId: string
  sourceTopics: string[]
  sourceTopicRegex: string[]
  stateChangelogTopics: TopicInfo[]
  repartitionSinkTopics: string[]
  repartitionSourceTopics: TopicInfo[]
  copartitionGroups: { sourceTopics: number[]; sourceTopicRegex: number[]; repartitionSourceTopics: number[] }[]
}

export interface StreamsTopology {
  epoch: number
  subtopologies: Subtopology[]
}

// The statuses of StreamsGroupHeartbeatResponse.Status.
export const StreamsStatus = {
  STALE_TOPOLOGY: 0,
  MISSING_SOURCE_TOPICS: 1,
  INCORRECTLY_PARTITIONED_TOPICS: 2,
  MISSING_INTERNAL_TOPICS: 3,
  SHUTDOWN_APPLICATION: 4,
  ASSIGNMENT_DELAYED: 5,
  MISSING_CLIENT_TAGS: 6,
} as const

export interface TopicToCreate {
  name: string
  partitions: number
  replicationFactor: number // -1: the default
  configs: Record<string, string>
}

// What configureTopics found: the tasks per subtopology when the topology is ready, else a status.
export interface ConfiguredTopology {
  epoch: number
  tasks: Map<string, number> | null // subtopology id → number of tasks (partitions); null: not ready
  stateful: Set<string> // subtopologies with state stores (changelog topics)
  toCreate: TopicToCreate[]
  status: { statusCode: number; statusDetail: string } | null
}

export class TopologyError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message)
  }
}

export class InvalidTopologyError extends Error {}

// Checks Kafka makes before the topology is stored (GroupMetadataManager.throwIfInvalidTopology and
// the client-side rules the coordinator relies on): changelog partitions are decided by the
// broker, copartition indexes point into their subtopology, ids are unique. Throws
// InvalidTopologyError (STREAMS_INVALID_TOPOLOGY).
export function validateTopology(t: StreamsTopology): void {
  const ids = new Set<string>()
  for (const s of t.subtopologies) {
    if (ids.has(s.subtopologyId)) throw new InvalidTopologyError(`Duplicate subtopology id ${s.subtopologyId}.`)
    ids.add(s.subtopologyId)
    for (const c of s.stateChangelogTopics) {
      if (c.partitions !== 0) throw new InvalidTopologyError(`Changelog topic ${c.name} must have an undefined partition count, but it is set to ${c.partitions}.`)
    }
    for (const g of s.copartitionGroups) {
      const bad = g.sourceTopics.some((i) => i < 0 || i >= s.sourceTopics.length) ||
        g.sourceTopicRegex.some((i) => i < 0 || i >= s.sourceTopicRegex.length) ||
        g.repartitionSourceTopics.some((i) => i < 0 || i >= s.repartitionSourceTopics.length)
      if (bad) throw new InvalidTopologyError(`Copartition group of subtopology ${s.subtopologyId} refers to a topic that does not exist.`)
    }
    if (s.sourceTopics.length === 0 && s.repartitionSourceTopics.length === 0 && s.sourceTopicRegex.length === 0) {
      throw new InvalidTopologyError(`No source topics found for subtopology ${s.subtopologyId}`)
    }
  }
  const sinks = new Set(t.subtopologies.flatMap((s) => s.repartitionSinkTopics))
  for (const s of t.subtopologies) {
    for (const r of s.repartitionSourceTopics) {
      if (r.partitions === 0 && !sinks.has(r.name)) {
        throw new InvalidTopologyError('Failed to compute number of partitions for all repartition topics, because a repartition source topic is never used as a sink topic.')
      }
    }
  }
}

export function sameTopology(a: StreamsTopology, b: StreamsTopology): boolean {
  return a.epoch === b.epoch && JSON.stringify(a.subtopologies) === JSON.stringify(b.subtopologies)
}

// Kafka's summarizeTopics: up to three names, then a count.
export function summarizeTopics(names: Iterable<string>): string {
  const all = [...names]
  if (all.length === 0) return '<none>'
  return all.slice(0, 3).join(', ') + (all.length > 3 ? ` and ${all.length - 3} additional topics` : '')
}

// InternalTopicManager.configureTopics. partitionsOf answers the partition count of an existing topic.
export function configureTopics(t: StreamsTopology, partitionsOf: (topic: string) => number | undefined): ConfiguredTopology {
  const stateful = new Set(t.subtopologies.filter((s) => s.stateChangelogTopics.length > 0).map((s) => s.subtopologyId))
  try {
    const missing = [...new Set(t.subtopologies.flatMap((s) => s.sourceTopics))].filter((n) => partitionsOf(n) === undefined).sort()
    if (missing.length > 0) throw new TopologyError(StreamsStatus.MISSING_SOURCE_TOPICS, `Source topics ${summarizeTopics(missing)} are missing.`)
    const decided = decidePartitionCounts(t, partitionsOf)
    const count = (n: string) => partitionsOf(n) ?? decided.get(n)
    const tasks = new Map<string, number>()
    const wanted = new Map<string, TopicToCreate>()
    for (const s of t.subtopologies) {
      const n = Math.max(0, ...[...s.sourceTopics, ...s.repartitionSourceTopics.map((r) => r.name)].map((x) => count(x) ?? 0))
      tasks.set(s.subtopologyId, n)
      for (const info of [...s.repartitionSourceTopics, ...s.stateChangelogTopics]) {
        const partitions = info.partitions !== 0 ? info.partitions : decided.get(info.name) ?? n
        wanted.set(info.name, {
          name: info.name,
          partitions,
          replicationFactor: info.replicationFactor !== 0 ? info.replicationFactor : -1,
          configs: Object.fromEntries(info.topicConfigs.map((c) => [c.key, c.value])),
        })
      }
    }
    const toCreate: TopicToCreate[] = []
    for (const w of wanted.values()) {
      const existing = partitionsOf(w.name)
      if (existing === undefined) toCreate.push(w)
      else if (existing !== w.partitions) {
        throw new TopologyError(StreamsStatus.INCORRECTLY_PARTITIONED_TOPICS, `Existing topic ${w.name} has different number of partitions: expected ${w.partitions}, found ${existing}`)
      }
    }
    if (toCreate.length > 0) {
      const detail = `Internal topics are missing: ${summarizeTopics(toCreate.map((c) => c.name))}`
      return { epoch: t.epoch, tasks: null, stateful, toCreate, status: { statusCode: StreamsStatus.MISSING_INTERNAL_TOPICS, statusDetail: detail } }
    }
    return { epoch: t.epoch, tasks, stateful, toCreate: [], status: null }
  } catch (err) {
    if (!(err instanceof TopologyError)) throw err
    return { epoch: t.epoch, tasks: null, stateful, toCreate: [], status: { statusCode: err.statusCode, statusDetail: err.message } }
  }
}

// RepartitionTopics.setup then CopartitionedTopicsEnforcer then ChangelogTopics.setup: a repartition
// topic without a fixed count gets the largest count of the source topics of the subtopologies
// writing to it (repeated until every count is known); copartitioned topics share one count;
// changelog topics get their subtopology's task count.
function decidePartitionCounts(t: StreamsTopology, partitionsOf: (topic: string) => number | undefined): Map<string, number> {
  const decided = new Map<string, number>()
  const count = (n: string) => partitionsOf(n) ?? decided.get(n)
  for (const s of t.subtopologies) for (const r of s.repartitionSourceTopics) if (r.partitions !== 0) decided.set(r.name, r.partitions)
  const flexible = t.subtopologies.flatMap((s) => s.repartitionSourceTopics.filter((r) => r.partitions === 0).map((r) => r.name))
  for (let progress = true; progress;) {
    progress = false
    for (const name of flexible) {
      if (count(name) !== undefined) continue
      let max: number | undefined
      for (const w of t.subtopologies.filter((s) => s.repartitionSinkTopics.includes(name))) {
        for (const src of [...w.sourceTopics, ...w.repartitionSourceTopics.map((r) => r.name)]) {
          const c = count(src)
          if (c !== undefined) max = Math.max(max ?? 0, c)
        }
      }
      if (max !== undefined) {
        decided.set(name, max)
        progress = true
      }
    }
  }
  if (flexible.some((n) => count(n) === undefined)) {
    throw new TopologyError(StreamsStatus.MISSING_SOURCE_TOPICS, 'Failed to compute number of partitions for all repartition topics, make sure all user input topics are created and all Pattern subscriptions match at least one topic in the cluster')
  }
  for (const s of t.subtopologies) enforceCopartitioning(s, count, decided, new Set(flexible))
  return decided
}

function enforceCopartitioning(s: Subtopology, count: (n: string) => number | undefined, decided: Map<string, number>, flexible: Set<string>): void {
  for (const g of s.copartitionGroups) {
    const names = [...g.sourceTopics.map((i) => s.sourceTopics[i]!), ...g.repartitionSourceTopics.map((i) => s.repartitionSourceTopics[i]!.name)]
    const fixed = names.filter((n) => !flexible.has(n))
    const counts = new Set(fixed.map((n) => count(n)))
    if (counts.size > 1) {
      throw new TopologyError(StreamsStatus.INCORRECTLY_PARTITIONED_TOPICS, `Following topics do not have the same number of partitions: [${fixed.sort().join(', ')}]`)
    }
    const target = fixed.length > 0 ? count(fixed[0]!)! : Math.max(...names.map((n) => count(n) ?? 0))
    for (const n of names) if (flexible.has(n)) decided.set(n, target)
  }
}
