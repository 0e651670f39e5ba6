// Records what Apache Kafka answers to bad topic config values (CreateTopics and
// IncrementalAlterConfigs), which the handler tests hold Rivulet's messages against:
//   node scripts/kafka-topic-config-errors.mjs     # Kafka 4.4.0 from compat/lib/kafka-libs.sh
// Starts a one-node Kafka (compat/lib/kafka-broker.mjs), runs scripts/TopicConfigErrors.java and
// writes test/fixtures/kafka-topic-config-errors.json.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
process.env.KAFKA_VERSION ??= '4.4.0'
const { startKafka, kafkaLibsDir, kafkaVersion } = await import('../compat/lib/kafka-broker.mjs')
const kafka = await startKafka({})
let out
try {
  out = execFileSync('java', ['-cp', `${kafkaLibsDir()}/*`, path.join(root, 'scripts/TopicConfigErrors.java'), kafka.bootstrap], { encoding: 'utf8' })
} finally {
  await kafka.stop()
}
const cases = new Map()
for (const line of out.trim().split('\n')) {
  const m = /^(create|incr)\s+([^=]+)=(.*?) -> (.*)$/.exec(line)
  if (!m) throw new Error(`unexpected line: ${line}`)
  const error = m[4] === 'OK' ? null : m[4].replace(/^InvalidConfigurationException: /, '')
  const seen = cases.get(`${m[2]}=${m[3]}`)
  if (seen && seen.error !== error) throw new Error(`CreateTopics and IncrementalAlterConfigs differ on ${m[2]}=${m[3]}`)
  cases.set(`${m[2]}=${m[3]}`, { name: m[2], value: m[3], error })
}
const source = `Apache Kafka ${kafkaVersion()} (KRaft, one node), Admin.createTopics(validateOnly) and incrementalAlterConfigs(SET, validateOnly) on a TOPIC: the same INVALID_CONFIG message for both`
fs.writeFileSync(path.join(root, 'test/fixtures/kafka-topic-config-errors.json'), `${JSON.stringify({ source, cases: [...cases.values()] }, null, 1)}\n`)
console.log(`${cases.size} cases from Kafka ${kafkaVersion()}`)
