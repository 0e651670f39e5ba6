// DescribeClientQuotas / AlterClientQuotas over the wire, as Kafka 4.4's controller answers them
// (ClientQuotaControlManager's validation messages, ClientQuotasImage.describe's filter rules),
// durability of client-quotas.json, and authorization with the StandardAuthorizer.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AlterClientQuotas } from '../../protocol/apis/alter-client-quotas.js'
import { DescribeClientQuotas } from '../../protocol/apis/describe-client-quotas.js'
import { ErrorCode } from '../../protocol/errors.js'
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

type Entity = { entityType: string; entityName: string | null }[]
type Op = { key: string; value?: number; remove?: boolean }

let b: TestBroker
let client: TestClient

beforeAll(async () => {
  b = await startTestBroker()
  client = await TestClient.connect(b.port)
})
afterAll(async () => {
  await client.close()
  await b.cleanup()
})

async function alter(entries: { entity: Entity; ops: Op[] }[], validateOnly = false, version = 1, c = client) {
  const res = await c.send(AlterClientQuotas, version, { entries: entries.map((e) => ({ entity: e.entity, ops: e.ops.map((o) => ({ key: o.key, value: o.value ?? 0, remove: o.remove ?? false })) })), validateOnly })
  return res.entries.map((e) => ({ errorCode: e.errorCode, errorMessage: e.errorMessage, entity: e.entity }))
}

async function describeQuotas(components: { entityType: string; matchType: number; match?: string | null }[], strict = false, version = 1, c = client) {
  return c.send(DescribeClientQuotas, version, { components: components.map((x) => ({ ...x, match: x.match ?? null })), strict })
}

const user = (name: string | null): Entity => [{ entityType: 'user', entityName: name }]
const clientId = (name: string | null): Entity => [{ entityType: 'client-id', entityName: name }]
const invalid = (message: string) => ({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: message })

describe('AlterClientQuotas', () => {
  it.each([0, 1])('v%i sets, changes and removes values, described back', async (v) => {
    const name = `alice-v${v}`
    expect(await alter([{ entity: user(name), ops: [{ key: 'producer_byte_rate', value: 1048576 }, { key: 'request_percentage', value: 12.5 }] }], false, v)).toEqual([{ errorCode: 0, errorMessage: null, entity: user(name) }])
    let d = await describeQuotas([{ entityType: 'user', matchType: 0, match: name }], true, v)
    expect(d.errorCode).toBe(0)
    expect(d.entries).toEqual([{ entity: user(name), values: [{ key: 'producer_byte_rate', value: 1048576 }, { key: 'request_percentage', value: 12.5 }] }])
    await alter([{ entity: user(name), ops: [{ key: 'producer_byte_rate', remove: true }, { key: 'request_percentage', value: 50 }] }], false, v)
    d = await describeQuotas([{ entityType: 'user', matchType: 0, match: name }], true, v)
    expect(d.entries).toEqual([{ entity: user(name), values: [{ key: 'request_percentage', value: 50 }] }])
    // Removing the last key removes the entity; removing an absent key is no error.
    expect((await alter([{ entity: user(name), ops: [{ key: 'request_percentage', remove: true }, { key: 'consumer_byte_rate', remove: true }] }], false, v))[0]!.errorCode).toBe(0)
    expect((await describeQuotas([{ entityType: 'user', matchType: 0, match: name }], true, v)).entries).toEqual([])
  })

  it('validateOnly checks and changes nothing', async () => {
    expect(await alter([{ entity: clientId('vo'), ops: [{ key: 'consumer_byte_rate', value: 100 }] }], true)).toEqual([{ errorCode: 0, errorMessage: null, entity: clientId('vo') }])
    expect(await alter([{ entity: clientId('vo'), ops: [{ key: 'nope', value: 1 }] }], true)).toEqual([{ ...invalid('Invalid configuration key nope'), entity: clientId('vo') }])
    expect((await describeQuotas([{ entityType: 'client-id', matchType: 0, match: 'vo' }])).entries).toEqual([])
  })

  it('refuses what Kafka refuses, with its messages, entity by entity', async () => {
    const results = await alter([
      { entity: clientId('ok'), ops: [{ key: 'producer_byte_rate', value: 10 }] },
      { entity: clientId('unknown-key'), ops: [{ key: 'producer_byte_rate_typo', value: 10 }] },
      { entity: clientId('zero'), ops: [{ key: 'consumer_byte_rate', value: 0 }] },
      { entity: clientId('fraction'), ops: [{ key: 'producer_byte_rate', value: 1.5 }] },
      { entity: clientId('fraction-double'), ops: [{ key: 'controller_mutation_rate', value: 1.5 }] },
      { entity: [], ops: [{ key: 'producer_byte_rate', value: 1 }] },
      { entity: [{ entityType: 'group', entityName: 'g' }], ops: [{ key: 'producer_byte_rate', value: 1 }] },
      { entity: user(''), ops: [{ key: 'producer_byte_rate', value: 1 }] },
      { entity: [{ entityType: 'ip', entityName: '10.0.0.1' }, { entityType: 'user', entityName: 'u' }], ops: [{ key: 'connection_creation_rate', value: 1 }] },
      { entity: [{ entityType: 'ip', entityName: 'not an ip' }], ops: [{ key: 'connection_creation_rate', value: 1 }] },
      { entity: [{ entityType: 'ip', entityName: '10.0.0.1' }], ops: [{ key: 'producer_byte_rate', value: 1 }] },
      { entity: clientId('dup-key'), ops: [{ key: 'producer_byte_rate', value: 1 }, { key: 'producer_byte_rate', value: 2 }] },
    ])
    expect(results.map(({ errorCode, errorMessage }) => ({ errorCode, errorMessage }))).toEqual([
      { errorCode: 0, errorMessage: null },
      invalid('Invalid configuration key producer_byte_rate_typo'),
      invalid('Quota consumer_byte_rate must be greater than 0'),
      invalid('producer_byte_rate cannot be a fractional value.'),
      { errorCode: 0, errorMessage: null },
      invalid('Invalid empty client quota entity'),
      invalid('Unhandled client quota entity type: group'),
      invalid('Empty user not supported'),
      invalid('Invalid quota entity combination, IP entity shouldnot be combined with User or ClientId'),
      invalid('not an ip is not a valid IP or resolvable host.'),
      invalid('Invalid configuration key producer_byte_rate'),
      invalid('Ignoring duplicate entity ClientQuotaEntity(entries={client-id=dup-key})'),
    ])
    expect((await describeQuotas([{ entityType: 'client-id', matchType: 0, match: 'fraction' }])).entries).toEqual([])
    expect((await describeQuotas([{ entityType: 'client-id', matchType: 0, match: 'fraction-double' }])).entries).toHaveLength(1)
    // An entity named twice: the second answer wins, as in Kafka's result map.
    const twice = await alter([{ entity: clientId('twice'), ops: [{ key: 'producer_byte_rate', value: 5 }] }, { entity: clientId('twice'), ops: [{ key: 'producer_byte_rate', value: 6 }] }])
    expect(twice).toEqual([{ ...invalid('Ignoring duplicate entity ClientQuotaEntity(entries={client-id=twice})'), entity: clientId('twice') }])
  })
})

describe('DescribeClientQuotas', () => {
  beforeAll(async () => {
    const set = (entity: Entity, value: number) => ({ entity, ops: [{ key: 'consumer_byte_rate', value }] })
    const both = (u: string | null, c: string | null): Entity => [{ entityType: 'user', entityName: u }, { entityType: 'client-id', entityName: c }]
    const r = await alter([set(user('dq-u'), 1), set(user(null), 2), set(both('dq-u', 'dq-c'), 3), set(both('dq-u', null), 4), set(clientId('dq-c'), 5)])
    expect(r.every((x) => x.errorCode === 0)).toBe(true)
  })

  const values = (d: Awaited<ReturnType<typeof describeQuotas>>) => (d.entries ?? []).map((e) => e.values.find((v) => v.key === 'consumer_byte_rate')?.value).filter((v) => v !== undefined && v < 10).sort()

  it('matches exact names, defaults and any name, strict or not', async () => {
    expect(values(await describeQuotas([{ entityType: 'user', matchType: 0, match: 'dq-u' }], true))).toEqual([1])
    expect(values(await describeQuotas([{ entityType: 'user', matchType: 0, match: 'dq-u' }], false))).toEqual([1, 3, 4])
    expect(values(await describeQuotas([{ entityType: 'user', matchType: 1 }], true))).toEqual([2])
    expect(values(await describeQuotas([{ entityType: 'client-id', matchType: 2 }], false))).toEqual([3, 4, 5])
    expect(values(await describeQuotas([{ entityType: 'user', matchType: 0, match: 'dq-u' }, { entityType: 'client-id', matchType: 1 }], true))).toEqual([4])
    expect(values(await describeQuotas([], false))).toEqual([1, 2, 3, 4, 5])
    expect(values(await describeQuotas([], true))).toEqual([])
    const d = await describeQuotas([{ entityType: 'user', matchType: 0, match: 'dq-u' }, { entityType: 'client-id', matchType: 0, match: 'dq-c' }], true, 0)
    // Kafka lists an entity's types in its HashMap order: client-id before user.
    expect(d.entries![0]!.entity).toEqual([{ entityType: 'client-id', entityName: 'dq-c' }, { entityType: 'user', entityName: 'dq-u' }])
  })

  it.each([
    [[{ entityType: '', matchType: 0, match: 'x' }], ErrorCode.INVALID_REQUEST, 'Invalid empty entity type.'],
    [[{ entityType: 'user', matchType: 2 }, { entityType: 'user', matchType: 0, match: 'x' }], ErrorCode.INVALID_REQUEST, 'Entity type user cannot appear more than once in the filter.'],
    [[{ entityType: 'group', matchType: 2 }], ErrorCode.UNSUPPORTED_VERSION, 'Unsupported entity type group'],
    [[{ entityType: 'user', matchType: 0 }], ErrorCode.INVALID_REQUEST, 'Request specified MATCH_TYPE_EXACT, but set match string to null.'],
    [[{ entityType: 'user', matchType: 1, match: 'x' }], ErrorCode.INVALID_REQUEST, 'Request specified MATCH_TYPE_DEFAULT, but also specified a match string.'],
    [[{ entityType: 'user', matchType: 2, match: 'x' }], ErrorCode.INVALID_REQUEST, 'Request specified MATCH_TYPE_SPECIFIED, but also specified a match string.'],
    [[{ entityType: 'user', matchType: 7 }], ErrorCode.INVALID_REQUEST, 'Unknown match type 7'],
    [[{ entityType: 'ip', matchType: 2 }, { entityType: 'client-id', matchType: 2 }], ErrorCode.INVALID_REQUEST, 'Invalid entity filter component combination. IP filter component should not be used with user or clientId filter component.'],
  ])('refuses the filter %j', async (components, errorCode, errorMessage) => {
    const d = await describeQuotas(components)
    expect({ errorCode: d.errorCode, errorMessage: d.errorMessage, entries: d.entries }).toEqual({ errorCode, errorMessage, entries: null })
  })
})

describe('client quota durability and authorization', () => {
  it('keeps quotas in client-quotas.json across restarts', async () => {
    const dir = tempDir('rivulet-quotas-')
    try {
      let disk = await startTestBroker({ disk: true, dataDir: dir })
      let c = await TestClient.connect(disk.port)
      await alter([{ entity: user(null), ops: [{ key: 'request_percentage', value: Infinity }, { key: 'producer_byte_rate', value: 2048 }] }], false, 1, c)
      await c.close()
      await disk.cleanup()
      expect(fs.existsSync(path.join(dir, 'client-quotas.json'))).toBe(true)
      disk = await startTestBroker({ disk: true, dataDir: dir })
      c = await TestClient.connect(disk.port)
      const d = await describeQuotas([{ entityType: 'user', matchType: 1 }], true, 1, c)
      expect(d.entries).toEqual([{ entity: user(null), values: [{ key: 'request_percentage', value: Infinity }, { key: 'producer_byte_rate', value: 2048 }] }])
      expect(disk.broker.quotas.produce.enabled).toBe(true)
      await c.close()
      await disk.cleanup()
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('needs DESCRIBE_CONFIGS / ALTER_CONFIGS on the cluster with an authorizer', async () => {
    const secured = await startTestBroker({ config: { 'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer' } })
    const c = await TestClient.connect(secured.port)
    try {
      const d = await describeQuotas([], false, 1, c)
      expect({ errorCode: d.errorCode, errorMessage: d.errorMessage, entries: d.entries }).toEqual({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.', entries: null })
      expect(await alter([{ entity: user('x'), ops: [{ key: 'producer_byte_rate', value: 1 }] }], false, 1, c)).toEqual([{ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.', entity: user('x') }])
      expect(secured.broker.quotas.store.has(new Map([['user', 'x']]))).toBe(false)
      // ALTER_CONFIGS implies DESCRIBE_CONFIGS (StandardAuthorizer).
      secured.broker.authorizer!.create([{ resourceType: 4, resourceName: 'kafka-cluster', patternType: 3, principal: 'User:ANONYMOUS', host: '*', operation: 11, permissionType: 3 }])
      expect((await alter([{ entity: user('x'), ops: [{ key: 'producer_byte_rate', value: 1 }] }], false, 1, c))[0]!.errorCode).toBe(0)
      expect((await describeQuotas([], false, 1, c)).entries).toHaveLength(1)
    } finally {
      await c.close()
      await secured.cleanup()
    }
  })
})
