// What each listener needs to accept a connection: TLS options (SSL, SASL_SSL) and the SASL
// settings (SASL_PLAINTEXT, SASL_SSL), read from Kafka's keys with their `listener.name.<l>.`
// (and, for SASL, `listener.name.<l>.<mechanism>.`) overrides. Everything is read and checked at
// start-up, so a bad keystore or JAAS text stops the start with a message, not the first client.

import { ConfigError } from '../config.js'
import { parseJaasConfig, plainUsers, type JaasEntry } from './jaas.js'
import { isSasl, isTls, listenerValue, parseListeners, type ListenerSpec } from './listeners.js'
import { oauthValidator } from './oauth/config.js'
import { SASL_MECHANISMS_SERVED, type SaslListenerConfig } from './sasl/session.js'
import { listenerTls, parsePrincipalRules, type ListenerTls } from './tls.js'

export interface ListenerSecurity {
  spec: ListenerSpec
  tls: ListenerTls | null
  sasl: SaslListenerConfig | null
}

// Kafka's BrokerSecurityConfigs.DEFAULT_SASL_SERVER_MAX_RECEIVE_SIZE.
const DEFAULT_MAX_RECEIVE = 524288

export interface SecurityExtras {
  // Users for PLAIN on every SASL listener, besides the JAAS user_<name> entries.
  users?: Readonly<Record<string, string>>
  // The broker's clock, for token expiry (OAUTHBEARER).
  now?: () => number
  warn?: (msg: string) => void
}

export function listenerSecurity(values: ReadonlyMap<string, string>, extras: SecurityExtras = {}): ListenerSecurity[] {
  return parseListeners(values).map((spec) => {
    const tls = isTls(spec.securityProtocol) ? listenerTls(values, spec.name) : null
    if (tls) parsePrincipalRules(tls.principalRules)
    return { spec, tls, sasl: isSasl(spec.securityProtocol) ? saslConfig(values, spec.name, extras) : null }
  })
}

function saslConfig(values: ReadonlyMap<string, string>, listener: string, extras: SecurityExtras): SaslListenerConfig {
  const l = listener.toLowerCase()
  const users = new Map(Object.entries(extras.users ?? {}))
  const plain = jaasEntry(values, l, 'plain')
  if (plain?.loginModule.endsWith('PlainLoginModule')) for (const [u, p] of plainUsers(plain)) users.set(u, p)
  const configured = listenerValue(values, listener, 'sasl.enabled.mechanisms')
  // Kafka's default is GSSAPI, which Rivulet does not serve; without the key every mechanism
  // Rivulet serves is enabled (PLAIN only when it has users), except OAUTHBEARER, whose default
  // validator accepts unsigned tokens: that one only when named.
  const mechanisms = configured === undefined
    ? SASL_MECHANISMS_SERVED.filter((m) => (m !== 'PLAIN' || users.size > 0) && m !== 'OAUTHBEARER')
    : configured.split(',').map((s) => s.trim()).filter((s) => s !== '')
  const unserved = mechanisms.filter((m) => !(SASL_MECHANISMS_SERVED as readonly string[]).includes(m))
  if (unserved.length > 0) throw new ConfigError(`sasl.enabled.mechanisms of listener ${listener} names ${unserved.join(', ')}: Rivulet serves ${SASL_MECHANISMS_SERVED.join(', ')}`)
  if (mechanisms.length === 0) throw new ConfigError(`listener ${listener} is SASL but sasl.enabled.mechanisms is empty`)
  const maxReceive = Number(listenerValue(values, listener, 'sasl.server.max.receive.size') ?? DEFAULT_MAX_RECEIVE)
  const oauth = mechanisms.includes('OAUTHBEARER')
    ? oauthValidator(values, listener, jaasEntry(values, l, 'oauthbearer'), extras.now ?? Date.now, extras.warn ?? (() => {}))
    : null
  return {
    mechanisms,
    plainUsers: users,
    oauth,
    maxReceiveBytes: maxReceive,
    reauthMs: (mechanism) => Number(values.get(`listener.name.${l}.${mechanism.toLowerCase()}.connections.max.reauth.ms`) ?? listenerValue(values, listener, 'connections.max.reauth.ms') ?? 0),
  }
}

// The listener's JAAS entry for a mechanism, as Kafka looks it up:
// listener.name.<l>.<mechanism>.sasl.jaas.config, then listener.name.<l>.sasl.jaas.config, then sasl.jaas.config.
function jaasEntry(values: ReadonlyMap<string, string>, l: string, mechanism: string): JaasEntry | null {
  const key = [`listener.name.${l}.${mechanism}.sasl.jaas.config`, `listener.name.${l}.sasl.jaas.config`, 'sasl.jaas.config'].find((k) => values.has(k))
  const text = key === undefined ? undefined : values.get(key)
  return key === undefined || text === undefined || text.trim() === '' ? null : parseJaasConfig(text, key)
}
