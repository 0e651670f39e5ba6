// Topic and broker configs with Kafka's names, types and defaults (Kafka 4.1 LogConfig and
// Kafka 4.4's broker config table). A topic config falls back to its broker synonym, then to its default, exactly as
// DescribeConfigs reports with its synonyms.

import { configValueError, type Check, type ConfigType } from './config-check.js'
import { KAFKA_BROKER_CONFIGS } from './kafka-broker-configs.js'

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
  valid?: (v: string) => boolean
  // Broker configs: Kafka's validator (config-check.ts).
  check?: Check
  // Broker configs that can be changed at runtime with IncrementalAlterConfigs / AlterConfigs.
  dynamic?: boolean
  // Broker configs: whether Rivulet acts on the value (else it is validated, reported, ignored),
  // Kafka's own default where Rivulet's differs, and Kafka's internal configs (not described).
  applied?: boolean
  kafkaDefault?: string | null
  internal?: boolean
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
  { name: 'listeners', default: 'PLAINTEXT://127.0.0.1:9092', dynamic: false, doc: 'Listener to bind: the first PLAINTEXT listener (Kafka: PLAINTEXT://:9092). Rivulet cannot rebind at runtime, so it is not dynamic.' },
  { name: 'advertised.listeners', doc: 'Address given to clients in Metadata; defaults to the bound listener.' },
  { name: 'log.dirs', default: './data', doc: 'Data directory (the first one; Kafka: no default).' },
  { name: 'log.dir', default: './data', doc: 'Data directory when log.dirs is not set (Kafka: /tmp/kafka-logs).' },
  { name: 'num.partitions', doc: 'Partitions of auto-created topics and of CreateTopics with -1.' },
  { name: 'default.replication.factor', doc: 'Replication factor of auto-created topics and of CreateTopics with -1. One broker holds one replica: above 1, topic creation that uses it fails with INVALID_REPLICATION_FACTOR, as on Kafka.' },
  { name: 'offsets.topic.replication.factor', default: '1', doc: 'Replication factor of __consumer_offsets. Kafka: 3; Rivulet: 1, the one broker. Above 1 the topic cannot be created and FindCoordinator answers COORDINATOR_NOT_AVAILABLE, as on Kafka.' },
  { name: 'transaction.state.log.replication.factor', default: '1', doc: 'Replication factor of __transaction_state. Kafka: 3; Rivulet: 1, the one broker. Above 1 the topic cannot be created and FindCoordinator answers COORDINATOR_NOT_AVAILABLE, as on Kafka.' },
  { name: 'auto.create.topics.enable', doc: 'Create a topic on first Metadata or Produce for it.' },
  { name: 'delete.topic.enable', doc: 'Allow DeleteTopics.' },
  { name: 'socket.request.max.bytes', doc: 'Largest request frame accepted.' },
  { name: 'log.retention.check.interval.ms', doc: 'How often retention runs (at least every second).' },
  { name: 'group.initial.rebalance.delay.ms', default: '0', doc: 'Delay of the first rebalance of an empty group (Kafka: 3000; Rivulet: 0 for fast tests).' },
  { name: 'group.min.session.timeout.ms', doc: 'Smallest session timeout a member may ask for.' },
  { name: 'group.max.session.timeout.ms', doc: 'Largest session timeout a member may ask for.' },
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
  return defs
}

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

export { isLong, isNonNegLong }
