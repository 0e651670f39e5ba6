// The hub: the broker's engines wired together (DESIGN.md, "The storage seam"). It builds each
// engine with the narrow dependencies it needs (a clock, a live slice of the config, an internal
// topic, a partition lookup); no engine imports this file. Handlers reach the engines through it.
// It never sees protocol objects or sockets.

import { KafkaError } from '../protocol/errors.js'
import { BrokerConfig } from './cluster/broker-config.js'
import { Cluster, type TopicInfo } from './cluster/cluster.js'
import { ClusterController } from './cluster/controller.js'
import { Nodes } from './cluster/nodes.js'
import { ProducerIdBlocks } from './cluster/producer-id-blocks.js'
import type { Clock, Timer } from './clock.js'
import { LogCleaner } from './log/cleaner/cleaner.js'
import { InternalTopic } from './log/internal-topic.js'
import { LogManager } from './log/log-manager.js'
import type { PartitionStore } from './log/partition-store.js'
import type { AsyncPartitionStore } from './store/async-partition-store.js'
import { SharedPartitions } from './store/shared-partitions.js'
import { CoordinatorLoads } from './cluster/coordinator-loads.js'
import type { SharedStore, SharedTopic } from './store/shared-store.js'
import type { Storage } from './log/storage.js'
import { changedKeys, type Logger } from './logger.js'
import type { BrokerMetrics } from './metrics/broker-metrics.js'
import { GroupCoordinator } from './groups/coordinator.js'
import { ConsumerGroupCoordinator } from './groups/consumer-coordinator.js'
import { ClassicMembersOfConsumerGroups } from './groups/consumer-classic.js'
import { parsePolicy } from './groups/migration.js'
import { parseTagKeys } from './groups/streams/standby-tags.js'
import { StreamsGroupCoordinator } from './groups/streams/streams-coordinator.js'
import { OFFSETS_TOPIC } from './groups/group-store.js'
import { ShareGroups } from './groups/share/share-groups.js'
import { SHARE_STATE_TOPIC } from './groups/share/share-state-store.js'
import { groupConfigValue } from './cluster/group-configs.js'
import { completeTxnOffsets, deleteTopicOffsets, expireOffsets } from './groups/offsets.js'
import { TRANSACTION_STATE_TOPIC, TransactionCoordinator } from './producers/transactions.js'
import { ScramCredentials } from './security/scram-credentials.js'
import { QuotaStore } from './quotas/quota-store.js'
import { ClientQuotas } from './quotas/quotas.js'
import { newAuthorizer, type StandardAuthorizer } from './security/authorizer/config.js'
import type { RequestHook } from './server/request-hooks.js'

export interface BrokerOptions {
  config: BrokerConfig
  storage: Storage
  clock: Clock
  logger: Logger
  // One rack (or null) per broker of this process: several make a cluster over this one store
  // (startCluster). Default: one broker, with broker.rack.
  racks?: (string | null)[]
  // A store shared with other brokers (PostgreSQL, `store.url`): ordinary partitions are served
  // from it, internal topics and metadata are committed to it. Null: the local log only.
  shared?: SharedStore | null
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
  readonly streamsGroups: StreamsGroupCoordinator // KIP-1071 streams groups, beside the consumer ones
  readonly txns: TransactionCoordinator
  readonly cleaner: LogCleaner
  // The brokers this store serves (one unless started as a cluster) and their leaderships.
  readonly nodes: Nodes
  readonly controller: ClusterController
  readonly offsetsTopic: InternalTopic
  readonly transactionStateTopic: InternalTopic
  // SCRAM users (AlterUserScramCredentials), in scram-credentials.json beside cluster.json.
  readonly scramCredentials: ScramCredentials
  // Client quotas (AlterClientQuotas), in client-quotas.json beside cluster.json, and the managers
  // that enforce them (each disabled, at the cost of one boolean, until some entity sets its key).
  readonly quotas: ClientQuotas
  // Seen by every connection of this broker (the test kit's recorder and faults); empty costs
  // one length check per request.
  readonly requestHooks: RequestHook[] = []
  // Counters for /metrics, set only while the admin port is on (docs/METRICS.md).
  metrics: BrokerMetrics | null = null
  // authorizer.class.name = Kafka's StandardAuthorizer, else null (every check allows, at no cost).
  readonly authorizer: StandardAuthorizer | null
  advertisedHost = '127.0.0.1'
  advertisedPort = 9092
  // A store shared with other brokers (store.url), null on the local log; and the partitions it
  // serves or commits.
  readonly sharedStore: SharedStore | null
  private readonly shared: SharedPartitions | null
  // Over a shared store: which internal-topic partitions' coordinators are loaded here.
  readonly coordinatorLoads: CoordinatorLoads | null
  private retentionTimer: Timer | null = null
  private offsetExpiryTimer: Timer | null = null
  private recoveryCheckpointTimer: Timer | null = null
  private stopped = false

  constructor(o: BrokerOptions) {
    this.config = o.config
    this.clock = o.clock
    this.logger = o.logger
    this.storage = o.storage
    this.sharedStore = o.shared ?? null
    this.shared = o.shared ? this.sharedPartitions(o.shared) : null
    this.coordinatorLoads = null
    this.cluster = new Cluster(o.storage, o.config)
    this.nodes = new Nodes(this.cluster.nodeId, o.racks ?? [o.config.get('broker.rack')])
    // Other processes' brokers over the shared store, as its membership leases report them.
    o.shared?.watchMembers((members) => this.nodes.setRemote(members))
    // Partitions whose lease another broker holds: led there, so requests here answer
    // NOT_LEADER_OR_FOLLOWER with that broker as the current leader (KIP-951).
    o.shared?.watchLeaders((leases) => this.followLeases(leases))
    const shared = o.shared
    if (shared) {
      this.cluster.producerIds = new ProducerIdBlocks(
        (floor, size) => shared.allocateProducerIds(floor, size),
        () => this.cluster.producerIdFloor,
        (err) => o.logger.warn({ err }, 'allocating a producer id block from the store failed'),
      )
    }
    this.controller = new ClusterController({ cluster: this.cluster, nodes: this.nodes, logger: o.logger, log: (t, p) => this.logs.get(t, p) })
    const scramFile = `${o.storage.root}/scram-credentials.json`
    this.scramCredentials = new ScramCredentials({ readText: () => o.storage.readText(scramFile), writeAtomic: (text) => o.storage.writeAtomic(scramFile, text) })
    this.authorizer = newAuthorizer(o.config, o.storage)
    const quotaFile = `${o.storage.root}/client-quotas.json`
    const window = (num: string, size: string) => ({ samples: o.config.int(num), windowMs: o.config.int(size) * 1000 })
    this.quotas = new ClientQuotas(
      new QuotaStore({ readText: () => o.storage.readText(quotaFile), writeAtomic: (text) => o.storage.writeAtomic(quotaFile, text) }),
      { client: window('quota.window.num', 'quota.window.size.seconds'), controller: window('controller.quota.window.num', 'controller.quota.window.size.seconds') },
      o.clock,
    )
    // Metadata documents another broker over the shared store changed.
    o.shared?.watchDocuments((names) => this.reloadDocuments(names))
    this.logs = new LogManager({
      storage: o.storage,
      now: () => o.clock.now(),
      warn: (msg, details) => o.logger.warn(details, msg),
    })
    const config = o.config
    const cluster = this.cluster
    this.offsetsTopic = this.internalTopic(OFFSETS_TOPIC, 'offsets.topic', { 'compression.type': 'producer' })
    this.transactionStateTopic = this.internalTopic(TRANSACTION_STATE_TOPIC, 'transaction.state.log', { 'compression.type': 'uncompressed' })
    this.groups = new GroupCoordinator({
      clock: o.clock,
      logger: o.logger,
      config: {
        get minSessionTimeoutMs() { return config.int('group.min.session.timeout.ms') },
        get maxSessionTimeoutMs() { return config.int('group.max.session.timeout.ms') },
        get initialRebalanceDelayMs() { return config.int('group.initial.rebalance.delay.ms') },
        get offsetsRetentionMs() { return config.int('offsets.retention.minutes') * 60_000 },
      },
      offsetsTopic: this.offsetsTopic,
      topicId: (name) => cluster.topic(name)?.id,
      get legacyLayout() { return cluster.groupLayout === 'legacy' },
      onLayoutMigrated: () => {
        cluster.groupLayout = 'kafka'
        cluster.save()
      },
    })
    this.consumerGroups = this.newConsumerGroups(o)
    this.groups.classicInConsumerGroups = new ClassicMembersOfConsumerGroups(this.consumerGroups)
    this.shareGroups = this.newShareGroups(o)
    this.streamsGroups = this.newStreamsGroups(o)
    this.txns = new TransactionCoordinator({
      clock: o.clock,
      logger: o.logger,
      config: {
        get partitionVerification() { return config.bool('transaction.partition.verification.enable') },
        get idExpirationMs() { return config.int('transactional.id.expiration.ms') },
        get abortCheckIntervalMs() { return config.int('transaction.abort.timed.out.transaction.cleanup.interval.ms') },
        get expiryCheckIntervalMs() { return config.int('transaction.remove.expired.transaction.cleanup.interval.ms') },
      },
      stateTopic: this.transactionStateTopic,
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
    if (o.shared) {
      this.coordinatorLoads = new CoordinatorLoads({
        nodeId: () => this.nodeId,
        leadership: this.cluster.leadership,
        logger: o.logger,
        groups: this.groups,
        consumerGroups: this.consumerGroups,
        streamsGroups: this.streamsGroups,
        txns: this.txns,
      })
    }
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
        sessionTimeoutMs: (id) => Number(groupConfigValue(config, cluster.groupConfigs.get(id), 'consumer.session.timeout.ms')),
        heartbeatIntervalMs: (id) => Number(groupConfigValue(config, cluster.groupConfigs.get(id), 'consumer.heartbeat.interval.ms')),
        assignmentIntervalMs: (id) => Number(groupConfigValue(config, cluster.groupConfigs.get(id), 'consumer.assignment.interval.ms')),
        get maxSize() { return config.int('group.consumer.max.size') },
        get migrationPolicy() { return parsePolicy(config.get('group.consumer.migration.policy') ?? undefined) },
        get classicMaxSize() { return config.int('group.max.size') },
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
        all: () => cluster.topicList().map(asTopic),
      },
    })
  }

  private newStreamsGroups(o: BrokerOptions): StreamsGroupCoordinator {
    const config = o.config
    const cluster = this.cluster
    // A group's own streams.* config (IncrementalAlterConfigs on GROUP), else the broker's.
    const groupInt = (id: string, name: string) => Number(groupConfigValue(config, cluster.groupConfigs.get(id), name))
    return new StreamsGroupCoordinator({
      groups: this.groups,
      clock: o.clock,
      logger: o.logger,
      config: {
        sessionTimeoutMs: (id) => groupInt(id, 'streams.session.timeout.ms'),
        heartbeatIntervalMs: (id) => groupInt(id, 'streams.heartbeat.interval.ms'),
        assignmentIntervalMs: (id) => groupInt(id, 'streams.assignment.interval.ms'),
        numStandbyReplicas: (id) => groupInt(id, 'streams.num.standby.replicas'),
        rackAwareAssignmentTags: (id) => parseTagKeys(groupConfigValue(config, cluster.groupConfigs.get(id), 'streams.rack.aware.assignment.tags')),
        initialRebalanceDelayMs: (id) => groupInt(id, 'streams.initial.rebalance.delay.ms'),
        get maxSize() { return config.int('group.streams.max.size') },
        get acceptableRecoveryLag() { return Number(config.get('group.streams.acceptable.recovery.lag') ?? 10000) },
        taskOffsetIntervalMs: 60_000, // Kafka's streams.task.offset.interval.ms default
      },
      topics: {
        partitions: (name) => cluster.topic(name)?.partitions,
        create: (t) => {
          try {
            this.createTopic(t.name, t.partitions, t.replicationFactor, t.configs)
            return null
          } catch (err) {
            if (err instanceof KafkaError) return err.message
            throw err
          }
        },
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
        const t = this.cluster.createTopic(name, n, this.internalReplicationFactor(prefix), { 'cleanup.policy': 'compact', 'segment.bytes': segmentBytes, ...configs }, false, true)
        this.openTopicLogs(t)
        return t.partitions
      },
      store: (p) => this.localPartition(name, p)!,
      now: () => this.clock.now(),
    })
  }

  get nodeId(): number {
    return this.cluster.nodeId
  }

  // `<prefix>.replication.factor` when set; else one replica per live broker up to Kafka's default
  // 3 (so one on a single broker, whatever the share coordinator's default of 3 says).
  internalReplicationFactor(prefix: string): number {
    const key = `${prefix}.replication.factor`
    return this.config.statics.has(key) ? this.config.int(key) : Math.max(1, Math.min(3, this.nodes.visible().length))
  }

  // The node id of the coordinator of a group (or transactional id, with __transaction_state): the
  // leader of the key's internal-topic partition, as in Kafka; -1 while it has no leader. The topic
  // is created by the first lookup, as KafkaApis.getCoordinator creates it on FindCoordinator
  // (clients and tools then see __consumer_offsets in Metadata); a single broker coordinates all.
  coordinatorOf(topic: InternalTopic, key: string): number {
    const partition = topic.partitionFor(key)
    if (this.coordinatorLoads) return this.coordinatorLoads.coordinator(topic.name, partition)
    if (this.nodes.size === 1) return this.nodeId
    return this.cluster.leadership.get(topic.name, partition)?.leader ?? -1
  }

  start(): { clean: boolean; topics: number } {
    const { clean } = this.logs.start()
    this.cluster.load()
    if (!this.cluster.topic(OFFSETS_TOPIC) && this.cluster.groupLayout === 'legacy') this.cluster.groupLayout = 'kafka'
    for (const t of this.cluster.topics.values()) this.openTopicLogs(t)
    this.controller.reconcile()
    // Over a shared store the groups and transactions of a partition are loaded when this broker
    // wins its lease (CoordinatorLoads), never from a copy another broker may be writing.
    if (!this.coordinatorLoads) {
      this.groups.load()
      this.consumerGroups.load()
      this.streamsGroups.load()
    }
    this.shareGroups.load()
    this.txns.load(!this.coordinatorLoads)
    // Kafka's LogManager runs its first retention check log.initial.task.delay.ms after start-up.
    this.scheduleRetention(Math.max(0, this.config.int('log.initial.task.delay.ms')))
    this.scheduleOffsetExpiry()
    // Every log's recovery point now, so that an unclean stop from here on recovers from them.
    this.logs.checkpointRecoveryPoints()
    this.scheduleRecoveryCheckpoint()
    this.cleaner.start()
    return { clean, topics: this.cluster.topics.size }
  }

  private scheduleRetention(delayMs = Math.max(1000, this.config.int('log.retention.check.interval.ms'))): void {
    this.retentionTimer = this.clock.schedule(delayMs, () => {
      if (this.stopped) return
      try {
        const n = this.logs.applyRetention()
        if (n > 0) this.logger.info({ segments: n }, 'retention deleted segments')
        this.shared?.applyRetention(this.clock.now(), (partition, batches, err) => {
          if (err) this.logger.warn({ err, partition }, 'retention pass failed')
          else this.logger.info({ partition, batches }, 'retention deleted batches')
        })
        this.logs.flushDue()
      } catch (err) {
        this.logger.error({ err }, 'retention pass failed')
      }
      this.scheduleRetention()
    })
  }

  // log.flush.offset.checkpoint.interval.ms (Kafka's default: 1 minute): rolled segments are
  // flushed in the background, and their logs' recovery points written down here.
  private scheduleRecoveryCheckpoint(): void {
    this.recoveryCheckpointTimer = this.clock.schedule(Math.max(1000, this.config.int('log.flush.offset.checkpoint.interval.ms')), () => {
      if (this.stopped) return
      try {
        this.logs.checkpointRecoveryPoints()
      } catch (err) {
        this.logger.error({ err }, 'writing the recovery-point checkpoint failed')
      }
      this.scheduleRecoveryCheckpoint()
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
    for (let p = 0; p < t.partitions; p++) this.openLog(t.name, p, cfg)
  }

  // The live leases other brokers over the shared store hold, every heartbeat: those partitions
  // are reported led there; one recorded as led elsewhere whose lease is no longer live is
  // claimed here (its leader died or was paused past its lease).
  private followLeases(leases: readonly { topicId: string; partition: number; leaderId: number; epoch: number }[]): void {
    const held = new Set<string>()
    const internal: { topic: string; partition: number; leaderId: number }[] = []
    for (const l of leases) {
      const t = this.cluster.topicById(l.topicId)
      if (!t) continue
      held.add(`${t.name}-${l.partition}`)
      if (t.internal) internal.push({ topic: t.name, partition: l.partition, leaderId: l.leaderId })
      if (this.cluster.leadership.follow(t.name, l.partition, l.leaderId, l.epoch)) this.logger.info({ topic: t.name, partition: l.partition, leader: l.leaderId, leaderEpoch: l.epoch }, 'partition led by another broker')
    }
    this.coordinatorLoads?.follow(internal)
    for (const t of this.cluster.topics.values()) {
      if (t.internal) continue
      this.cluster.leadership.topic(t.name)?.forEach((s, p) => {
        if (s.leader !== this.nodeId && !held.has(`${t.name}-${p}`)) this.sharedStore!.takeOver(sharedTopic(t), p)
      })
    }
  }

  private sharedPartitions(store: SharedStore): SharedPartitions {
    return new SharedPartitions(store, {
      wake: (key) => this.logs.wake(key),
      led: (t, p, epoch, start) => {
        const current = this.cluster.topic(t.name)
        if (current?.id === t.id && this.cluster.leadership.adopt(t.name, p, this.nodeId, epoch, start)) this.cluster.save()
      },
    })
  }

  private openLog(topic: string, p: number, cfg: ReturnType<BrokerConfig['logConfig']>): AsyncPartitionStore {
    const t = this.shared ? this.cluster.topic(topic) : undefined
    return !t || t.internal ? this.openLocal(topic, p, cfg) : this.shared!.open(sharedTopic(t), p, cfg)
  }

  private openLocal(topic: string, p: number, cfg: ReturnType<BrokerConfig['logConfig']>): PartitionStore {
    const log = this.logs.open(topic, p, cfg)
    log.leaderEpoch = this.controller.leaderEpochOf(topic, p)
    if (!this.shared) return log
    const fresh = () => {
      this.logs.remove(topic, p)
      const l = this.logs.open(topic, p, cfg)
      l.leaderEpoch = this.controller.leaderEpochOf(topic, p)
      return l
    }
    return this.shared.wrap(sharedTopic(this.cluster.topic(topic)!), p, log, this.coordinatorLoads!.events(topic, p, fresh))
  }

  // The partition, as a store that may answer later (a shared store) or at once (the local log).
  partition(topic: string, partition: number): AsyncPartitionStore | undefined {
    const t = this.cluster.topic(topic)
    if (!t || partition < 0 || partition >= t.partitions) return undefined
    return (this.shared ? this.shared.get(topic, partition) : this.logs.get(topic, partition)) ?? this.openLog(topic, partition, this.config.logConfig(t.configs))
  }

  // The partition when it is a synchronous local log: always on the local log, and for internal
  // topics (kept locally, committed behind) with a shared store; undefined for ordinary partitions
  // served from a shared store.
  localPartition(topic: string, partition: number): PartitionStore | undefined {
    const t = this.cluster.topic(topic)
    if (!t || partition < 0 || partition >= t.partitions || (this.shared && !t.internal)) return undefined
    return (this.shared ? this.shared.local(topic, partition) : this.logs.get(topic, partition)) ?? this.openLocal(topic, partition, this.config.logConfig(t.configs))
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
    this.shared?.remove(sharedTopic(t))
    const offsets = deleteTopicOffsets(this.groups, name)
    this.shareGroups.partitions.deleteTopic(t.id)
    this.logger.info({ topic: name, topicId: t.id, committedOffsetsRemoved: offsets }, 'topic deleted')
    return t
  }

  addPartitions(name: string, count: number): void {
    const t = this.cluster.topic(name)!
    const cfg = this.config.logConfig(t.configs)
    const before = t.partitions
    this.cluster.setPartitionCount(name, count)
    for (let p = before; p < count; p++) this.openLog(name, p, cfg)
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

  // Documents another broker over the shared store changed, merged into storage: applied here as
  // if made here (nothing is written back). Kafka's brokers apply the controller's metadata
  // records the same way: topics appear and go, configs, credentials, quotas and ACLs take effect.
  private reloadDocuments(names: readonly string[]): void {
    if (names.includes('cluster.json')) this.reloadCluster()
    if (names.includes('scram-credentials.json')) this.scramCredentials.reload()
    if (names.includes('client-quotas.json')) this.quotas.store.reload()
    if (names.includes('acls.json')) this.authorizer?.reload()
    this.logger.info({ documents: names }, 'metadata changed by another broker applied')
  }

  private reloadCluster(): void {
    const c = this.cluster.reload()
    for (const t of c.removed) {
      for (let p = 0; p < t.partitions; p++) this.logs.remove(t.name, p)
      this.shared?.remove(sharedTopic(t))
      deleteTopicOffsets(this.groups, t.name)
      this.shareGroups.partitions.deleteTopic(t.id)
    }
    for (const t of c.added) this.openTopicLogs(t)
    for (const { topic, from } of c.grown) for (let p = from; p < topic.partitions; p++) this.openLog(topic.name, p, this.config.logConfig(topic.configs))
    for (const t of c.brokerConfigs ? this.cluster.topics.values() : c.reconfigured) this.refreshLogConfigs(t.name)
  }

  private refreshLogConfigs(name: string): void {
    const t = this.cluster.topic(name)!
    const cfg = this.config.logConfig(t.configs)
    for (let p = 0; p < t.partitions; p++) {
      const log = this.logs.get(name, p)
      if (log) log.config = cfg
      else this.shared?.setConfig(name, p, cfg)
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
    this.recoveryCheckpointTimer?.cancel()
    this.cleaner.stop()
    this.groups.stop()
    this.consumerGroups.stop()
    this.shareGroups.stop()
    this.streamsGroups.stop()
    this.txns.stop()
    this.logs.close()
  }
}

function sharedTopic(t: TopicInfo): SharedTopic {
  return { id: t.id, name: t.name, partitions: t.partitions }
}
