// Listeners as Kafka's KafkaConfig reads them: `listeners` (NAME://host:port, comma-separated),
// `listener.security.protocol.map` (NAME:PROTOCOL pairs; a name must be mapped), `advertised.listeners`
// (a subset of the listener names; default: the listeners themselves), `inter.broker.listener.name`
// (must be advertised), and `listener.name.<name>.<key>` overrides of any broker key (Kafka's
// ListenerName.configPrefix, lower-cased). The messages are Kafka's where it has one.

import { ConfigError } from '../config.js'

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number]

// Kafka 4.4's default map (SocketServerConfigs.LISTENER_SECURITY_PROTOCOL_MAP_DEFAULT, without CONTROLLER).
const DEFAULT_PROTOCOL_MAP = 'SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT'

export interface ListenerSpec {
  // Upper case, as Kafka's ListenerName.normalised.
  name: string
  securityProtocol: SecurityProtocol
  host: string
  port: number
  // From advertised.listeners; '' means the listen host (127.0.0.1 for a wildcard) and port 0
  // the bound port.
  advertisedHost: string
  advertisedPort: number
}

interface Endpoint {
  name: string
  host: string
  port: number
}

export function parseEndpoints(value: string, key: string): Endpoint[] {
  const out: Endpoint[] = []
  for (const part of value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([A-Za-z0-9_-]+):\/\/(\[[^\]]*\]|[^:/]*):(\d+)$/.exec(part)
    if (!m || Number(m[3]) > 65535) throw new ConfigError(`Invalid value ${part} for configuration ${key}: Unable to parse ${part} to a broker endpoint`)
    out.push({ name: m[1]!.toUpperCase(), host: m[2]!.replace(/^\[|\]$/g, ''), port: Number(m[3]) })
  }
  return out
}

export function parseProtocolMap(value: string): Map<string, SecurityProtocol> {
  const map = new Map<string, SecurityProtocol>()
  for (const pair of value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const [name, proto] = pair.split(':').map((s) => s.trim().toUpperCase())
    if (!name || !proto) throw new ConfigError(`Invalid value ${value} for configuration listener.security.protocol.map: Map entry '${pair}' is not of the form NAME:PROTOCOL`)
    if (!(SECURITY_PROTOCOLS as readonly string[]).includes(proto)) throw new ConfigError(`Invalid value ${value} for configuration listener.security.protocol.map: No enum constant org.apache.kafka.common.security.auth.SecurityProtocol.${proto}`)
    map.set(name, proto as SecurityProtocol)
  }
  return map
}

// The listeners to bind, in the order given (the first is the one `bootstrap` reports).
export function parseListeners(values: ReadonlyMap<string, string>): ListenerSpec[] {
  const map = parseProtocolMap(values.get('listener.security.protocol.map') ?? DEFAULT_PROTOCOL_MAP)
  // KRaft controller listeners (Kafka's stock server.properties has CONTROLLER://:9093) serve the
  // controller quorum, not clients: Rivulet has no quorum and does not bind them.
  const controllers = new Set((values.get('controller.listener.names') ?? '').split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== ''))
  const listeners = parseEndpoints(values.get('listeners') ?? 'PLAINTEXT://127.0.0.1:9092', 'listeners').filter((l) => !controllers.has(l.name))
  if (listeners.length === 0) throw new ConfigError(`listeners ${values.get('listeners') ?? ''} has no broker listener (those in controller.listener.names are the KRaft controller's)`)
  const names = new Set<string>()
  for (const l of listeners) {
    if (names.has(l.name)) throw new ConfigError(`requirement failed: Each listener must have a different name, listeners: ${values.get('listeners')}`)
    names.add(l.name)
    if (!map.has(l.name)) throw new ConfigError(`No security protocol defined for listener ${l.name}`)
  }
  const advertised = values.has('advertised.listeners') ? parseEndpoints(values.get('advertised.listeners')!, 'advertised.listeners').filter((a) => !controllers.has(a.name)) : []
  for (const a of advertised) {
    if (!names.has(a.name)) throw new ConfigError(`requirement failed: advertised.listeners listener names must be equal to or a subset of the ones defined in listeners. Found ${a.name}. The valid options based on the current configuration are ${[...names].join(',')}`)
  }
  const inter = values.get('inter.broker.listener.name')
  if (inter !== undefined && inter.trim() !== '') {
    const advertisedNames = advertised.length > 0 ? new Set(advertised.map((a) => a.name)) : names
    if (!advertisedNames.has(inter.trim().toUpperCase())) throw new ConfigError(`requirement failed: inter.broker.listener.name must be a listener name defined in advertised.listeners. The valid options based on currently configured listeners are ${[...advertisedNames].join(',')}`)
  }
  return listeners.map((l) => {
    const a = advertised.find((x) => x.name === l.name)
    return {
      name: l.name,
      securityProtocol: map.get(l.name)!,
      host: l.host,
      port: l.port,
      advertisedHost: a ? a.host : '',
      advertisedPort: a ? a.port : 0,
    }
  })
}

// A broker key for one listener: `listener.name.<name>.<key>` first, then the key itself.
export function listenerValue(values: ReadonlyMap<string, string>, listener: string, key: string): string | undefined {
  return values.get(`listener.name.${listener.toLowerCase()}.${key}`) ?? values.get(key)
}

export function isTls(p: SecurityProtocol): boolean {
  return p === 'SSL' || p === 'SASL_SSL'
}

export function isSasl(p: SecurityProtocol): boolean {
  return p === 'SASL_PLAINTEXT' || p === 'SASL_SSL'
}
