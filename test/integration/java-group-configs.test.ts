// GROUP config resources (KIP-848) through Kafka's Java Admin 4.4: describeConfigs before and after
// incrementalAlterConfigs SET and DELETE, and the refusals (out of range, unknown name, not a
// number), line for line what Kafka 4.4.0 answers (test/fixtures/kafka-4.4-group-configs.txt,
// recorded with the same program). Skipped when java or the kafka-clients jars are missing. The
// broker runs with Kafka's default group.streams.initial.rebalance.delay.ms (3000), which Rivulet
// lowers to 0 for fast tests; the group config reports that broker default as its synonym.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { runProgram } from '../helpers/process.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const m2 = path.join(os.homedir(), '.m2/repository')
const jars = [path.join(m2, 'org/apache/kafka/kafka-clients/4.4.0/kafka-clients-4.4.0.jar'), path.join(m2, 'org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar')]
const usable = spawnSync('java', ['-version']).status === 0 && jars.every((j) => fs.existsSync(j))

let broker: TestBroker
beforeAll(async () => {
  if (usable) broker = await startTestBroker({ config: { 'group.streams.initial.rebalance.delay.ms': 3000 } })
})
afterAll(async () => {
  await broker?.cleanup()
})

describe.skipIf(!usable)('GROUP config resources with the Java Admin 4.4', () => {
  it('describes and alters them as Kafka 4.4.0 does', async () => {
    const r = await runProgram('java', ['-cp', jars.join(path.delimiter), path.join(here, 'java/GroupConfigProbe.java'), broker.bootstrap], { timeoutMs: 90_000 })
    expect(r.code, r.stderr).toBe(0)
    const want = fs.readFileSync(path.join(here, '../fixtures/kafka-4.4-group-configs.txt'), 'utf8').trim().split('\n')
    expect(r.stdout.trim().split('\n')).toEqual(want)
  }, 120_000)
})
