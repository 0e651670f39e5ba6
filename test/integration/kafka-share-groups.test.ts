// Kafka 4.4's kafka-share-groups tool (ShareGroupCommand) on Rivulet: --list, --describe (start
// offsets and lag from DescribeShareGroupOffsets), --members and --state (ShareGroupDescribe),
// --delete (DeleteGroups). Skipped without Java or the Kafka jars (compat/lib/kafka-libs.sh).
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildBatch } from '../../protocol/records/index.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { runProgram } from '../helpers/process.js'

function kafkaLibs(): string | null {
  if (spawnSync('java', ['-version']).status !== 0) return null
  const r = spawnSync('bash', [path.resolve(import.meta.dirname, '../../compat/lib/kafka-libs.sh')], { encoding: 'utf8', timeout: 300_000 })
  return r.status === 0 ? r.stdout.trim().split('\n').pop()! : null
}
const LIBS = kafkaLibs()

let b: TestBroker
beforeAll(async () => {
  if (!LIBS) return
  b = await startTestBroker()
  const t = b.broker.createTopic('jobs', 2, 1, {})
  b.broker.partition('jobs', 0)!.append(buildBatch({ records: ['a', 'b', 'c'].map((value) => ({ key: null, value })) }), { nowMs: Date.now() })
  b.broker.cluster.groupConfigs.set('q', { 'share.auto.offset.reset': 'earliest' })
  const r = b.broker.shareGroups.coordinator.heartbeat({ groupId: 'q', memberId: 'member-1', memberEpoch: 0, rackId: null, subscribedTopicNames: ['jobs'], clientId: 'worker', clientHost: '/127.0.0.1' })
  expect(r.assignment).toEqual([{ topicId: t.id, partitions: [0, 1] }])
})
afterAll(async () => {
  await b?.cleanup()
})

async function tool(...args: string[]): Promise<string[]> {
  const r = await runProgram('java', ['-cp', `${LIBS}/*`, 'org.apache.kafka.tools.consumer.group.ShareGroupCommand', '--bootstrap-server', b.bootstrap, ...args], { timeoutMs: 90_000 })
  expect(r.code, r.stderr + r.stdout).toBe(0)
  return r.stdout.split('\n').map((l) => l.trim().split(/\s+/).join(' ')).filter((l) => l !== '')
}

describe.skipIf(!LIBS)('kafka-share-groups', () => {
  it('lists and describes a share group, its members and state, then deletes it', async () => {
    expect(await tool('--list')).toEqual(['q'])
    expect(await tool('--describe', '--group', 'q')).toEqual(['GROUP TOPIC PARTITION START-OFFSET LAG', 'q jobs 0 0 3', 'q jobs 1 0 0'])
    expect(await tool('--describe', '--group', 'q', '--members')).toEqual(['GROUP CONSUMER-ID HOST CLIENT-ID #PARTITIONS ASSIGNMENT', 'q member-1 /127.0.0.1 worker 2 jobs:0,1'])
    const state = await tool('--describe', '--group', 'q', '--state')
    expect(state[1]).toMatch(/^q 127\.0\.0\.1:\d+ \(\d+\) Stable 1$/)
    b.broker.shareGroups.coordinator.heartbeat({ groupId: 'q', memberId: 'member-1', memberEpoch: -1, rackId: null, subscribedTopicNames: null, clientId: 'worker', clientHost: '/127.0.0.1' })
    expect((await tool('--delete', '--group', 'q')).join('\n')).toContain("Deletion of requested share groups ('q') was successful.")
    expect(await tool('--list')).toEqual([])
  }, 120_000)
})
