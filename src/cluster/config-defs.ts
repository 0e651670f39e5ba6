// Topic and broker configs with Kafka's names, types and defaults (Kafka 4.1 LogConfig and
// KafkaConfig). A topic config falls back to its broker synonym, then to its default, exactly as
// DescribeConfigs reports with its synonyms.

export type ConfigType = 'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD'

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
  valid?: (v: string) => boolean
  // Broker configs that can be changed at runtime with IncrementalAlterConfigs / AlterConfigs.
  dynamic?: boolean
}

const LONG_MAX = '9223372036854775807'
const isLong = (v: string) => /^-?\d+$/.test(v.trim())
const isNonNegLong = (v: string) => /^\d+$/.test(v.trim())
const atLeast = (min: number) => (v: string) => isLong(v) && Number(v) >= min
const oneOf = (...xs: string[]) => (v: string) => xs.includes(v.trim())
const isBool = oneOf('true', 'false')
const isDouble = (v: string) => v.trim() !== '' && Number.isFinite(Number(v))

export const TOPIC_CONFIGS: readonly ConfigDef[] = [
  { name: 'cleanup.policy', type: 'LIST', default: 'delete', doc: 'Retention policy: delete (compact is not supported yet).', synonyms: ['log.cleanup.policy'], valid: (v) => v.split(',').every((p) => ['delete', 'compact', ''].includes(p.trim())) },
  { name: 'compression.gzip.level', type: 'INT', default: '-1', doc: 'gzip level when compression.type recompresses (only producer is applied).', synonyms: ['compression.gzip.level'], valid: (v) => isLong(v) && ((Number(v) >= 1 && Number(v) <= 9) || Number(v) === -1) },
  { name: 'compression.lz4.level', type: 'INT', default: '9', doc: 'lz4 level when compression.type recompresses (only producer is applied).', synonyms: ['compression.lz4.level'], valid: (v) => isLong(v) && Number(v) >= 1 && Number(v) <= 17 },
  { name: 'compression.type', type: 'STRING', default: 'producer', doc: 'Final compression type; only producer (keep batches as produced) is applied.', synonyms: ['compression.type'], valid: oneOf('producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd') },
  { name: 'compression.zstd.level', type: 'INT', default: '3', doc: 'zstd level when compression.type recompresses (only producer is applied).', synonyms: ['compression.zstd.level'], valid: (v) => isLong(v) && Number(v) >= -131072 && Number(v) <= 22 },
  { name: 'delete.retention.ms', type: 'LONG', default: '86400000', doc: 'How long delete tombstones are retained for compacted topics.', synonyms: ['log.cleaner.delete.retention.ms'], valid: atLeast(0) },
  { name: 'file.delete.delay.ms', type: 'LONG', default: '60000', doc: 'Time to wait before deleting a file from the filesystem.', synonyms: ['log.segment.delete.delay.ms'], valid: atLeast(0) },
  { name: 'flush.messages', type: 'LONG', default: LONG_MAX, doc: 'Force an fsync of the log after this many messages.', synonyms: ['log.flush.interval.messages'], valid: atLeast(1) },
  { name: 'flush.ms', type: 'LONG', default: LONG_MAX, doc: 'Force an fsync of the log after this many milliseconds.', synonyms: ['log.flush.interval.ms'], valid: atLeast(0) },
  { name: 'follower.replication.throttled.replicas', type: 'LIST', default: '', doc: 'Replicas throttled on the follower side (single-node broker: no effect).' },
  { name: 'index.interval.bytes', type: 'INT', default: '4096', doc: 'Bytes of log between offset index entries.', synonyms: ['log.index.interval.bytes'], valid: atLeast(0) },
  { name: 'leader.replication.throttled.replicas', type: 'LIST', default: '', doc: 'Replicas throttled on the leader side (single-node broker: no effect).' },
  { name: 'local.retention.bytes', type: 'LONG', default: '-2', doc: 'Local retention for tiered storage (not supported: no effect).', synonyms: ['log.local.retention.bytes'], valid: atLeast(-2) },
  { name: 'local.retention.ms', type: 'LONG', default: '-2', doc: 'Local retention for tiered storage (not supported: no effect).', synonyms: ['log.local.retention.ms'], valid: atLeast(-2) },
  { name: 'max.compaction.lag.ms', type: 'LONG', default: LONG_MAX, doc: 'Maximum time a message remains ineligible for compaction.', synonyms: ['log.cleaner.max.compaction.lag.ms'], valid: atLeast(1) },
  { name: 'max.message.bytes', type: 'INT', default: '1048588', doc: 'Largest record batch size allowed.', synonyms: ['message.max.bytes'], valid: atLeast(0) },
  { name: 'message.timestamp.after.max.ms', type: 'LONG', default: '3600000', doc: 'How far a record timestamp may be ahead of the broker clock.', synonyms: ['log.message.timestamp.after.max.ms'], valid: atLeast(0) },
  { name: 'message.timestamp.before.max.ms', type: 'LONG', default: LONG_MAX, doc: 'How far a record timestamp may be behind the broker clock.', synonyms: ['log.message.timestamp.before.max.ms'], valid: atLeast(0) },
  { name: 'message.timestamp.type', type: 'STRING', default: 'CreateTime', doc: 'CreateTime or LogAppendTime.', synonyms: ['log.message.timestamp.type'], valid: oneOf('CreateTime', 'LogAppendTime') },
  { name: 'min.cleanable.dirty.ratio', type: 'DOUBLE', default: '0.5', doc: 'Dirty ratio that triggers compaction.', synonyms: ['log.cleaner.min.cleanable.ratio'], valid: isDouble },
  { name: 'min.compaction.lag.ms', type: 'LONG', default: '0', doc: 'Minimum time a message remains uncompacted.', synonyms: ['log.cleaner.min.compaction.lag.ms'], valid: atLeast(0) },
  { name: 'min.insync.replicas', type: 'INT', default: '1', doc: 'Minimum in-sync replicas for acks=all (single node: 1).', synonyms: ['min.insync.replicas'], valid: atLeast(1) },
  { name: 'preallocate', type: 'BOOLEAN', default: 'false', doc: 'Preallocate segment files.', synonyms: ['log.preallocate'], valid: isBool },
  { name: 'remote.log.copy.disable', type: 'BOOLEAN', default: 'false', doc: 'Tiered storage (not supported).', valid: isBool },
  { name: 'remote.log.delete.on.disable', type: 'BOOLEAN', default: 'false', doc: 'Tiered storage (not supported).', valid: isBool },
  { name: 'remote.storage.enable', type: 'BOOLEAN', default: 'false', doc: 'Tiered storage (not supported).', valid: oneOf('false') },
  { name: 'retention.bytes', type: 'LONG', default: '-1', doc: 'Maximum size of a partition log before old segments are deleted.', synonyms: ['log.retention.bytes'], valid: atLeast(-1) },
  { name: 'retention.ms', type: 'LONG', default: '604800000', doc: 'Maximum age of a segment before it is deleted; -1 keeps forever.', synonyms: ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'], valid: atLeast(-1) },
  { name: 'segment.bytes', type: 'INT', default: '1073741824', doc: 'Segment file size.', synonyms: ['log.segment.bytes'], valid: atLeast(14) },
  { name: 'segment.index.bytes', type: 'INT', default: '10485760', doc: 'Maximum offset index size.', synonyms: ['log.index.size.max.bytes'], valid: atLeast(4) },
  { name: 'segment.jitter.ms', type: 'LONG', default: '0', doc: 'Random jitter subtracted from segment.ms.', synonyms: ['log.roll.jitter.ms', 'log.roll.jitter.hours'], valid: atLeast(0) },
  { name: 'segment.ms', type: 'LONG', default: '604800000', doc: 'Time after which a segment is rolled even if not full.', synonyms: ['log.roll.ms', 'log.roll.hours'], valid: atLeast(1) },
  { name: 'unclean.leader.election.enable', type: 'BOOLEAN', default: 'false', doc: 'Single node: no effect.', synonyms: ['unclean.leader.election.enable'], valid: isBool },
]

// Broker configs: the ones Rivulet reads, plus the topic-config synonyms (all dynamic, as in
// Kafka's DynamicLogConfig). Hour/minute variants convert to the ms synonym.
export const BROKER_CONFIGS: readonly ConfigDef[] = [
  { name: 'node.id', type: 'INT', default: '1', doc: 'This broker\'s id; it is also the controller id.', valid: atLeast(0) },
  { name: 'broker.id', type: 'INT', default: '-1', doc: 'Alias of node.id.', valid: atLeast(-1) },
  { name: 'listeners', type: 'STRING', default: 'PLAINTEXT://127.0.0.1:9092', doc: 'Listener to bind (one PLAINTEXT listener).' },
  { name: 'advertised.listeners', type: 'STRING', default: null, doc: 'Address given to clients in Metadata; defaults to the bound listener.' },
  { name: 'log.dirs', type: 'STRING', default: './data', doc: 'Data directory (one).' },
  { name: 'log.dir', type: 'STRING', default: './data', doc: 'Alias of log.dirs.' },
  { name: 'num.partitions', type: 'INT', default: '1', doc: 'Partitions of auto-created topics and of CreateTopics with -1.', valid: atLeast(1), dynamic: true },
  { name: 'default.replication.factor', type: 'SHORT', default: '1', doc: 'Single node: only 1 is possible.', valid: oneOf('1') },
  { name: 'auto.create.topics.enable', type: 'BOOLEAN', default: 'true', doc: 'Create a topic on first Metadata or Produce for it.', valid: isBool },
  { name: 'delete.topic.enable', type: 'BOOLEAN', default: 'true', doc: 'Allow DeleteTopics.', valid: isBool },
  { name: 'socket.request.max.bytes', type: 'INT', default: '104857600', doc: 'Largest request frame accepted.', valid: atLeast(1) },
  { name: 'log.retention.check.interval.ms', type: 'LONG', default: '300000', doc: 'How often retention runs.', valid: atLeast(1) },
  { name: 'group.initial.rebalance.delay.ms', type: 'INT', default: '0', doc: 'Delay of the first rebalance of an empty group (Kafka: 3000; Rivulet: 0 for fast tests).', valid: atLeast(0) },
  { name: 'group.min.session.timeout.ms', type: 'INT', default: '6000', doc: 'Smallest session timeout a member may ask for.', valid: atLeast(0) },
  { name: 'group.max.session.timeout.ms', type: 'INT', default: '1800000', doc: 'Largest session timeout a member may ask for.', valid: atLeast(0) },
  { name: 'offsets.retention.minutes', type: 'INT', default: '10080', doc: 'Committed offsets of empty groups expire after this.', valid: atLeast(1) },
  { name: 'offsets.topic.num.partitions', type: 'INT', default: '1', doc: 'Partitions of __consumer_offsets.', valid: atLeast(1) },
  { name: 'producer.id.expiration.ms', type: 'INT', default: '86400000', doc: 'Idle time after which idempotent producer state is dropped.', valid: atLeast(1) },
  { name: 'transactional.id.expiration.ms', type: 'INT', default: '604800000', doc: 'Idle time after which a transactional id is forgotten.', valid: atLeast(1) },
  { name: 'transaction.max.timeout.ms', type: 'INT', default: '900000', doc: 'Largest transaction timeout a producer may ask for.', valid: atLeast(1) },
  { name: 'transaction.state.log.num.partitions', type: 'INT', default: '1', doc: 'Partitions of __transaction_state (Kafka: 50; Rivulet: 1 for a fast start).', valid: atLeast(1) },
  { name: 'transaction.abort.timed.out.transaction.cleanup.interval.ms', type: 'INT', default: '10000', doc: 'How often transactions past their timeout are aborted.', valid: atLeast(1) },
  { name: 'transaction.remove.expired.transaction.cleanup.interval.ms', type: 'INT', default: '3600000', doc: 'How often idle transactional ids are expired.', valid: atLeast(1) },
  { name: 'transaction.partition.verification.enable', type: 'BOOLEAN', default: 'true', doc: 'Check that a transactional write goes to a partition of the open transaction (KIP-890).', valid: isBool, dynamic: true },
  { name: 'log.cleanup.policy', type: 'LIST', default: 'delete', doc: 'Default cleanup.policy.', dynamic: true },
  { name: 'compression.gzip.level', type: 'INT', default: '-1', doc: 'gzip level when compression.type recompresses (only producer is applied).', synonyms: ['compression.gzip.level'], valid: (v) => isLong(v) && ((Number(v) >= 1 && Number(v) <= 9) || Number(v) === -1) },
  { name: 'compression.lz4.level', type: 'INT', default: '9', doc: 'lz4 level when compression.type recompresses (only producer is applied).', synonyms: ['compression.lz4.level'], valid: (v) => isLong(v) && Number(v) >= 1 && Number(v) <= 17 },
  { name: 'compression.type', type: 'STRING', default: 'producer', doc: 'Default compression.type.', dynamic: true },
  { name: 'compression.gzip.level', type: 'INT', default: '-1', doc: 'Default compression.gzip.level.', dynamic: true },
  { name: 'compression.lz4.level', type: 'INT', default: '9', doc: 'Default compression.lz4.level.', dynamic: true },
  { name: 'compression.zstd.level', type: 'INT', default: '3', doc: 'Default compression.zstd.level.', dynamic: true },
  { name: 'log.cleaner.delete.retention.ms', type: 'LONG', default: '86400000', doc: 'Default delete.retention.ms.', dynamic: true },
  { name: 'log.segment.delete.delay.ms', type: 'LONG', default: '60000', doc: 'Default file.delete.delay.ms.', dynamic: true },
  { name: 'log.flush.interval.messages', type: 'LONG', default: LONG_MAX, doc: 'Default flush.messages.', dynamic: true },
  { name: 'log.flush.interval.ms', type: 'LONG', default: null, doc: 'Default flush.ms.', dynamic: true },
  { name: 'log.index.interval.bytes', type: 'INT', default: '4096', doc: 'Default index.interval.bytes.', dynamic: true },
  { name: 'log.local.retention.bytes', type: 'LONG', default: '-2', doc: 'Default local.retention.bytes.', dynamic: true },
  { name: 'log.local.retention.ms', type: 'LONG', default: '-2', doc: 'Default local.retention.ms.', dynamic: true },
  { name: 'log.cleaner.max.compaction.lag.ms', type: 'LONG', default: LONG_MAX, doc: 'Default max.compaction.lag.ms.', dynamic: true },
  { name: 'message.max.bytes', type: 'INT', default: '1048588', doc: 'Default max.message.bytes.', dynamic: true },
  { name: 'log.message.timestamp.after.max.ms', type: 'LONG', default: '3600000', doc: 'Default message.timestamp.after.max.ms.', dynamic: true },
  { name: 'log.message.timestamp.before.max.ms', type: 'LONG', default: LONG_MAX, doc: 'Default message.timestamp.before.max.ms.', dynamic: true },
  { name: 'log.message.timestamp.type', type: 'STRING', default: 'CreateTime', doc: 'Default message.timestamp.type.', dynamic: true },
  { name: 'log.cleaner.min.cleanable.ratio', type: 'DOUBLE', default: '0.5', doc: 'Default min.cleanable.dirty.ratio.', dynamic: true },
  { name: 'log.cleaner.min.compaction.lag.ms', type: 'LONG', default: '0', doc: 'Default min.compaction.lag.ms.', dynamic: true },
  { name: 'min.insync.replicas', type: 'INT', default: '1', doc: 'Default min.insync.replicas.', valid: atLeast(1), dynamic: true },
  { name: 'log.preallocate', type: 'BOOLEAN', default: 'false', doc: 'Default preallocate.', dynamic: true },
  { name: 'log.retention.bytes', type: 'LONG', default: '-1', doc: 'Default retention.bytes.', dynamic: true },
  { name: 'log.retention.ms', type: 'LONG', default: null, doc: 'Default retention.ms.', dynamic: true },
  { name: 'log.retention.minutes', type: 'INT', default: null, doc: 'Default retention.ms, in minutes.' },
  { name: 'log.retention.hours', type: 'INT', default: '168', doc: 'Default retention.ms, in hours.' },
  { name: 'log.segment.bytes', type: 'INT', default: '1073741824', doc: 'Default segment.bytes.', dynamic: true },
  { name: 'log.index.size.max.bytes', type: 'INT', default: '10485760', doc: 'Default segment.index.bytes.', dynamic: true },
  { name: 'log.roll.jitter.ms', type: 'LONG', default: null, doc: 'Default segment.jitter.ms.', dynamic: true },
  { name: 'log.roll.jitter.hours', type: 'INT', default: '0', doc: 'Default segment.jitter.ms, in hours.' },
  { name: 'log.roll.ms', type: 'LONG', default: null, doc: 'Default segment.ms.', dynamic: true },
  { name: 'log.roll.hours', type: 'INT', default: '168', doc: 'Default segment.ms, in hours.' },
  { name: 'unclean.leader.election.enable', type: 'BOOLEAN', default: 'false', doc: 'Default unclean.leader.election.enable.', dynamic: true },
  { name: 'follower.replication.throttled.replicas', type: 'LIST', default: '', doc: 'No effect on a single node.' },
  { name: 'leader.replication.throttled.replicas', type: 'LIST', default: '', doc: 'No effect on a single node.' },
]

export const TOPIC_CONFIG_BY_NAME = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]))
export const BROKER_CONFIG_BY_NAME = new Map(BROKER_CONFIGS.map((d) => [d.name, d]))

// Converts an hours/minutes synonym to the ms value of the topic config it stands for.
export function synonymValueToTopic(synonym: string, value: string): string {
  if (synonym.endsWith('.hours')) return String(Number(value) * 3600000)
  if (synonym.endsWith('.minutes')) return String(Number(value) * 60000)
  return value
}

export { isLong, isNonNegLong }
