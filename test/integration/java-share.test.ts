// Kafka's Java KafkaShareConsumer 4.4 (KIP-932) on Rivulet (test/integration/java/ShareClient.java):
// explicit acknowledgement (accept; release redelivers with delivery count 2; reject archives),
// implicit acknowledgement (nothing comes again to a later member), a record lock that runs out
// and redelivers to another member, the holder's late acknowledgement of records another member
// acknowledged since (no error, as on Kafka 4.4.0), and the Admin
// client's view (describeShareGroups, listGroups for share groups). Skipped when java or the
// kafka-clients jars are missing.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { runProgram } from '../helpers/process.js'

const m2 = path.join(os.homedir(), '.m2/repository')
const jars = [path.join(m2, 'org/apache/kafka/kafka-clients/4.4.0/kafka-clients-4.4.0.jar'), path.join(m2, 'org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar')]
const usable = spawnSync('java', ['-version']).status === 0 && jars.every((j) => fs.existsSync(j))
const source = path.join(path.dirname(fileURLToPath(import.meta.url)), 'java/ShareClient.java')

let broker: TestBroker
beforeAll(async () => {
  if (!usable) return
  // Kafka's group.share.min.record.lock.duration.ms (15 s) lowered so the program's 2 s lock is a valid group config.
  broker = await startTestBroker({ config: { 'group.share.heartbeat.interval.ms': 500, 'group.share.min.record.lock.duration.ms': 1000 } })
})
afterAll(async () => {
  await broker?.cleanup()
})

describe.skipIf(!usable)('Java KafkaShareConsumer 4.4', () => {
  it('acknowledges explicitly and implicitly, redelivers released and expired records', async () => {
    const r = await runProgram('java', ['-cp', jars.join(path.delimiter), source, broker.bootstrap, 'share'], { timeoutMs: 150_000 })
    expect(r.code, r.stderr + r.stdout).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines, r.stdout).toContain('explicit first a:1 b:1 c:1')
    expect(lines).toContain('explicit commit true')
    expect(lines).toContain('explicit again b:2')
    expect(lines).toContain('explicit after 0')
    expect(lines).toContain('describe Empty 0')
    expect(lines).toContain('implicit 5 0')
    expect(lines).toContain('listed true')
    expect(lines).toContain('held x:1 y:1')
    expect(lines).toContain('redelivered x:2 y:2')
    // Kafka 4.4.0 answers this run the same, line for line (checked with compat/lib/kafka-broker.mjs).
    expect(lines).toContain('late [ok]')
  }, 180_000)
})
