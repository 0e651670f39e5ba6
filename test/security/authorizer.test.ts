// StandardAuthorizer semantics, each row as Kafka's StandardAuthorizerTest and
// StandardAuthorizerData.findResult decide it.
import { describe, expect, it } from 'vitest'
import { AclOperation as Op, AclPermissionType as Perm, type AclBinding, type AclBindingFilter, PatternType as Pat, ResourceType as Res } from '../../src/security/authorizer/acl.js'
import { newAuthorizer, AuthorizerConfigError } from '../../src/security/authorizer/config.js'
import { StandardAuthorizer, parseSuperUsers } from '../../src/security/authorizer/standard-authorizer.js'

const ALICE = { principal: 'User:alice', host: '10.0.0.1' }
const BOB = { principal: 'User:bob', host: '10.0.0.2' }

function acl(o: Partial<AclBinding>): AclBinding {
  return { resourceType: Res.TOPIC, resourceName: 'orders', patternType: Pat.LITERAL, principal: 'User:alice', host: '*', operation: Op.READ, permissionType: Perm.ALLOW, ...o }
}

function authorizer(acls: AclBinding[], config: Partial<{ superUsers: string; allowEveryoneIfNoAclFound: boolean }> = {}): StandardAuthorizer {
  const a = new StandardAuthorizer({ superUsers: '', allowEveryoneIfNoAclFound: false, ...config })
  expect(a.create(acls).every((r) => r.error === null)).toBe(true)
  return a
}

const ANY_FILTER: AclBindingFilter = { resourceType: Res.ANY, resourceName: null, patternType: Pat.ANY, principal: null, host: null, operation: Op.ANY, permissionType: Perm.ANY }

describe('StandardAuthorizer.authorize', () => {
  it('denies by default and allows with allow.everyone.if.no.acl.found only where no ACL names the resource', () => {
    expect(authorizer([]).authorize(ALICE, Op.READ, Res.TOPIC, 'orders')).toBe(false)
    const open = authorizer([acl({ principal: 'User:bob' })], { allowEveryoneIfNoAclFound: true })
    expect(open.authorize(ALICE, Op.READ, Res.TOPIC, 'other')).toBe(true)
    // An ACL for bob exists on "orders": alice gets the DENY rule, not the no-ACL default.
    expect(open.authorize(ALICE, Op.READ, Res.TOPIC, 'orders')).toBe(false)
  })

  it('matches literal, prefixed and the literal wildcard, never a literal prefix', () => {
    const a = authorizer([acl({ resourceName: 'pay-', patternType: Pat.PREFIXED }), acl({ resourceName: 'ord', operation: Op.WRITE }), acl({ resourceName: '*', operation: Op.DELETE })])
    expect(a.authorize(ALICE, Op.READ, Res.TOPIC, 'pay-eu')).toBe(true)
    expect(a.authorize(ALICE, Op.READ, Res.TOPIC, 'pay')).toBe(false)
    expect(a.authorize(ALICE, Op.WRITE, Res.TOPIC, 'orders')).toBe(false)
    expect(a.authorize(ALICE, Op.WRITE, Res.TOPIC, 'ord')).toBe(true)
    expect(a.authorize(ALICE, Op.DELETE, Res.TOPIC, 'anything')).toBe(true)
    expect(a.authorize(ALICE, Op.DELETE, Res.GROUP, 'anything')).toBe(false)
  })

  it('lets a DENY win over any ALLOW, including ALL and wildcard ones', () => {
    const a = authorizer([acl({ resourceName: '*', operation: Op.ALL }), acl({ resourceName: 'secret', patternType: Pat.PREFIXED, permissionType: Perm.DENY })])
    expect(a.authorize(ALICE, Op.READ, Res.TOPIC, 'public')).toBe(true)
    expect(a.authorize(ALICE, Op.READ, Res.TOPIC, 'secret-1')).toBe(false)
    // The DENY names READ only: other operations on secret-1 are still allowed by ALL.
    expect(a.authorize(ALICE, Op.WRITE, Res.TOPIC, 'secret-1')).toBe(true)
  })

  it('implies DESCRIBE from READ/WRITE/DELETE/ALTER and DESCRIBE_CONFIGS from ALTER_CONFIGS, for ALLOW only', () => {
    for (const op of [Op.READ, Op.WRITE, Op.DELETE, Op.ALTER]) expect(authorizer([acl({ operation: op })]).authorize(ALICE, Op.DESCRIBE, Res.TOPIC, 'orders')).toBe(true)
    expect(authorizer([acl({ operation: Op.CREATE })]).authorize(ALICE, Op.DESCRIBE, Res.TOPIC, 'orders')).toBe(false)
    expect(authorizer([acl({ operation: Op.ALTER_CONFIGS })]).authorize(ALICE, Op.DESCRIBE_CONFIGS, Res.TOPIC, 'orders')).toBe(true)
    expect(authorizer([acl({ operation: Op.DESCRIBE })]).authorize(ALICE, Op.READ, Res.TOPIC, 'orders')).toBe(false)
    // A DENY of READ does not deny DESCRIBE.
    const a = authorizer([acl({ operation: Op.DESCRIBE }), acl({ operation: Op.READ, permissionType: Perm.DENY })])
    expect(a.authorize(ALICE, Op.DESCRIBE, Res.TOPIC, 'orders')).toBe(true)
    expect(a.authorize(ALICE, Op.READ, Res.TOPIC, 'orders')).toBe(false)
  })

  it('matches the wildcard principal and hosts', () => {
    const a = authorizer([acl({ principal: 'User:*', host: '10.0.0.1' })])
    expect(a.authorize(ALICE, Op.READ, Res.TOPIC, 'orders')).toBe(true)
    expect(a.authorize({ principal: 'User:carol', host: '10.0.0.1' }, Op.READ, Res.TOPIC, 'orders')).toBe(true)
    expect(a.authorize(BOB, Op.READ, Res.TOPIC, 'orders')).toBe(false)
  })

  it('allows super.users everything, even against a DENY', () => {
    expect(parseSuperUsers(' User:admin ; User:ops;;')).toEqual(new Set(['User:admin', 'User:ops']))
    const a = authorizer([acl({ principal: 'User:*', operation: Op.ALL, permissionType: Perm.DENY })], { superUsers: 'User:admin;User:bob' })
    expect(a.authorize(BOB, Op.ALTER, Res.CLUSTER, 'kafka-cluster')).toBe(true)
    expect(a.authorize(ALICE, Op.READ, Res.TOPIC, 'orders')).toBe(false)
  })

  it('authorizeByResourceType: an ALLOW somewhere not dominated by a DENY', () => {
    expect(authorizer([acl({ operation: Op.WRITE, resourceName: 'x' })]).authorizeByResourceType(ALICE, Op.WRITE, Res.TOPIC)).toBe(true)
    expect(authorizer([acl({ operation: Op.WRITE, resourceName: 'x' }), acl({ operation: Op.WRITE, resourceName: 'x', permissionType: Perm.DENY })]).authorizeByResourceType(ALICE, Op.WRITE, Res.TOPIC)).toBe(false)
    expect(authorizer([acl({ operation: Op.WRITE, resourceName: 'xy' }), acl({ operation: Op.WRITE, resourceName: 'x', patternType: Pat.PREFIXED, permissionType: Perm.DENY })]).authorizeByResourceType(ALICE, Op.WRITE, Res.TOPIC)).toBe(false)
    expect(authorizer([acl({ operation: Op.READ })]).authorizeByResourceType(ALICE, Op.WRITE, Res.TOPIC)).toBe(false)
  })
})

describe('StandardAuthorizer ACL store', () => {
  it('refuses what AclControlManager refuses, one result per binding', () => {
    const a = new StandardAuthorizer({ superUsers: '', allowEveryoneIfNoAclFound: false })
    const results = a.create([
      acl({}),
      acl({ patternType: Pat.MATCH }),
      acl({ operation: Op.ANY }),
      acl({ permissionType: Perm.ANY }),
      acl({ resourceType: Res.CLUSTER, resourceName: 'c' }),
      acl({ resourceName: '' }),
      acl({ principal: 'alice' }),
    ])
    expect(results.map((r) => r.error)).toEqual([
      null,
      'Invalid patternType MATCH',
      'Invalid operation ANY',
      'Invalid permissionType ANY',
      'The only valid name for the CLUSTER resource is kafka-cluster',
      'Invalid empty resource name',
      'expected a string in format principalType:principalName but got alice',
    ])
    expect(a.aclCount).toBe(1)
  })

  it('describes by ANY, MATCH and exact pattern filters', () => {
    const a = authorizer([acl({}), acl({ resourceName: 'ord', patternType: Pat.PREFIXED }), acl({ resourceName: '*' }), acl({ resourceName: 'other' })])
    expect(a.describe(ANY_FILTER)).toHaveLength(4)
    const match = a.describe({ ...ANY_FILTER, resourceType: Res.TOPIC, resourceName: 'orders', patternType: Pat.MATCH })
    expect(match.map((b) => b.resourceName).sort()).toEqual(['*', 'ord', 'orders'])
    expect(a.describe({ ...ANY_FILTER, resourceName: 'ord', patternType: Pat.PREFIXED })).toHaveLength(1)
    expect(a.describe({ ...ANY_FILTER, resourceName: 'ord', patternType: Pat.LITERAL })).toHaveLength(0)
  })

  it('deletes by filter and returns the deleted bindings; unknown filters are refused', () => {
    const a = authorizer([acl({}), acl({ operation: Op.WRITE }), acl({ principal: 'User:bob' })])
    const [r1, r2] = a.delete([{ ...ANY_FILTER, principal: 'User:alice' }, { ...ANY_FILTER, operation: Op.UNKNOWN }])
    expect(r1!.deleted.map((b) => b.operation)).toEqual([Op.READ, Op.WRITE])
    expect(r2).toEqual({ error: 'Unknown entryFilter.', deleted: [] })
    expect(a.describe(ANY_FILTER).map((b) => b.principal)).toEqual(['User:bob'])
  })

  it('keeps ACLs in acls.json beside cluster.json, written atomically', () => {
    const files = new Map<string, string>()
    const storage = { root: '/d', readText: (f: string) => files.get(f) ?? null, writeAtomic: (f: string, t: string) => void files.set(f, t) }
    const config = (v: Record<string, string>) => ({ get: (k: string) => v[k] ?? null })
    const on = { 'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer' }
    newAuthorizer(config(on), storage)!.create([acl({})])
    expect([...files.keys()]).toEqual(['/d/acls.json'])
    const again = newAuthorizer(config({ ...on, 'super.users': 'User:root', 'allow.everyone.if.no.acl.found': 'true' }), storage)!
    expect(again.describe(ANY_FILTER)).toEqual([acl({})])
    expect(again.superUsers.has('User:root')).toBe(true)
    expect(again.allowIfNoAcl).toBe(true)
    expect(newAuthorizer(config({}), storage)).toBeNull()
    expect(() => newAuthorizer(config({ 'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer' }), storage)).toThrow(AuthorizerConfigError)
    expect(() => newAuthorizer(config({ 'authorizer.class.name': 'com.example.Mine' }), storage)).toThrow(/com\.example\.Mine is not supported/)
  })
})
