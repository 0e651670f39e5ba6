// Kafka's own command-line tools (4.4.0 jars from Maven Central) against an in-process cluster:
// kafka-topics --describe (Leader, Replicas, Isr), kafka-leader-election (preferred) and
// kafka-reassign-partitions --execute / --verify. Skipped without Java and Maven.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCluster, type RunningCluster } from '../../src/index.js'
import { scratchDirs } from '../helpers/broker.js'
import { runProgram } from '../helpers/process.js'

function kafkaLibs(): string | null {
  if (spawnSync('java', ['-version']).status !== 0) return null
  const r = spawnSync('bash', [path.resolve(import.meta.dirname, '../../compat/lib/kafka-libs.sh')], { encoding: 'utf8', timeout: 300_000 })
  return r.status === 0 ? r.stdout.trim().split('\n').pop()! : null
}

const LIBS = kafkaLibs()
const scratch = scratchDirs('rivulet-cluster-tools-')
let cluster: RunningCluster

async function tool(main: string, args: string[]): Promise<string> {
  const r = await runProgram('java', ['-cp', `${LIBS}/*`, main, '--bootstrap-server', cluster.bootstrap, ...args], { timeoutMs: 60_000 })
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0)
  return r.stdout
}

// "Topic: t  Partition: 0  Leader: 2  Replicas: 2,3,1  Isr: 2,3,1 ..." ─▶ [leader, replicas, isr]
async function describeTopic(topic: string): Promise<[number, string, string][]> {
  const out = await tool('org.apache.kafka.tools.TopicCommand', ['--describe', '--topic', topic])
  return [...out.matchAll(/Partition: (\d+)\s+Leader: (-?\d+|none)\s+Replicas: (\S+)\s+Isr: (\S+)/g)].map((m) => [Number(m[2]), m[3]!, m[4]!])
}

describe.skipIf(LIBS === null)('Kafka tools against a 3-broker cluster', () => {
  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3 })
  })
  afterAll(async () => {
    await cluster?.stop()
  })

  it('kafka-topics --describe shows leaders, replicas and ISR; kafka-leader-election restores the preferred leader', async () => {
    await tool('org.apache.kafka.tools.TopicCommand', ['--create', '--topic', 'elect', '--partitions', '3', '--replication-factor', '3'])
    const before = await describeTopic('elect')
    expect(before).toHaveLength(3)
    for (const [leader, replicas, isr] of before) {
      expect(String(leader)).toBe(replicas.split(',')[0])
      expect(isr.split(',').sort()).toEqual(replicas.split(',').sort())
    }
    const preferred = before[0]![0]
    const other = Number(before[0]![1].split(',')[1])
    cluster.moveLeader('elect', 0, other)
    expect((await describeTopic('elect'))[0]![0]).toBe(other)
    const out = await tool('org.apache.kafka.tools.LeaderElectionCommand', ['--election-type', 'preferred', '--all-topic-partitions'])
    expect(out).toContain('Successfully completed leader election (PREFERRED) for partitions elect-0')
    expect((await describeTopic('elect'))[0]![0]).toBe(preferred)
    const again = await tool('org.apache.kafka.tools.LeaderElectionCommand', ['--election-type', 'preferred', '--topic', 'elect', '--partition', '0'])
    expect(again).toContain('Valid replica already elected for partitions elect-0')
  }, 180_000)

  it('kafka-reassign-partitions --execute moves replicas and --verify reports the reassignment complete', async () => {
    await tool('org.apache.kafka.tools.TopicCommand', ['--create', '--topic', 'moves', '--partitions', '1', '--replication-factor', '2'])
    const [[leader, replicas]] = await describeTopic('moves') as [[number, string, string]]
    const target = [1, 2, 3].filter((id) => !replicas.split(',').map(Number).includes(id)).concat([Number(replicas.split(',')[1])])
    const file = path.join(scratch(), 'reassign.json')
    fs.writeFileSync(file, JSON.stringify({ version: 1, partitions: [{ topic: 'moves', partition: 0, replicas: target, log_dirs: target.map(() => 'any') }] }))
    const executed = await tool('org.apache.kafka.tools.reassign.ReassignPartitionsCommand', ['--execute', '--reassignment-json-file', file])
    expect(executed).toContain('Successfully started partition reassignment for moves-0')
    const verified = await tool('org.apache.kafka.tools.reassign.ReassignPartitionsCommand', ['--verify', '--reassignment-json-file', file])
    expect(verified).toContain('Reassignment of partition moves-0 is completed.')
    const [[newLeader, newReplicas, isr]] = await describeTopic('moves') as [[number, string, string]]
    expect(newReplicas).toBe(target.join(','))
    expect(isr.split(',').sort()).toEqual(target.map(String).sort())
    expect(target).toContain(newLeader)
    expect(newLeader).not.toBe(leader)
  }, 180_000)
})
