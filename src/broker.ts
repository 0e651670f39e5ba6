// The hub: the broker's engines wired together (DESIGN.md, "The storage seam"). It builds each
// engine with the narrow dependencies it needs (a clock, a live slice of the config, an internal
// topic, a partition lookup); no engine imports this file. Handlers reach the engines through it.
// It never sees protocol objects or sockets.

import { KafkaError } from '../protocol/errors.js'
import { BrokerConfig } from './cluster/broker-config.js'
import { Cluster, type TopicInfo } from './cluster/cluster.js'
import type { Clock, Timer } from './clock.js'
import { LogCleaner } from './log/cleaner/cleaner.js'
import { InternalTopic } from './log/internal-topic.js'
import { LogManager } from './log/log-manager.js'
import type { PartitionStore } from './log/partition-store.js'
import type { Storage } from './log/storage.js'
import { changedKeys, type Logger } from './logger.js'
import type { BrokerMetrics } from './metrics/broker-metrics.js'
import { GroupCoordinator } from './groups/coordinator.js'
import { ConsumerGroupCoordinator } from './groups/consumer-coordinator.js'
import { OFFSETS_TOPIC } from './groups/group-store.js'
import { ShareGroups } from './groups/share/share-groups.js'
import { SHARE_STATE_TOPIC } from './groups/share/share-state-store.js'
import { groupConfigValue } from './cluster/group-configs.js'
import { completeTxnOffsets, deleteTopicOffsets, expireOffsets } from './groups/offsets.js'
import { TRANSACTION_STATE_TOPIC, TransactionCoordinator } from './producers/transactions.js'
import { ScramCredentials } from './security/scram-credentials.js'
import { newAuthorizer, type StandardAuthorizer } from './security/authorizer/config.js'
import type { RequestHook } from './server/request-hooks.js'

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
  readonly consumerGroups: ConsumerGroupCoordinator // KIP-848 groups, beside the classic ones
  readonly shareGroups: ShareGroups // KIP-932 share groups and their __share_group_state
  readonly txns: TransactionCoordinator
  readonly cleaner: LogCleaner
  // SCRAM users (AlterUserScramCredentials), in scram-credentials.json beside cluster.json.
  readonly scramCredentials: ScramCredentials
  // Seen by every connection of this broker (the test kit's recorder and faults); empty costs
  // one length check per request.
  readonly requestHooks: RequestHook[] = []
  // Counters for /metrics, set only while the admin port is on (docs/METRICS.md).
  metrics: BrokerMetrics | null = null
  // authorizer.class.name = Kafka's StandardAuthorizer, else null (every check allows, at no cost).
  readonly authorizer: StandardAuthorizer | null
  advertisedHost = '127.0.0.1'
  advertisedPort = 9092
  private retentionTimer: Timer | null = null
  private offsetExpiryTimer: Timer | null = null
  private stopped = false

  constructor(o: BrokerOptions) {
    this.config = o.config
    this.clock = o.clock
    this.logger = o.logger
    this.storage = o.storage
    this.cluster = new Cluster(o.storage, o.config)
    const scramFile = `${o.storage.root}/scram-credentials.json`
    this.scramCredentials = new ScramCredentials({ readText: () => o.storage.readText(scramFile), writeAtomic: (text) => o.storage.writeAtomic(scramFile, text) })
    this.authorizer = newAuthorizer(o.config, o.storage)
    this.logs = new LogManager({
      storage: o.storage,
      now: () => o.clock.now(),
      warn: (msg, details) => o.logger.warn(details, msg),
    })
    const config = o.config
    const cluster = this.cluster
    this.groups = new GroupCoordinator({
      clock: o.clock,
      logger: o.logger,
      config: {
        get minSessionTimeoutMs() { return config.int('group.min.session.timeout.ms') },
        get maxSessionTimeoutMs() { return config.int('group.max.session.timeout.ms') },
        get initialRebalanceDelayMs() { return config.int('group.initial.rebalance.delay.ms') },
        get offsetsRetentionMs() { return config.int('offsets.retention.minutes') * 60_000 },
      },
      offsetsTopic: this.internalTopic(OFFSETS_TOPIC, 'offsets.topic', { 'compression.type': 'producer' }),
      get legacyLayout() { return cluster.groupLayout === 'legacy' },
      onLayoutMigrated: () => {
        cluster.groupLayout = 'kafka'
        cluster.save()
      },
    })
    this.consumerGroups = this.newConsumerGroups(o)
    this.shareGroups = this.newShareGroups(o)
    this.txns = new TransactionCoordinator({
      clock: o.clock,
      logger: o.logger,
      config: {
        get partitionVerification() { return config.bool('transaction.partition.verification.enable') },
        get idExpirationMs() { return config.int('transactional.id.expiration.ms') },
        get abortCheckIntervalMs() { return config.int('transaction.abort.timed.out.transaction.cleanup.interval.ms') },
        get expiryCheckIntervalMs() { return config.int('transaction.remove.expired.transaction.cleanup.interval.ms') },
      },
      stateTopic: this.internalTopic(TRANSACTION_STATE_TOPIC, 'transaction.state.log', { 'compression.type': 'uncompressed' }),
      partition: (topic, p) => this.partition(topic, p),
      allocateProducerId: () => cluster.allocateProducerId(),
      onMarker: (topic, p, producerId, commit) => {
        if (topic === OFFSETS_TOPIC) completeTxnOffsets(this.groups, p, producerId, commit)
      },
      takeLegacyIds: () => {
        const ids = new Map(cluster.transactionalIds)
        if (ids.size > 0) {
          cluster.transactionalIds.clear()
          cluster.save()
        }
        return ids
      },
    })
    this.cleaner = this.newCleaner(o)
  }

  private newConsumerGroups(o: BrokerOptions): ConsumerGroupCoordinator {
    const config = o.config
    const cluster = this.cluster
    const asTopic = (t: TopicInfo) => ({ id: t.id, name: t.name, partitions: t.partitions })
    return new ConsumerGroupCoordinator({
      groups: this.groups,
      clock: o.clock,
      logger: o.logger,
      config: {
        // A group's own consumer.* config (IncrementalAlterConfigs on GROUP), else the broker's.
        sessionTimeoutMs: (id) => Number(cluster.groupConfigs.get(id)?.['consumer.session.timeout.ms'] ?? config.int('group.consumer.session.timeout.ms')),
        heartbeatIntervalMs: (id) => Number(cluster.groupConfigs.get(id)?.['consumer.heartbeat.interval.ms'] ?? config.int('group.consumer.heartbeat.interval.ms')),
        get maxSize() { return config.int('group.consumer.max.size') },
        get assignors() { return (config.get('group.consumer.assignors') ?? 'uniform,range').split(',').map((a) => a.trim()).filter((a) => a !== '') },
      },
      topics: {
        byName: (name) => {
          const t = cluster.topic(name)
          return t ? asTopic(t) : undefined
        },
        byId: (id) => {
          const t = cluster.topicById(id)
          return t ? asTopic(t) : undefined
        },
        all: () => cluster.topicList().filter((t) => !t.internal).map(asTopic),
      },
    })
  }

  private newShareGroups(o: BrokerOptions): ShareGroups {
    const config = o.config
    const cluster = this.cluster
    const asTopic = (t: TopicInfo | undefined) => (t ? { id: t.id, name: t.name, partitions: t.partitions } : undefined)
    return new ShareGroups({
      clock: o.clock,
      logger: o.logger,
      config: {
        groupConfig: (id, name) => groupConfigValue(config, cluster.groupConfigs.get(id), name),
        get maxSize() { return config.int('group.share.max.size') },
        get maxSessions() { return config.int('group.share.max.share.sessions') },
      },
      topics: { byName: (n) => asTopic(cluster.topic(n)), byId: (id) => asTopic(cluster.topicById(id)) },
      partition: (topic, p) => this.partition(topic, p),
      stateTopic: this.internalTopic(SHARE_STATE_TOPIC, 'share.coordinator.state.topic', { 'compression.type': 'producer' }),
      otherGroupType: (id) => {
        const g = this.groups.group(id)
        return g !== undefined && g.state !== 'Dead'
      },
    })
  }

  private newCleaner(o: BrokerOptions): LogCleaner {
    const config = o.config
    const logs = this.logs
    return new LogCleaner({
      clock: o.clock,
      logger: o.logger,
      config: {
        get enabled() { return config.bool('log.cleaner.enable') },
        get threads() { return config.int('log.cleaner.threads') },
        get dedupeBufferBytes() { return config.int('log.cleaner.dedupe.buffer.size') },
        get loadFactor() { return Number(config.get('log.cleaner.io.buffer.load.factor') ?? 0.9) },
        get backoffMs() { return config.int('log.cleaner.backoff.ms') },
      },
      logs: () => logs.all(),
      firstDirtyOffset: (key) => logs.firstDirtyOffset(key),
      setFirstDirtyOffset: (key, offset) => logs.setFirstDirtyOffset(key, offset),
    })
  }

  // An internal topic created on first write, compacted, with its partitions and segment size from
  // the broker configs `<prefix>.num.partitions` and `<prefix>.segment.bytes` (Kafka's
  // GroupCoordinatorConfig / TransactionLogConfig: offsets.topic.*, transaction.state.log.*).
  private internalTopic(name: string, prefix: string, configs: Record<string, string>): InternalTopic {
    return new InternalTopic({
      name,
      partitions: (create) => {
        const existing = this.cluster.topic(name)
        if (existing || !create) return existing?.partitions ?? 0
        const n = Math.max(1, this.config.int(`${prefix}.num.partitions`))
        const segmentBytes = String(this.config.int(`${prefix}.segment.bytes`))
        const t = this.cluster.createTopic(name, n, 1, { 'cleanup.policy': 'compact', 'segment.bytes': segmentBytes, ...configs }, false, true)
        this.openTopicLogs(t)
        return t.partitions
      },
      store: (p) => this.partition(name, p)!,
      now: () => this.clock.now(),
    })
  }

  get nodeId(): number {
    return this.cluster.nodeId
  }

  start(): { clean: boolean; topics: number } {
    const { clean } = this.logs.start()
    this.cluster.load()
    if (!this.cluster.topic(OFFSETS_TOPIC) && this.cluster.groupLayout === 'legacy') this.cluster.groupLayout = 'kafka'
    for (const t of this.cluster.topics.values()) this.openTopicLogs(t)
    this.groups.load()
    this.consumerGroups.load()
    this.shareGroups.load()
    this.txns.load()
    // Kafka's LogManager runs its first retention check log.initial.task.delay.ms after start-up.
    this.scheduleRetention(Math.max(0, this.config.int('log.initial.task.delay.ms')))
    this.scheduleOffsetExpiry()
    this.cleaner.start()
    return { clean, topics: this.cluster.topics.size }
  }

  private scheduleRetention(delayMs = Math.max(1000, this.config.int('log.retention.check.interval.ms'))): void {
    this.retentionTimer = this.clock.schedule(delayMs, () => {
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

  // offsets.retention.check.interval.ms (Kafka's default: 10 minutes).
  private scheduleOffsetExpiry(): void {
    this.offsetExpiryTimer = this.clock.schedule(Math.max(1, this.config.int('offsets.retention.check.interval.ms')), () => {
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

  partition(topic: string, partition: number): PartitionStore | undefined {
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
    for (let p = 0; p < t.partitions; p++) this.logs.remove(name, p)
    const offsets = deleteTopicOffsets(this.groups, name)
    this.shareGroups.partitions.deleteTopic(t.id)
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
    this.logger.info({ topic: name, keys: changedKeys(this.cluster.topic(name)!.configs, configs) }, 'topic configs changed')
    this.cluster.setTopicConfigs(name, configs)
    this.refreshLogConfigs(name)
  }

  // resourceName: the BROKER resource changed, "" (cluster-wide defaults) or our node id.
  setBrokerConfigs(configs: ReadonlyMap<string, string | null>, resourceName: string): void {
    this.cluster.setBrokerConfigs(configs, resourceName)
    this.logger.info({ broker: resourceName === '' ? 'cluster default' : resourceName, keys: [...configs.keys()] }, 'broker configs changed')
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

  // Shutdown: long-polling fetches answer now with what they have; parked JoinGroup/SyncGroup
  // requests answer NOT_COORDINATOR.
  wakeAll(): void {
    this.logs.wakeAll()
    this.groups.answerWaiters()
  }

  stop(): void {
    if (this.stopped) return
    this.stopped = true
    this.retentionTimer?.cancel()
    this.offsetExpiryTimer?.cancel()
    this.cleaner.stop()
    this.groups.stop()
    this.consumerGroups.stop()
    this.shareGroups.stop()
    this.txns.stop()
    this.logs.close()
  }
}
