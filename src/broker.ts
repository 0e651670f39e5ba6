// The broker's engines wired together: cluster metadata, the log manager, producer ids, and the
// append notifications that wake long-polling fetches. Handlers call into this; it never sees
// protocol objects or sockets.

import { KafkaError } from '../protocol/errors.js'
import { BrokerConfig } from './cluster/broker-config.js'
import { Cluster, type TopicInfo } from './cluster/cluster.js'
import type { Clock, Timer } from './clock.js'
import { LogManager } from './log/log-manager.js'
import type { PartitionLog } from './log/partition-log.js'
import type { Storage } from './log/storage.js'
import type { Logger } from './logger.js'
import { GroupCoordinator } from './groups/coordinator.js'
import { OFFSETS_TOPIC } from './groups/group-store.js'
import { completeTxnOffsets, deleteTopicOffsets, expireOffsets } from './groups/offsets.js'
import { TransactionCoordinator } from './producers/transactions.js'

export interface BrokerOptions {
  config: BrokerConfig
  storage: Storage
  clock: Clock
  logger: Logger
}

export class Broker {
  readonly config: BrokerConfig
  readonly cluster: Cluster
  readonly logs: LogManager
  readonly clock: Clock
  readonly logger: Logger
  readonly storage: Storage
  readonly groups: GroupCoordinator
  readonly txns: TransactionCoordinator
  advertisedHost = '127.0.0.1'
  advertisedPort = 9092
  private readonly waiters = new Map<string, Set<() => void>>()
  private retentionTimer: Timer | null = null
  private offsetExpiryTimer: Timer | null = null
  private stopped = false

  constructor(o: BrokerOptions) {
    this.config = o.config
    this.clock = o.clock
    this.logger = o.logger
    this.storage = o.storage
    this.cluster = new Cluster(o.storage, o.config)
    this.logs = new LogManager({
      storage: o.storage,
      now: () => o.clock.now(),
      warn: (msg, details) => o.logger.warn(details, msg),
    })
    this.groups = new GroupCoordinator(this)
    this.txns = new TransactionCoordinator(this)
  }

  get nodeId(): number {
    return this.cluster.nodeId
  }

  start(): { clean: boolean; topics: number } {
    const { clean } = this.logs.start()
    this.cluster.load()
    for (const t of this.cluster.topics.values()) this.openTopicLogs(t)
    this.groups.load()
    this.txns.load()
    this.scheduleRetention()
    this.scheduleOffsetExpiry()
    return { clean, topics: this.cluster.topics.size }
  }

  private scheduleRetention(): void {
    const every = Math.max(1000, this.config.int('log.retention.check.interval.ms'))
    this.retentionTimer = this.clock.schedule(every, () => {
      if (this.stopped) return
      try {
        const n = this.logs.applyRetention()
        if (n > 0) this.logger.info({ segments: n }, 'retention deleted segments')
        this.logs.flushDue()
      } catch (err) {
        this.logger.error({ err }, 'retention pass failed')
      }
      this.scheduleRetention()
    })
  }

  // Kafka's offsets.retention.check.interval.ms default.
  private scheduleOffsetExpiry(): void {
    this.offsetExpiryTimer = this.clock.schedule(600_000, () => {
      if (this.stopped) return
      try {
        const n = expireOffsets(this.groups)
        if (n > 0) this.logger.info({ offsets: n }, 'expired committed offsets')
      } catch (err) {
        this.logger.error({ err }, 'offset expiry failed')
      }
      this.scheduleOffsetExpiry()
    })
  }

  private openTopicLogs(t: TopicInfo): void {
    const cfg = this.config.logConfig(t.configs)
    for (let p = 0; p < t.partitions; p++) this.logs.open(t.name, p, cfg)
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    const t = this.cluster.topic(topic)
    if (!t || partition < 0 || partition >= t.partitions) return undefined
    return this.logs.get(topic, partition) ?? this.logs.open(topic, partition, this.config.logConfig(t.configs))
  }

  createTopic(name: string, partitions: number, replicationFactor: number, configs: Record<string, string | null>, validateOnly = false): TopicInfo {
    const t = this.cluster.createTopic(name, partitions, replicationFactor, configs, validateOnly)
    if (!validateOnly) {
      this.openTopicLogs(t)
      this.logger.info({ topic: name, partitions: t.partitions, topicId: t.id }, 'topic created')
    }
    return t
  }

  // Kafka's auto.create.topics.enable: Metadata (when the client allows it) and Produce create
  // unknown topics with num.partitions.
  autoCreate(name: string): TopicInfo | undefined {
    const existing = this.cluster.topic(name)
    if (existing) return existing
    if (!this.config.bool('auto.create.topics.enable')) return undefined
    try {
      return this.createTopic(name, -1, -1, {})
    } catch (err) {
      if (err instanceof KafkaError) return undefined
      throw err
    }
  }

  deleteTopic(name: string): TopicInfo {
    if (!this.config.bool('delete.topic.enable')) throw new KafkaError('TOPIC_DELETION_DISABLED', 'Topic deletion is disabled.')
    const t = this.cluster.deleteTopic(name)
    for (let p = 0; p < t.partitions; p++) {
      this.logs.remove(name, p)
      this.wake(name, p)
    }
    const offsets = deleteTopicOffsets(this.groups, name)
    this.logger.info({ topic: name, topicId: t.id, committedOffsetsRemoved: offsets }, 'topic deleted')
    return t
  }

  addPartitions(name: string, count: number): void {
    const t = this.cluster.topic(name)!
    const cfg = this.config.logConfig(t.configs)
    for (let p = t.partitions; p < count; p++) this.logs.open(name, p, cfg)
    this.cluster.setPartitionCount(name, count)
    this.logger.info({ topic: name, partitions: count }, 'partitions added')
  }

  setTopicConfigs(name: string, configs: Record<string, string>): void {
    this.cluster.setTopicConfigs(name, configs)
    this.refreshLogConfigs(name)
  }

  // resourceName: the BROKER resource changed, "" (cluster-wide defaults) or our node id.
  setBrokerConfigs(configs: ReadonlyMap<string, string | null>, resourceName: string): void {
    this.cluster.setBrokerConfigs(configs, resourceName)
    for (const t of this.cluster.topics.values()) this.refreshLogConfigs(t.name)
  }

  private refreshLogConfigs(name: string): void {
    const t = this.cluster.topic(name)!
    const cfg = this.config.logConfig(t.configs)
    for (let p = 0; p < t.partitions; p++) {
      const log = this.logs.get(name, p)
      if (log) log.config = cfg
    }
  }

  // Long polling: a fetch waits on the partitions it reads; an append wakes them.
  onAppend(keys: readonly string[], fn: () => void): () => void {
    for (const k of keys) {
      let set = this.waiters.get(k)
      if (!set) this.waiters.set(k, (set = new Set()))
      set.add(fn)
    }
    return () => {
      for (const k of keys) {
        const set = this.waiters.get(k)
        if (!set) continue
        set.delete(fn)
        if (set.size === 0) this.waiters.delete(k)
      }
    }
  }

  // A transaction marker was written: in __consumer_offsets it settles pending offset commits.
  onMarker(topic: string, partition: number, producerId: number, commit: boolean): void {
    if (topic === OFFSETS_TOPIC) completeTxnOffsets(this.groups, partition, producerId, commit)
  }

  wake(topic: string, partition: number): void {
    const set = this.waiters.get(`${topic}-${partition}`)
    if (!set) return
    for (const fn of [...set]) fn()
  }

  // Shutdown: long-polling fetches answer now with what they have; parked JoinGroup/SyncGroup
  // requests answer NOT_COORDINATOR.
  wakeAll(): void {
    for (const set of [...this.waiters.values()]) for (const fn of [...set]) fn()
    this.groups.answerWaiters()
  }

  stop(): void {
    if (this.stopped) return
    this.stopped = true
    this.retentionTimer?.cancel()
    this.offsetExpiryTimer?.cancel()
    this.groups.stop()
    this.txns.stop()
    this.logs.close()
  }
}
