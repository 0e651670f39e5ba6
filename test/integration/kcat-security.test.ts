// kcat (librdkafka) against secured listeners: SASL_SSL with PLAIN, SCRAM-SHA-256 and
// SCRAM-SHA-512, SASL_PLAINTEXT, and SSL with a client certificate (ssl.client.auth=required).
// A wrong password fails with the broker's message.
import { spawnSync } from 'node:child_process'
import { runProgram } from '../helpers/process.js'
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeDevCerts, type DevCerts } from '../../src/security/dev-certs.js'
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js'

const version = spawnSync('kcat', ['-V'], { encoding: 'utf8' })
const hasKcat = version.status === 0
// librdkafka before 2.6.1 repeats the client nonce in its SCRAM final message; Kafka 4.x (and
// Rivulet, as Kafka) refuse it (confluentinc/librdkafka#4895, Kafka's CVE-2024-56128 fix).
const [maj, min, patch] = (/librdkafka version (\d+)\.(\d+)\.(\d+)/.exec(version.stdout ?? '') ?? []).slice(1).map(Number)
const scramWorks = maj! > 2 || (maj === 2 && (min! > 6 || (min === 6 && patch! >= 1)))
let broker: TestBroker
let dir: string
let certs: DevCerts
const port = (name: string) => broker.listeners.find((l) => l.name === name)!.port

function kcat(listener: string, args: string[], input?: string): Promise<{ code: number | null; out: string; err: string }> {
  return runProgram('kcat', ['-b', `localhost:${port(listener)}`, ...args], { input }).then((r) => ({ code: r.code, out: r.stdout, err: r.stderr }))
}

beforeAll(async () => {
  dir = tempDir('rivulet-kcat-sec-')
  certs = writeDevCerts(dir)
  broker = await startTestBroker({
    users: { alice: 'alice-secret' },
    config: {
      listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0,SSL://127.0.0.1:0,OAUTH://127.0.0.1:0',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL,OAUTH:SASL_PLAINTEXT',
      'listener.name.oauth.sasl.enabled.mechanisms': 'OAUTHBEARER',
      'listener.name.oauth.oauthbearer.sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredValidatorRequiredScope="kafka";',
      'ssl.keystore.type': 'PKCS12',
      'ssl.keystore.location': certs.brokerP12,
      'ssl.keystore.password': 'rivulet',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': certs.caCert,
      'listener.name.ssl.ssl.client.auth': 'required',
    },
  })
})
afterAll(async () => {
  await broker?.cleanup()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

const saslArgs = (mechanism: string, password = 'alice-secret') => ['-X', `sasl.mechanisms=${mechanism}`, '-X', 'sasl.username=alice', '-X', `sasl.password=${password}`]

describe.skipIf(!hasKcat)('kcat over secured listeners', () => {
  it.each([
    ['SASL_SSL', 'PLAIN'],
    ['SASL_SSL', 'SCRAM-SHA-256'],
    ['SASL_SSL', 'SCRAM-SHA-512'],
    ['SASL_PLAINTEXT', 'SCRAM-SHA-512'],
  ])('%s %s produces and consumes (SCRAM: refused as Kafka 4.4 refuses librdkafka < 2.6.1)', async (listener, mechanism) => {
    const security = ['-X', `security.protocol=${listener}`, ...saslArgs(mechanism), ...(listener === 'SASL_SSL' ? ['-X', `ssl.ca.location=${certs.caCert}`] : [])]
    const topic = `kcat-${listener}-${mechanism}`.toLowerCase()
    const p = await kcat(listener, ['-P', '-t', topic, ...security], 'one\ntwo\n')
    if (mechanism.startsWith('SCRAM') && !scramWorks) {
      expect(p.code).not.toBe(0)
      expect(p.err).toContain(`Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`)
      return
    }
    expect(p.code, p.err).toBe(0)
    const c = await kcat(listener, ['-C', '-t', topic, '-o', 'beginning', '-e', '-q', ...security])
    expect(c.out.split('\n').filter((l) => l !== '')).toEqual(['one', 'two'])
    const l = await kcat(listener, ['-L', '-J', ...security])
    expect((JSON.parse(l.out) as { brokers: { name: string }[] }).brokers[0]!.name).toBe(`127.0.0.1:${port(listener)}`)
  })

  it('SSL with a client certificate (PKCS12 keystore on the broker)', async () => {
    const security = ['-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${certs.caCert}`, '-X', `ssl.certificate.location=${certs.clientCert}`, '-X', `ssl.key.location=${certs.clientKey}`]
    const p = await kcat('SSL', ['-P', '-t', 'kcat-mtls', ...security], 'x\n')
    expect(p.code, p.err).toBe(0)
    const without = await kcat('SSL', ['-L', '-m', '3', '-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${certs.caCert}`])
    expect(without.code).not.toBe(0)
  })

  it('a wrong password fails with the broker\'s message', async () => {
    const r = await kcat('SASL_PLAINTEXT', ['-L', '-m', '3', '-X', 'security.protocol=SASL_PLAINTEXT', ...saslArgs('PLAIN', 'wrong')])
    expect(r.code).not.toBe(0)
    expect(r.err).toContain('Authentication failed: Invalid username or password')
  })

  // librdkafka's unsecured JWT (enable.sasl.oauthbearer.unsecure.jwt) against Kafka's unsecured
  // validator requiring the scope `kafka`.
  it('OAUTHBEARER with an unsecured token: admitted with the required scope, refused without', async () => {
    const oauth = (scope: string) => ['-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=OAUTHBEARER', '-X', 'enable.sasl.oauthbearer.unsecure.jwt=true', '-X', `sasl.oauthbearer.config=principal=alice scope=${scope}`]
    const p = await kcat('OAUTH', ['-P', '-t', 'kcat-oauth', ...oauth('kafka')], 'tok\n')
    expect(p.code, p.err).toBe(0)
    const c = await kcat('OAUTH', ['-C', '-t', 'kcat-oauth', '-o', 'beginning', '-e', '-q', ...oauth('kafka')])
    expect(c.out.trim()).toBe('tok')
    const refused = await kcat('OAUTH', ['-L', '-m', '3', ...oauth('other')])
    expect(refused.code).not.toBe(0)
    expect(refused.err).toContain('insufficient_scope')
  })
})
