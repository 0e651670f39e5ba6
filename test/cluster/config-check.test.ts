// Every broker and topic config Kafka knows, probed with the same values Kafka 4.4 was probed with
// (scripts/kafka-broker-configs.mjs): Rivulet accepts what Kafka accepts and refuses the rest in
// Kafka's words. Configs whose validator Rivulet cannot reproduce (class names, quorum addresses)
// are not in the fixtures.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { configValueError } from '../../src/cluster/config-check.js'
import { TOPIC_CONFIG_BY_NAME, topicValueError } from '../../src/cluster/config-defs.js'
import { KAFKA_BROKER_CONFIGS, KAFKA_VERSION } from '../../src/cluster/kafka-broker-configs.js'
import { KAFKA_TOPIC_CONFIGS } from '../../src/cluster/kafka-topic-configs.js'

interface Probes {
  version: string
  values: string[]
  probes: Record<string, (string | null)[]>
}
const load = (kind: string) => JSON.parse(fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), `../fixtures/kafka-${kind}-config-probes.json`), 'utf8')) as Probes
const fixture = load('broker')
const topicFixture = load('topic')

const expected = (name: string, value: string, answer: string | null) =>
  answer === null ? null : answer.startsWith('=') ? answer.slice(1) : `Invalid value ${value} for configuration ${name}: ${answer}`

describe('broker config values, as Kafka parses and validates them', () => {
  it('comes from the same Kafka version as the table', () => {
    expect(fixture.version).toBe(KAFKA_VERSION)
    expect(Object.keys(fixture.probes).length).toBeGreaterThan(300)
  })
  const byName = new Map(KAFKA_BROKER_CONFIGS.map((k) => [k.name, k]))
  it.each(Object.entries(fixture.probes))('%s', (name, answers) => {
    const k = byName.get(name)!
    const ours = fixture.values.map((v) => configValueError(name, k.type, k.check, v))
    expect(ours).toEqual(fixture.values.map((v, i) => expected(name, v, answers[i]!)))
  })
})

describe('topic config values, as Kafka 4.4 LogConfig parses and validates them', () => {
  it('covers every topic config of the table, from the same Kafka version', () => {
    expect(topicFixture.version).toBe(KAFKA_VERSION)
    expect(Object.keys(topicFixture.probes).sort()).toEqual(KAFKA_TOPIC_CONFIGS.map((k) => k.name).sort())
  })
  const byName = new Map(KAFKA_TOPIC_CONFIGS.map((k) => [k.name, k]))
  it.each(Object.entries(topicFixture.probes))('%s', (name, answers) => {
    const k = byName.get(name)!
    const ours = topicFixture.values.map((v) => configValueError(name, k.type, k.check, v))
    expect(ours).toEqual(topicFixture.values.map((v, i) => expected(name, v, answers[i]!)))
  })
})

describe('where Rivulet\'s topic configs deliberately differ from Kafka 4.4', () => {
  const error = (name: string, v: string) => topicValueError(TOPIC_CONFIG_BY_NAME.get(name)!, v)
  it('segment.bytes from 14 (Kafka: 1048576), so tests can roll segments; below, Kafka\'s words', () => {
    expect(error('segment.bytes', '14')).toBeNull()
    expect(error('segment.bytes', '13')).toBe('Invalid value 13 for configuration segment.bytes: Value must be at least 14')
  })
  it('remote.storage.enable=true is refused as by a Kafka broker without tiered storage', () => {
    expect(error('remote.storage.enable', 'TRUE')).toBe('Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.')
    expect(error('remote.storage.enable', 'false')).toBeNull()
  })
  it('Kafka\'s internal topic configs are not accepted', () => {
    expect(TOPIC_CONFIG_BY_NAME.has('internal.segment.bytes')).toBe(false)
  })
})
