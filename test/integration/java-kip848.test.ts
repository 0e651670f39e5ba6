// Kafka's Java KafkaConsumer 4.4 with group.protocol=consumer (KIP-848) on Rivulet: the uniform and
// range server-side assignors sharing a topic between two members, a server-side regex
// subscription, a static member restart, committed offsets, and the Admin client's view of the
// group (type Consumer, state Stable). Skipped when java or the kafka-clients jars are missing.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IMMEDIATE_ASSIGNMENT, startTestBroker, type TestBroker } from '../helpers/broker.js'
import { runProgram } from '../helpers/process.js'

const m2 = path.join(os.homedir(), '.m2/repository')
const jars = [path.join(m2, 'org/apache/kafka/kafka-clients/4.4.0/kafka-clients-4.4.0.jar'), path.join(m2, 'org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar')]
const usable = spawnSync('java', ['-version']).status === 0 && jars.every((j) => fs.existsSync(j))
const source = path.join(path.dirname(fileURLToPath(import.meta.url)), 'java/Kip848Client.java')

let broker: TestBroker
beforeAll(async () => {
  if (!usable) return
  // A short heartbeat interval so reconciliation takes a few heartbeats of 500 ms, not of 5 s.
  // The assignment interval off: each rebalance here would otherwise wait up to a heartbeat past
  // Kafka's 1000 ms (compat/ runs the same clients with Kafka's default on both brokers).
  broker = await startTestBroker({ config: { ...IMMEDIATE_ASSIGNMENT, 'group.consumer.heartbeat.interval.ms': 500, 'group.consumer.min.heartbeat.interval.ms': 500 } })
})
afterAll(async () => {
  await broker?.cleanup()
})

async function run(assignor: string): Promise<string[]> {
  const r = await runProgram('java', ['-cp', jars.join(path.delimiter), source, broker.bootstrap, assignor], { timeoutMs: 150_000 })
  expect(r.code, r.stderr + r.stdout).toBe(0)
  return r.stdout.trim().split('\n')
}

describe.skipIf(!usable)('Java KafkaConsumer 4.4 with group.protocol=consumer', () => {
  it.each(['uniform', 'range'])('%s: shares partitions, regex, static restart, offsets, Admin view', async (assignor) => {
    const lines = await run(assignor)
    expect(lines).toContain('alone 6')
    expect(lines).toContain('shared 3 3 6')
    expect(lines).toContain('consumed 60')
    expect(lines, lines.join("\n")).toContain(`describe Consumer Stable 2 ${assignor}`)
    expect(lines).toContain("listed Consumer Stable")
    expect(lines).toContain('committed 60')
    expect(lines).toContain('regex 6')
    expect(lines).toContain('static true 3')
    if (assignor === 'range') {
      const ranges = lines.find((l) => l.startsWith('ranges '))!.split(' ').slice(1).sort()
      expect(ranges).toEqual([`kip848-range-0,kip848-range-1,kip848-range-2`, `kip848-range-3,kip848-range-4,kip848-range-5`])
    }
  }, 180_000)
})
