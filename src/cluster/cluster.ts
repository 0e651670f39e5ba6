// Topics, partitions, topic ids, dynamic configs, partition leadership and the producer-id counter
// of the cluster (one broker, or the brokers of one process over one store), persisted atomically
// (write, fsync, rename) to `cluster.json` in the data directory.

import crypto from 'node:crypto'
import path from 'node:path'
import { KafkaError } from '../../protocol/errors.js'
import type { Storage } from '../log/storage.js'
import { BrokerConfig, DEFAULT_BROKER_RESOURCE } from './broker-config.js'
import { TOPIC_CONFIG_BY_NAME, BROKER_CONFIG_BY_NAME, topicValueError } from './config-defs.js'
import type { ProducerIdBlocks } from './producer-id-blocks.js'
import { Leadership, type Persisted as PersistedLeadership } from './leadership.js'

export interface TopicInfo {
  name: string
  id: string
  partitions: number
  configs: Record<string, string>
  internal: boolean
}

// A transactional id's producer (Kafka's TransactionMetadata, as far as InitProducerId needs it):
// the current id and epoch, plus the previous id and last epoch so a retried InitProducerId after
// an epoch bump or id rotation is recognised instead of fenced (KIP-360).
export interface TransactionalIdState {
  producerId: number
  epoch: number // -1 until the first InitProducerId completes
  lastEpoch?: number
  prevProducerId?: number
  timeoutMs?: number
}

interface Persisted {
  // 2: two levels of dynamic broker configs. A version 1 file had a single level, which both the
  // empty name and the node id addressed; it is read as the cluster-wide level (see migrate).
  version: 1 | 2
  clusterId: string
  nextProducerId: number
  // Version 2: this broker's own dynamic configs (BROKER resource named by the node id).
  brokerConfigs: Record<string, string>
  // The cluster-wide dynamic defaults (BROKER resource ""). Its presence marks a data directory
  // that has had the cluster-level min.insync.replicas of a new cluster (seedElrMinIsr).
  defaultBrokerConfigs?: Record<string, string>
  topics: TopicInfo[]
  transactionalIds?: Record<string, TransactionalIdState>
  // 'kafka': __consumer_offsets holds each group in Kafka's partition (Utils.abs(hashCode) % n).
  // Absent in data written before: an older layout the group coordinator migrates once.
  groupLayout?: 'kafka'
  // Group config overrides (GROUP resources of IncrementalAlterConfigs): group id → configs.
  groupConfigs?: Record<string, Record<string, string>>
  // Replicas, leader and leader epochs per partition (absent before clusters: every partition is
  // then led by this node at epoch 0, which Broker.start fills in).
  leadership?: PersistedLeadership
}

// Kafka 4.1 formats new clusters with eligible leader replicas on (KIP-966:
// eligible.leader.replicas.version=1 is the default at metadata.version 4.1-IV0 and later, which
// `kafka-storage format` writes into the bootstrap checkpoint). When the controller first activates
// on that empty metadata log it appends, after the bootstrap records, a ConfigRecord for BROKER ""
// setting min.insync.replicas to its own static value (ActivationRecordsGenerator.recordsForEmptyLog,
// metadata module: "If ELR is enabled, we need to set a cluster-level min.insync.replicas."); a
// cluster that enables ELR later gets the same record from
// ConfigurationControlManager.maybeGenerateElrSafetyRecords. So on a fresh Kafka 4.1 every topic
// reports min.insync.replicas=1 from DYNAMIC_DEFAULT_BROKER_CONFIG, and while ELR is on the
// controller refuses to remove it or to set it per broker (alter-configs.ts).
export const MIN_INSYNC_REPLICAS = 'min.insync.replicas'

const MAX_TOPIC_NAME = 249
const LEGAL = /^[a-zA-Z0-9._-]+$/

// Kafka's Uuid.randomUuid: never the zero id or the metadata-topic id, never one whose base64
// form starts with '-' (it would read as a command-line flag).
export function randomUuid(): string {
  for (;;) {
    const s = crypto.randomBytes(16).toString('base64url')
    if (!s.startsWith('-') && s !== 'AAAAAAAAAAAAAAAAAAAAAA' && s !== 'AAAAAAAAAAAAAAAAAAAAAQ') return s
  }
}

export function validateTopicName(name: string): void {
  if (name.length === 0) throw new KafkaError('INVALID_TOPIC_EXCEPTION', 'Topic name is illegal, it can\'t be empty')
  if (name === '.' || name === '..') throw new KafkaError('INVALID_TOPIC_EXCEPTION', 'Topic name cannot be "." or ".."')
  if (name.length > MAX_TOPIC_NAME) throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME} characters`)
  if (!LEGAL.test(name)) throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`)
}

export function validateTopicConfigs(configs: Readonly<Record<string, string | null>>): void {
  for (const [k, v] of Object.entries(configs)) {
    const def = TOPIC_CONFIG_BY_NAME.get(k)
    if (!def) throw new KafkaError('INVALID_CONFIG', `Unknown topic config name: ${k}`)
    if (v === null) throw new KafkaError('INVALID_CONFIG', `Null value not supported for topic configs: ${k}`)
    const error = topicValueError(def, v)
    if (error !== null) throw new KafkaError('INVALID_CONFIG', error)
  }
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

// What is wrong with a parsed cluster.json, or null when it has the shape load() reads.
function shapeProblem(p: unknown): string | null {
  if (!isRecord(p)) return `it holds ${Array.isArray(p) ? 'an array' : typeof p} where an object was expected`
  if (typeof p.clusterId !== 'string') return '"clusterId" is not a string'
  if (typeof p.nextProducerId !== 'number') return '"nextProducerId" is not a number'
  if (!Array.isArray(p.topics)) return '"topics" is not a list'
  const bad = p.topics.findIndex((t) => !isRecord(t) || typeof t.name !== 'string' || typeof t.id !== 'string' || typeof t.partitions !== 'number' || !isRecord(t.configs))
  if (bad >= 0) return `topic ${bad} in "topics" lacks a name, id, partition count or configs`
  if (!isRecord(p.brokerConfigs)) return '"brokerConfigs" is not an object'
  if (p.defaultBrokerConfigs !== undefined && !isRecord(p.defaultBrokerConfigs)) return '"defaultBrokerConfigs" is not an object'
  if (p.transactionalIds !== undefined && !isRecord(p.transactionalIds)) return '"transactionalIds" is not an object'
  return null
}

export class Cluster {
  readonly topics = new Map<string, TopicInfo>()
  private readonly byId = new Map<string, TopicInfo>()
  clusterId = randomUuid()
  private nextProducerId = 0
  readonly transactionalIds = new Map<string, TransactionalIdState>()
  groupLayout: 'kafka' | 'legacy' = 'kafka'
  readonly leadership = new Leadership()
  // The brokers new partitions are placed on: the live nodes (set by the hub; a single broker alone).
  liveBrokers: () => number[] = () => [this.nodeId]
  private readonly file: string

  constructor(private readonly storage: Storage, readonly config: BrokerConfig) {
    this.file = path.join(storage.root, 'cluster.json')
  }

  get nodeId(): number {
    const id = this.config.int('node.id')
    const broker = this.config.int('broker.id')
    return this.config.statics.has('node.id') || broker < 0 ? id : broker
  }

  load(): void {
    const text = this.storage.readText(this.file)
    if (text === null) {
      // A new data directory: what `kafka-storage format` and the first controller activation give a
      // new Kafka 4.1 cluster.
      this.seedElrMinIsr()
      this.save()
      return
    }
    const p = this.parse(text)
    this.clusterId = p.clusterId
    this.nextProducerId = p.nextProducerId
    for (const t of p.topics) this.index(t)
    for (const [k, v] of Object.entries(p.transactionalIds ?? {})) this.transactionalIds.set(k, v)
    this.groupLayout = p.groupLayout ?? 'legacy'
    for (const [k, v] of Object.entries(p.groupConfigs ?? {})) this.groupConfigs.set(k, v)
    this.leadership.load(p.leadership)
    if (p.defaultBrokerConfigs === undefined) {
      this.migrate(p)
      this.save()
      return
    }
    for (const [k, v] of Object.entries(p.brokerConfigs)) this.config.dynamic.set(k, v)
    for (const [k, v] of Object.entries(p.defaultBrokerConfigs)) this.config.dynamicDefault.set(k, v)
  }

  // cluster.json is the only record of the topics, their ids and configs: a file that does not
  // read back is refused, never rewritten, so nothing is lost before a person looks at it.
  private parse(text: string): Persisted {
    let p: unknown
    try {
      p = JSON.parse(text)
    } catch (err) {
      const why = text.trim() === '' ? 'it is empty' : `it is not valid JSON (${(err as Error).message}), perhaps truncated`
      throw this.corrupt(why)
    }
    const problem = shapeProblem(p)
    if (problem) throw this.corrupt(problem)
    return p as Persisted
  }

  private corrupt(why: string): Error {
    return Object.assign(
      new Error(`cannot read ${this.file}: ${why}. Rivulet has not changed it. Restore it from a backup, or move the data directory ${this.storage.root} away to start with an empty one.`),
      { code: 'RIVULET_CORRUPT_CLUSTER_FILE' },
    )
  }

  // A data directory written before Rivulet kept two levels (version 1, no defaultBrokerConfigs).
  // Its single level of dynamic broker configs answered DescribeConfigs on BROKER "" and was
  // replaced by AlterConfigs on either name, so it becomes the cluster-wide level, and the
  // directory then gets the cluster-level min.insync.replicas unless it had one: the upgrade Kafka
  // makes when ELR is enabled on an existing cluster (maybeGenerateElrSafetyRecords), done on the
  // first start with this version because Rivulet has no feature-level update to hang it on.
  private migrate(p: Persisted): void {
    for (const [k, v] of Object.entries(p.brokerConfigs)) this.config.dynamicDefault.set(k, v)
    this.seedElrMinIsr()
  }

  // The cluster-level min.insync.replicas at the static value (server.properties / --override, else
  // Kafka's default 1), as the activating controller writes it; kept if already set.
  private seedElrMinIsr(): void {
    if (this.config.dynamicDefault.has(MIN_INSYNC_REPLICAS)) return
    // Kafka writes Integer.toString of the parsed static config; no dynamic level has it yet here.
    this.config.dynamicDefault.set(MIN_INSYNC_REPLICAS, String(Math.max(1, Math.trunc(this.config.int(MIN_INSYNC_REPLICAS)))))
  }

  save(): void {
    const p: Persisted = {
      version: 2,
      clusterId: this.clusterId,
      nextProducerId: this.nextProducerId,
      brokerConfigs: Object.fromEntries(this.config.dynamic),
      defaultBrokerConfigs: Object.fromEntries(this.config.dynamicDefault),
      topics: [...this.topics.values()],
      transactionalIds: Object.fromEntries(this.transactionalIds),
      ...(this.groupLayout === 'kafka' ? { groupLayout: 'kafka' as const } : {}),
      ...(this.groupConfigs.size > 0 ? { groupConfigs: Object.fromEntries(this.groupConfigs) } : {}),
      leadership: this.leadership.toJSON(),
    }
    this.storage.writeAtomic(this.file, JSON.stringify(p, null, 1))
    // Kafka's meta.properties, so the directory is recognisable to Kafka's own tools.
    this.storage.writeAtomic(path.join(this.storage.root, 'meta.properties'), `version=1\ncluster.id=${this.clusterId}\nnode.id=${this.nodeId}\n`)
  }

  // cluster.json as another broker over a shared store left it (merged into this broker's copy by
  // the store): the topics created, deleted, grown or reconfigured there, the cluster-wide dynamic
  // configs and the group configs. Leadership stays this process's (across processes the store's
  // leases decide it), and this broker's own dynamic configs stay its own. Returns what changed,
  // for the hub to open, close and reconfigure logs. A removed document changes nothing.
  reload(): { added: TopicInfo[]; removed: TopicInfo[]; grown: { topic: TopicInfo; from: number }[]; reconfigured: TopicInfo[]; brokerConfigs: boolean } {
    const out = { added: [] as TopicInfo[], removed: [] as TopicInfo[], grown: [] as { topic: TopicInfo; from: number }[], reconfigured: [] as TopicInfo[], brokerConfigs: false }
    const text = this.storage.readText(this.file)
    if (text === null) return out
    const p = this.parse(text)
    const wanted = new Map(p.topics.map((t) => [t.name, t]))
    for (const t of [...this.topics.values()]) {
      const w = wanted.get(t.name)
      if (w && w.id === t.id) continue
      this.topics.delete(t.name)
      this.byId.delete(t.id)
      this.leadership.remove(t.name)
      out.removed.push(t)
    }
    for (const w of p.topics) {
      const t = this.topics.get(w.name)
      if (!t) {
        this.index(w)
        this.leadership.assign(w.name, w.partitions, 1, this.liveBrokers())
        out.added.push(w)
        continue
      }
      if (w.partitions > t.partitions) {
        this.leadership.assign(w.name, w.partitions, 1, this.liveBrokers(), t.partitions)
        out.grown.push({ topic: t, from: t.partitions })
        t.partitions = w.partitions
      }
      if (JSON.stringify(w.configs) !== JSON.stringify(t.configs)) {
        t.configs = w.configs
        out.reconfigured.push(t)
      }
    }
    const defaults = p.defaultBrokerConfigs ?? {}
    if (JSON.stringify(defaults) !== JSON.stringify(Object.fromEntries(this.config.dynamicDefault))) {
      this.config.dynamicDefault.clear()
      for (const [k, v] of Object.entries(defaults)) this.config.dynamicDefault.set(k, v)
      out.brokerConfigs = true
    }
    this.groupConfigs.clear()
    for (const [k, v] of Object.entries(p.groupConfigs ?? {})) this.groupConfigs.set(k, v)
    return out
  }

  private index(t: TopicInfo): void {
    this.topics.set(t.name, t)
    this.byId.set(t.id, t)
  }

  topic(name: string): TopicInfo | undefined {
    return this.topics.get(name)
  }

  // Group config overrides by group id (group-configs.ts); saved with save().
  readonly groupConfigs = new Map<string, Record<string, string>>()

  topicList(): TopicInfo[] {
    return [...this.topics.values()]
  }

  topicById(id: string): TopicInfo | undefined {
    return this.byId.get(id)
  }

  // Validates like Kafka's CreateTopics (name, partitions, replication factor, configs) and, unless
  // validateOnly, records the topic. The caller creates the partition logs.
  createTopic(name: string, partitions: number, replicationFactor: number, configs: Record<string, string | null>, validateOnly = false, internal = false): TopicInfo {
    validateTopicName(name)
    if (this.topics.has(name)) throw new KafkaError('TOPIC_ALREADY_EXISTS', `Topic '${name}' already exists.`)
    const count = partitions === -1 ? this.config.int('num.partitions') : partitions
    if (count <= 0) throw new KafkaError('INVALID_PARTITIONS', `Number of partitions was set to an invalid non-positive value.`)
    const rf = replicationFactor === -1 ? this.config.int('default.replication.factor') : replicationFactor
    if (rf <= 0) throw new KafkaError('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0, or -1 to use the default value.')
    const brokers = this.liveBrokers()
    if (rf > brokers.length) throw new KafkaError('INVALID_REPLICATION_FACTOR', `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${brokers.length} broker(s) are registered.`)
    validateTopicConfigs(configs)
    const t: TopicInfo = { name, id: randomUuid(), partitions: count, configs: configs as Record<string, string>, internal }
    if (validateOnly) return t
    this.index(t)
    this.leadership.assign(name, count, rf, brokers)
    this.save()
    return t
  }

  deleteTopic(name: string): TopicInfo {
    const t = this.topics.get(name)
    if (!t) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic ${name} does not exist`)
    this.topics.delete(name)
    this.byId.delete(t.id)
    this.leadership.remove(name)
    this.save()
    return t
  }

  setPartitionCount(name: string, count: number): void {
    const t = this.topics.get(name)!
    // New partitions get the replication factor of the topic's first partition (Kafka's
    // CreatePartitions without an assignment).
    const rf = this.leadership.get(name, 0)?.replicas.length ?? 1
    const brokers = this.liveBrokers()
    this.leadership.assign(name, count, Math.min(rf, brokers.length), brokers, t.partitions)
    t.partitions = count
    this.save()
  }

  setTopicConfigs(name: string, configs: Record<string, string>): void {
    const t = this.topics.get(name)!
    t.configs = configs
    this.save()
  }

  // Changes one level of dynamic broker configs: resourceName "" the cluster-wide defaults, else
  // (our node id) this broker's own; a null value removes the key from that level.
  setBrokerConfigs(configs: ReadonlyMap<string, string | null>, resourceName: string): void {
    const level = resourceName === DEFAULT_BROKER_RESOURCE ? this.config.dynamicDefault : this.config.dynamic
    for (const [k, v] of configs) {
      if (v === null) level.delete(k)
      else level.set(k, v)
    }
    this.save()
  }

  isDynamicBrokerConfig(name: string): boolean {
    return BROKER_CONFIG_BY_NAME.get(name)?.dynamic === true
  }

  // With a shared store, ids come from the blocks it allocates to this broker (the other brokers
  // over it take theirs from the same counter); cluster.json's counter is then only the floor.
  producerIds: ProducerIdBlocks | null = null

  // The first id not yet handed out by this directory's own counter.
  get producerIdFloor(): number {
    return this.nextProducerId
  }

  allocateProducerId(): number {
    if (this.producerIds) return this.producerIds.allocate()
    const id = this.nextProducerId++
    this.save()
    return id
  }
}
