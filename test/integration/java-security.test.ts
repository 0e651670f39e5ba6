// Kafka's Java client 4.4 over SASL_SSL (JAAS config, PEM truststore): Admin creates a SCRAM user
// with alterUserScramCredentials and lists it, describeAcls reports SecurityDisabledException,
// the new user produces with SCRAM-SHA-256, alice consumes with PLAIN in a group, and a wrong
// password fails with Kafka's message. Skipped when java or the kafka-clients jars are missing.
import { spawnSync } from 'node:child_process'
import { runProgram } from '../helpers/process.js'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeDevCerts, type DevCerts } from '../../src/security/dev-certs.js'
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js'

const m2 = path.join(os.homedir(), '.m2/repository')
const jars = [path.join(m2, 'org/apache/kafka/kafka-clients/4.4.0/kafka-clients-4.4.0.jar'), path.join(m2, 'org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar')]
const usable = spawnSync('java', ['-version']).status === 0 && jars.every((j) => fs.existsSync(j))
// The unsecured OAUTHBEARER login module parses its token with Jackson (an optional dependency of
// kafka-clients, in the Maven cache once compat/ has fetched the Kafka broker).
const jackson = ['databind', 'core', 'annotations'].map((a) => path.join(m2, `com/fasterxml/jackson/core/jackson-${a}/2.19.4/jackson-${a}-2.19.4.jar`))
const oauthUsable = usable && jackson.every((j) => fs.existsSync(j))
const source = path.join(path.dirname(fileURLToPath(import.meta.url)), 'java/SecurityClient.java')

let broker: TestBroker
let dir: string
let certs: DevCerts

beforeAll(async () => {
  if (!usable) return
  dir = tempDir('rivulet-java-sec-')
  certs = writeDevCerts(dir)
  broker = await startTestBroker({
    users: { alice: 'alice-secret' },
    config: {
      listeners: 'PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0,OAUTH://127.0.0.1:0',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,OAUTH:SASL_PLAINTEXT',
      'listener.name.oauth.sasl.enabled.mechanisms': 'OAUTHBEARER',
      'listener.name.oauth.oauthbearer.sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredValidatorRequiredScope="kafka";',
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': certs.brokerPem,
    },
  })
})
afterAll(async () => {
  await broker?.cleanup()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

function runJava(args: string[], program = source, extraJars: string[] = []): Promise<{ code: number | null; out: string; err: string }> {
  return runProgram('java', ['-cp', [...jars, ...extraJars].join(path.delimiter), program, ...args], { timeoutMs: 90_000 }).then((r) => ({ code: r.code, out: r.stdout, err: r.stderr }))
}

describe.skipIf(!usable)('Java client 4.4 over SASL_SSL', () => {
  it('creates and uses SCRAM users, sees SECURITY_DISABLED for ACLs, produces and consumes', async () => {
    const sasl = broker.listeners.find((l) => l.name === 'SASL_SSL')!
    const r = await runJava([`localhost:${sasl.port}`, certs.caCert])
    expect(r.code, r.err).toBe(0)
    const lines = r.out.trim().split('\n')
    expect(lines[0]).toBe(`cluster [127.0.0.1:${sasl.port} (id: 1 rack: null isFenced: false)]`)
    expect(lines).toContain('scram carol [ScramCredentialInfo{mechanism=SCRAM_SHA_256, iterations=8192}]')
    expect(lines).toContain('acls true No Authorizer is configured on the broker')
    expect(lines).toContain('produced')
    expect(lines).toContain('consumed from-carol')
    expect(lines.find((l) => l.startsWith('wrong '))).toBe('wrong SaslAuthenticationException: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256')
  }, 120_000)

  // OAuthBearerLoginModule's unsecured token (alg none) checked by Kafka's unsecured validator, which
  // the listener configures to require the scope `kafka`.
  it.skipIf(!oauthUsable)('authenticates with OAUTHBEARER unsecured tokens, and refuses one without the required scope', async () => {
    const oauth = `localhost:${broker.listeners.find((l) => l.name === 'OAUTH')!.port}`
    const ok = await runJava([oauth, 'alice', 'kafka'], path.join(path.dirname(source), 'OAuthClient.java'), jackson)
    expect(ok.out.trim(), ok.err).toBe('produced oauth-java-0@0')
    const refused = await runJava([oauth, 'alice', 'other'], path.join(path.dirname(source), 'OAuthClient.java'), jackson)
    expect(refused.out.trim(), refused.err).toBe('failed SaslAuthenticationException: {"status":"insufficient_scope", "scope":"[kafka]"}')
  }, 120_000)
})
