// Kafka's Java client 4.4 under the kit's faults, as on a real Kafka: a Produce whose connection
// drops after the append is retried by the idempotent producer on a new connection and acknowledged
// without a duplicate; a hung Fetch times out after request.timeout.ms, the client closes that
// connection, reconnects and reads. Skipped when java or the kafka-clients jars are missing.
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
const source = path.join(path.dirname(fileURLToPath(import.meta.url)), '../integration/java/KitFaultsClient.java')

let b: TestBroker
beforeAll(async () => {
  if (!usable) return
  b = await startTestBroker()
  b.kit.createTopic('java-kit', { partitions: 1 })
})
afterAll(async () => {
  await b?.cleanup()
})

describe.skipIf(!usable)('Java client 4.4 under faults', () => {
  it('retries a dropped Produce without a duplicate and reconnects after a hung Fetch', async () => {
    b.kit.faults.add({ api: 'Produce', clientId: 'java-idempotent', drop: 'after', times: 1 })
    b.kit.faults.add({ api: 'Fetch', clientId: 'java-hung', hang: true, times: 1 })
    const r = await runProgram('java', ['-cp', jars.join(path.delimiter), source, b.bootstrap], { timeoutMs: 90_000 })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.trim().split('\n')).toEqual(['produced 0', 'consumed once'])
    expect(b.kit.records('java-kit').map((x) => x.value!.toString())).toEqual(['once'])
    const produces = b.kit.requests.list((x) => x.apiName === 'Produce' && x.clientId === 'java-idempotent')
    expect(produces).toHaveLength(2)
    expect(produces[0]!.connectionId).not.toBe(produces[1]!.connectionId)
    const fetches = b.kit.requests.list((x) => x.apiName === 'Fetch' && x.clientId === 'java-hung')
    // The hung Fetch's connection was given up: later fetches went out on another one.
    expect(fetches.at(-1)!.connectionId).not.toBe(fetches[0]!.connectionId)
  }, 120_000)
})
