// librdkafka consumers from two front ends share one group: kcat -G and confluent-kafka-python
// (Debian packages, /usr/bin/python3) split the partitions and each message reaches exactly one
// of them. kafka-python (Debian) commits and fetches offsets. .ci/run installs the packages.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DescribeGroups } from '../../protocol/apis/describe-groups.js'
import { OffsetFetch } from '../../protocol/apis/offset-fetch.js'
import { Produce } from '../../protocol/apis/produce.js'
import { buildBatch } from '../../protocol/records/index.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const PY = '/usr/bin/python3'
const hasKcat = spawnSync('kcat', ['-V']).status === 0
const hasConfluent = spawnSync(PY, ['-c', 'import confluent_kafka']).status === 0
const hasKafkaPython = spawnSync(PY, ['-c', 'import kafka']).status === 0

let broker: TestBroker
let client: TestClient
const procs: ChildProcess[] = []

beforeAll(async () => {
  broker = await startTestBroker()
  client = await TestClient.connect(broker.port)
})
afterAll(async () => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL')
  await client?.close()
  await broker?.cleanup()
})

// Polls an observable condition (group state, lines received) with a bound; never a fixed sleep.
async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

function consumer(cmd: string, args: string[]): { proc: ChildProcess; lines: string[] } {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  procs.push(proc)
  const lines: string[] = []
  let rest = ''
  proc.stdout!.on('data', (c: Buffer) => {
    const parts = (rest + c.toString()).split('\n')
    rest = parts.pop()!
    lines.push(...parts.filter((l) => l.trim() !== ''))
  })
  proc.stderr!.on('data', () => {})
  return { proc, lines }
}

describe.skipIf(!hasKcat || !hasConfluent)('kcat -G and confluent-kafka-python in one group', () => {
  it('split the partitions and receive every message exactly once', async () => {
    broker.broker.createTopic('shared', 4, 1, {})
    const group = 'librdkafka-shared'
    const kcat = consumer('kcat', ['-b', broker.bootstrap, '-G', group, '-u', '-q', '-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=10000', '-f', '%p %o %s\n', 'shared'])
    const py = consumer(PY, ['-u', path.join(here, 'python/confluent_consumer.py'), broker.bootstrap, group, 'shared'])
    await waitFor('a stable group of two', async () => {
      const g = (await client.send(DescribeGroups, 5, { groups: [group] })).groups[0]!
      return g.groupState === 'Stable' && g.members.length === 2 && g.members.every((m) => m.memberAssignment.length > 0) ? g : undefined
    })
    for (let p = 0; p < 4; p++) {
      const records = Array.from({ length: 50 }, (_, i) => ({ key: null, value: Buffer.from(`m${p * 50 + i}`) }))
      await client.send(Produce, 7, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'shared', partitionData: [{ index: p, records: buildBatch({ records }) }] }] })
    }
    await waitFor('200 messages', () => (kcat.lines.length + py.lines.length >= 200 ? true : undefined))
    const parse = (l: string) => l.split(' ')
    const all = [...kcat.lines, ...py.lines].map(parse)
    expect(new Set(all.map((x) => x[2])).size).toBe(200)
    expect(all.length).toBe(200)
    const kcatParts = new Set(kcat.lines.map((l) => parse(l)[0]))
    const pyParts = new Set(py.lines.map((l) => parse(l)[0]))
    expect(kcatParts.size).toBeGreaterThan(0)
    expect(pyParts.size).toBeGreaterThan(0)
    for (const p of kcatParts) expect(pyParts.has(p)).toBe(false)
    kcat.proc.kill('SIGTERM')
    py.proc.kill('SIGTERM')
  }, 60_000)
})

describe.skipIf(!hasConfluent)('static membership with confluent-kafka-python', () => {
  it('a restarted static member takes its place without a rebalance; a duplicate is fenced', async () => {
    broker.broker.createTopic('static', 2, 1, {})
    const group = 'static-group'
    const script = path.join(here, 'python/confluent_consumer.py')
    const first = consumer(PY, ['-u', script, broker.bootstrap, group, 'static', 'instance-1'])
    const generation = () => broker.broker.groups.group(group)?.generationId
    const stable = () => {
      const g = broker.broker.groups.group(group)
      return g?.state === 'Stable' && g.members.size === 1 ? g.generationId : undefined
    }
    const gen = await waitFor('a stable static member', stable)
    first.proc.kill('SIGKILL') // no LeaveGroup: static members keep their place
    await new Promise((r) => first.proc.once('exit', r))
    const second = consumer(PY, ['-u', script, broker.bootstrap, group, 'static', 'instance-1'])
    await client.send(Produce, 7, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'static', partitionData: [{ index: 0, records: buildBatch({ records: [{ key: null, value: Buffer.from('after-restart') }] }) }, { index: 1, records: buildBatch({ records: [{ key: null, value: Buffer.from('after-restart-1') }] }) }] }] })
    await waitFor('the restarted member to consume', () => (second.lines.some((l) => l.endsWith('after-restart')) ? true : undefined))
    expect(generation()).toBe(gen)
    const duplicate = consumer(PY, ['-u', script, broker.bootstrap, group, 'static', 'instance-1'])
    const fenced = await waitFor('the older instance to be fenced', () => second.lines.find((l) => l.startsWith('ERROR') && /fenced/i.test(l)))
    expect(fenced).toMatch(/fenced/i)
    duplicate.proc.kill('SIGTERM')
    second.proc.kill('SIGKILL')
  }, 60_000)
})

describe.skipIf(!hasConfluent)('cooperative rebalancing with confluent-kafka-python', () => {
  it('incremental cooperative-sticky rebalances hand partitions over without losing messages', async () => {
    broker.broker.createTopic('coop', 4, 1, {})
    const script = path.join(here, 'python/confluent_consumer.py')
    const args = (n: string) => ['-u', script, broker.bootstrap, 'coop-group', 'coop', '-', 'cooperative-sticky']
    const a = consumer(PY, args('a'))
    await waitFor('the first member to own all partitions', () => {
      const g = broker.broker.groups.group('coop-group')
      return g?.state === 'Stable' && g.members.size === 1 && [...g.members.values()][0]!.assignment.length > 20 ? true : undefined
    })
    const b = consumer(PY, args('b'))
    // Cooperative protocol: the first member gives partitions up in one rebalance and the second
    // receives them in a follow-up one; the group ends Stable with both owning partitions.
    await waitFor('both members to own partitions', () => {
      const g = broker.broker.groups.group('coop-group')
      return g?.state === 'Stable' && g.members.size === 2 && [...g.members.values()].every((m) => m.assignment.length > 20) ? true : undefined
    })
    for (let p = 0; p < 4; p++) {
      await client.send(Produce, 7, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'coop', partitionData: [{ index: p, records: buildBatch({ records: Array.from({ length: 10 }, (_, i) => ({ key: null, value: Buffer.from(`c${p}-${i}`) })) }) }] }] })
    }
    await waitFor('40 messages', () => (a.lines.length + b.lines.length >= 40 ? true : undefined))
    const values = [...a.lines, ...b.lines].map((l) => l.split(' ')[2])
    expect(new Set(values).size).toBe(40)
    expect(a.lines.length).toBeGreaterThan(0)
    expect(b.lines.length).toBeGreaterThan(0)
    a.proc.kill('SIGTERM')
    b.proc.kill('SIGTERM')
  }, 60_000)
})

describe.skipIf(!hasKafkaPython)('kafka-python', () => {
  it('commits an offset with metadata and fetches it back', async () => {
    broker.broker.createTopic('kp', 1, 1, {})
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn(PY, [path.join(here, 'python/kafka_python_offsets.py'), broker.bootstrap, 'kp', 'kp-group'], { stdio: ['ignore', 'pipe', 'pipe'] })
      procs.push(p)
      let s = ''
      let e = ''
      p.stdout.on('data', (c: Buffer) => (s += c.toString()))
      p.stderr.on('data', (c: Buffer) => (e += c.toString()))
      p.on('close', (code) => (code === 0 ? resolve(s) : reject(new Error(`kafka-python exited ${code}: ${e}`))))
    })
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines[0]!.committed).toBe(7)
    expect(lines[1]!.polled).toBe(10)
    const fetched = await client.send(OffsetFetch, 5, { groupId: 'kp-group', topics: [{ name: 'kp', partitionIndexes: [0] }] })
    expect(fetched.topics[0]!.partitions[0]).toMatchObject({ committedOffset: 7n, metadata: 'kafka-python was here' })
  }, 60_000)
})
