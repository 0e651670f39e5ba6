// Listener, JAAS and TLS settings as Kafka reads them, and the errors a bad value gets at start-up.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, classifyKeys, validateStartupConfig } from '../../src/config.js'
import { parseJaasConfig, plainUsers } from '../../src/security/jaas.js'
import { listenerSecurity } from '../../src/security/listener-security.js'
import { parseListeners } from '../../src/security/listeners.js'
import { listenerTls, mapPrincipal, parsePrincipalRules, subjectDn } from '../../src/security/tls.js'
import { writeDevCerts, type DevCerts } from '../../src/security/dev-certs.js'
import { tempDir } from '../helpers/broker.js'

const m = (o: Record<string, string>) => new Map(Object.entries(o))

describe('listeners', () => {
  it('reads several listeners with their protocols, advertised endpoints and custom names', () => {
    const ls = parseListeners(m({
      listeners: 'PLAINTEXT://127.0.0.1:0,EXTERNAL://0.0.0.0:9093,sasl_ssl://[::1]:0',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,EXTERNAL:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
      'advertised.listeners': 'EXTERNAL://broker.example:19093',
    }))
    expect(ls.map((l) => [l.name, l.securityProtocol, l.host, l.port, l.advertisedHost, l.advertisedPort])).toEqual([
      ['PLAINTEXT', 'PLAINTEXT', '127.0.0.1', 0, '', 0],
      ['EXTERNAL', 'SASL_PLAINTEXT', '0.0.0.0', 9093, 'broker.example', 19093],
      ['SASL_SSL', 'SASL_SSL', '::1', 0, '', 0],
    ])
  })

  it('leaves out the KRaft controller listeners (controller.listener.names), as in Kafka\'s stock server.properties', () => {
    const ls = parseListeners(m({ listeners: 'PLAINTEXT://:9092,CONTROLLER://:9093', 'advertised.listeners': 'PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093', 'controller.listener.names': 'CONTROLLER', 'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT' }))
    expect(ls.map((l) => [l.name, l.host, l.port, l.advertisedHost])).toEqual([['PLAINTEXT', '', 9092, 'localhost']])
  })

  it.each([
    [{ listeners: 'EXTERNAL://127.0.0.1:0' }, 'No security protocol defined for listener EXTERNAL'],
    [{ listeners: 'PLAINTEXT://a:1,PLAINTEXT://b:2' }, 'Each listener must have a different name'],
    [{ listeners: 'PLAINTEXT://a:1', 'advertised.listeners': 'SSL://b:2' }, 'advertised.listeners listener names must be equal to or a subset'],
    [{ listeners: 'PLAINTEXT://a:1', 'inter.broker.listener.name': 'SSL' }, 'inter.broker.listener.name must be a listener name defined in advertised.listeners'],
    [{ listeners: 'PLAINTEXT://a' }, 'Unable to parse PLAINTEXT://a to a broker endpoint'],
    [{ listeners: 'X://a:1', 'listener.security.protocol.map': 'X:TLS' }, 'No enum constant org.apache.kafka.common.security.auth.SecurityProtocol.TLS'],
  ])('refuses %j', (values, message) => {
    expect(() => parseListeners(m(values))).toThrow(ConfigError)
    expect(() => parseListeners(m(values))).toThrow(message)
  })

  it('treats listener.name.<l>.<key> (and .<mechanism>.) overrides as the keys they override', () => {
    const values = m({ 'listener.name.sasl_ssl.plain.sasl.jaas.config': 'x', 'listener.name.external.ssl.client.auth': 'required', 'listener.name.a.no.such.key': '1' })
    expect(classifyKeys(values).unknown).toEqual(['listener.name.a.no.such.key'])
    expect(() => validateStartupConfig(m({ 'listener.name.ssl.ssl.client.auth': 'sometimes' }))).toThrow(ConfigError)
  })
})

describe('JAAS and SASL settings', () => {
  it('reads PlainLoginModule users', () => {
    const e = parseJaasConfig('org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret" user_admin="admin-secret" user_alice="a \\"quoted\\" secret";', 'sasl.jaas.config')
    expect(e.loginModule).toBe('org.apache.kafka.common.security.plain.PlainLoginModule')
    expect([...plainUsers(e)]).toEqual([['admin', 'admin-secret'], ['alice', 'a "quoted" secret']])
    expect(() => parseJaasConfig('PlainLoginModule required user_a="x"', 'k')).toThrow(/semi-colon/)
  })

  it('builds each SASL listener\'s mechanisms and users from its own keys', () => {
    const [, sasl] = listenerSecurity(m({
      listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="s1";',
      'listener.name.sasl_plaintext.sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-512',
      'listener.name.sasl_plaintext.scram-sha-512.connections.max.reauth.ms': '60000',
      'connections.max.reauth.ms': '1000',
    }), { users: { bob: 's2' } })
    expect(sasl!.sasl!.mechanisms).toEqual(['PLAIN', 'SCRAM-SHA-512'])
    expect([...sasl!.sasl!.plainUsers]).toEqual([['bob', 's2'], ['alice', 's1']])
    expect(sasl!.sasl!.reauthMs('SCRAM-SHA-512')).toBe(60000)
    expect(sasl!.sasl!.reauthMs('PLAIN')).toBe(1000)
    expect(() => listenerSecurity(m({ listeners: 'SASL_PLAINTEXT://a:0', 'sasl.enabled.mechanisms': 'GSSAPI' }))).toThrow('Rivulet serves PLAIN, SCRAM-SHA-256, SCRAM-SHA-512')
  })

  it('enables OAUTHBEARER only when named, with the unsecured validator or JWKS as the callback handler says', () => {
    const [dflt] = listenerSecurity(m({ listeners: 'SASL_PLAINTEXT://a:0' }), { users: { a: 'b' } })
    expect(dflt!.sasl!.mechanisms).toEqual(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])
    expect(dflt!.sasl!.oauth).toBeNull()
    const [unsecured] = listenerSecurity(m({ listeners: 'SASL_PLAINTEXT://a:0', 'sasl.enabled.mechanisms': 'OAUTHBEARER' }))
    expect(unsecured!.sasl!.oauth?.constructor.name).toBe('UnsecuredValidator')
    const jwks = { listeners: 'SASL_PLAINTEXT://a:0', 'sasl.enabled.mechanisms': 'OAUTHBEARER', 'listener.name.sasl_plaintext.oauthbearer.sasl.server.callback.handler.class': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler' }
    expect(() => listenerSecurity(m(jwks))).toThrow('sasl.oauthbearer.jwks.endpoint.url is not set')
    expect(listenerSecurity(m({ ...jwks, 'sasl.oauthbearer.jwks.endpoint.url': 'https://idp.example/jwks' }))[0]!.sasl!.oauth?.constructor.name).toBe('JwksValidator')
    expect(() => listenerSecurity(m({ ...jwks, 'sasl.oauthbearer.jwks.endpoint.url': 'not a url' }))).toThrow('Invalid value not a url for configuration sasl.oauthbearer.jwks.endpoint.url')
    expect(() => listenerSecurity(m({ ...jwks, 'listener.name.sasl_plaintext.oauthbearer.sasl.server.callback.handler.class': 'com.example.Custom' }))).toThrow('com.example.Custom')
    expect(() => listenerSecurity(m({ listeners: 'SASL_PLAINTEXT://a:0', 'sasl.enabled.mechanisms': 'OAUTHBEARER', 'sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredValidatorAllowableClockSkewMs="-5";' }))).toThrow('must not be negative')
  })
})

describe('TLS settings', () => {
  let dir: string
  let certs: DevCerts
  beforeAll(() => {
    dir = tempDir('rivulet-certs-')
    certs = writeDevCerts(dir)
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('writes a CA, broker and client certificates as PEM and PKCS12, and properties using them', () => {
    for (const f of ['ca.pem', 'broker.pem', 'broker.key', 'broker-keystore.pem', 'broker.p12', 'client.pem', 'client.key', 'client.p12', 'broker.properties', 'client.properties']) expect(fs.existsSync(path.join(dir, f)), f).toBe(true)
    expect(fs.readFileSync(path.join(dir, 'broker.properties'), 'utf8')).toContain(`ssl.keystore.location=${certs.brokerPem}`)
  })

  it('reads PEM (file or inline) and PKCS12 keystores, with the listener\'s overrides', () => {
    expect(listenerTls(m({ 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': certs.brokerPem }), 'SSL').options.key).toContain('PRIVATE KEY')
    const inline = listenerTls(m({ 'ssl.keystore.type': 'PEM', 'ssl.keystore.key': fs.readFileSync(certs.brokerKey, 'utf8'), 'ssl.keystore.certificate.chain': fs.readFileSync(certs.brokerCert, 'utf8') }), 'SSL')
    expect(inline.options.cert).toContain('BEGIN CERTIFICATE')
    const p12 = listenerTls(m({ 'listener.name.ssl.ssl.keystore.type': 'PKCS12', 'ssl.keystore.location': certs.brokerP12, 'ssl.keystore.password': 'rivulet', 'listener.name.ssl.ssl.client.auth': 'required' }), 'SSL')
    expect(Buffer.isBuffer(p12.options.pfx)).toBe(true)
    expect(p12.clientAuth).toBe('required')
    expect([p12.options.minVersion, p12.options.maxVersion]).toEqual(['TLSv1.2', 'TLSv1.3'])
    // A PKCS12 file under Kafka's default type (JKS) is read, as Java's keystore.type.compat does.
    expect(Buffer.isBuffer(listenerTls(m({ 'ssl.keystore.location': certs.brokerP12, 'ssl.keystore.password': 'rivulet' }), 'SSL').options.pfx)).toBe(true)
  })

  it('explains what to do with a Java KeyStore, a missing keystore and old TLS versions', () => {
    const jks = path.join(dir, 'broker.jks')
    fs.writeFileSync(jks, Buffer.from('feedfeed000000020000000100', 'hex'))
    expect(() => listenerTls(m({ 'ssl.keystore.location': jks }), 'SSL')).toThrow(/Java KeyStore \(JKS\).*keytool -importkeystore/)
    expect(() => listenerTls(m({}), 'SSL')).toThrow(/needs a keystore/)
    expect(() => listenerTls(m({ 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': certs.brokerPem, 'ssl.enabled.protocols': 'TLSv1.1,TLSv1.2' }), 'SSL')).toThrow('TLSv1.2 and TLSv1.3 only')
    expect(() => listenerTls(m({ 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': path.join(dir, 'missing.pem') }), 'SSL')).toThrow(/cannot read ssl.keystore.location/)
  })
})

describe('certificate principals', () => {
  it('writes the DN as Java\'s X500Principal.getName (RFC 2253, most specific first, escaped)', () => {
    expect(subjectDn('C=US\nO=Rivulet dev\nOU=clients\nCN=client')).toBe('CN=client,OU=clients,O=Rivulet dev,C=US')
    expect(subjectDn('O=A, Inc.\nCN=x+y')).toBe('CN=x\\+y,O=A\\, Inc.')
  })

  it('maps with ssl.principal.mapping.rules as SslPrincipalMapper', () => {
    const rules = parsePrincipalRules('RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/,RULE:^CN=(.*?),OU=(.*?),O=.*$/$1@$2/L,DEFAULT')
    expect(mapPrincipal('CN=kafka-svc,OU=ServiceUsers,O=Org', rules)).toBe('kafka-svc')
    expect(mapPrincipal('CN=Alice,OU=SALES,O=Org', rules)).toBe('alice@sales')
    expect(mapPrincipal('CN=bob,O=Org', rules)).toBe('CN=bob,O=Org')
    expect(mapPrincipal('CN=x', parsePrincipalRules('DEFAULT'))).toBe('CN=x')
    expect(() => mapPrincipal('CN=x', parsePrincipalRules('RULE:^O=(.*)$/$1/'))).toThrow('No rules apply')
    expect(() => parsePrincipalRules('RULES:x')).toThrow(ConfigError)
  })
})
