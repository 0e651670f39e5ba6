// Broker configuration from Kafka's server.properties names: a properties file, --override
// key=value pairs and short flags, in increasing precedence. Every value of a config Kafka knows is
// parsed and validated as Kafka's KafkaConfig does at start-up, with the table AlterConfigs uses
// (config-defs.ts): a bad value stops the start with Kafka's message. Keys Kafka knows but Rivulet
// does not act on get one warning listing them; keys Kafka does not know, one warning each.

import fs from 'node:fs'
import { BROKER_CONFIG_BY_NAME, brokerValueError } from './cluster/config-defs.js'
import type { Logger } from './logger.js'
import { AUTHORIZER_CONFIGS, authorizerClassError } from './security/authorizer/config.js'

// java.util.Properties' line format: key=value, key:value or key value; # and ! comments;
// a trailing backslash continues the line.
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>()
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trimStart()
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.trimStart()
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line)
    if (m) out.set(m[1]!, m[2]!.trim())
    else out.set(line.trim(), '')
  }
  return out
}

export interface Listener {
  host: string
  port: number
}

export function parseListener(value: string): Listener {
  const first = value.split(',')[0]!.trim()
  const m = /^(?:[A-Za-z_]+:\/\/)?(\[[^\]]*\]|[^:]*):(\d+)$/.exec(first)
  if (!m) throw new Error(`cannot parse listener ${JSON.stringify(value)} (expected PLAINTEXT://host:port)`)
  const host = m[1]!.replace(/^\[|\]$/g, '')
  return { host, port: Number(m[2]) }
}

export function readPropertiesFile(file: string): Map<string, string> {
  return parseProperties(fs.readFileSync(file, 'utf8'))
}

// A start-up config value Kafka would refuse; the message is Kafka's ConfigException text.
export class ConfigError extends Error {
  readonly code = 'RIVULET_INVALID_CONFIG'
}

// `listener.name.<listener>.[<sasl mechanism>.]<key>`: a per-listener override of a broker key
// (Kafka's ListenerName.configPrefix and saslMechanismConfigPrefix); the key it overrides.
export function listenerOverrideBase(key: string): string | null {
  const m = /^listener\.name\.[^.]+\.(?:(?:plain|scram-sha-256|scram-sha-512|gssapi|oauthbearer)\.)?(.+)$/.exec(key)
  return m ? m[1]! : null
}

function defOf(key: string) {
  return BROKER_CONFIG_BY_NAME.get(key) ?? BROKER_CONFIG_BY_NAME.get(listenerOverrideBase(key) ?? '')
}

// Kafka's KafkaConfig refuses to start on the first value that does not parse or validate.
export function validateStartupConfig(values: ReadonlyMap<string, string>): void {
  for (const [key, value] of values) {
    const def = defOf(key)
    const err = def ? brokerValueError(def, value) : null
    if (err) throw new ConfigError(err)
  }
  const authorizer = authorizerClassError(values.get('authorizer.class.name'))
  if (authorizer) throw new ConfigError(authorizer)
  const intervals = assignmentIntervalError(values)
  if (intervals) throw new ConfigError(intervals)
}

// GroupCoordinatorConfig's start-up requirements on the assignment intervals of Kafka 4.4 (its
// Utils.require stops the broker with this message).
function assignmentIntervalError(values: ReadonlyMap<string, string>): string | null {
  const int = (key: string) => Number(values.get(key) ?? BROKER_CONFIG_BY_NAME.get(key)?.default ?? 0)
  for (const type of ['consumer', 'share', 'streams']) {
    const [name, min, max] = ['', 'min.', 'max.'].map((p) => `group.${type}.${p}assignment.interval.ms`) as [string, string, string]
    if (int(max) < int(min)) return `${max} must be greater than or equal to ${min}`
    if (int(name) < int(min)) return `${name} must be greater than or equal to ${min}`
    if (int(name) > int(max)) return `${name} must be less than or equal to ${max}`
  }
  return null
}

export interface KeyReport {
  // Names Kafka 4.4 does not know (Kafka logs them as unused and ignores them).
  unknown: string[]
  // Names Kafka knows that Rivulet validates and reports but does not act on.
  noEffect: string[]
}

export function classifyKeys(values: ReadonlyMap<string, string>): KeyReport {
  const unknown: string[] = []
  const noEffect: string[] = []
  for (const key of values.keys()) {
    const def = defOf(key)
    if (!def) {
      if (!AUTHORIZER_CONFIGS.has(key)) unknown.push(key)
    }
    else if (!def.applied) noEffect.push(key)
  }
  return { unknown, noEffect }
}

// Replication factors above the broker count are accepted at start-up, as Kafka accepts them, and
// fail later exactly where Kafka's fail (topic creation, FindCoordinator); a warning says so now.
const REPLICATION_FACTORS: Readonly<Record<string, string>> = {
  'default.replication.factor': 'creating a topic with the default replication factor (auto-create, CreateTopics with -1) fails with INVALID_REPLICATION_FACTOR',
  'offsets.topic.replication.factor': '__consumer_offsets cannot be created, so consumer groups get COORDINATOR_NOT_AVAILABLE',
  'transaction.state.log.replication.factor': '__transaction_state cannot be created, so transactional producers get COORDINATOR_NOT_AVAILABLE',
}

export function reportConfig(values: ReadonlyMap<string, string>, logger: Logger, brokers = 1): void {
  const { unknown, noEffect } = classifyKeys(values)
  for (const key of unknown) logger.warn({ key }, 'unknown config key ignored')
  if (noEffect.length > 0) logger.warn({ keys: noEffect }, 'Kafka settings with no effect on Rivulet')
  for (const [key, consequence] of Object.entries(REPLICATION_FACTORS)) {
    const v = values.get(key)
    if (v !== undefined && Number(v) > brokers) logger.warn({ key, value: v }, `${key}=${v.trim()} but this cluster has ${brokers} broker${brokers === 1 ? '' : 's'}: ${consequence}, as on Kafka`)
  }
}
