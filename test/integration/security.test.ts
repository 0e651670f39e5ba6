// A broker with PLAINTEXT, SASL_PLAINTEXT, SASL_SSL and SSL listeners at once, driven by kafkajs
// (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, client certificates) and by a raw client for what kafkajs
// cannot do: SaslHandshake v0, requests before authentication, oversized tokens, TLS garbage, a
// stalled handshake, 500 failing authentications. Each listener advertises its own endpoint.
import fs from 'node:fs'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiVersions } from '../../protocol/apis/api-versions.js'
import { Metadata } from '../../protocol/apis/metadata.js'
import { SaslAuthenticate } from '../../protocol/apis/sasl-authenticate.js'
import { SaslHandshake } from '../../protocol/apis/sasl-handshake.js'
import { ErrorCode } from '../../protocol/errors.js'
import { writeDevCerts, type DevCerts } from '../../src/security/dev-certs.js'
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'

let dir: string
let certs: DevCerts
let broker: TestBroker
let ca: string
const port = (name: string) => broker.listeners.find((l) => l.name === name)!.port

beforeAll(async () => {
  dir = tempDir('rivulet-sec-')
  certs = writeDevCerts(dir)
  ca = fs.readFileSync(certs.caCert, 'utf8')
  broker = await startTestBroker({
    users: { alice: 'alice-secret' },
    tlsHandshakeTimeoutMs: 300,
    config: {
      listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0,SSL://127.0.0.1:0,REQUESTED://127.0.0.1:0',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL,REQUESTED:SSL',
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': certs.brokerPem,
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': certs.caCert,
      'listener.name.ssl.ssl.client.auth': 'required',
      'listener.name.requested.ssl.client.auth': 'requested',
      'listener.name.sasl_ssl.plain.sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required user_bob="bob-secret";',
      'sasl.server.max.receive.size': 4096,
    },
  })
})
afterAll(async () => {
  await broker?.cleanup()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

function kafka(listener: string, opts: Record<string, unknown>) {
  return new Kafka({ clientId: 'sec-test', brokers: [`127.0.0.1:${port(listener)}`], logLevel: logLevel.NOTHING, retry: { retries: 0 }, ...opts })
}

async function roundTrip(k: ReturnType<typeof kafka>, topic: string): Promise<void> {
  const admin = k.admin()
  await admin.connect()
  try {
    await admin.createTopics({ topics: [{ topic }] })
    const producer = k.producer()
    await producer.connect()
    await producer.send({ topic, messages: [{ value: 'v1' }, { value: 'v2' }] })
    await producer.disconnect()
    expect((await admin.fetchTopicOffsets(topic))[0]!.high).toBe('2')
  } finally {
    await admin.disconnect()
  }
}

describe('listeners', () => {
  it('binds every listener on its own port and advertises, on each, that listener\'s endpoint', async () => {
    expect(broker.listeners.map((l) => [l.name, l.securityProtocol])).toEqual([['PLAINTEXT', 'PLAINTEXT'], ['SASL_PLAINTEXT', 'SASL_PLAINTEXT'], ['SASL_SSL', 'SASL_SSL'], ['SSL', 'SSL'], ['REQUESTED', 'SSL']])
    expect(new Set(broker.listeners.map((l) => l.port)).size).toBe(5)
    expect(broker.bootstrap).toBe(`127.0.0.1:${port('PLAINTEXT')}`)
    for (const [name, opts] of [
      ['PLAINTEXT', {}],
      ['SASL_PLAINTEXT', { sasl: { mechanism: 'plain', username: 'alice', password: 'alice-secret' } }],
      ['SSL', { ssl: { ca, cert: fs.readFileSync(certs.clientCert), key: fs.readFileSync(certs.clientKey) } }],
    ] as const) {
      const admin = kafka(name, opts).admin()
      await admin.connect()
      const cluster = await admin.describeCluster()
      await admin.disconnect()
      expect(cluster.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: port(name) }])
    }
  })

  it('advertises 127.0.0.1 for a wildcard listener without advertised.listeners, and the advertised host where given', async () => {
    const b = await startTestBroker({ config: { listeners: 'PLAINTEXT://0.0.0.0:0,OTHER://127.0.0.1:0', 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,OTHER:PLAINTEXT', 'advertised.listeners': 'OTHER://other.example:0' } })
    try {
      expect(b.listeners.map((l) => l.host)).toEqual(['127.0.0.1', 'other.example'])
      const c = await TestClient.connect(b.listeners[1]!.port)
      expect((await c.send(Metadata, 12, { topics: null })).brokers[0]).toMatchObject({ host: 'other.example', port: b.listeners[1]!.port })
      await c.close()
    } finally {
      await b.cleanup()
    }
  })
})

describe('SASL with kafkajs', () => {
  it.each([
    ['SASL_PLAINTEXT', 'plain', 'alice', 'alice-secret'],
    ['SASL_PLAINTEXT', 'scram-sha-256', 'alice', 'alice-secret'],
    ['SASL_PLAINTEXT', 'scram-sha-512', 'alice', 'alice-secret'],
    ['SASL_SSL', 'plain', 'bob', 'bob-secret'],
    ['SASL_SSL', 'scram-sha-256', 'alice', 'alice-secret'],
    ['SASL_SSL', 'scram-sha-512', 'alice', 'alice-secret'],
  ])('%s %s produces and reads offsets', async (listener, mechanism, username, password) => {
    await roundTrip(kafka(listener, { ssl: listener === 'SASL_SSL' ? { ca } : undefined, sasl: { mechanism, username, password } }), `t-${listener}-${mechanism}`.toLowerCase())
  })

  it.each([
    ['plain', 'alice', 'wrong', 'Authentication failed: Invalid username or password'],
    ['plain', 'mallory', 'x', 'Authentication failed: Invalid username or password'],
    ['scram-sha-256', 'alice', 'wrong', 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256'],
    ['scram-sha-512', 'mallory', 'x', 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512'],
  ])('%s as %s/%s fails with Kafka\'s message', async (mechanism, username, password, message) => {
    const admin = kafka('SASL_PLAINTEXT', { sasl: { mechanism, username, password } }).admin()
    await expect(admin.connect()).rejects.toThrow(message)
    await admin.disconnect()
  })

  it('keeps PLAIN users per listener (bob exists on SASL_SSL only)', async () => {
    const admin = kafka('SASL_PLAINTEXT', { sasl: { mechanism: 'plain', username: 'bob', password: 'bob-secret' } }).admin()
    await expect(admin.connect()).rejects.toThrow('Invalid username or password')
  })
})

describe('TLS principals', () => {
  it('takes the principal from the client certificate\'s DN through ssl.principal.mapping.rules', async () => {
    const seen: Record<string, unknown>[] = []
    const logger = { debug: (o: Record<string, unknown>, msg: string) => msg === 'TLS client certificate accepted' && seen.push(o), info() {}, warn() {}, error() {}, trace() {}, fatal() {}, child() { return logger }, level: 'debug' }
    const b = await startTestBroker({
      logger: logger as never,
      config: {
        listeners: 'SSL://127.0.0.1:0,MAPPED://127.0.0.1:0',
        'listener.security.protocol.map': 'SSL:SSL,MAPPED:SSL',
        'ssl.keystore.type': 'PEM', 'ssl.keystore.location': certs.brokerPem, 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': certs.caCert,
        'ssl.client.auth': 'required',
        'listener.name.mapped.ssl.principal.mapping.rules': 'RULE:^CN=([^,]*),OU=([^,]*),.*$/$2:$1/U,DEFAULT',
      },
    })
    try {
      for (const l of b.listeners) {
        const c = await TestClient.tls(l.port, { ca, cert: fs.readFileSync(certs.clientCert), key: fs.readFileSync(certs.clientKey) })
        await c.send(ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' })
        await c.close()
      }
      expect(seen.map((o) => [o.listener, o.principal])).toEqual([['SSL', 'User:CN=client,OU=clients,O=Rivulet dev'], ['MAPPED', 'User:CLIENTS:CLIENT']])
    } finally {
      await b.cleanup()
    }
  })
})

describe('TLS with kafkajs', () => {
  const clientCert = () => ({ cert: fs.readFileSync(certs.clientCert), key: fs.readFileSync(certs.clientKey) })
  it('ssl.client.auth=required: works with a client certificate, refuses a client without one', async () => {
    await roundTrip(kafka('SSL', { ssl: { ca, ...clientCert() } }), 't-ssl-mtls')
    const admin = kafka('SSL', { ssl: { ca } }).admin()
    await expect(admin.connect()).rejects.toThrow()
  })

  it('ssl.client.auth=requested: works with and without a certificate, refuses one from another CA', async () => {
    await roundTrip(kafka('REQUESTED', { ssl: { ca } }), 't-ssl-requested-none')
    await roundTrip(kafka('REQUESTED', { ssl: { ca, ...clientCert() } }), 't-ssl-requested-cert')
    const other = tempDir('rivulet-other-ca-')
    try {
      const foreign = writeDevCerts(other)
      const c = await TestClient.tls(port('REQUESTED'), { ca, cert: fs.readFileSync(foreign.clientCert), key: fs.readFileSync(foreign.clientKey) }).catch(() => null)
      if (c) await c.closed // TLS 1.3: the broker refuses after the client's side of the handshake completed
    } finally {
      fs.rmSync(other, { recursive: true, force: true })
    }
  })

  it('refuses TLS 1.1 and serves TLS 1.2', async () => {
    await expect(TestClient.tls(port('SASL_SSL'), { ca, minVersion: 'TLSv1', maxVersion: 'TLSv1.1' })).rejects.toThrow()
    const c = await TestClient.tls(port('SASL_SSL'), { ca, maxVersion: 'TLSv1.2' })
    expect((await c.send(ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' })).errorCode).toBe(0)
    await c.close()
  })
})

async function plainAuth(c: TestClient, password: string, version = 2) {
  expect((await c.send(SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(0)
  return c.send(SaslAuthenticate, version, { authBytes: Buffer.from(`\u0000alice\u0000${password}`) })
}

describe('the pre-authentication gate (raw client)', () => {
  it('answers ApiVersions and SaslHandshake before authentication, closes on anything else', async () => {
    const c = await TestClient.connect(port('SASL_PLAINTEXT'))
    expect((await c.send(ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' })).errorCode).toBe(0)
    await expect(c.send(Metadata, 12, { topics: null })).rejects.toThrow('connection closed')
    await c.closed
  })

  it('after authentication serves everything, and the handshake lists the listener\'s mechanisms', async () => {
    const c = await TestClient.connect(port('SASL_PLAINTEXT'))
    const hs = await c.send(SaslHandshake, 1, { mechanism: 'PLAIN' })
    expect(hs.mechanisms).toEqual(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])
    const auth = await c.send(SaslAuthenticate, 2, { authBytes: Buffer.from('\u0000alice\u0000alice-secret') })
    expect([auth.errorCode, auth.sessionLifetimeMs]).toEqual([0, 0n])
    expect((await c.send(Metadata, 12, { topics: null })).brokers[0]!.port).toBe(port('SASL_PLAINTEXT'))
    await c.close()
  })

  it('answers an unknown mechanism with UNSUPPORTED_SASL_MECHANISM, then closes', async () => {
    const c = await TestClient.connect(port('SASL_PLAINTEXT'))
    const hs = await c.send(SaslHandshake, 1, { mechanism: 'GSSAPI' })
    expect(hs).toEqual({ errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] })
    await c.closed
  })

  it('answers a wrong password with SASL_AUTHENTICATION_FAILED, then closes', async () => {
    const c = await TestClient.connect(port('SASL_PLAINTEXT'))
    const res = await plainAuth(c, 'wrong')
    expect([res.errorCode, res.errorMessage]).toEqual([ErrorCode.SASL_AUTHENTICATION_FAILED, 'Authentication failed: Invalid username or password'])
    await c.closed
  })

  it('SaslHandshake v0: the PLAIN token and its reply travel as raw frames', async () => {
    const c = await TestClient.connect(port('SASL_PLAINTEXT'))
    expect((await c.send(SaslHandshake, 0, { mechanism: 'PLAIN' })).errorCode).toBe(0)
    const token = Buffer.from('\u0000alice\u0000alice-secret')
    c.socket.removeAllListeners('data')
    const reply = new Promise<Buffer>((resolve) => c.socket.once('data', (d: Buffer) => resolve(d)))
    c.writeRaw(Buffer.concat([Buffer.from([0, 0, 0, token.length]), token]))
    expect((await reply).toString('hex')).toBe('00000000')
    await c.close()
    // And a wrong v0 token closes without a reply, as Kafka.
    const bad = await TestClient.connect(port('SASL_PLAINTEXT'))
    await bad.send(SaslHandshake, 0, { mechanism: 'PLAIN' })
    const t2 = Buffer.from('\u0000alice\u0000nope')
    bad.writeRaw(Buffer.concat([Buffer.from([0, 0, 0, t2.length]), t2]))
    await bad.closed
  })

  it('closes a connection whose frame exceeds sasl.server.max.receive.size before authentication', async () => {
    const c = await TestClient.connect(port('SASL_PLAINTEXT'))
    await c.send(SaslHandshake, 1, { mechanism: 'PLAIN' })
    await expect(c.send(SaslAuthenticate, 2, { authBytes: Buffer.alloc(5000, 1) })).rejects.toThrow('connection closed')
  })

  it('closes TLS garbage and a stalled TLS handshake; the listener keeps serving', async () => {
    const garbage = net.connect(port('SASL_SSL'), '127.0.0.1')
    garbage.on('error', () => {})
    garbage.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))
    await new Promise((resolve) => garbage.once('close', resolve))
    const stalled = net.connect(port('SSL'), '127.0.0.1')
    stalled.on('error', () => {})
    await new Promise((resolve) => stalled.once('close', resolve)) // tlsHandshakeTimeoutMs: 300
    const c = await TestClient.tls(port('SASL_SSL'), { ca })
    expect((await plainAuth(c, 'alice-secret')).errorCode).toBe(0) // startBroker's users are PLAIN users of every SASL listener
    expect((await c.send(Metadata, 12, { topics: null })).brokers[0]!.port).toBe(port('SASL_SSL'))
    await c.close()
  })

  it('500 failing authentications in a loop: each closed, memory bounded, the broker unharmed', async () => {
    const before = process.memoryUsage().heapUsed
    for (let i = 0; i < 500; i += 10) {
      await Promise.all(Array.from({ length: 10 }, async () => {
        const c = await TestClient.connect(port('SASL_PLAINTEXT'))
        expect((await plainAuth(c, `wrong-${i}`)).errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED)
        await c.closed
      }))
    }
    const grown = process.memoryUsage().heapUsed - before
    expect(grown).toBeLessThan(64 * 1024 * 1024)
    const ok = await TestClient.connect(port('SASL_PLAINTEXT'))
    expect((await plainAuth(ok, 'alice-secret')).errorCode).toBe(0)
    await ok.close()
  })

  it('answers SaslHandshake and SaslAuthenticate on a PLAINTEXT listener with ILLEGAL_SASL_STATE', async () => {
    const c = await TestClient.connect(port('PLAINTEXT'))
    expect((await c.send(SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE)
    const a = await c.send(SaslAuthenticate, 1, { authBytes: Buffer.alloc(0) })
    expect([a.errorCode, a.errorMessage]).toEqual([ErrorCode.ILLEGAL_SASL_STATE, 'SaslAuthenticate request received after successful authentication'])
    await c.close()
  })
})
