// Client quota entities as Kafka names them (org.apache.kafka.common.quota.ClientQuotaEntity):
// a map of entity type (user, client-id, ip) to a name, null being the type's default entity
// (kafka-configs' `--entity-default`, shown as `<default>`).

export const USER = 'user'
export const CLIENT_ID = 'client-id'
export const IP = 'ip'

export type Entity = ReadonlyMap<string, string | null>

// A stable key for an entity, whatever order its types came in.
export function entityKey(e: Entity): string {
  return [...e.keys()].sort().map((t) => `${t}\u0001${e.get(t) === null ? '\u0000' : `=${e.get(t)}`}`).join('\u0002')
}

function javaStringHash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0
  return h
}

// The order a java.util.HashMap built with `new HashMap<>(n)` iterates these keys in: Kafka builds
// entities that way, and its messages and Describe answers list the types in that order.
export function javaMapOrder(keys: readonly string[]): string[] {
  let table = 1
  while (table < keys.length) table <<= 1
  while (keys.length > table * 0.75 && table < 1 << 30) table <<= 1
  const bucket = (k: string) => {
    const h = javaStringHash(k)
    return (h ^ (h >>> 16)) & (table - 1)
  }
  return keys.map((k, i) => ({ k, i, b: bucket(k) })).sort((a, b) => a.b - b.b || a.i - b.i).map((x) => x.k)
}

// ClientQuotaEntity.toString: "ClientQuotaEntity(entries={user=alice, client-id=null})".
export function entityString(types: readonly [string, string | null][]): string {
  const m = new Map(types)
  return `ClientQuotaEntity(entries={${javaMapOrder([...m.keys()]).map((k) => `${k}=${m.get(k)}`).join(', ')}})`
}

// The user a connection's quotas are looked up by: its principal's name (KafkaPrincipal.getName,
// "ANONYMOUS" without authentication).
export function quotaUser(principal: string): string {
  const colon = principal.indexOf(':')
  return colon < 0 ? principal : principal.slice(colon + 1)
}
