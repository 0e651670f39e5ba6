// `rivulet certs <dir>`: a development CA, a broker certificate (localhost, 127.0.0.1, ::1) and a
// client certificate (CN=client), as PEM and PKCS12, plus ready-made broker and client properties.
// node:crypto cannot sign certificates, so this runs the `openssl` command (present wherever
// Node's own OpenSSL is packaged as a tool; the error says so when it is not) rather than adding a
// dependency. Keys are EC P-256: fast to make, read by Java, librdkafka, Go and node alike.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

export const DEV_STORE_PASSWORD = 'rivulet'

export interface DevCerts {
  dir: string
  caCert: string // PEM file paths
  brokerCert: string
  brokerKey: string
  brokerPem: string // key + chain in one file (ssl.keystore.type=PEM, ssl.keystore.location)
  brokerP12: string
  clientCert: string
  clientKey: string
  clientP12: string
}

export function writeDevCerts(dir: string, o: { hosts?: string[]; days?: number } = {}): DevCerts {
  fs.mkdirSync(dir, { recursive: true })
  const f = (name: string) => path.join(dir, name)
  const days = String(o.days ?? 825)
  const hosts = o.hosts ?? ['localhost', '127.0.0.1', '::1']
  const san = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',')
  const run = (...args: string[]) => openssl(args)
  run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', days, '-subj', '/O=Rivulet dev/CN=Rivulet dev CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
  issue(run, f, 'broker', '/O=Rivulet dev/CN=localhost', days, [`subjectAltName=${san}`, 'extendedKeyUsage=serverAuth,clientAuth'])
  issue(run, f, 'client', '/O=Rivulet dev/OU=clients/CN=client', days, ['extendedKeyUsage=clientAuth'])
  fs.writeFileSync(f('broker-keystore.pem'), fs.readFileSync(f('broker.key'), 'utf8') + fs.readFileSync(f('broker.pem'), 'utf8') + fs.readFileSync(f('ca.pem'), 'utf8'))
  for (const who of ['broker', 'client']) run('pkcs12', '-export', '-in', f(`${who}.pem`), '-inkey', f(`${who}.key`), '-certfile', f('ca.pem'), '-name', who, '-out', f(`${who}.p12`), '-passout', `pass:${DEV_STORE_PASSWORD}`)
  fs.rmSync(f('ca.srl'), { force: true })
  fs.writeFileSync(f('broker.properties'), brokerProperties(dir))
  fs.writeFileSync(f('client.properties'), clientProperties(dir))
  return { dir, caCert: f('ca.pem'), brokerCert: f('broker.pem'), brokerKey: f('broker.key'), brokerPem: f('broker-keystore.pem'), brokerP12: f('broker.p12'), clientCert: f('client.pem'), clientKey: f('client.key'), clientP12: f('client.p12') }
}

function issue(run: (...a: string[]) => void, f: (n: string) => string, who: string, subject: string, days: string, exts: string[]) {
  run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f(`${who}.key`), '-out', f(`${who}.csr`), '-subj', subject)
  fs.writeFileSync(f(`${who}.ext`), `${exts.join('\n')}\n`)
  run('x509', '-req', '-in', f(`${who}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f(`${who}.pem`), '-days', days, '-extfile', f(`${who}.ext`))
  fs.rmSync(f(`${who}.csr`))
  fs.rmSync(f(`${who}.ext`))
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer }
    if (e.code === 'ENOENT') throw new Error('rivulet certs needs the openssl command (apt-get install openssl, brew install openssl)', { cause: err })
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString().trim() ?? e.message}`, { cause: err })
  }
}

function brokerProperties(dir: string): string {
  return `# Rivulet (or Kafka) broker: SASL_SSL on 9093 beside PLAINTEXT on 9092, certificates from ${dir}
listeners=PLAINTEXT://127.0.0.1:9092,SASL_SSL://127.0.0.1:9093
ssl.keystore.type=PEM
ssl.keystore.location=${path.join(dir, 'broker-keystore.pem')}
ssl.truststore.type=PEM
ssl.truststore.location=${path.join(dir, 'ca.pem')}
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret";
`
}

function clientProperties(dir: string): string {
  return `# A Java client (kafka-console-producer --command-config / --producer.config) for the SASL_SSL listener
security.protocol=SASL_SSL
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="alice-secret";
ssl.truststore.type=PEM
ssl.truststore.location=${path.join(dir, 'ca.pem')}
`
}
