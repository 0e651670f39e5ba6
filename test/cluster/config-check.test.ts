// Every broker config Kafka knows, probed with the same values Kafka 4.4 was probed with
// (scripts/kafka-broker-configs.mjs): Rivulet accepts what Kafka accepts and refuses the rest in
// Kafka's words. Configs whose validator Rivulet cannot reproduce (class names, quorum addresses)
// are not in the fixture.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { configValueError } from '../../src/cluster/config-check.js'
import { KAFKA_BROKER_CONFIGS, KAFKA_VERSION } from '../../src/cluster/kafka-broker-configs.js'

const fixture = JSON.parse(fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/kafka-broker-config-probes.json'), 'utf8')) as {
  version: string
  values: string[]
  probes: Record<string, (string | null)[]>
}

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
