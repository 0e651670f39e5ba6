// TLS for SSL and SASL_SSL listeners from Kafka's ssl.* keys (each overridable per listener):
// keystores as PEM (a file holding key and chain, or inline ssl.keystore.key +
// ssl.keystore.certificate.chain) or PKCS12 (node's pfx); truststores as PEM. Java KeyStores
// (JKS, JCEKS) cannot be read by node: a clear error says how to convert. Only TLS 1.2 and 1.3.

import fs from 'node:fs'
import type { TlsOptions } from 'node:tls'
import { ConfigError } from '../config.js'
import { listenerValue } from './listeners.js'

export type ClientAuth = 'required' | 'requested' | 'none'

export interface ListenerTls {
  options: TlsOptions
  clientAuth: ClientAuth
  principalRules: string
}

const PROTOCOLS = ['TLSv1.2', 'TLSv1.3'] as const

export function listenerTls(values: ReadonlyMap<string, string>, listener: string): ListenerTls {
  const get = (k: string) => {
    const v = listenerValue(values, listener, k)
    return v === undefined || v.trim() === '' ? undefined : v
  }
  const where = (k: string) => (values.has(`listener.name.${listener.toLowerCase()}.${k}`) ? `listener.name.${listener.toLowerCase()}.${k}` : k)
  const options: TlsOptions = { ...keystore(get, where), ...truststore(get, where), ...protocols(get('ssl.enabled.protocols') ?? 'TLSv1.2,TLSv1.3') }
  const clientAuth = (get('ssl.client.auth') ?? 'none').trim() as ClientAuth
  if (!['required', 'requested', 'none'].includes(clientAuth)) throw new ConfigError(`Invalid value ${clientAuth} for configuration ssl.client.auth: String must be one of: required, requested, none`)
  // Client certificates are checked in the secureConnection handler for `requested`: a client that
  // sends none is let in, one that sends a certificate the truststore does not accept is not.
  options.requestCert = clientAuth !== 'none'
  options.rejectUnauthorized = clientAuth === 'required'
  return { options, clientAuth, principalRules: get('ssl.principal.mapping.rules') ?? 'DEFAULT' }
}

type Get = (k: string) => string | undefined

function keystore(get: Get, where: (k: string) => string): TlsOptions {
  const type = (get('ssl.keystore.type') ?? 'JKS').trim().toUpperCase()
  const inlineKey = get('ssl.keystore.key')
  const inlineChain = get('ssl.keystore.certificate.chain')
  const passphrase = get('ssl.key.password') ?? get('ssl.keystore.password')
  if (inlineKey || inlineChain) {
    if (type !== 'PEM') throw new ConfigError(`${where('ssl.keystore.key')} and ssl.keystore.certificate.chain need ssl.keystore.type=PEM (Kafka's rule)`)
    if (!inlineKey || !inlineChain) throw new ConfigError('ssl.keystore.key and ssl.keystore.certificate.chain must both be set (PEM keystore)')
    return { key: inlineKey, cert: inlineChain, passphrase }
  }
  const location = get('ssl.keystore.location')
  if (!location) throw new ConfigError(`a TLS listener needs a keystore: set ${where('ssl.keystore.location')} (PEM or PKCS12), or ssl.keystore.key and ssl.keystore.certificate.chain with ssl.keystore.type=PEM`)
  const bytes = readStore(location, 'ssl.keystore.location')
  if (type === 'PEM') {
    const text = bytes.toString('utf8')
    return { key: text, cert: text, passphrase: get('ssl.key.password') }
  }
  if (type === 'PKCS12' || (type === 'JKS' && bytes[0] === 0x30)) {
    // Java reads a PKCS12 file through the JKS type too (keystore.type.compat), so do we.
    return { pfx: bytes, passphrase: get('ssl.keystore.password') }
  }
  if (type === 'JKS' || type === 'JCEKS') throw new ConfigError(`${location} is a Java KeyStore (${type}), which Rivulet cannot read. Convert it: keytool -importkeystore -srckeystore ${location} -destkeystore keystore.p12 -deststoretype PKCS12, then set ssl.keystore.type=PKCS12 and ssl.keystore.location=keystore.p12 (or use PEM files)`)
  throw new ConfigError(`Invalid value ${type} for configuration ssl.keystore.type: Rivulet reads PEM and PKCS12 keystores`)
}

function truststore(get: Get, where: (k: string) => string): TlsOptions {
  const type = (get('ssl.truststore.type') ?? 'JKS').trim().toUpperCase()
  const inline = get('ssl.truststore.certificates')
  if (inline) {
    if (type !== 'PEM') throw new ConfigError('ssl.truststore.certificates needs ssl.truststore.type=PEM (Kafka\'s rule)')
    return { ca: inline }
  }
  const location = get('ssl.truststore.location')
  if (!location) return {}
  const bytes = readStore(location, where('ssl.truststore.location'))
  if (type === 'PEM' || bytes.toString('latin1', 0, 10) === '-----BEGIN') return { ca: bytes.toString('utf8') }
  throw new ConfigError(`${location}: Rivulet reads truststores as PEM (ssl.truststore.type=PEM). Convert a ${type} truststore: keytool -exportcert -rfc -alias <ca> -keystore ${location} -file ca.pem (JKS), or openssl pkcs12 -in ${location} -nokeys -out ca.pem (PKCS12)`)
}

function protocols(list: string): TlsOptions {
  const wanted = list.split(',').map((s) => s.trim()).filter((s) => s !== '')
  const bad = wanted.filter((p) => !(PROTOCOLS as readonly string[]).includes(p))
  if (bad.length > 0 || wanted.length === 0) throw new ConfigError(`Invalid value ${list} for configuration ssl.enabled.protocols: Rivulet serves TLSv1.2 and TLSv1.3 only`)
  const sorted = PROTOCOLS.filter((p) => wanted.includes(p))
  return { minVersion: sorted[0], maxVersion: sorted[sorted.length - 1] }
}

function readStore(file: string, key: string): Buffer {
  try {
    return fs.readFileSync(file)
  } catch (err) {
    throw new ConfigError(`cannot read ${key} ${file}: ${(err as Error).message}`)
  }
}

// Kafka's principal for a client certificate: the subject DN as X500Principal.getName() writes it
// (RFC 2253: most specific RDN first, comma-separated, special characters escaped), then
// ssl.principal.mapping.rules (SslPrincipalMapper).
export function subjectDn(subject: string): string {
  // node's X509Certificate.subject: one RDN per line, least specific first.
  const rdns = subject.split('\n').filter((l) => l !== '')
  return rdns.reverse().map((rdn) => {
    const eq = rdn.indexOf('=')
    return `${rdn.slice(0, eq)}=${escapeRdnValue(rdn.slice(eq + 1))}`
  }).join(',')
}

function escapeRdnValue(v: string): string {
  let out = v.replace(/([,+"\\<>;])/g, '\\$1')
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `
  return out
}

interface Rule {
  pattern: RegExp | null // null: DEFAULT
  replacement: string
  caseOp: '' | 'L' | 'U'
}

// SslPrincipalMapper's rule syntax: RULE:pattern/replacement/[LU], or DEFAULT; the first rule
// whose pattern matches the whole DN wins; no match is an error (Kafka refuses the connection).
export function parsePrincipalRules(rules: string): Rule[] {
  const out: Rule[] = []
  const re = /\s*(?:RULE:((?:\\.|[^\\/])*)\/((?:\\.|[^\\/])*)\/([LU]?)|(DEFAULT))\s*(?:,|$)/gy
  let at = 0
  while (at < rules.length) {
    re.lastIndex = at
    const m = re.exec(rules)
    if (!m || re.lastIndex === at) throw new ConfigError(`Invalid rule: ${rules.slice(at)} (ssl.principal.mapping.rules)`)
    out.push(m[4] ? { pattern: null, replacement: '', caseOp: '' } : { pattern: new RegExp(`^(?:${m[1]!})$`), replacement: m[2]!.replace(/\\(.)/g, '$1'), caseOp: (m[3] ?? '') as Rule['caseOp'] })
    at = re.lastIndex
  }
  return out
}

export function mapPrincipal(dn: string, rules: readonly Rule[]): string {
  for (const r of rules) {
    if (!r.pattern) return dn
    if (!r.pattern.test(dn)) continue
    let name = dn.replace(r.pattern, r.replacement)
    if (r.caseOp === 'L') name = name.toLowerCase()
    else if (r.caseOp === 'U') name = name.toUpperCase()
    return name
  }
  throw new Error(`No rules apply to ${dn}, rules ${rules.length}`)
}
