// The secured broker from the command line in one line: `rivulet certs DIR` writes the files,
// `rivulet --listeners ... --tls-dir DIR --user NAME:PASSWORD` starts PLAINTEXT and SASL_SSL
// listeners and prints each; kafkajs then authenticates over SASL_SSL with SCRAM-SHA-512. Also the
// broker.properties that `certs` writes starts a broker as is, and bad security settings stop the
// start with a message that says what to do.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/broker.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'
import { runCli, startChildBroker, type ChildBroker } from '../helpers/process.js'

const dir = tempDir('rivulet-cli-certs-')
const children: ChildBroker[] = []
afterAll(async () => {
  for (const c of children) await c.kill()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('rivulet certs and a secured start', () => {
  it('writes the certificates, then serves SASL_SSL with SCRAM-SHA-512 beside PLAINTEXT, printing every listener', async () => {
    const made = await runCli(['certs', dir])
    expect(made.code).toBe(0)
    expect(made.stdout).toContain('broker-keystore.pem')
    const child = await startChildBroker(['--memory', '--listeners', 'PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0', '--tls-dir', dir, '--user', 'alice:alice-secret'])
    children.push(child)
    const lines = child.output().split('\n').filter((l) => l.startsWith('Listener '))
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^Listener PLAINTEXT \(PLAINTEXT\): 127\.0\.0\.1:\d+$/)
    const sslPort = Number(/^Listener SASL_SSL \(SASL_SSL\): 127\.0\.0\.1:(\d+)$/.exec(lines[1]!)![1])
    expect(child.output()).toContain(`Bootstrap: 127.0.0.1:${/PLAINTEXT\): 127\.0\.0\.1:(\d+)/.exec(lines[0]!)![1]}`)
    const admin = new Kafka({
      brokers: [`localhost:${sslPort}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      ssl: { ca: fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8') },
      sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'alice-secret' },
    }).admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'secured' }] })
    expect(await admin.listTopics()).toContain('secured')
    await admin.disconnect()
    // The password never reaches the log.
    expect(child.output()).not.toContain('alice-secret')
  })

  it('starts from the broker.properties that certs wrote (PLAIN users from the JAAS config)', async () => {
    const props = fs.readFileSync(path.join(dir, 'broker.properties'), 'utf8').replace(':9092', ':0').replace(':9093', ':0')
    const file = path.join(dir, 'test-broker.properties')
    fs.writeFileSync(file, props)
    const child = await startChildBroker(['--memory', '--config', file])
    children.push(child)
    const sslPort = Number(/Listener SASL_SSL \(SASL_SSL\): 127\.0\.0\.1:(\d+)/.exec(child.output())![1])
    const admin = new Kafka({ brokers: [`127.0.0.1:${sslPort}`], logLevel: logLevel.NOTHING, retry: { retries: 0 }, ssl: { ca: fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8') }, sasl: { mechanism: 'plain', username: 'alice', password: 'alice-secret' } }).admin()
    await admin.connect()
    expect((await admin.describeCluster()).brokers[0]!.port).toBe(sslPort)
    await admin.disconnect()
  })

  it('refuses a JKS keystore with the keytool command to convert it, and --user without a password', async () => {
    const jks = path.join(dir, 'broker.jks')
    fs.writeFileSync(jks, Buffer.from('feedfeed00000002', 'hex'))
    const r = await runCli(['--memory', '--port', '0', '--listeners', 'SSL://127.0.0.1:0', '--override', `ssl.keystore.location=${jks}`])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('keytool -importkeystore')
    const u = await runCli(['--memory', '--user', 'alice'])
    expect(u.code).toBe(2)
    expect(u.stderr).toContain('--user needs NAME:PASSWORD')
    const certs = await runCli(['certs'])
    expect(certs.code).toBe(2)
  })
})
