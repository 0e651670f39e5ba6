// OAUTHBEARER as Kafka's OAuthBearerSaslServer with its two validators: the unsecured one
// (OAuthBearerUnsecuredValidatorCallbackHandler) and JWKS (OAuthBearerValidatorCallbackHandler /
// BrokerJwtValidator): what is accepted, what the client is told when it is not, and the session
// lifetime the token's expiry gives (KIP-368).
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { JwksValidator, type JwksOptions } from '../../src/security/oauth/jwks.js'
import { IllegalToken } from '../../src/security/oauth/jws.js'
import { UnsecuredValidator, unsecuredOptions } from '../../src/security/oauth/unsecured.js'
import { AuthenticationFailed } from '../../src/security/sasl/mechanism.js'
import { OAuthBearerServer } from '../../src/security/sasl/oauthbearer.js'
import { sessionLifetimeMs } from '../../src/security/sasl/session.js'
import { scratchDirs } from '../helpers/broker.js'

const NOW = 1_700_000_000_000
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
const unsecuredToken = (claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'none' }) => `${b64(header)}.${b64(claims)}.`
const firstMessage = (token: string, authzid = '', ext = '') => Buffer.from(`n,${authzid ? `a=${authzid}` : ''},\u0001auth=Bearer ${token}\u0001${ext}\u0001`)

function unsecured(jaas: Record<string, string> = {}, now = NOW): UnsecuredValidator {
  return new UnsecuredValidator(unsecuredOptions(new Map(Object.entries(jaas))), () => now)
}

describe('the unsecured validator', () => {
  const exp = NOW / 1000 + 3600
  it('accepts an unsigned token and takes the principal from sub, the expiry from exp', () => {
    const t = unsecured().validate(unsecuredToken({ sub: 'alice', exp, iat: NOW / 1000, scope: ['a', 'b'] }))
    expect(t).toEqual({ principal: 'alice', lifetimeMs: exp * 1000, scope: new Set(['a', 'b']) })
  })
  it('reads the principal and scope claims the JAAS options name', () => {
    const v = unsecured({ unsecuredValidatorPrincipalClaimName: 'user', unsecuredValidatorScopeClaimName: 'roles' })
    expect(v.validate(unsecuredToken({ user: 'bob', exp, roles: 'admin' }))).toMatchObject({ principal: 'bob', scope: new Set(['admin']) })
  })
  it.each([
    ['a signed token', `${b64({ alg: 'RS256' })}.${b64({ sub: 'a', exp })}.c2ln`, "'none'"],
    ['a signature on alg none', `${b64({ alg: 'none' })}.${b64({ sub: 'a', exp })}.c2ln`, 'digital signature'],
    ['two sections', `${b64({ alg: 'none' })}.${b64({ sub: 'a', exp })}`, '3 dot-separated'],
    ['no exp', unsecuredToken({ sub: 'a' }), 'No expiration time'],
    ['exp as a string', unsecuredToken({ sub: 'a', exp: 'soon' }), "'exp' claim was not of type Number"],
    ['no sub', unsecuredToken({ exp }), 'No principal name in JWT claim: sub'],
    ['an expired token', unsecuredToken({ sub: 'a', exp: NOW / 1000 - 1 }), 'on or after the Expiration Time'],
    ['iat in the future', unsecuredToken({ sub: 'a', exp, iat: NOW / 1000 + 60 }), 'Issued At value'],
    ['exp before iat', unsecuredToken({ sub: 'a', exp: NOW / 1000 + 10, iat: NOW / 1000 + 20 }, { alg: 'none' }), 'Issued At'],
    ['not base64url', 'a+b.c.', 'malformed Base64'],
    ['not JSON', `${Buffer.from('{').toString('base64url')}.${b64({})}.`, 'malformed JSON'],
  ])('refuses %s', (_what, token, message) => {
    expect(() => unsecured().validate(token)).toThrow(message)
  })
  it('allows the configured clock skew', () => {
    const token = unsecuredToken({ sub: 'a', exp: NOW / 1000 - 1 })
    expect(unsecured({ unsecuredValidatorAllowableClockSkewMs: '5000' }).validate(token).principal).toBe('a')
  })
  it('names the missing scope when a required one is absent', () => {
    const v = unsecured({ unsecuredValidatorRequiredScope: 'LOGIN_TO_KAFKA' })
    const err = (() => { try { v.validate(unsecuredToken({ sub: 'a', exp, scope: ['other'] })) } catch (e) { return e } })()
    expect(err).toBeInstanceOf(IllegalToken)
    expect((err as IllegalToken).failureScope).toBe('[LOGIN_TO_KAFKA]')
    expect(v.validate(unsecuredToken({ sub: 'a', exp, scope: ['LOGIN_TO_KAFKA'] })).principal).toBe('a')
  })
  it('refuses a negative clock skew option at configuration', () => {
    expect(() => unsecuredOptions(new Map([['unsecuredValidatorAllowableClockSkewMs', '-1']]))).toThrow('must not be negative')
  })
})

describe('the OAUTHBEARER SASL server', () => {
  const exp = NOW / 1000 + 60
  it('completes with the token\'s principal and expiry, with or without extensions', () => {
    for (const ext of ['', 'traceId=abc 1\u0001']) {
      const s = new OAuthBearerServer(unsecured())
      expect(s.evaluate(firstMessage(unsecuredToken({ sub: 'alice', exp }), '', ext))).toEqual(Buffer.alloc(0))
      expect([s.complete, s.authorizationId, s.credentialExpiresAt]).toEqual([true, 'alice', exp * 1000])
    }
  })
  it('answers a refused token with the JSON challenge, then fails with it when the client acknowledges', () => {
    const s = new OAuthBearerServer(unsecured())
    const challenge = s.evaluate(firstMessage(unsecuredToken({ sub: 'alice', exp: 1 })))
    expect(challenge.toString()).toBe('{"status":"invalid_token"}')
    expect(s.complete).toBe(false)
    expect(() => s.evaluate(Buffer.from([1]))).toThrow(new AuthenticationFailed('{"status":"invalid_token"}', true))
  })
  it('says insufficient_scope and which scope for a missing required scope', () => {
    const s = new OAuthBearerServer(unsecured({ unsecuredValidatorRequiredScope: 'kafka' }))
    expect(s.evaluate(firstMessage(unsecuredToken({ sub: 'a', exp }))).toString()).toBe('{"status":"insufficient_scope", "scope":"[kafka]"}')
  })
  it('refuses an authorization id other than the token\'s principal', () => {
    const s = new OAuthBearerServer(unsecured())
    expect(() => s.evaluate(firstMessage(unsecuredToken({ sub: 'alice', exp }), 'bob'))).toThrow("Client requested an authorization id (bob) that is different from the token's principal name (alice)")
    expect(new OAuthBearerServer(unsecured()).evaluate(firstMessage(unsecuredToken({ sub: 'alice', exp }), 'alice'))).toEqual(Buffer.alloc(0))
  })
  it.each([
    ['no GS2 header', Buffer.from('auth=Bearer x\u0001\u0001')],
    ['no auth', Buffer.from('n,,\u0001foo=bar\u0001\u0001')],
    ['another scheme', Buffer.from('n,,\u0001auth=Basic abc\u0001\u0001')],
    ['a token with spaces', Buffer.from('n,,\u0001auth=Bearer a b\u0001\u0001')],
    ['garbage', Buffer.from([0xff, 0, 1])],
  ])('refuses a malformed first message (%s) without telling the client why', (_what, msg) => {
    const err = (() => { try { new OAuthBearerServer(unsecured()).evaluate(msg) } catch (e) { return e } })() as AuthenticationFailed
    expect(err).toBeInstanceOf(AuthenticationFailed)
    expect(err.clientVisible).toBe(false)
  })
})

describe('KIP-368 session lifetime', () => {
  it('is the earlier of connections.max.reauth.ms and the credential expiry, none without either', () => {
    expect(sessionLifetimeMs(0, null, NOW)).toBeNull()
    expect(sessionLifetimeMs(60_000, null, NOW)).toBe(60_000)
    expect(sessionLifetimeMs(0, NOW + 5_000, NOW)).toBe(5_000)
    expect(sessionLifetimeMs(60_000, NOW + 5_000, NOW)).toBe(5_000)
    expect(sessionLifetimeMs(1_000, NOW + 5_000, NOW)).toBe(1_000)
    expect(sessionLifetimeMs(0, NOW - 5_000, NOW)).toBe(0)
  })
})

describe('the JWKS validator', () => {
  const newDir = scratchDirs('rivulet-jwks-')
  const validators: JwksValidator[] = []
  afterEach(() => validators.splice(0).forEach((v) => v.close()))

  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk = (k: KeyObject, kid: string, extra: Record<string, unknown> = {}) => ({ ...k.export({ format: 'jwk' }), kid, use: 'sig', ...extra })
  const signed = (alg: string, kid: string, key: KeyObject, claims: Record<string, unknown>) => {
    const input = `${b64({ alg, kid, typ: 'JWT' })}.${b64(claims)}`
    const hash = `sha${alg.slice(2)}`
    const sig = alg.startsWith('ES') ? sign(hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
      : alg.startsWith('PS') ? sign(hash, Buffer.from(input), { key, padding: 6, saltLength: 32 })
      : sign(hash, Buffer.from(input), key)
    return `${input}.${sig.toString('base64url')}`
  }
  const claims = (extra: Record<string, unknown> = {}) => ({ sub: 'alice', iat: NOW / 1000, exp: NOW / 1000 + 600, ...extra })

  async function validator(keys: unknown[], o: Partial<JwksOptions> = {}, now = { t: NOW }) {
    const file = path.join(newDir(), 'jwks.json')
    fs.writeFileSync(file, JSON.stringify({ keys }))
    const v = new JwksValidator({ url: pathToFileURL(file).href, refreshMs: 0, expectedAudience: [], expectedIssuer: null, allowUnverifiedAudience: false, allowUnverifiedIssuer: false, clockSkewSeconds: 30, scopeClaimName: 'scope', subClaimName: 'sub', ...o }, () => now.t, () => {})
    validators.push(v)
    await v.start()
    return { v, file, now }
  }

  it('accepts RS256, PS256 and ES256 tokens signed by a key of the set', async () => {
    const { v } = await validator([jwk(rsa.publicKey, 'r1'), jwk(ec.publicKey, 'e1')])
    expect(v.validate(signed('RS256', 'r1', rsa.privateKey, claims({ scope: 'read' })))).toEqual({ principal: 'alice', lifetimeMs: NOW + 600_000, scope: new Set(['read']) })
    expect(v.validate(signed('PS256', 'r1', rsa.privateKey, claims())).principal).toBe('alice')
    expect(v.validate(signed('ES256', 'e1', ec.privateKey, claims())).principal).toBe('alice')
  })
  it('refuses a bad signature, alg none, a missing exp or iat, an expired token and a missing sub', async () => {
    const { v } = await validator([jwk(rsa.publicKey, 'r1')])
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
    expect(() => v.validate(signed('RS256', 'r1', other.privateKey, claims()))).toThrow('signature is invalid')
    expect(() => v.validate(`${b64({ alg: 'none', kid: 'r1' })}.${b64(claims())}.`)).toThrow("algorithm 'none' is not permitted")
    expect(() => v.validate(signed('RS256', 'r1', rsa.privateKey, claims({ exp: undefined })))).toThrow('No Expiration Time')
    expect(() => v.validate(signed('RS256', 'r1', rsa.privateKey, claims({ iat: undefined })))).toThrow('No Issued At')
    expect(() => v.validate(signed('RS256', 'r1', rsa.privateKey, claims({ exp: NOW / 1000 - 31 })))).toThrow('no longer valid')
    expect(v.validate(signed('RS256', 'r1', rsa.privateKey, claims({ exp: NOW / 1000 - 29 }))).principal).toBe('alice') // 30 s skew
    expect(() => v.validate(signed('RS256', 'r1', rsa.privateKey, claims({ nbf: NOW / 1000 + 60 })))).toThrow('not yet valid')
    expect(() => v.validate(signed('RS256', 'r1', rsa.privateKey, claims({ sub: ' ' })))).toThrow('sub value must be non-null')
  })
  it('checks audience and issuer as Kafka configures jose4j', async () => {
    const token = (extra: Record<string, unknown>) => signed('RS256', 'r1', rsa.privateKey, claims(extra))
    const open = (await validator([jwk(rsa.publicKey, 'r1')])).v
    expect(() => open.validate(token({ aud: 'kafka' }))).toThrow('no expected audience')
    expect(open.validate(token({})).principal).toBe('alice')
    const strict = (await validator([jwk(rsa.publicKey, 'r1')], { expectedAudience: ['kafka', 'k2'], expectedIssuer: 'https://idp' })).v
    expect(strict.validate(token({ aud: ['x', 'k2'], iss: 'https://idp' })).principal).toBe('alice')
    expect(() => strict.validate(token({ aud: 'x', iss: 'https://idp' }))).toThrow("doesn't contain an acceptable identifier")
    expect(() => strict.validate(token({ aud: 'kafka', iss: 'https://evil' }))).toThrow('Issuer (iss) claim value (https://evil)')
    const lax = (await validator([jwk(rsa.publicKey, 'r1')], { expectedAudience: ['kafka'], expectedIssuer: 'https://idp', allowUnverifiedAudience: true, allowUnverifiedIssuer: true })).v
    expect(lax.validate(token({ aud: 'x', iss: 'https://evil' })).principal).toBe('alice')
  })
  it('fetches the set again when a token names an unknown key, and accepts it on the next try', async () => {
    const { v, file } = await validator([jwk(rsa.publicKey, 'r1')])
    const token = signed('ES256', 'rotated', ec.privateKey, claims())
    fs.writeFileSync(file, JSON.stringify({ keys: [jwk(rsa.publicKey, 'r1'), jwk(ec.publicKey, 'rotated')] }))
    expect(() => v.validate(token)).toThrow('no key in the JWKS matches kid rotated')
    await v.refresh() // the refresh the failure started, awaited
    expect(v.validate(token).principal).toBe('alice')
  })
  it('refuses to start without a readable key set', async () => {
    const v = new JwksValidator({ url: pathToFileURL(path.join(newDir(), 'missing.json')).href, refreshMs: 0, expectedAudience: [], expectedIssuer: null, allowUnverifiedAudience: false, allowUnverifiedIssuer: false, clockSkewSeconds: 30, scopeClaimName: 'scope', subClaimName: 'sub' }, () => NOW, () => {})
    await expect(v.start()).rejects.toThrow('Could not retrieve the JWKS')
  })
})
