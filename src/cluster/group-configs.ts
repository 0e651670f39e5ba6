// Group configs (KIP-848's GROUP config resource, Kafka 4.4's GroupConfig): per-group overrides of
// group coordinator settings, described with DescribeConfigs and changed with
// IncrementalAlterConfigs on resource type GROUP (32). The list, types, defaults and synonyms are
// what Kafka 4.4.0 answers (test/fixtures/kafka-4.4-group-configs.txt): each falls back to its
// broker config (group.consumer.session.timeout.ms behind consumer.session.timeout.ms), or to its
// own default where Kafka names no broker config. The groups read them through groupConfigValue
// (src/broker.ts wires each one to its coordinator).

import { KafkaError } from '../../protocol/errors.js'
import type { BrokerConfig, ResolvedConfig } from './broker-config.js'
import { ConfigSource, type ConfigDef, type ConfigType } from './config-defs.js'

// Kafka's DescribeConfigsResponse.ConfigSource.DYNAMIC_GROUP_CONFIG.
export const DYNAMIC_GROUP_CONFIG = 8

interface GroupConfigDef {
  name: string
  type: ConfigType
  broker: string | null // the broker config behind it
  default: string // when there is no broker config
  doc: string
}

const g = (name: string, type: ConfigType, broker: string | null, dflt: string, doc: string): GroupConfigDef => ({ name, type, broker, default: dflt, doc })

export const GROUP_CONFIGS: readonly GroupConfigDef[] = [
  g('consumer.assignment.interval.ms', 'INT', 'group.consumer.assignment.interval.ms', '1000', 'The interval between assignment updates for a consumer group.'),
  g('consumer.heartbeat.interval.ms', 'INT', 'group.consumer.heartbeat.interval.ms', '5000', 'The heartbeat interval given to the members of a consumer group.'),
  g('consumer.session.timeout.ms', 'INT', 'group.consumer.session.timeout.ms', '45000', 'The timeout to detect client failures when using the consumer group protocol.'),
  g('errors.deadletterqueue.copy.record.enable', 'BOOLEAN', null, 'false', 'Whether a record sent to the dead-letter queue is copied there (streams groups).'),
  g('errors.deadletterqueue.topic.name', 'STRING', null, '', 'The dead-letter queue topic (streams groups).'),
  g('share.assignment.interval.ms', 'INT', 'group.share.assignment.interval.ms', '1000', 'The interval between assignment updates for a share group.'),
  g('share.auto.offset.reset', 'STRING', null, 'latest', 'The strategy to initialize the share-partition start offset.'),
  g('share.delivery.count.limit', 'INT', 'group.share.delivery.count.limit', '5', 'The maximum number of delivery attempts for a record delivered to a share group.'),
  g('share.heartbeat.interval.ms', 'INT', 'group.share.heartbeat.interval.ms', '5000', 'The heartbeat interval given to the members of a share group.'),
  g('share.isolation.level', 'STRING', null, 'read_uncommitted', 'How a share group reads transactional records.'),
  g('share.partition.max.record.locks', 'INT', 'group.share.partition.max.record.locks', '2000', 'Share-group record locks per share-partition.'),
  g('share.record.lock.duration.ms', 'INT', 'group.share.record.lock.duration.ms', '30000', 'The record acquisition lock duration of a share group.'),
  g('share.renew.acknowledge.enable', 'BOOLEAN', null, 'true', 'Whether share consumers may renew acquisition locks.'),
  g('share.session.timeout.ms', 'INT', 'group.share.session.timeout.ms', '45000', 'The timeout to detect client failures when using the share group protocol.'),
  g('streams.assignment.interval.ms', 'INT', 'group.streams.assignment.interval.ms', '1000', 'The interval between assignment updates for a streams group.'),
  g('streams.assignor.name', 'STRING', 'group.streams.assignors', 'sticky', 'The assignor of a streams group.'),
  g('streams.heartbeat.interval.ms', 'INT', 'group.streams.heartbeat.interval.ms', '5000', 'The heartbeat interval given to the members of a streams group.'),
  g('streams.initial.rebalance.delay.ms', 'INT', 'group.streams.initial.rebalance.delay.ms', '3000', 'The delay of the first rebalance of a streams group.'),
  g('streams.num.standby.replicas', 'INT', 'group.streams.num.standby.replicas', '0', 'The number of standby replicas of a streams group task.'),
  g('streams.rack.aware.assignment.tags', 'LIST', 'group.streams.rack.aware.assignment.tags', '', 'Rack-aware assignment tags of a streams group.'),
  g('streams.session.timeout.ms', 'INT', 'group.streams.session.timeout.ms', '45000', 'The timeout to detect client failures when using the streams group protocol.'),
]

const BY_NAME = new Map(GROUP_CONFIGS.map((d) => [d.name, d]))

// The ConfigDef view IncrementalAlterConfigs' operations need (LIST for APPEND/SUBTRACT).
export const GROUP_CONFIG_DEFS: ReadonlyMap<string, ConfigDef> = new Map(GROUP_CONFIGS.map((d) => [d.name, { name: d.name, type: d.type, default: d.default, doc: d.doc }]))

function inherited(config: BrokerConfig, d: GroupConfigDef): { name: string; value: string } {
  if (d.broker === null) return { name: d.name, value: d.default }
  const v = config.get(d.broker)
  return { name: d.broker, value: v ?? d.default }
}

// The group configs Kafka bounds by broker configs (GroupConfig.validate's validateIntRange):
// group config → [broker minimum, broker maximum].
const RANGED: ReadonlyMap<string, readonly [string, string]> = new Map([
  ['consumer.session.timeout.ms', ['group.consumer.min.session.timeout.ms', 'group.consumer.max.session.timeout.ms']],
  ['consumer.heartbeat.interval.ms', ['group.consumer.min.heartbeat.interval.ms', 'group.consumer.max.heartbeat.interval.ms']],
  ['share.session.timeout.ms', ['group.share.min.session.timeout.ms', 'group.share.max.session.timeout.ms']],
  ['share.heartbeat.interval.ms', ['group.share.min.heartbeat.interval.ms', 'group.share.max.heartbeat.interval.ms']],
  ['share.record.lock.duration.ms', ['group.share.min.record.lock.duration.ms', 'group.share.max.record.lock.duration.ms']],
  ['share.delivery.count.limit', ['group.share.min.delivery.count.limit', 'group.share.max.delivery.count.limit']],
  ['share.partition.max.record.locks', ['group.share.min.partition.max.record.locks', 'group.share.max.partition.max.record.locks']],
  ['consumer.assignment.interval.ms', ['group.consumer.min.assignment.interval.ms', 'group.consumer.max.assignment.interval.ms']],
  ['share.assignment.interval.ms', ['group.share.min.assignment.interval.ms', 'group.share.max.assignment.interval.ms']],
  ['streams.assignment.interval.ms', ['group.streams.min.assignment.interval.ms', 'group.streams.max.assignment.interval.ms']],
  ['streams.heartbeat.interval.ms', ['group.streams.min.heartbeat.interval.ms', 'group.streams.max.heartbeat.interval.ms']],
  ['streams.session.timeout.ms', ['group.streams.min.session.timeout.ms', 'group.streams.max.session.timeout.ms']],
])
// Bounded above only (validateIntMax, clampToMax).
const MAXED: ReadonlyMap<string, string> = new Map([['streams.num.standby.replicas', 'group.streams.max.standby.replicas']])

// The value a group acts on: its own override, else the broker config behind it, else the default.
// An override outside bounds the broker was restarted with is capped to them, as Kafka's
// GroupConfig.evaluate (clampToRange) caps it.
export function groupConfigValue(config: BrokerConfig, overrides: Readonly<Record<string, string>> | undefined, name: string): string {
  if (overrides && name in overrides) {
    const bounds = RANGED.get(name)
    const max = MAXED.get(name)
    const v = Number(overrides[name]!)
    if (bounds) return String(Math.min(Math.max(v, config.int(bounds[0])), config.int(bounds[1])))
    if (max) return String(Math.min(v, config.int(max)))
    return overrides[name]!
  }
  const d = BY_NAME.get(name)
  if (!d) throw new Error(`unknown group config ${name}`)
  return inherited(config, d).value
}

// A group's configs as DescribeConfigs lists them (sorted by name, as Kafka's are).
export function describeGroupConfigs(config: BrokerConfig, overrides: Readonly<Record<string, string>>): ResolvedConfig[] {
  return GROUP_CONFIGS.map((d) => {
    const base = inherited(config, d)
    const baseSynonym = { name: base.name, value: base.value, source: ConfigSource.DEFAULT_CONFIG }
    const def = GROUP_CONFIG_DEFS.get(d.name)!
    if (d.name in overrides) {
      const value = overrides[d.name]!
      return { name: d.name, value, source: DYNAMIC_GROUP_CONFIG, readOnly: false, sensitive: false, synonyms: [{ name: d.name, value, source: DYNAMIC_GROUP_CONFIG }, baseSynonym], def }
    }
    return { name: d.name, value: base.value, source: ConfigSource.DEFAULT_CONFIG, readOnly: false, sensitive: false, synonyms: [baseSynonym], def }
  })
}

// GroupConfig.validate as Kafka 4.4 answers it (INVALID_CONFIG): names, types, the session
// timeouts, heartbeat intervals and assignment intervals of the three group types and the share
// lock duration, delivery count limit and record locks within the broker's min/max bounds, the
// streams standbys under their maximum, sessions longer than heartbeats, the dead-letter topic
// name, streams.assignor.name among group.streams.assignors, and the share strings.
export function validateGroupConfigs(config: BrokerConfig, next: Readonly<Record<string, string>>): void {
  const value = (name: string) => (name in next ? next[name]! : inherited(config, BY_NAME.get(name)!).value)
  for (const [name, v] of Object.entries(next)) {
    const d = BY_NAME.get(name)
    if (!d) throw new KafkaError('INVALID_CONFIG', `Unknown group config name: ${name}`)
    const bad = () => new KafkaError('INVALID_CONFIG', `Invalid value ${v} for configuration ${name}: Not a number of type ${d.type}`)
    if (d.type === 'INT' && !/^\s*[+-]?\d+\s*$/.test(v)) throw bad()
    if (d.type === 'BOOLEAN' && !/^(true|false)$/i.test(v.trim())) throw new KafkaError('INVALID_CONFIG', `Invalid value ${v} for configuration ${name}: Expected value to be either true or false`)
  }
  for (const [name, [min, max]] of RANGED) {
    if (!(name in next)) continue
    const v = Number(value(name))
    const lo = config.int(min)
    const hi = config.int(max)
    if (v < lo || v > hi) throw new KafkaError('INVALID_CONFIG', `${name} must be in the range ${lo} to ${hi} inclusive.`)
  }
  for (const [name, max] of MAXED) {
    if (name in next && Number(next[name]) > config.int(max)) throw new KafkaError('INVALID_CONFIG', `${name} must be less than or equal to ${config.int(max)}`)
  }
  for (const type of ['consumer', 'share', 'streams']) {
    if (Number(value(`${type}.session.timeout.ms`)) <= Number(value(`${type}.heartbeat.interval.ms`))) {
      throw new KafkaError('INVALID_CONFIG', `${type}.session.timeout.ms must be greater than ${type}.heartbeat.interval.ms`)
    }
  }
  const assignor = next['streams.assignor.name']
  const registered = (config.get('group.streams.assignors') ?? 'sticky').split(',').map((a) => a.trim()).filter((a) => a !== '')
  if (assignor !== undefined && !registered.includes(assignor)) {
    throw new KafkaError('INVALID_CONFIG', `streams.assignor.name '${assignor}' is not a registered task assignor. Registered assignors are: [${registered.join(', ')}].`)
  }
  const dlq = next['errors.deadletterqueue.topic.name']
  if (dlq !== undefined && dlq.startsWith('__')) throw new KafkaError('INVALID_CONFIG', "errors.deadletterqueue.topic.name: DLQ topic name must not start with '__'")
  // The share strings: ShareGroupAutoOffsetReset (latest, earliest, by_duration:<ISO-8601>) and
  // IsolationLevel names.
  const oneOf = (name: string, ok: (v: string) => boolean, allowed: string) => {
    if (name in next && !ok(next[name]!.trim().toLowerCase())) throw new KafkaError('INVALID_CONFIG', `Invalid value ${next[name]} for configuration ${name}: String must be one of: ${allowed}`)
  }
  oneOf('share.auto.offset.reset', (v) => v === 'latest' || v === 'earliest' || v.startsWith('by_duration:'), 'latest, earliest, by_duration:<duration>')
  oneOf('share.isolation.level', (v) => v === 'read_committed' || v === 'read_uncommitted', 'read_committed, read_uncommitted')
}
