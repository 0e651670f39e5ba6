// SCRAM users through AlterUserScramCredentials / DescribeUserScramCredentials (as kafka-configs
// --alter --add-config 'SCRAM-SHA-512=[password=...]' sends them), durable across restarts and
// usable by kafkajs at once; the ACL APIs without an authorizer; KIP-368 session expiry and
// re-authentication on a broker driven by a manual clock.
import { pbkdf2Sync, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { AlterUserScramCredentials } from '../../protocol/apis/alter-user-scram-credentials.js'
import { CreateAcls } from '../../protocol/apis/create-acls.js'
import { DeleteAcls } from '../../protocol/apis/delete-acls.js'
import { DescribeAcls } from '../../protocol/apis/describe-acls.js'
import { DescribeUserScramCredentials } from '../../protocol/apis/describe-user-scram-credentials.js'
import { Metadata } from '../../protocol/apis/metadata.js'
import { SaslAuthenticate } from '../../protocol/apis/sasl-authenticate.js'
import { SaslHandshake } from '../../protocol/apis/sasl-handshake.js'
import { ErrorCode } from '../../protocol/errors.js'
import { ManualClock } from '../../src/clock.js'
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'

const started: TestBroker[] = []
const dirs: string[] = []
afterAll(async () => {
  for (const b of started) await b.cleanup()
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

async function start(o: Parameters<typeof startTestBroker>[0]) {
  const b = await startTestBroker(o)
  started.push(b)
  return b
}

function upsertion(name: string, mechanism: 1 | 2, password: string, iterations = 4096) {
  const salt = randomBytes(16)
  const saltedPassword = pbkdf2Sync(password, salt, iterations, mechanism === 1 ? 32 : 64, mechanism === 1 ? 'sha256' : 'sha512')
  return { name, mechanism, iterations, salt, saltedPassword }
}

const sasl = (b: TestBroker) => b.listeners.find((l) => l.securityProtocol === 'SASL_PLAINTEXT')!.port

describe('SCRAM credentials', () => {
  it('are created, listed, used by kafkajs, deleted, and survive a restart stored salted', async () => {
    const dir = tempDir()
    dirs.push(dir)
    const config = { listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0' }
    const b1 = await startTestBroker({ disk: true, dataDir: dir, config })
    const admin = await TestClient.connect(b1.port)
    const alter = await admin.send(AlterUserScramCredentials, 0, { deletions: [], upsertions: [upsertion('carol', 2, 'carol-secret'), upsertion('dave', 1, 'dave-secret', 8192)] })
    expect(alter.results).toEqual([{ user: 'carol', errorCode: 0, errorMessage: null }, { user: 'dave', errorCode: 0, errorMessage: null }])
    const k = new Kafka({ brokers: [`127.0.0.1:${sasl(b1)}`], logLevel: logLevel.NOTHING, retry: { retries: 0 }, sasl: { mechanism: 'scram-sha-512', username: 'carol', password: 'carol-secret' } })
    const ka = k.admin()
    await ka.connect()
    expect((await ka.describeCluster()).brokers[0]!.port).toBe(sasl(b1))
    await ka.disconnect()
    await admin.close()
    await b1.stop()
    const file = fs.readFileSync(path.join(dir, 'scram-credentials.json'), 'utf8')
    expect(file).not.toContain('carol-secret')
    expect(file).toContain('storedKey')

    const b2 = await start({ disk: true, dataDir: dir, config })
    const c = await TestClient.connect(b2.port)
    const all = await c.send(DescribeUserScramCredentials, 0, { users: null })
    expect(all.results.sort((x, y) => x.user.localeCompare(y.user))).toEqual([
      { user: 'carol', errorCode: 0, errorMessage: null, credentialInfos: [{ mechanism: 2, iterations: 4096 }] },
      { user: 'dave', errorCode: 0, errorMessage: null, credentialInfos: [{ mechanism: 1, iterations: 8192 }] },
    ])
    const del = await c.send(AlterUserScramCredentials, 0, { deletions: [{ name: 'dave', mechanism: 1 }], upsertions: [] })
    expect(del.results).toEqual([{ user: 'dave', errorCode: 0, errorMessage: null }])
    const some = await c.send(DescribeUserScramCredentials, 0, { users: [{ name: 'dave' }, { name: 'carol' }, { name: 'carol' }] })
    expect(some.results).toEqual([
      { user: 'dave', errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: 'Attempt to describe a user credential that does not exist: dave', credentialInfos: [] },
      { user: 'carol', errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: 'Cannot describe SCRAM credentials for the same user twice in a single request: carol', credentialInfos: [] },
    ])
    await c.close()
  })

  it('refuses what Kafka\'s ScramControlManager refuses, per user', async () => {
    const b = await start({})
    const c = await TestClient.connect(b.port)
    const res = await c.send(AlterUserScramCredentials, 0, {
      deletions: [{ name: 'ghost', mechanism: 1 }, { name: 'twice', mechanism: 1 }],
      upsertions: [upsertion('few', 1, 'x', 1000), upsertion('many', 2, 'x', 20000), { ...upsertion('odd', 1, 'x'), mechanism: 3 as 1 }, upsertion('', 1, 'x'), upsertion('twice', 1, 'x')],
    })
    expect(res.results).toEqual([
      { user: 'ghost', errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: 'Attempt to delete a user credential that does not exist' },
      { user: 'twice', errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: 'Attempt to delete a user credential that does not exist' },
      { user: 'few', errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: 'Too few iterations' },
      { user: 'many', errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: 'Too many iterations' },
      { user: 'odd', errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, errorMessage: 'Unknown SCRAM mechanism' },
      { user: '', errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: 'Username must not be empty' },
    ])
    const dup = await c.send(AlterUserScramCredentials, 0, { deletions: [], upsertions: [upsertion('u', 1, 'a'), upsertion('u', 2, 'b')] })
    expect(dup.results).toEqual([{ user: 'u', errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: 'A user credential cannot be altered twice in the same request' }])
    expect((await c.send(DescribeUserScramCredentials, 0, { users: [] })).results).toEqual([])
    await c.close()
  })
})

describe('ACL APIs without an authorizer', () => {
  it.each([1, 2, 3])('v%i answers SECURITY_DISABLED as Kafka\'s AclApis', async (v) => {
    const b = started[0] ?? (await start({}))
    const c = await TestClient.connect(b.port)
    const d = await c.send(DescribeAcls, v, { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 })
    expect([d.errorCode, d.errorMessage, d.resources]).toEqual([ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured on the broker', []])
    const acl = { resourceType: 2, resourceName: 't', resourcePatternType: 3, principal: 'User:a', host: '*', operation: 3, permissionType: 3 }
    const cr = await c.send(CreateAcls, v, { creations: [acl, acl] })
    expect(cr.results).toEqual([{ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.' }, { errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.' }])
    const del = await c.send(DeleteAcls, v, { filters: [{ resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 }] })
    expect(del.filterResults).toEqual([{ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.', matchingAcls: [] }])
    await c.close()
  })

  it('kafkajs describeAcls reports SECURITY_DISABLED', async () => {
    const b = started[0] ?? (await start({}))
    const admin = new Kafka({ brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin()
    await admin.connect()
    await expect(admin.describeAcls({ resourceType: 2, resourcePatternType: 1, operation: 1, permissionType: 1 } as never)).rejects.toMatchObject({ type: 'SECURITY_DISABLED' })
    await admin.disconnect()
  })
})

describe('KIP-368 session lifetime', () => {
  it('is sent in SaslAuthenticate v1+; past it requests close the connection unless the client re-authenticates', async () => {
    const clock = new ManualClock()
    const b = await start({ clock, users: { alice: 'alice-secret' }, config: { listeners: 'SASL_PLAINTEXT://127.0.0.1:0', 'connections.max.reauth.ms': 10_000 } })
    const auth = async (c: TestClient, version: number) => {
      expect((await c.send(SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(0)
      return c.send(SaslAuthenticate, version, { authBytes: Buffer.from('\u0000alice\u0000alice-secret') })
    }
    const lazy = await TestClient.connect(b.port)
    const eager = await TestClient.connect(b.port)
    expect((await auth(lazy, 1)).sessionLifetimeMs).toBe(10_000n)
    expect((await auth(eager, 2)).sessionLifetimeMs).toBe(10_000n)
    clock.advance(9_000)
    expect((await auth(eager, 2)).errorCode).toBe(0) // re-authenticated: a new 10 s from now
    clock.advance(1_000)
    expect((await eager.send(Metadata, 12, { topics: null })).brokers).toHaveLength(1)
    await expect(lazy.send(Metadata, 12, { topics: null })).rejects.toThrow('connection closed')
    await eager.close()
  })
})
