// CreateTopics 2–7, as Kafka's KRaft controller answers it (ControllerApis.createTopics and
// ReplicationControlManager.createTopics); v0–1 were removed in Kafka 4.0 (KIP-896). validateOnly and
// per-topic error messages;
// numPartitions/replicationFactor -1 take num.partitions / default.replication.factor (accepted at
// every version, as the controller does); v5+ a success carries numPartitions, replicationFactor
// and the topic's effective configs (sorted by name, with source, readOnly and isSensitive);
// v7+ the topic id (a fresh random id for validateOnly, like Kafka). Duplicate names in one request
// get INVALID_REQUEST once each, after the other results. A request that would write more than
// Kafka's 10,000 metadata records fails as a whole with POLICY_VIOLATION. Not implemented:
// timeoutMs (creation is synchronous), create-topic policies. controller_mutation_rate: the
// partitions of each topic, strict (THROTTLING_QUOTA_EXCEEDED) from v6 (mutation-quota.ts).
// With an authorizer (ControllerApis.createTopics): CREATE on the cluster or on each topic, else
// TOPIC_AUTHORIZATION_FAILED "Authorization failed." after the other results; a created topic the
// principal may not DESCRIBE_CONFIGS gets topicConfigErrorCode TOPIC_AUTHORIZATION_FAILED and no configs.

import { CreateTopics, type CreateTopicsRequest, type CreateTopicsResponse } from '../../protocol/apis/create-topics.js'
import { ErrorCode, KafkaError } from '../../protocol/errors.js'
import type { DeepPartial } from '../../protocol/schema.js'
import type { Broker } from '../broker.js'
import { validateTopicConfigs, validateTopicName } from '../cluster/cluster.js'
import { allowed, authorizeCluster, authorizedNames, Op, Res } from './auth.js'
import { defineHandler } from './handler.js'
import { mutationQuota, mutationThrottle, THROTTLED } from './mutation-quota.js'

type TopicIn = CreateTopicsRequest['topics'][number]
type TopicOut = DeepPartial<CreateTopicsResponse['topics'][number]>

const CLUSTER_METADATA_TOPIC = '__cluster_metadata'
// QuorumController.MAX_RECORDS_PER_USER_OP: one operation may write at most this many records.
export const MAX_RECORDS_PER_USER_OP = 10000
export const TOO_LARGE_MESSAGE = 'Unable to perform excessively large batch operation.'

// ReplicationControlManager.validateManualPartitionAssignment over the brokers of this process.
// Returns the replica count of the validated assignment.
export function validateManualAssignment(brokerIds: readonly number[], registered: (id: number) => boolean, replicationFactor: number | undefined): number {
  if (brokerIds.length === 0) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', 'The manual partition assignment includes an empty replica list.')
  const sorted = [...brokerIds].sort((a, b) => a - b)
  let prev: number | undefined
  for (const id of sorted) {
    if (!registered(id)) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes broker ${id}, but no such broker is registered.`)
    if (id === prev) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes the broker ${prev} more than once.`)
    prev = id
  }
  if (replicationFactor !== undefined && sorted.length !== replicationFactor) {
    throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes a partition with ${sorted.length} replica(s), but this is not consistent with previous partitions, which have ${replicationFactor} replica(s).`)
  }
  return sorted.length
}

// Topic.hasCollisionChars / unifyCollisionChars: '.' and '_' collide in metric names.
function collidingTopic(broker: Broker, name: string): string | undefined {
  if (!/[._]/.test(name)) return undefined
  const unified = name.replace(/\./g, '_')
  for (const other of broker.cluster.topics.keys()) if (other.replace(/\./g, '_') === unified) return other
  return undefined
}

interface Plan {
  name: string
  partitions: number
  replicationFactor: number
  configs: Record<string, string>
  // Manual replica lists by partition (CreatableReplicaAssignment), else placed by the controller.
  assignments: number[][] | null
}

// The controller's checks, in its order: name, collision, existence, null configs, config values,
// then the assignment or the partition count and replication factor.
function plan(broker: Broker, t: TopicIn): Plan {
  validateTopicName(t.name)
  const colliding = collidingTopic(broker, t.name)
  if (broker.cluster.topic(t.name)) throw new KafkaError('TOPIC_ALREADY_EXISTS', `Topic '${t.name}' already exists.`)
  if (colliding !== undefined) throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic '${t.name}' collides with existing topic: ${colliding}`)
  const nulls = t.configs.filter((c) => c.value === null).map((c) => c.name)
  if (nulls.length > 0) throw new KafkaError('INVALID_CONFIG', `Null value not supported for topic configs: ${nulls.join(',')}`)
  const configs: Record<string, string> = {}
  for (const c of t.configs) configs[c.name] = c.value!
  validateTopicConfigs(configs)
  if (t.assignments.length > 0) {
    const assignments = planAssignments(broker, t)
    return { name: t.name, partitions: assignments.length, replicationFactor: assignments[0]!.length, configs, assignments }
  }
  const [partitions, replicationFactor] = planCounts(broker, t)
  return { name: t.name, partitions, replicationFactor, configs, assignments: null }
}

function planAssignments(broker: Broker, t: TopicIn): number[][] {
  if (t.replicationFactor !== -1) throw new KafkaError('INVALID_REQUEST', 'A manual partition assignment was specified, but replication factor was not set to -1.')
  if (t.numPartitions !== -1) throw new KafkaError('INVALID_REQUEST', 'A manual partition assignment was specified, but numPartitions was not set to -1.')
  const seen = new Map<number, number[]>()
  let rf: number | undefined
  for (const a of t.assignments) {
    if (seen.has(a.partitionIndex)) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `Found multiple manual partition assignments for partition ${a.partitionIndex}`)
    rf = validateManualAssignment(a.brokerIds, (id) => broker.nodes.get(id) !== undefined, rf)
    seen.set(a.partitionIndex, a.brokerIds)
  }
  for (let i = 0; i < seen.size; i++) {
    if (!seen.has(i)) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', 'partitions should be a consecutive 0-based integer sequence')
  }
  return [...seen.keys()].sort((a, b) => a - b).map((p) => seen.get(p)!)
}

// [partitions, replication factor]
function planCounts(broker: Broker, t: TopicIn): [number, number] {
  if (t.replicationFactor < -1 || t.replicationFactor === 0) throw new KafkaError('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0, or -1 to use the default value.')
  if (t.numPartitions < -1 || t.numPartitions === 0) throw new KafkaError('INVALID_PARTITIONS', 'Number of partitions was set to an invalid non-positive value.')
  const rf = t.replicationFactor === -1 ? broker.config.int('default.replication.factor') : t.replicationFactor
  const live = broker.nodes.visible().length // every live broker of the cluster, other processes' over a shared store too
  if (rf > live) throw new KafkaError('INVALID_REPLICATION_FACTOR', `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${live} broker(s) are registered.`)
  return [t.numPartitions === -1 ? broker.config.int('num.partitions') : t.numPartitions, rf]
}

function failure(name: string, err: unknown): TopicOut {
  if (!(err instanceof KafkaError)) throw err
  return { name, errorCode: err.errorCode, errorMessage: err.message }
}

function success(broker: Broker, p: Plan, topicId: string): TopicOut {
  const configs = broker.config
    .describeTopic(p.configs)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((c) => ({ name: c.name, value: c.sensitive ? null : c.value, readOnly: c.readOnly, configSource: c.source, isSensitive: c.sensitive }))
  return { name: p.name, topicId, errorCode: 0, errorMessage: null, topicConfigErrorCode: 0, numPartitions: p.partitions, replicationFactor: p.replicationFactor, configs }
}

export default defineHandler({
  api: CreateTopics,
  handle(req, ctx) {
    const { broker } = ctx
    const validateOnly = req.validateOnly
    const counts = new Map<string, number>()
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1)

    const names = [...counts.keys()]
    const creatable = authorizeCluster(ctx, Op.CREATE) ? null : authorizedNames(ctx, Op.CREATE, Res.TOPIC, names)
    const describable = authorizedNames(ctx, Op.DESCRIBE_CONFIGS, Res.TOPIC, names)
    const results = new Map<TopicIn, TopicOut>()
    const plans = new Map<TopicIn, Plan>()
    let records = 0
    for (const t of req.topics) {
      if (counts.get(t.name)! > 1 || t.name === CLUSTER_METADATA_TOPIC || !allowed(creatable, t.name)) continue
      try {
        const p = plan(broker, t)
        plans.set(t, p)
        records += 1 + Object.keys(p.configs).length + p.partitions
      } catch (err) {
        results.set(t, failure(t.name, err))
      }
    }
    if (records > MAX_RECORDS_PER_USER_OP) throw new KafkaError('POLICY_VIOLATION', TOO_LARGE_MESSAGE)

    const quota = mutationQuota(ctx, 6)
    for (const [t, p] of plans) {
      // ReplicationControlManager.createTopic checks the quota last, after every validation.
      if (quota && !quota.record(p.partitions)) {
        results.set(t, { name: t.name, ...THROTTLED })
        continue
      }
      try {
        const created = broker.createTopic(p.name, p.partitions, p.replicationFactor, p.configs, validateOnly)
        if (p.assignments && !validateOnly) broker.controller.assignReplicas(p.name, p.assignments)
        results.set(t, allowed(describable, p.name) ? success(broker, p, created.id) : { ...success(broker, p, created.id), topicConfigErrorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, configs: [] })
      } catch (err) {
        results.set(t, failure(t.name, err))
      }
    }

    // ControllerApis appends these after the controller's own results.
    const topics: TopicOut[] = []
    for (const t of req.topics) {
      const r = results.get(t)
      if (r) topics.push(r)
    }
    for (const [name, n] of counts) {
      if (n > 1) topics.push({ name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' })
    }
    if (counts.get(CLUSTER_METADATA_TOPIC) === 1) {
      topics.push({ name: CLUSTER_METADATA_TOPIC, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Creation of internal topic ${CLUSTER_METADATA_TOPIC} is prohibited.` })
    }
    for (const name of names) {
      if (counts.get(name) === 1 && name !== CLUSTER_METADATA_TOPIC && !allowed(creatable, name)) topics.push({ name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'Authorization failed.' })
    }
    return { throttleTimeMs: mutationThrottle(ctx, quota), topics }
  },
  errorResponse: (req, errorCode) => ({
    topics: req.topics.map((t) => ({ name: t.name, errorCode, errorMessage: errorCode === ErrorCode.POLICY_VIOLATION ? TOO_LARGE_MESSAGE : null })),
  }),
})
