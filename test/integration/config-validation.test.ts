// Start-up config validation (issue 15 items 4 and 11), through the built CLI as a subprocess and
// the embedded startBroker: a value Kafka 4.4 would refuse stops the start with Kafka's message,
// one line naming the key and no stack; Kafka's stock server.properties starts with one warning
// listing the settings Rivulet does not act on; replication factors above the one broker fail
// where Kafka's do.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { CreateTopics } from '../../protocol/apis/create-topics.js'
import { FindCoordinator } from '../../protocol/apis/find-coordinator.js'
import { Metadata } from '../../protocol/apis/metadata.js'
import { ErrorCode } from '../../protocol/errors.js'
import { startBroker } from '../../src/index.js'
import { tempDir, startTestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { CLI, startChildBroker } from '../helpers/process.js'

const STOCK = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/kafka-4.4-server.properties')
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

// Runs the CLI to its exit; a refused config must exit before it listens.
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [CLI, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, stdout, stderr })))
}

describe('bad config values stop the start, in Kafka\'s words', () => {
  it.each([
    [['--override', 'num.partitions=abc'], 'Invalid value abc for configuration num.partitions: Not a number of type INT'],
    [['--override', 'num.partitions=0'], 'Invalid value 0 for configuration num.partitions: Value must be at least 1'],
    [['--override', 'num.partitions=-3'], 'Invalid value -3 for configuration num.partitions: Value must be at least 1'],
    [['--override', 'auto.create.topics.enable=maybe'], 'Invalid value maybe for configuration auto.create.topics.enable: Expected value to be either true or false'],
    [['--override', 'message.max.bytes=abc'], 'Invalid value abc for configuration message.max.bytes: Not a number of type INT'],
    [['--override', 'log.segment.bytes=abc'], 'Invalid value abc for configuration log.segment.bytes: Not a number of type INT'],
    [['--override', 'log.retention.ms=abc'], 'Invalid value abc for configuration log.retention.ms: Not a number of type LONG'],
    [['--override', 'num.network.threads=lots'], 'Invalid value lots for configuration num.network.threads: Not a number of type INT'],
  ])('CLI %j', async (args, message) => {
    const dataDir = path.join(tempDir(), 'data')
    dirs.push(path.dirname(dataDir))
    const r = await runCli(['--data-dir', dataDir, ...args])
    expect(r.code).not.toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(`rivulet: ${message}\n`)
    // Refused before anything is written.
    expect(fs.existsSync(dataDir)).toBe(false)
  })

  it('a server.properties file is checked with the same rules', async () => {
    const dir = tempDir()
    dirs.push(dir)
    const file = path.join(dir, 'server.properties')
    fs.writeFileSync(file, 'num.partitions=3\nlog.retention.hours=a week\n')
    const r = await runCli(['--memory', '--config', file])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toBe('rivulet: Invalid value a week for configuration log.retention.hours: Not a number of type INT\n')
  })

  it('embedded startBroker rejects with the same message', async () => {
    await expect(startBroker({ port: 0, memory: true, config: { 'num.partitions': 0 } })).rejects.toThrow('Invalid value 0 for configuration num.partitions: Value must be at least 1')
    await expect(startBroker({ port: 0, memory: true, config: { 'auto.create.topics.enable': 'maybe' } })).rejects.toMatchObject({ code: 'RIVULET_INVALID_CONFIG' })
  })
})

describe('Kafka\'s stock server.properties', () => {
  it('starts with one warning listing the Kafka settings Rivulet does not act on; unknown keys stay unknown', async () => {
    const b = await startChildBroker(['--host', '127.0.0.1', '--memory', '--config', STOCK, '--override', 'no.such.setting=1'])
    try {
      const lines = b.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; key?: string; keys?: string[] })
      const noEffect = lines.filter((l) => l.msg === 'Kafka settings with no effect on Rivulet')
      expect(noEffect).toHaveLength(1)
      expect(noEffect[0]!.keys!.sort()).toEqual([
        'controller.quorum.bootstrap.servers',
        'num.io.threads', 'num.network.threads', 'num.recovery.threads.per.data.dir', 'process.roles', 'share.coordinator.state.topic.min.isr',
        'share.coordinator.state.topic.replication.factor', 'socket.receive.buffer.bytes', 'socket.send.buffer.bytes', 'transaction.state.log.min.isr',
      ])
      expect(lines.filter((l) => l.msg === 'unknown config key ignored').map((l) => l.key)).toEqual(['no.such.setting'])
      // The stock file's CONTROLLER://:9093 belongs to the KRaft quorum: only PLAINTEXT is bound.
      expect(b.output()).not.toContain('Listener CONTROLLER')
      // Its advertised.listeners says localhost:9092; --port 0 advertises the port bound instead,
      // so the printed bootstrap and Metadata's broker reach this broker.
      expect(b.bootstrap).toMatch(/^localhost:\d+$/)
      expect(b.port).not.toBe(9092)
      const client = await TestClient.connect(b.port)
      try {
        const md = await client.send(Metadata, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
        expect(md.brokers.map((x) => [x.host, x.port])).toEqual([['localhost', b.port]])
      } finally {
        await client.close()
      }
    } finally {
      await b.kill()
    }
  })
})

describe('replication factors above the one broker', () => {
  it('default.replication.factor=3 starts with a warning; creating a topic with it fails as on Kafka', async () => {
    const warnings: string[] = []
    const logger = { warn: (_o: unknown, msg: string) => warnings.push(msg), info() {}, debug() {}, error() {}, trace() {}, fatal() {}, child() { return logger }, level: 'warn' }
    const b = await startTestBroker({ config: { 'default.replication.factor': 3 }, logger: logger as never })
    const client = await TestClient.connect(b.port)
    try {
      expect(warnings.some((w) => w.startsWith('default.replication.factor=3 but this cluster has 1 broker'))).toBe(true)
      const res = await client.send(CreateTopics, 7, { topics: [{ name: 'rf-default', numPartitions: 1, replicationFactor: -1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false })
      expect(res.topics[0]).toMatchObject({ errorCode: ErrorCode.INVALID_REPLICATION_FACTOR })
      expect(b.broker.autoCreate('rf-auto')).toBeUndefined()
      expect(b.broker.cluster.topic('rf-auto')).toBeUndefined()
    } finally {
      await client.close()
      await b.cleanup()
    }
  })

  it('offsets.topic.replication.factor=3: FindCoordinator answers COORDINATOR_NOT_AVAILABLE, as on Kafka', async () => {
    const b = await startTestBroker({ config: { 'offsets.topic.replication.factor': 3 } })
    const client = await TestClient.connect(b.port)
    try {
      const res = await client.send(FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['g1'] })
      expect(res.coordinators[0]).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1 })
      const txn = await client.send(FindCoordinator, 4, { keyType: 1, coordinatorKeys: ['t1'] })
      expect(txn.coordinators[0]).toMatchObject({ errorCode: 0, nodeId: b.broker.nodeId })
    } finally {
      await client.close()
      await b.cleanup()
    }
  })
})
