// OAUTHBEARER end to end with kafkajs: Kafka's unsecured validator on one SASL listener and JWKS
// validation (keys served over HTTP, as an identity provider serves them) on another. A refused
// token fails the client with Kafka's JSON status; an accepted one gets a session that ends with
// the token (KIP-368's session_lifetime_ms).
import { generateKeyPairSync, sign } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SaslAuthenticate } from '../../protocol/apis/sasl-authenticate.js'
import { SaslHandshake } from '../../protocol/apis/sasl-handshake.js'
import { ErrorCode } from '../../protocol/errors.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
const nowS = () => Math.floor(Date.now() / 1000)
const unsecured = (claims: Record<string, unknown>) => `${b64({ alg: 'none' })}.${b64(claims)}.`
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 })
const signed = (claims: Record<string, unknown>) => {
  const input = `${b64({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${b64(claims)}`
  return `${input}.${sign('sha256', Buffer.from(input), keys.privateKey).toString('base64url')}`
}

let idp: http.Server
let broker: TestBroker
const port = (name: string) => broker.listeners.find((l) => l.name === name)!.port

beforeAll(async () => {
  idp = http.createServer((_req, res) => res.end(JSON.stringify({ keys: [{ ...keys.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] })))
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r))
  broker = await startTestBroker({
    config: {
      listeners: 'PLAINTEXT://127.0.0.1:0,DEV://127.0.0.1:0,IDP://127.0.0.1:0',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,DEV:SASL_PLAINTEXT,IDP:SASL_PLAINTEXT',
      'listener.name.dev.sasl.enabled.mechanisms': 'OAUTHBEARER',
      'listener.name.dev.oauthbearer.sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredValidatorRequiredScope="kafka";',
      'listener.name.idp.sasl.enabled.mechanisms': 'OAUTHBEARER',
      'listener.name.idp.oauthbearer.sasl.server.callback.handler.class': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
      'listener.name.idp.oauthbearer.sasl.oauthbearer.jwks.endpoint.url': `http://127.0.0.1:${(idp.address() as AddressInfo).port}/jwks`,
      'listener.name.idp.oauthbearer.sasl.oauthbearer.expected.audience': 'rivulet',
    },
  })
})
afterAll(async () => {
  await broker?.cleanup()
  await new Promise((r) => idp?.close(r))
})

function kafka(listener: string, token: string) {
  return new Kafka({
    clientId: 'oauth-test',
    brokers: [`127.0.0.1:${port(listener)}`],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: token }) },
  })
}

async function produceAndCount(k: InstanceType<typeof Kafka>, topic: string): Promise<string> {
  const admin = k.admin()
  await admin.connect()
  try {
    await admin.createTopics({ topics: [{ topic }] })
    const p = k.producer()
    await p.connect()
    await p.send({ topic, messages: [{ value: 'a' }, { value: 'b' }] })
    await p.disconnect()
    return (await admin.fetchTopicOffsets(topic))[0]!.high
  } finally {
    await admin.disconnect()
  }
}

describe('OAUTHBEARER', () => {
  it('admits an unsecured token with the required scope and a signed token from the key set', async () => {
    expect(await produceAndCount(kafka('DEV', unsecured({ sub: 'alice', exp: nowS() + 600, scope: ['kafka'] })), 'oauth-dev')).toBe('2')
    expect(await produceAndCount(kafka('IDP', signed({ sub: 'svc', aud: 'rivulet', iat: nowS(), exp: nowS() + 600 })), 'oauth-idp')).toBe('2')
  })

  // kafkajs takes any SaslAuthenticate answer without an error code as success, so the JSON
  // challenge Kafka sends for a refused token reaches it as "authenticated"; its next request then
  // closes the connection, as on Kafka. The raw exchange below checks the challenge itself.
  it('refuses kafkajs with a bad token: its first request after authentication fails', async () => {
    for (const [listener, token] of [
      ['DEV', unsecured({ sub: 'alice', exp: nowS() + 600 })],
      ['IDP', signed({ sub: 'svc', aud: 'other', iat: nowS(), exp: nowS() + 600 })],
    ] as const) {
      const admin = kafka(listener, token).admin()
      const err = await admin.connect().then(() => admin.listTopics()).then(() => null, (e: Error) => e)
      await admin.disconnect()
      expect(err, listener).toBeInstanceOf(Error)
    }
  })

  it('answers a refused token with Kafka\'s JSON status, then fails the exchange with it', async () => {
    const cases: [string, string, string][] = [
      ['DEV', unsecured({ sub: 'alice', exp: nowS() + 600 }), '{"status":"insufficient_scope", "scope":"[kafka]"}'],
      ['DEV', unsecured({ sub: 'alice', exp: nowS() - 600, scope: 'kafka' }), '{"status":"invalid_token"}'],
      ['IDP', unsecured({ sub: 'alice', exp: nowS() + 600 }), '{"status":"invalid_token"}'],
      ['IDP', signed({ sub: 'svc', aud: 'other', iat: nowS(), exp: nowS() + 600 }), '{"status":"invalid_token"}'],
    ]
    for (const [listener, token, status] of cases) {
      const c = await TestClient.connect(port(listener))
      try {
        expect((await c.send(SaslHandshake, 1, { mechanism: 'OAUTHBEARER' })).errorCode).toBe(ErrorCode.NONE)
        const challenge = await c.send(SaslAuthenticate, 2, { authBytes: Buffer.from(`n,,\u0001auth=Bearer ${token}\u0001\u0001`) })
        expect([challenge.errorCode, challenge.authBytes.toString()]).toEqual([ErrorCode.NONE, status])
        const fail = await c.send(SaslAuthenticate, 2, { authBytes: Buffer.from([1]) })
        expect([fail.errorCode, fail.errorMessage]).toEqual([ErrorCode.SASL_AUTHENTICATION_FAILED, status])
      } finally {
        await c.close()
      }
    }
  })

  it('gives the session the token\'s remaining lifetime (KIP-368)', async () => {
    const c = await TestClient.connect(port('DEV'))
    try {
      const hs = await c.send(SaslHandshake, 1, { mechanism: 'OAUTHBEARER' })
      expect(hs.errorCode).toBe(ErrorCode.NONE)
      const exp = nowS() + 120
      const token = unsecured({ sub: 'alice', exp, scope: 'kafka' })
      const res = await c.send(SaslAuthenticate, 2, { authBytes: Buffer.from(`n,,\u0001auth=Bearer ${token}\u0001\u0001`) })
      expect(res.errorCode).toBe(ErrorCode.NONE)
      const lifetime = Number(res.sessionLifetimeMs)
      expect(lifetime).toBeGreaterThan(110_000)
      expect(lifetime).toBeLessThanOrEqual(120_000)
    } finally {
      await c.close()
    }
  })
})
