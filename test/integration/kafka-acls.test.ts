// Kafka 4.4's kafka-acls tool (org.apache.kafka.tools.AclCommand) against the StandardAuthorizer:
// --add, --list (all, and --resource-pattern-type match) and --remove --force, as an operator runs
// them. The tool's principal is the PLAINTEXT listener's User:ANONYMOUS, made a super user.
// Skipped without Java or the Kafka jars (compat/lib/kafka-libs.sh).
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
  b = await startTestBroker({ config: { 'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'super.users': 'User:ANONYMOUS' } })
})
afterAll(async () => {
  await b?.cleanup()
})

// The broker runs in this process: the tool must run asynchronously so the broker can answer it.
async function acls(...args: string[]): Promise<string> {
  const r = await runProgram('java', ['-cp', `${LIBS}/*`, 'org.apache.kafka.tools.AclCommand', '--bootstrap-server', b.bootstrap, ...args], { timeoutMs: 90_000 })
  expect(r.code, r.stderr).toBe(0)
  return r.stdout
}

describe.skipIf(!LIBS)('kafka-acls', () => {
  it('adds, lists (all and matching a topic) and removes ACLs', async () => {
    await acls('--add', '--allow-principal', 'User:alice', '--operation', 'Write', '--operation', 'Read', '--topic', 'orders-', '--resource-pattern-type', 'prefixed')
    await acls('--add', '--deny-principal', 'User:bob', '--deny-host', '10.0.0.1', '--operation', 'All', '--group', 'g1')
    const all = await acls('--list')
    expect(all).toContain("Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders-, patternType=PREFIXED)`:")
    expect(all).toContain('(principal=User:alice, host=*, operation=WRITE, permissionType=ALLOW)')
    expect(all).toContain('(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)')
    expect(all).toContain('(principal=User:bob, host=10.0.0.1, operation=ALL, permissionType=DENY)')
    const match = await acls('--list', '--topic', 'orders-eu', '--resource-pattern-type', 'match')
    expect(match).toContain('name=orders-, patternType=PREFIXED')
    expect(match).not.toContain('resourceType=GROUP')
    await acls('--remove', '--allow-principal', 'User:alice', '--operation', 'Write', '--topic', 'orders-', '--resource-pattern-type', 'prefixed', '--force')
    const after = await acls('--list', '--principal', 'User:alice')
    expect(after).toContain('operation=READ')
    expect(after).not.toContain('operation=WRITE')
  }, 240_000)
})
