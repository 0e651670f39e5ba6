// Client quotas with real clients: Kafka 4.4's kafka-configs tool (org.apache.kafka.tools.
// ConfigCommand) adds, describes and deletes producer_byte_rate / consumer_byte_rate /
// request_percentage / controller_mutation_rate on users, clients, their defaults and
// user+client pairs (AlterClientQuotas / DescribeClientQuotas); kafkajs 2.2.4 is throttled by a
// producer_byte_rate quota (it reads throttle_time_ms, KIP-219) and carries on once the broker
// unmutes its connection. The broker runs on the manual clock. kafka-configs is skipped without
// Java or the Kafka jars (compat/lib/kafka-libs.sh).
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'
import { runProgram } from '../helpers/process.js'

function kafkaLibs(): string | null {
  if (spawnSync('java', ['-version']).status !== 0) return null
  const r = spawnSync('bash', [path.resolve(import.meta.dirname, '../../compat/lib/kafka-libs.sh')], { encoding: 'utf8', timeout: 300_000 })
  return r.status === 0 ? r.stdout.trim().split('\n').pop()! : null
}
const LIBS = kafkaLibs()

let b: TestBroker

beforeAll(async () => {
  b = await startTestBroker({ clock: 'manual' })
})
afterAll(async () => {
  await b?.cleanup()
})

// The broker runs in this process: the tool must run asynchronously so the broker can answer it.
async function configs(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runProgram('java', ['-cp', `${LIBS}/*`, 'org.apache.kafka.tools.ConfigCommand', '--bootstrap-server', b.bootstrap, ...args], { timeoutMs: 90_000 })
}

async function ok(...args: string[]): Promise<string> {
  const r = await configs(...args)
  expect(r.code, r.stderr).toBe(0)
  return r.stdout.trim()
}

describe.skipIf(!LIBS)('kafka-configs client quotas', () => {
  it('adds and describes quotas on users, clients, defaults and user+client pairs', async () => {
    expect(await ok('--alter', '--add-config', 'producer_byte_rate=1048576,consumer_byte_rate=2097152', '--entity-type', 'users', '--entity-name', 'alice')).toBe("Completed updating config for user alice.")
    await ok('--alter', '--add-config', 'request_percentage=50.5', '--entity-type', 'clients', '--entity-default')
    await ok('--alter', '--add-config', 'controller_mutation_rate=10', '--entity-type', 'users', '--entity-name', 'alice', '--entity-type', 'clients', '--entity-name', 'tool')
    const alice = await ok('--describe', '--entity-type', 'users', '--entity-name', 'alice')
    expect(alice).toContain("Quota configs for user-principal 'alice' are ")
    expect(alice).toContain('producer_byte_rate=1048576.0')
    expect(alice).toContain('consumer_byte_rate=2097152.0')
    expect(await ok('--describe', '--entity-type', 'clients', '--entity-default')).toBe("Quota configs for the default client-id are request_percentage=50.5")
    expect(await ok('--describe', '--entity-type', 'users', '--entity-name', 'alice', '--entity-type', 'clients', '--entity-name', 'tool')).toBe("Quota configs for user-principal 'alice', client-id 'tool' are controller_mutation_rate=10.0")
    const allClients = await ok('--describe', '--entity-type', 'clients')
    expect(allClients).toContain('the default client-id')
    expect(b.broker.quotas.store.value(new Map([['user', 'alice']]), 'producer_byte_rate')).toBe(1048576)
  }, 240_000) // seven JVM starts, each several seconds on a loaded 2-core machine

  it('deletes a config, and the broker refuses what Kafka refuses', async () => {
    await ok('--alter', '--add-config', 'producer_byte_rate=1000', '--entity-type', 'clients', '--entity-name', 'gone')
    await ok('--alter', '--delete-config', 'producer_byte_rate', '--entity-type', 'clients', '--entity-name', 'gone')
    // The last key gone, the entity is gone too: Kafka's describe then lists nothing.
    expect(await ok('--describe', '--entity-type', 'clients', '--entity-name', 'gone')).toBe('')
    const fractional = await configs('--alter', '--add-config', 'producer_byte_rate=10.5', '--entity-type', 'clients', '--entity-name', 'frac')
    expect(fractional.code).not.toBe(0)
    expect(fractional.stdout + fractional.stderr).toContain('producer_byte_rate cannot be a fractional value.')
  }, 240_000)
})

describe('kafkajs under producer_byte_rate', () => {
  it('sees throttle_time_ms and produces again once the connection is unmuted', async () => {
    b.kit.createTopic('kjs-quota', { partitions: 1 })
    b.broker.quotas.store.alter([{ entity: [['client-id', 'kjs-quota']], ops: [{ key: 'producer_byte_rate', value: 1000, remove: false }] }], false)
    const throttles: number[] = []
    // From Produce v6 kafkajs decodes throttle_time_ms as clientSideThrottleTime and waits it out.
    const logCreator = () => (entry: { log: { message?: string; data?: { clientSideThrottleTime?: number } } }) => {
      if (entry.log.message?.startsWith('Response Produce') && typeof entry.log.data?.clientSideThrottleTime === 'number') throttles.push(entry.log.data.clientSideThrottleTime)
    }
    const kafka = new Kafka({ clientId: 'kjs-quota', brokers: [b.bootstrap], logLevel: logLevel.DEBUG, logCreator, retry: { retries: 0 } })
    const producer = kafka.producer()
    await producer.connect()
    try {
      // Some 10.2 kB over a young sensor's 10 s window at 1000 B/s: a throttle of a few hundred ms.
      await producer.send({ topic: 'kjs-quota', acks: 1, messages: [{ value: Buffer.alloc(10_200, 7) }] })
      expect(throttles).toHaveLength(1)
      expect(throttles[0]).toBeGreaterThan(200)
      expect(throttles[0]).toBeLessThan(1000)
      const second = producer.send({ topic: 'kjs-quota', acks: 1, messages: [{ value: Buffer.from('after') }] })
      b.kit.advance(throttles[0]!)
      await second
      expect(b.kit.records('kjs-quota').map((r) => r.value?.toString().slice(0, 5))).toEqual(['\u0007\u0007\u0007\u0007\u0007', 'after'])
    } finally {
      await producer.disconnect()
    }
  })
})
