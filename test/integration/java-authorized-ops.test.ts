// Kafka 4.4's Java Admin reads authorized operations as Kafka reports them: without an authorizer
// every operation of the resource type (8 for a topic, where Rivulet used to report none); with
// StandardAuthorizer only the principal's (WRITE and its implied DESCRIBE). Skipped without Java
// or the Kafka jars (compat/lib/kafka-libs.sh).
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { commitOffsets } from '../../src/groups/offsets.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { runProgram } from '../helpers/process.js'

function kafkaLibs(): string | null {
  if (spawnSync('java', ['-version']).status !== 0) return null
  const r = spawnSync('bash', [path.resolve(import.meta.dirname, '../../compat/lib/kafka-libs.sh')], { encoding: 'utf8', timeout: 300_000 })
  return r.status === 0 ? r.stdout.trim().split('\n').pop()! : null
}
const LIBS = kafkaLibs()
const SOURCE = path.resolve(import.meta.dirname, 'java/AuthorizedOps.java')
const started: TestBroker[] = []
afterAll(async () => {
  for (const b of started) await b.cleanup()
})

// The topic, and the group as a simple group with one committed offset.
function seed(b: TestBroker): void {
  b.broker.createTopic('ops-t', 1, 1, {})
  const offsets = [{ topic: 'ops-t', partition: 0, offset: 0, leaderEpoch: -1, metadata: '', commitTimestamp: -1 }]
  expect(commitOffsets(b.broker.groups, { groupId: 'ops-g', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, groupNotFoundError: 69, offsets })).toEqual([0])
}

async function authorizedOps(bootstrap: string, ...args: string[]): Promise<Record<string, string>> {
  const r = await runProgram('java', ['-cp', `${LIBS}/*`, SOURCE, bootstrap, 'ops-t', 'ops-g', ...args], { timeoutMs: 120_000 })
  expect(r.code, r.stderr).toBe(0)
  return Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split(': ') as [string, string]))
}

describe.skipIf(!LIBS)('Java Admin authorized operations', () => {
  it('without an authorizer: every operation, as Kafka', async () => {
    const b = await startTestBroker()
    started.push(b)
    seed(b)
    expect(await authorizedOps(b.bootstrap)).toEqual({
      topic: 'ALTER,ALTER_CONFIGS,CREATE,DELETE,DESCRIBE,DESCRIBE_CONFIGS,READ,WRITE',
      cluster: 'ALTER,ALTER_CONFIGS,CLUSTER_ACTION,CREATE,DESCRIBE,DESCRIBE_CONFIGS,IDEMPOTENT_WRITE',
      group: 'DELETE,DESCRIBE,DESCRIBE_CONFIGS,ALTER_CONFIGS,READ'.split(',').sort().join(','),
    })
  }, 180_000)

  it('with StandardAuthorizer: the principal\'s own', async () => {
    const b = await startTestBroker({
      users: { alice: 'alice-secret' },
      config: { listeners: 'SASL_PLAINTEXT://127.0.0.1:0', 'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer' },
    })
    started.push(b)
    seed(b)
    b.broker.authorizer!.create([
      { resourceType: 2, resourceName: 'ops-', patternType: 4, principal: 'User:alice', host: '*', operation: 4, permissionType: 3 },
      { resourceType: 4, resourceName: 'kafka-cluster', patternType: 3, principal: 'User:alice', host: '*', operation: 8, permissionType: 3 },
      { resourceType: 3, resourceName: 'ops-g', patternType: 3, principal: 'User:alice', host: '*', operation: 3, permissionType: 3 },
    ])
    expect(await authorizedOps(b.bootstrap, 'alice', 'alice-secret')).toEqual({ topic: 'DESCRIBE,WRITE', cluster: 'DESCRIBE', group: 'DESCRIBE,READ' })
  }, 180_000)
})
