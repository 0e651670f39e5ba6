// The authorizer through the built CLI: an authorizer class Rivulet does not implement stops the
// start with one clear line; StandardAuthorizer starts with super.users and
// allow.everyone.if.no.acl.found taken as its own settings (no unknown-key warning), and the ACLs
// created through CreateAcls survive a restart of the process.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { CreateAcls } from '../../protocol/apis/create-acls.js'
import { DescribeAcls } from '../../protocol/apis/describe-acls.js'
import { tempDir } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { CLI, startChildBroker } from '../helpers/process.js'

const STANDARD = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer'
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [CLI, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, stdout, stderr })))
}

describe('rivulet with authorizer.class.name', () => {
  it.each([
    ['com.example.MyAuthorizer', 'rivulet: authorizer.class.name=com.example.MyAuthorizer is not supported: Rivulet implements org.apache.kafka.metadata.authorizer.StandardAuthorizer only\n'],
    ['kafka.security.authorizer.AclAuthorizer', 'rivulet: authorizer.class.name=kafka.security.authorizer.AclAuthorizer is not supported (AclAuthorizer needs ZooKeeper, which Kafka 4 removed): Rivulet implements org.apache.kafka.metadata.authorizer.StandardAuthorizer only\n'],
  ])('refuses %s before listening', async (name, message) => {
    const r = await runCli(['--memory', '--override', `authorizer.class.name=${name}`])
    expect(r.code).not.toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(message)
  })

  it('runs StandardAuthorizer with its own settings and keeps ACLs across a restart', async () => {
    const dir = tempDir()
    dirs.push(dir)
    const args = ['--data-dir', dir, '--log-level', 'info', '--override', `authorizer.class.name=${STANDARD}`, '--override', 'super.users=User:ANONYMOUS', '--override', 'allow.everyone.if.no.acl.found=false']
    const first = await startChildBroker(args)
    try {
      const c = await TestClient.connect(first.port)
      const created = await c.send(CreateAcls, 3, { creations: [{ resourceType: 2, resourceName: 'orders', resourcePatternType: 3, principal: 'User:alice', host: '*', operation: 3, permissionType: 3 }] })
      expect(created.results).toEqual([{ errorCode: 0, errorMessage: null }])
      await c.close()
      expect(first.output()).not.toContain('unknown config key')
    } finally {
      await first.kill()
    }
    const second = await startChildBroker(args)
    try {
      const c = await TestClient.connect(second.port)
      const described = await c.send(DescribeAcls, 3, { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 })
      expect(described.resources).toEqual([{ resourceType: 2, resourceName: 'orders', patternType: 3, acls: [{ principal: 'User:alice', host: '*', operation: 3, permissionType: 3 }] }])
      await c.close()
    } finally {
      await second.kill()
    }
  })
})
