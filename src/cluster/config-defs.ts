// Topic and broker configs with Kafka's names, types, defaults and validators (Kafka 4.4's LogConfig
// and broker config tables). A topic config falls back to its broker synonym, then to its default,
// exactly as DescribeConfigs reports with its synonyms.

import { configValueError, type Check, type ConfigType } from './config-check.js'
import { KAFKA_BROKER_CONFIGS } from './kafka-broker-configs.js'
import { KAFKA_TOPIC_CONFIGS } from './kafka-topic-configs.js'

export type { ConfigType } from './config-check.js'

// DescribeConfigsResponse.ConfigType codes (v3+).
export const CONFIG_TYPE_CODE: Record<ConfigType, number> = {
  BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7, CLASS: 8, PASSWORD: 9,
}

// DescribeConfigsResponse.ConfigSource codes.
export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const

export interface ConfigDef {
  name: string
  type: ConfigType
  default: string | null
  doc: string
  // For a topic config: the broker config it falls back to. Some Kafka topic configs have a
  // second, coarser synonym (log.retention.hours behind log.retention.ms).
  synonyms?: readonly string[]
  // Kafka's validator (config-check.ts).
  check?: Check
  // Topic configs: a value refused beyond the validator, with Kafka's message (LogConfig.validate).
  refuse?: (v: string) => string | null
  // Broker configs that can be changed at runtime with IncrementalAlterConfigs / AlterConfigs.
  dynamic?: boolean
  // Broker configs: whether Rivulet acts on the value (else it is validated, reported, ignored),
  // Kafka's own default where Rivulet's differs, and Kafka's internal configs (not described).
  applied?: boolean
  kafkaDefault?: string | null
  internal?: boolean
}

const isLong = (v: string) => /^-?\d+$/.test(v.trim())
const isNonNegLong = (v: string) => /^\d+$/.test(v.trim())

// Topic configs are Kafka 4.4's LogConfig table (kafka-topic-configs.ts, generated from Kafka):
// type, default and validator are Kafka's, so CreateTopics, AlterConfigs and
// IncrementalAlterConfigs refuse a value with Kafka's reason. Below: what each does on Rivulet,
// its broker synonyms (Kafka's ServerTopicConfigSynonyms: DescribeConfigs and the fallback) and
// where Rivulet deliberately differs. Kafka's internal topic configs are not accepted.
interface RivuletTopicConfig {
  name: string
  doc: string
  synonyms?: readonly string[]
  check?: Check
  refuse?: (v: string) => string | null
}

// LogConfig.validateRemoteStorageOnlyIfSystemEnabled: Rivulet has no tiered storage.
const TIERED_STORAGE_DISABLED = 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.'

const RIVULET_TOPIC_CONFIGS: readonly RivuletTopicConfig[] = [
  { name: 'cleanup.policy', doc: 'delete: old segments go by retention.ms and retention.bytes; compact: the cleaner keeps the latest record of each key; both: both.', synonyms: ['log.cleanup.policy'] },
  { name: 'compression.gzip.level', doc: 'gzip level when compression.type recompresses (only producer is applied).', synonyms: ['compression.gzip.level'] },
  { name: 'compression.lz4.level', doc: 'lz4 level when compression.type recompresses (only producer is applied).', synonyms: ['compression.lz4.level'] },
  { name: 'compression.type', doc: 'Final compression type; only producer (keep batches as produced) is applied.', synonyms: ['compression.type'] },
  { name: 'compression.zstd.level', doc: 'zstd level when compression.type recompresses (only producer is applied).', synonyms: ['compression.zstd.level'] },
  { name: 'delete.retention.ms', doc: 'How long delete tombstones are retained for compacted topics.', synonyms: ['log.cleaner.delete.retention.ms'] },
  { name: 'errors.deadletterqueue.group.enable', doc: 'Dead-letter queue of share groups (not supported: no effect).' },
  { name: 'file.delete.delay.ms', doc: 'Time to wait before deleting a file from the filesystem.', synonyms: ['log.segment.delete.delay.ms'] },
  { name: 'flush.messages', doc: 'Force an fsync of the log after this many messages.', synonyms: ['log.flush.interval.messages'] },
  { name: 'flush.ms', doc: 'Force an fsync of the log after this many milliseconds.', synonyms: ['log.flush.interval.ms'] },
  { name: 'follower.replication.throttled.replicas', doc: 'Replicas throttled on the follower side (single-node broker: no effect).' },
  { name: 'index.interval.bytes', doc: 'Bytes of log between offset index entries.', synonyms: ['log.index.interval.bytes'] },
  { name: 'leader.replication.throttled.replicas', doc: 'Replicas throttled on the leader side (single-node broker: no effect).' },
  { name: 'local.retention.bytes', doc: 'Local retention for tiered storage (not supported: no effect).', synonyms: ['log.local.retention.bytes'] },
  { name: 'local.retention.ms', doc: 'Local retention for tiered storage (not supported: no effect).', synonyms: ['log.local.retention.ms'] },
  { name: 'max.compaction.lag.ms', doc: 'Maximum time a message remains ineligible for compaction.', synonyms: ['log.cleaner.max.compaction.lag.ms'] },
  { name: 'max.decompressed.message.bytes', doc: 'Largest decompressed record batch (not applied: Rivulet bounds decompression itself).', synonyms: ['max.decompressed.message.bytes'] },
  { name: 'max.message.bytes', doc: 'Largest record batch size allowed.', synonyms: ['message.max.bytes'] },
  { name: 'message.timestamp.after.max.ms', doc: 'How far a record timestamp may be ahead of the broker clock.', synonyms: ['log.message.timestamp.after.max.ms'] },
  { name: 'message.timestamp.before.max.ms', doc: 'How far a record timestamp may be behind the broker clock.', synonyms: ['log.message.timestamp.before.max.ms'] },
  { name: 'message.timestamp.type', doc: 'CreateTime or LogAppendTime.', synonyms: ['log.message.timestamp.type'] },
  { name: 'min.cleanable.dirty.ratio', doc: 'Dirty ratio that triggers compaction.', synonyms: ['log.cleaner.min.cleanable.ratio'] },
  { name: 'min.compaction.lag.ms', doc: 'Minimum time a message remains uncompacted.', synonyms: ['log.cleaner.min.compaction.lag.ms'] },
  { name: 'min.insync.replicas', doc: 'Minimum in-sync replicas for acks=all (single node: 1).', synonyms: ['min.insync.replicas'] },
  { name: 'preallocate', doc: 'Preallocate segment files.', synonyms: ['log.preallocate'] },
  { name: 'remote.copy.lag.bytes', doc: 'Tiered storage (not supported: no effect).', synonyms: ['log.remote.copy.lag.bytes'] },
  { name: 'remote.copy.lag.ms', doc: 'Tiered storage (not supported: no effect).', synonyms: ['log.remote.copy.lag.ms'] },
  { name: 'remote.log.copy.disable', doc: 'Tiered storage (not supported).' },
  { name: 'remote.log.delete.on.disable', doc: 'Tiered storage (not supported).' },
  { name: 'remote.storage.enable', doc: 'Tiered storage (not supported: true is refused, as by a Kafka broker without it).', refuse: (v) => (/^true$/i.test(v.trim()) ? TIERED_STORAGE_DISABLED : null) },
  { name: 'retention.bytes', doc: 'Maximum size of a partition log before old segments are deleted.', synonyms: ['log.retention.bytes'] },
  { name: 'retention.ms', doc: 'Maximum age of a segment before it is deleted; -1 keeps forever.', synonyms: ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'] },
  { name: 'segment.bytes', check: { kind: 'range', min: '14' }, doc: 'Segment file size. Kafka 4.4 requires at least 1048576 (its tests use the internal internal.segment.bytes); Rivulet accepts from 14 so tests can roll segments.', synonyms: ['log.segment.bytes'] },
  { name: 'segment.index.bytes', doc: 'Maximum offset index size.', synonyms: ['log.index.size.max.bytes'] },
  { name: 'segment.jitter.ms', doc: 'Random jitter subtracted from segment.ms.', synonyms: ['log.roll.jitter.ms', 'log.roll.jitter.hours'] },
  { name: 'segment.ms', doc: 'Time after which a segment is rolled even if not full.', synonyms: ['log.roll.ms', 'log.roll.hours'] },
  { name: 'unclean.leader.election.enable', doc: 'Single node: no effect.', synonyms: ['unclean.leader.election.enable'] },
]

function topicConfigs(): ConfigDef[] {
  const ours = new Map(RIVULET_TOPIC_CONFIGS.map((c) => [c.name, c]))
  const defs = KAFKA_TOPIC_CONFIGS.filter((k) => !k.internal).map((k): ConfigDef => {
    const r = ours.get(k.name)
    return {
      name: k.name,
      type: k.type,
      default: k.default,
      doc: r?.doc ?? k.doc,
      ...(r?.synonyms && { synonyms: r.synonyms }),
      check: r?.check ?? k.check,
      ...(r?.refuse && { refuse: r.refuse }),
    }
  })
  const missing = [...ours.keys()].filter((n) => !defs.some((d) => d.name === n))
  if (missing.length > 0) throw new Error(`Rivulet topic configs unknown to Kafka: ${missing.join(', ')}`)
  return defs
}

export const TOPIC_CONFIGS: readonly ConfigDef[] = topicConfigs()

// Broker configs are Kafka 4.4's whole table (kafka-broker-configs.ts, generated from Kafka), so
// every name Kafka accepts is known, typed and validated with Kafka's rules at start-up and by
// AlterConfigs alike. The entries below are the ones Rivulet applies; they replace Kafka's doc and,
// where Rivulet deliberately differs (said in the doc), its default, validator or dynamic flag.
// Every other Kafka config is accepted, reported and has no effect (applied: false).
interface RivuletBrokerConfig {
  name: string
  doc: string
  default?: string | null
  check?: Check
  dynamic?: boolean
}

const RIVULET_BROKER_CONFIGS: readonly RivuletBrokerConfig[] = [
  { name: 'node.id', default: '1', doc: 'This broker\'s id; it is also the controller id (Kafka: required, no default).' },
  { name: 'broker.id', doc: 'Alias of node.id.' },
  { name: 'listeners', default: 'PLAINTEXT://127.0.0.1:9092', dynamic: false, doc: 'Listeners to bind, NAME://host:port, comma-separated; port 0 picks a free port (Kafka: PLAINTEXT://:9092). Rivulet cannot rebind at runtime, so it is not dynamic.' },
  { name: 'advertised.listeners', doc: 'Address given to clients in Metadata, DescribeCluster and FindCoordinator, per listener (a client is told the endpoint of the listener it connected to); defaults to the bound listener.' },
  { name: 'listener.security.protocol.map', dynamic: false, doc: 'Security protocol of each listener name (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL).' },
  { name: 'controller.listener.names', doc: 'Listeners named here belong to the KRaft controller quorum; Rivulet has none and does not bind them.' },
  { name: 'inter.broker.listener.name', doc: 'Checked as Kafka checks it (an advertised listener); one broker has no inter-broker traffic.' },
  { name: 'sasl.enabled.mechanisms', dynamic: false, default: 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512', doc: 'SASL mechanisms of SASL listeners: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 (Kafka: GSSAPI, which Rivulet does not serve; unset, PLAIN is enabled when it has users). Not dynamic in Rivulet.' },
  { name: 'sasl.jaas.config', dynamic: false, doc: 'PlainLoginModule with user_<name>="<password>" options: the PLAIN users (usually listener.name.<l>.plain.sasl.jaas.config). Not dynamic in Rivulet.' },
  { name: 'sasl.server.max.receive.size', doc: 'Largest frame before and during SASL authentication.' },
  { name: 'connections.max.reauth.ms', doc: 'SASL session lifetime (KIP-368): sent in SaslAuthenticate v1+, a connection past it must re-authenticate or is closed.' },
  { name: 'ssl.keystore.type', dynamic: false, doc: 'PEM or PKCS12 (JKS: convert to PKCS12; a PKCS12 file given as JKS is read, as Java does). Not dynamic in Rivulet.' },
  { name: 'ssl.keystore.location', dynamic: false, doc: 'Keystore file: PEM (key and certificate chain) or PKCS12. Not dynamic in Rivulet.' },
  { name: 'ssl.keystore.password', dynamic: false, doc: 'Password of a PKCS12 keystore. Not dynamic in Rivulet.' },
  { name: 'ssl.keystore.key', dynamic: false, doc: 'Inline PEM private key (ssl.keystore.type=PEM). Not dynamic in Rivulet.' },
  { name: 'ssl.keystore.certificate.chain', dynamic: false, doc: 'Inline PEM certificate chain (ssl.keystore.type=PEM). Not dynamic in Rivulet.' },
  { name: 'ssl.key.password', dynamic: false, doc: 'Password of an encrypted PEM private key. Not dynamic in Rivulet.' },
  { name: 'ssl.truststore.type', dynamic: false, doc: 'PEM (other types: convert to PEM). Not dynamic in Rivulet.' },
  { name: 'ssl.truststore.location', dynamic: false, doc: 'CA certificates (PEM) that client certificates must chain to. Not dynamic in Rivulet.' },
  { name: 'ssl.truststore.certificates', dynamic: false, doc: 'Inline PEM CA certificates (ssl.truststore.type=PEM). Not dynamic in Rivulet.' },
  { name: 'ssl.client.auth', dynamic: false, doc: 'Client certificates: required, requested (checked when sent) or none. Not dynamic in Rivulet.' },
  { name: 'ssl.enabled.protocols', dynamic: false, doc: 'TLSv1.2 and/or TLSv1.3 (Rivulet serves no older protocol). Not dynamic in Rivulet.' },
  { name: 'ssl.principal.mapping.rules', doc: 'Maps the client certificate DN (RFC 2253, as Java writes it) to the principal name: RULE:pattern/replacement/[LU], DEFAULT.' },
  { name: 'authorizer.class.name', doc: 'org.apache.kafka.metadata.authorizer.StandardAuthorizer turns on ACLs (CreateAcls, DescribeAcls, DeleteAcls; kept in acls.json in the data directory), with super.users and allow.everyone.if.no.acl.found; empty: no authorizer (ACL APIs answer SECURITY_DISABLED). Other classes are refused at start-up.' },
  { name: 'quota.window.num', doc: 'Samples of the client quota rates (producer_byte_rate, consumer_byte_rate, request_percentage): 10 whole windows and the current one by default, as Kafka.' },
  { name: 'quota.window.size.seconds', doc: 'Length of each client quota sample; request_percentage throttles at most this long.' },
  { name: 'controller.quota.window.num', doc: 'Samples of controller_mutation_rate: its token bucket holds window.num * window.size * rate partition mutations.' },
  { name: 'controller.quota.window.size.seconds', doc: 'Length of each controller_mutation_rate sample.' },
  { name: 'log.dirs', default: './data', doc: 'Data directory (the first one; Kafka: no default).' },
  { name: 'log.dir', default: './data', doc: 'Data directory when log.dirs is not set (Kafka: /tmp/kafka-logs).' },
  { name: 'num.partitions', doc: 'Partitions of auto-created topics and of CreateTopics with -1.' },
  { name: 'default.replication.factor', doc: 'Replication factor of auto-created topics and of CreateTopics with -1. Each broker holds one replica: above the live broker count (1, or N with --brokers N), topic creation that uses it fails with INVALID_REPLICATION_FACTOR, as on Kafka.' },
  { name: 'offsets.topic.replication.factor', default: '1', doc: 'Replication factor of __consumer_offsets. Kafka: 3; Rivulet: 1 on one broker, and unless set min(3, live brokers) in a cluster (--brokers N). Above the live broker count the topic cannot be created and FindCoordinator answers COORDINATOR_NOT_AVAILABLE, as on Kafka.' },
  { name: 'transaction.state.log.replication.factor', default: '1', doc: 'Replication factor of __transaction_state. Kafka: 3; Rivulet: 1 on one broker, and unless set min(3, live brokers) in a cluster (--brokers N). Above the live broker count the topic cannot be created and FindCoordinator answers COORDINATOR_NOT_AVAILABLE, as on Kafka.' },
  { name: 'auto.create.topics.enable', doc: 'Create a topic on first Metadata or Produce for it.' },
  { name: 'delete.topic.enable', doc: 'Allow DeleteTopics.' },
  { name: 'socket.request.max.bytes', doc: 'Largest request frame accepted.' },
  { name: 'log.retention.check.interval.ms', doc: 'How often retention runs (at least every second).' },
  { name: 'log.flush.offset.checkpoint.interval.ms', doc: 'How often each log\'s recovery point (below it, rolled segments are flushed) is written to rivulet-recovery-point-checkpoint (at least every second); an unclean start recovers the segments past it.' },
  { name: 'log.initial.task.delay.ms', doc: 'When the first retention check runs after start-up.' },
  { name: 'offsets.retention.check.interval.ms', doc: 'How often committed offsets are checked for expiry.' },
  { name: 'group.initial.rebalance.delay.ms', default: '0', doc: 'Delay of the first rebalance of an empty group (Kafka: 3000; Rivulet: 0 for fast tests).' },
  { name: 'group.min.session.timeout.ms', doc: 'Smallest session timeout a member may ask for.' },
  { name: 'group.max.session.timeout.ms', doc: 'Largest session timeout a member may ask for.' },
  { name: 'group.consumer.session.timeout.ms', doc: 'Session timeout of KIP-848 consumer group members (group config consumer.session.timeout.ms overrides it).' },
  { name: 'group.consumer.heartbeat.interval.ms', doc: 'Heartbeat interval of KIP-848 consumer group members (group config consumer.heartbeat.interval.ms overrides it).' },
  { name: 'group.consumer.assignment.interval.ms', doc: 'Least time between two target assignments of a KIP-848 consumer group: a burst of joins and leaves gets one, at the first heartbeat after it; 0 computes one at every epoch (group config consumer.assignment.interval.ms).' },
  { name: 'group.consumer.min.assignment.interval.ms', doc: 'Smallest consumer.assignment.interval.ms a group config may set.' },
  { name: 'group.consumer.max.assignment.interval.ms', doc: 'Largest consumer.assignment.interval.ms a group config may set.' },
  { name: 'group.consumer.max.size', doc: 'Members a KIP-848 consumer group may have (GROUP_MAX_SIZE_REACHED beyond); a larger classic group is not upgraded.' },
  { name: 'group.consumer.assignors', doc: 'Server-side assignors of consumer groups: uniform and range (class names are not loaded); the first is the default.' },
  { name: 'group.consumer.migration.policy', doc: 'Online migration of live groups: upgrade (classic to consumer on the first consumer-protocol member), downgrade (back to classic when the last one leaves), bidirectional or disabled.' },
  { name: 'offsets.retention.minutes', doc: 'Committed offsets of empty groups expire after this.' },
  { name: 'offsets.topic.num.partitions', default: '1', doc: 'Partitions of __consumer_offsets (Kafka: 50; Rivulet: 1 for a fast start).' },
  { name: 'producer.id.expiration.ms', doc: 'Idle time after which idempotent producer state is dropped.' },
  { name: 'transactional.id.expiration.ms', doc: 'Idle time after which a transactional id is forgotten.' },
  { name: 'transaction.max.timeout.ms', doc: 'Largest transaction timeout a producer may ask for.' },
  { name: 'transaction.state.log.num.partitions', default: '1', doc: 'Partitions of __transaction_state (Kafka: 50; Rivulet: 1 for a fast start).' },
  { name: 'transaction.abort.timed.out.transaction.cleanup.interval.ms', doc: 'How often transactions past their timeout are aborted.' },
  { name: 'transaction.remove.expired.transaction.cleanup.interval.ms', doc: 'How often idle transactional ids are expired.' },
  { name: 'transaction.partition.verification.enable', doc: 'Check that a transactional write goes to a partition of the open transaction (KIP-890).' },
  { name: 'min.insync.replicas', doc: 'Default min.insync.replicas (one broker: acks=all needs 1).' },
  { name: 'log.cleanup.policy', doc: 'Default cleanup.policy (compact topics are never time-deleted).' },
  { name: 'message.max.bytes', doc: 'Default max.message.bytes: the largest record batch accepted.' },
  { name: 'log.segment.bytes', check: { kind: 'range', min: '14' }, doc: 'Default segment.bytes. Kafka 4.4 requires at least 1048576; Rivulet accepts from 14 so tests can roll segments.' },
  { name: 'log.roll.ms', doc: 'Default segment.ms.' },
  { name: 'log.roll.hours', doc: 'Default segment.ms, in hours (when log.roll.ms is not set).' },
  { name: 'log.retention.ms', doc: 'Default retention.ms; -1 keeps forever.' },
  { name: 'log.retention.minutes', doc: 'Default retention.ms, in minutes (when log.retention.ms is not set).' },
  { name: 'log.retention.hours', doc: 'Default retention.ms, in hours (when neither log.retention.ms nor .minutes is set).' },
  { name: 'log.retention.bytes', doc: 'Default retention.bytes.' },
  { name: 'log.message.timestamp.type', doc: 'Default message.timestamp.type.' },
  { name: 'log.message.timestamp.after.max.ms', doc: 'Default message.timestamp.after.max.ms.' },
  { name: 'log.message.timestamp.before.max.ms', doc: 'Default message.timestamp.before.max.ms.' },
  { name: 'log.index.interval.bytes', doc: 'Default index.interval.bytes.' },
  { name: 'log.flush.interval.messages', doc: 'Default flush.messages: fsync after this many messages.' },
  { name: 'log.flush.interval.ms', doc: 'Default flush.ms: fsync after this many milliseconds.' },
  { name: 'log.segment.delete.delay.ms', doc: 'Default file.delete.delay.ms.' },
  { name: 'offsets.topic.segment.bytes', doc: 'segment.bytes of __consumer_offsets when it is created.' },
  { name: 'transaction.state.log.segment.bytes', doc: 'segment.bytes of __transaction_state when it is created.' },
  { name: 'share.coordinator.state.topic.num.partitions', default: '1', doc: 'Partitions of __share_group_state, the share-group state topic (Kafka: 50; Rivulet: 1 for a fast start).' },
  { name: 'share.coordinator.state.topic.segment.bytes', doc: 'segment.bytes of __share_group_state when it is created.' },
  { name: 'group.share.record.lock.duration.ms', doc: 'How long a share-group member holds the records it acquired (group config share.record.lock.duration.ms overrides it).' },
  { name: 'group.share.delivery.count.limit', doc: 'Deliveries of a record to a share group before it is archived (group config share.delivery.count.limit).' },
  { name: 'group.share.partition.max.record.locks', doc: 'In-flight records per share-partition (group config share.partition.max.record.locks).' },
  { name: 'group.share.heartbeat.interval.ms', doc: 'Heartbeat interval of share-group members (group config share.heartbeat.interval.ms).' },
  { name: 'group.share.session.timeout.ms', doc: 'Session timeout of share-group members (group config share.session.timeout.ms).' },
  { name: 'group.share.assignment.interval.ms', doc: 'Least time between two target assignments of a share group (group config share.assignment.interval.ms).' },
  { name: 'group.share.min.assignment.interval.ms', doc: 'Smallest share.assignment.interval.ms a group config may set.' },
  { name: 'group.share.max.assignment.interval.ms', doc: 'Largest share.assignment.interval.ms a group config may set.' },
  { name: 'group.share.max.size', doc: 'Members a share group may have.' },
  { name: 'group.share.max.share.sessions', doc: 'Share sessions a broker keeps (SHARE_SESSION_LIMIT_REACHED beyond).' },
  { name: 'group.streams.initial.rebalance.delay.ms', default: '0', doc: 'Delay of the first task assignment of a new streams group, answered with the ASSIGNMENT_DELAYED status meanwhile (Kafka: 3000; Rivulet: 0 for fast tests; group config streams.initial.rebalance.delay.ms).' },
  { name: 'group.streams.heartbeat.interval.ms', doc: 'Heartbeat interval of streams-group members (group config streams.heartbeat.interval.ms).' },
  { name: 'group.streams.session.timeout.ms', doc: 'Session timeout of streams-group members (group config streams.session.timeout.ms).' },
  { name: 'group.streams.num.standby.replicas', doc: 'Standby replicas of each stateful task of a streams group (group config streams.num.standby.replicas).' },
  { name: 'group.streams.rack.aware.assignment.tags', doc: 'Client tag keys, highest priority first, over which the standbys of each stateful task are spread (group config streams.rack.aware.assignment.tags).' },
  { name: 'group.streams.assignment.interval.ms', doc: 'Least time between two task assignments of a streams group, answered meanwhile with the ASSIGNMENT_DELAYED status (group config streams.assignment.interval.ms).' },
  { name: 'group.streams.min.assignment.interval.ms', doc: 'Smallest streams.assignment.interval.ms a group config may set.' },
  { name: 'group.streams.max.assignment.interval.ms', doc: 'Largest streams.assignment.interval.ms a group config may set.' },
  { name: 'group.streams.max.size', doc: 'Members a streams group may have (GROUP_MAX_SIZE_REACHED beyond).' },
  { name: 'group.streams.acceptable.recovery.lag', doc: 'The AcceptableRecoveryLag streams-group members are told.' },
  { name: 'log.cleaner.enable', doc: 'Run the log cleaner (compaction of cleanup.policy=compact topics, including __consumer_offsets and __transaction_state).' },
  { name: 'log.cleaner.threads', doc: 'How many logs are cleaned at once, each in its own worker thread (started on first use; the in-memory store cleans in slices on the event loop); 0 turns it off.' },
  { name: 'log.cleaner.dedupe.buffer.size', doc: 'Memory bound of the cleaner\'s key map across its threads (24 bytes a key).' },
  { name: 'log.cleaner.io.buffer.load.factor', doc: 'Load factor of the key map.' },
  { name: 'log.cleaner.backoff.ms', doc: 'How long the cleaner waits when no log needs cleaning.' },
  { name: 'log.cleaner.min.cleanable.ratio', doc: 'Default min.cleanable.dirty.ratio.' },
  { name: 'log.cleaner.min.compaction.lag.ms', doc: 'Default min.compaction.lag.ms.' },
  { name: 'log.cleaner.max.compaction.lag.ms', doc: 'Default max.compaction.lag.ms.' },
  { name: 'log.cleaner.delete.retention.ms', doc: 'Default delete.retention.ms.' },
]

function brokerConfigs(): ConfigDef[] {
  const ours = new Map(RIVULET_BROKER_CONFIGS.map((c) => [c.name, c]))
  const defs = KAFKA_BROKER_CONFIGS.map((k): ConfigDef => {
    const r = ours.get(k.name)
    return {
      name: k.name,
      type: k.type,
      default: r && 'default' in r ? r.default! : k.default,
      kafkaDefault: k.default,
      doc: r?.doc ?? k.doc,
      check: r?.check ?? k.check,
      dynamic: r?.dynamic ?? k.dynamic,
      applied: r !== undefined,
      ...(k.internal && { internal: true }),
    }
  })
  const missing = [...ours.keys()].filter((n) => !defs.some((d) => d.name === n))
  if (missing.length > 0) throw new Error(`Rivulet broker configs unknown to Kafka: ${missing.join(', ')}`)
  return [...defs, ...RIVULET_ONLY_BROKER_CONFIGS]
}

// Configs Kafka has no counterpart for: where a broker's data lives when it is not its own log
// directory (issue 11 part 2). Internal in Kafka's sense: DescribeConfigs lists them only when set.
const RIVULET_ONLY_BROKER_CONFIGS: readonly ConfigDef[] = [
  {
    name: 'store.url', type: 'STRING', default: null, kafkaDefault: null, dynamic: false, applied: true, internal: true,
    doc: 'postgres://user@host:port/db: keep topics, configs, record batches, producer state and the internal topics in this PostgreSQL database instead of log.dirs, so a restarted broker (or another one over the same database) serves the same data (also --store). Empty: the local log.',
  },
  {
    name: 'store.lease.ms', type: 'INT', default: '1000', kafkaDefault: null, dynamic: false, applied: true, internal: true, check: { kind: 'range', min: '100' },
    doc: 'With store.url: how long this broker\'s membership and partition leaderships last without renewal (by PostgreSQL\'s clock); a broker that stops renewing (killed, paused) loses its partitions after it.',
  },
  {
    name: 'store.heartbeat.interval.ms', type: 'INT', default: '250', kafkaDefault: null, dynamic: false, applied: true, internal: true, check: { kind: 'range', min: '10' },
    doc: 'With store.url: how often the leases are renewed; keep it well under store.lease.ms.',
  },
  {
    name: 'store.multi.process.enable', type: 'BOOLEAN', default: 'false', kafkaDefault: null, dynamic: false, applied: true, internal: true,
    doc: 'With store.url: let several broker processes (distinct node.id) share the database as one cluster. Off by default while that mode is incomplete: transaction markers for partitions another process leads and share-group state do not follow the leases yet, so with it off a broker refuses to start while another is live on the database.',
  },
]

export const BROKER_CONFIGS: readonly ConfigDef[] = brokerConfigs()

export const TOPIC_CONFIG_BY_NAME = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]))
export const BROKER_CONFIG_BY_NAME = new Map(BROKER_CONFIGS.map((d) => [d.name, d]))

// Converts an hours/minutes synonym to the ms value of the topic config it stands for.
export function synonymValueToTopic(synonym: string, value: string): string {
  if (synonym.endsWith('.hours')) return String(Number(value) * 3600000)
  if (synonym.endsWith('.minutes')) return String(Number(value) * 60000)
  return value
}

// Kafka's message for a broker config value it would refuse (start-up and AlterConfigs alike).
export function brokerValueError(def: ConfigDef, value: string): string | null {
  return configValueError(def.name, def.type, def.check, value)
}

// Kafka's message for a topic config value it would refuse (CreateTopics, AlterConfigs and
// IncrementalAlterConfigs alike).
export function topicValueError(def: ConfigDef, value: string): string | null {
  return configValueError(def.name, def.type, def.check, value) ?? def.refuse?.(value) ?? null
}

export { isLong, isNonNegLong }
