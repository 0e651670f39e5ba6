// The broker's configuration: Kafka names, static values from server.properties and --override,
// dynamic values set through the Admin API (persisted by the cluster store), Kafka defaults.
// Dynamic values come in Kafka's two levels: this broker's own (BROKER resource named by the node
// id, DYNAMIC_BROKER_CONFIG) over the cluster-wide defaults (BROKER resource "",
// DYNAMIC_DEFAULT_BROKER_CONFIG), both over static values and defaults, as DynamicBrokerConfig
// layers them.

import { BROKER_CONFIG_BY_NAME, ConfigSource, TOPIC_CONFIG_BY_NAME, TOPIC_CONFIGS, synonymValueToTopic, type ConfigDef } from './config-defs.js'
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../log/types.js'

export interface ResolvedConfig {
  name: string
  value: string | null
  source: number
  readOnly: boolean
  sensitive: boolean
  synonyms: { name: string; value: string | null; source: number }[]
  def: ConfigDef
}

const num = (v: string | null, fallback: number): number => {
  if (v === null) return fallback
  const n = Number(v)
  // Kafka's Long.MAX_VALUE means "never"; a JS number cannot hold it exactly, nor does it need to.
  return Number.isFinite(n) ? Math.min(n, Number.MAX_SAFE_INTEGER) : fallback
}

// The BROKER resource name of the cluster-wide level (Kafka's ConfigurationControlManager.DEFAULT_NODE).
export const DEFAULT_BROKER_RESOURCE = ''

export class BrokerConfig {
  // Both levels are mutated only by Cluster (load and setBrokerConfigs), which persists them.
  readonly dynamic = new Map<string, string>()
  readonly dynamicDefault = new Map<string, string>()
  constructor(readonly statics: ReadonlyMap<string, string>) {}

  // The dynamic level a BROKER resource name addresses: "" the cluster-wide defaults, a node id
  // (already checked to be ours) this broker's own.
  dynamicLevel(resourceName: string): ReadonlyMap<string, string> {
    return resourceName === DEFAULT_BROKER_RESOURCE ? this.dynamicDefault : this.dynamic
  }

  get(name: string): string | null {
    return this.dynamic.get(name) ?? this.dynamicDefault.get(name) ?? this.statics.get(name) ?? BROKER_CONFIG_BY_NAME.get(name)?.default ?? null
  }

  int(name: string): number {
    return num(this.get(name), 0)
  }

  bool(name: string): boolean {
    return this.get(name) === 'true'
  }

  private brokerSource(name: string): number | null {
    if (this.dynamic.has(name)) return ConfigSource.DYNAMIC_BROKER_CONFIG
    if (this.dynamicDefault.has(name)) return ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG
    if (this.statics.has(name)) return ConfigSource.STATIC_BROKER_CONFIG
    return null
  }

  describeBroker(): ResolvedConfig[] {
    // Kafka's ConfigHelper lists a broker's non-internal configs and whatever was set explicitly.
    const listed = [...BROKER_CONFIG_BY_NAME.values()].filter((d) => !d.internal || this.brokerSource(d.name) !== null)
    return listed.map((def) => {
      const src = this.brokerSource(def.name)
      const value = this.get(def.name)
      const synonyms = []
      if (this.dynamic.has(def.name)) synonyms.push({ name: def.name, value: this.dynamic.get(def.name)!, source: ConfigSource.DYNAMIC_BROKER_CONFIG })
      if (this.dynamicDefault.has(def.name)) synonyms.push({ name: def.name, value: this.dynamicDefault.get(def.name)!, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG })
      if (this.statics.has(def.name)) synonyms.push({ name: def.name, value: this.statics.get(def.name)!, source: ConfigSource.STATIC_BROKER_CONFIG })
      if (def.default !== null) synonyms.push({ name: def.name, value: def.default, source: ConfigSource.DEFAULT_CONFIG })
      return { name: def.name, value, source: src ?? ConfigSource.DEFAULT_CONFIG, readOnly: !def.dynamic, sensitive: def.type === 'PASSWORD', synonyms, def }
    })
  }

  // A topic config's value and where it comes from: the topic override, then each broker synonym
  // in Kafka's precedence (per-broker dynamic, cluster-wide dynamic, static), then the default:
  // ConfigHelper.configSynonyms lists every synonym at one level before the next level.
  resolveTopic(name: string, overrides: Readonly<Record<string, string>>): ResolvedConfig {
    const def = TOPIC_CONFIG_BY_NAME.get(name)!
    const synonyms: ResolvedConfig['synonyms'] = []
    if (name in overrides) synonyms.push({ name, value: overrides[name]!, source: ConfigSource.TOPIC_CONFIG })
    for (const syn of def.synonyms ?? []) {
      if (this.dynamic.has(syn)) synonyms.push({ name: syn, value: synonymValueToTopic(syn, this.dynamic.get(syn)!), source: ConfigSource.DYNAMIC_BROKER_CONFIG })
    }
    for (const syn of def.synonyms ?? []) {
      if (this.dynamicDefault.has(syn)) synonyms.push({ name: syn, value: synonymValueToTopic(syn, this.dynamicDefault.get(syn)!), source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG })
    }
    for (const syn of def.synonyms ?? []) {
      if (this.statics.has(syn)) synonyms.push({ name: syn, value: synonymValueToTopic(syn, this.statics.get(syn)!), source: ConfigSource.STATIC_BROKER_CONFIG })
    }
    // Kafka lists the primary broker synonym's own default last, when that broker config has one
    // (log.segment.bytes does; log.retention.ms does not, so retention.ms shows no default entry).
    const primary = def.synonyms?.[0]
    const brokerDefault = primary !== undefined ? BROKER_CONFIG_BY_NAME.get(primary)?.default : undefined
    if (primary !== undefined && brokerDefault !== undefined && brokerDefault !== null) {
      synonyms.push({ name: primary, value: brokerDefault, source: ConfigSource.DEFAULT_CONFIG })
    }
    const top = synonyms[0] ?? { value: def.default, source: ConfigSource.DEFAULT_CONFIG }
    return { name, value: top.value, source: top.source, readOnly: false, sensitive: false, synonyms, def }
  }

  describeTopic(overrides: Readonly<Record<string, string>>): ResolvedConfig[] {
    return TOPIC_CONFIGS.map((d) => this.resolveTopic(d.name, overrides))
  }

  logConfig(overrides: Readonly<Record<string, string>>): LogConfig {
    const v = (n: string) => this.resolveTopic(n, overrides).value
    const policy = (v('cleanup.policy') ?? 'delete').split(',').map((x) => x.trim().toLowerCase())
    return {
      compact: policy.includes('compact'),
      delete: policy.includes('delete'),
      minCleanableDirtyRatio: num(v('min.cleanable.dirty.ratio'), DEFAULT_LOG_CONFIG.minCleanableDirtyRatio),
      minCompactionLagMs: num(v('min.compaction.lag.ms'), DEFAULT_LOG_CONFIG.minCompactionLagMs),
      maxCompactionLagMs: num(v('max.compaction.lag.ms'), DEFAULT_LOG_CONFIG.maxCompactionLagMs),
      deleteRetentionMs: num(v('delete.retention.ms'), DEFAULT_LOG_CONFIG.deleteRetentionMs),
      segmentBytes: num(v('segment.bytes'), DEFAULT_LOG_CONFIG.segmentBytes),
      segmentMs: num(v('segment.ms'), DEFAULT_LOG_CONFIG.segmentMs),
      retentionMs: num(v('retention.ms'), DEFAULT_LOG_CONFIG.retentionMs),
      retentionBytes: num(v('retention.bytes'), DEFAULT_LOG_CONFIG.retentionBytes),
      maxMessageBytes: num(v('max.message.bytes'), DEFAULT_LOG_CONFIG.maxMessageBytes),
      logAppendTime: v('message.timestamp.type') === 'LogAppendTime',
      indexIntervalBytes: num(v('index.interval.bytes'), DEFAULT_LOG_CONFIG.indexIntervalBytes),
      flushMessages: num(v('flush.messages'), DEFAULT_LOG_CONFIG.flushMessages),
      flushMs: num(v('flush.ms'), DEFAULT_LOG_CONFIG.flushMs),
      fileDeleteDelayMs: num(v('file.delete.delay.ms'), DEFAULT_LOG_CONFIG.fileDeleteDelayMs),
      timestampAfterMaxMs: num(v('message.timestamp.after.max.ms'), DEFAULT_LOG_CONFIG.timestampAfterMaxMs),
      timestampBeforeMaxMs: num(v('message.timestamp.before.max.ms'), DEFAULT_LOG_CONFIG.timestampBeforeMaxMs),
    }
  }
}
