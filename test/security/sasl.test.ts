// The SASL servers and the per-connection session without sockets: PLAIN and SCRAM as Kafka's
// PlainSaslServer / ScramSaslServer answer, the gate's rules (what may pass before authentication),
// re-authentication (KIP-368) and the messages a failed client gets.
import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../protocol/errors.js'
import { PlainServer } from '../../src/security/sasl/plain.js'
import { ScramServer } from '../../src/security/sasl/scram.js'
import { SaslSession, type SaslListenerConfig } from '../../src/security/sasl/session.js'
import { credentialFromPassword, ScramCredentials, scramMechanism } from '../../src/security/scram-credentials.js'
import { ScramClient } from '../helpers/scram-client.js'

const SHA256 = scramMechanism('SCRAM-SHA-256')!
const SHA512 = scramMechanism('SCRAM-SHA-512')!

function store(): ScramCredentials {
  const s = new ScramCredentials()
  s.apply({ upsert: [['alice', 1, credentialFromPassword(SHA256, 'alice-secret')], ['alice', 2, credentialFromPassword(SHA512, 'alice-secret')], ['bob', 1, credentialFromPassword(SHA256, 'bob-secret')]] })
  return s
}

describe('PLAIN', () => {
  const users = new Map([['alice', 'alice-secret']])
  it('accepts the right password and names the user', () => {
    const s = new PlainServer(users)
    expect(s.evaluate(Buffer.from('\u0000alice\u0000alice-secret'))).toEqual(Buffer.alloc(0))
    expect(s.complete).toBe(true)
    expect(s.authorizationId).toBe('alice')
  })
  it.each([
    ['\u0000alice\u0000wrong', 'Authentication failed: Invalid username or password'],
    ['\u0000mallory\u0000alice-secret', 'Authentication failed: Invalid username or password'],
    ['\u0000\u0000x', 'Authentication failed: username not specified'],
    ['\u0000alice\u0000', 'Authentication failed: password not specified'],
    ['alice\u0000alice-secret', 'Invalid SASL/PLAIN response: expected 3 tokens, got 2'],
    ['bob\u0000alice\u0000alice-secret', 'Authentication failed: Client requested an authorization id that is different from username'],
  ])('refuses %j with Kafka\'s message', (token, message) => {
    expect(() => new PlainServer(users).evaluate(Buffer.from(token))).toThrow(message)
  })
})

describe('SCRAM', () => {
  it.each([[SHA256, 'sha256'], [SHA512, 'sha512']] as const)('%s completes with a server signature the client verifies', (m, hash) => {
    const server = new ScramServer(m, store())
    const client = new ScramClient(hash, 'alice', 'alice-secret')
    const first = server.evaluate(client.first()).toString()
    expect(first).toMatch(new RegExp(`^r=${client.nonce}[A-Za-z0-9_-]+,s=[A-Za-z0-9+/=]+,i=4096$`))
    const last = server.evaluate(client.final(first)).toString()
    expect(last).toBe(`v=${client.expectedServerSignature}`)
    expect(server.complete).toBe(true)
    expect(server.authorizationId).toBe('alice')
  })

  it('refuses a wrong password, an unknown user, a mismatched nonce and a replayed final message', () => {
    const creds = store()
    const wrong = new ScramServer(SHA256, creds)
    const c1 = new ScramClient('sha256', 'alice', 'nope')
    expect(() => wrong.evaluate(c1.final(wrong.evaluate(c1.first())))).toThrow('Invalid client credentials')
    const unknown = new ScramServer(SHA256, creds)
    expect(() => unknown.evaluate(new ScramClient('sha256', 'mallory', 'x').first())).toThrow('Invalid user credentials')
    const mech = new ScramServer(SHA512, creds) // bob has no SHA-512 credential
    expect(() => mech.evaluate(new ScramClient('sha512', 'bob', 'bob-secret').first())).toThrow('Invalid user credentials')
    const nonce = new ScramServer(SHA256, creds)
    const c2 = new ScramClient('sha256', 'alice', 'alice-secret')
    const sf = nonce.evaluate(c2.first())
    expect(() => nonce.evaluate(c2.final(sf, { nonce: `${c2.nonce}forged` }))).toThrow('Invalid client nonce in the final client message.')
    // A final message recorded from a successful exchange fails against a new server nonce.
    const ok = new ScramServer(SHA256, creds)
    const c3 = new ScramClient('sha256', 'alice', 'alice-secret')
    const recorded = c3.final(ok.evaluate(c3.first()))
    ok.evaluate(recorded)
    const replay = new ScramServer(SHA256, creds)
    replay.evaluate(c3.first())
    expect(() => replay.evaluate(recorded)).toThrow('Invalid client nonce in the final client message.')
    const proof = new ScramServer(SHA256, creds)
    const c4 = new ScramClient('sha256', 'alice', 'alice-secret')
    expect(() => proof.evaluate(c4.final(proof.evaluate(c4.first()), { tamperProof: true }))).toThrow('Invalid client credentials')
  })

  it('refuses a final nonce that only ends with the combined nonce, as Kafka 4.4 (librdkafka < 2.6.1 repeats the client nonce)', () => {
    const server = new ScramServer(SHA256, store())
    const client = new ScramClient('sha256', 'alice', 'alice-secret')
    const first = server.evaluate(client.first()).toString()
    const combined = /^r=([^,]+)/.exec(first)![1]!
    expect(() => server.evaluate(client.final(first, { nonce: client.nonce + combined }))).toThrow('Invalid client nonce in the final client message.')
  })

  it('refuses malformed messages', () => {
    expect(() => new ScramServer(SHA256, store()).evaluate(Buffer.from('y,,n=alice,r=abc'))).toThrow('Invalid SCRAM client first message format')
    const s = new ScramServer(SHA256, store())
    s.evaluate(new ScramClient('sha256', 'alice', 'x').first())
    expect(() => s.evaluate(Buffer.from('garbage'))).toThrow('Invalid SCRAM client final message format')
  })
})

function session(o: Partial<SaslListenerConfig> = {}, now = { t: 0 }): SaslSession {
  return new SaslSession({ mechanisms: ['PLAIN', 'SCRAM-SHA-256'], plainUsers: new Map([['alice', 'alice-secret'], ['bob', 'bob-secret']]), reauthMs: () => 0, maxReceiveBytes: 524288, ...o }, store(), () => now.t)
}

describe('SaslSession (the gate)', () => {
  it('lets only ApiVersions and SaslHandshake through before the handshake, SaslAuthenticate after it', () => {
    const s = session()
    expect(s.admit(18, 'API_VERSIONS')).toBeNull()
    expect(s.admit(3, 'METADATA')).toBe('Unexpected Kafka request of type METADATA during SASL handshake.')
    expect(s.admit(17, 'SASL_HANDSHAKE')).toBeNull()
    expect(s.handshake('PLAIN', 1)).toEqual({ errorCode: 0, mechanisms: ['PLAIN', 'SCRAM-SHA-256'], close: false })
    expect(s.admit(3, 'METADATA')).toBe('Unexpected Kafka request of type METADATA during SASL authentication.')
    expect(s.admit(36, 'SASL_AUTHENTICATE')).toBeNull()
    const r = s.authenticate(Buffer.from('\u0000alice\u0000alice-secret'), 2)
    expect(r).toMatchObject({ errorCode: 0, close: false, sessionLifetimeMs: 0n })
    expect(s.principal).toBe('User:alice')
    expect(s.admit(3, 'METADATA')).toBeNull()
    expect(s.maxFrameBytes(100 * 1024 * 1024)).toBe(100 * 1024 * 1024)
  })

  it('limits frames to sasl.server.max.receive.size until authenticated', () => {
    expect(session({ maxReceiveBytes: 1000 }).maxFrameBytes(104857600)).toBe(1000)
  })

  it('answers an unknown mechanism with UNSUPPORTED_SASL_MECHANISM and the enabled list, then closes', () => {
    const s = session()
    expect(s.handshake('GSSAPI', 1)).toEqual({ errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: ['PLAIN', 'SCRAM-SHA-256'], close: true })
    expect(s.admit(18, 'API_VERSIONS')).toBe('drop')
  })

  it('fails with Kafka\'s messages: the PLAIN text, the generic SCRAM text (no user names)', () => {
    const p = session()
    p.handshake('PLAIN', 1)
    expect(p.authenticate(Buffer.from('\u0000alice\u0000bad'), 1)).toMatchObject({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: 'Authentication failed: Invalid username or password', close: true })
    expect(p.admit(36, 'SASL_AUTHENTICATE')).toBe('drop')
    const s = session()
    s.handshake('SCRAM-SHA-256', 1)
    expect(s.authenticate(new ScramClient('sha256', 'mallory', 'x').first(), 1)).toMatchObject({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256', close: true })
  })

  it('KIP-368: reports the session lifetime, closes an expired session and re-authenticates the same principal', () => {
    const now = { t: 1000 }
    const s = session({ reauthMs: () => 5000 }, now)
    s.handshake('PLAIN', 1)
    expect(s.authenticate(Buffer.from('\u0000alice\u0000alice-secret'), 1).sessionLifetimeMs).toBe(5000n)
    now.t = 5999
    expect(s.admit(3, 'METADATA')).toBeNull()
    now.t = 6000
    expect(s.admit(3, 'METADATA')).toMatch(/expired/)
    expect(s.admit(17, 'SASL_HANDSHAKE')).toBeNull()
    expect(s.handshake('PLAIN', 1).errorCode).toBe(0)
    expect(s.authenticate(Buffer.from('\u0000alice\u0000alice-secret'), 1)).toMatchObject({ errorCode: 0, sessionLifetimeMs: 5000n })
    expect(s.admit(3, 'METADATA')).toBeNull()
    // Re-authenticating as someone else fails as Kafka's ensurePrincipalUnchanged.
    s.handshake('PLAIN', 1)
    expect(s.authenticate(Buffer.from('\u0000bob\u0000bob-secret'), 1)).toMatchObject({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: 'Cannot change principals during re-authentication from User.alice: User.bob', close: true })
  })

  it('refuses re-authentication with another mechanism, and after a v0 SaslAuthenticate session', () => {
    const s = session()
    s.handshake('PLAIN', 1)
    s.authenticate(Buffer.from('\u0000alice\u0000alice-secret'), 1)
    expect(s.handshake('SCRAM-SHA-256', 1).errorCode).toBe(0)
    expect(s.authenticate(Buffer.from('n,,n=alice,r=abc'), 1)).toMatchObject({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: "SASL mechanism 'SCRAM-SHA-256' requested by client is not supported for re-authentication of mechanism 'PLAIN'" })
    const v0 = session()
    v0.handshake('PLAIN', 1)
    v0.authenticate(Buffer.from('\u0000alice\u0000alice-secret'), 0)
    expect(v0.handshake('PLAIN', 1)).toMatchObject({ errorCode: ErrorCode.ILLEGAL_SASL_STATE, close: false })
  })

  it('SaslHandshake v0: tokens are raw frames', () => {
    const s = session()
    s.handshake('PLAIN', 0)
    expect(s.state).toBe('raw')
    expect(s.rawToken(Buffer.from('\u0000alice\u0000alice-secret'))).toEqual(Buffer.alloc(0))
    expect(s.state).toBe('complete')
    const bad = session()
    bad.handshake('PLAIN', 0)
    expect(() => bad.rawToken(Buffer.from('\u0000alice\u0000x'))).toThrow('Invalid username or password')
    expect(bad.state).toBe('failed')
  })
})
