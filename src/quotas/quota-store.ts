// Client quota configs as Kafka's controller keeps them (ClientQuotaControlManager, one
// ClientQuotaRecord per entity and key): validated as Kafka validates an alteration, described
// as ClientQuotasImage.describe filters, durable as client-quotas.json in the data directory
// (beside cluster.json), rewritten atomically on each change.

import { isIP } from 'node:net'
import { CLIENT_ID, entityKey, entityString, IP, USER, type Entity } from './entity.js'

// QuotaConfig's user/client-id keys and their ConfigDef types, and the ip key.
const USER_CLIENT_KEYS: Readonly<Record<string, 'LONG' | 'DOUBLE' | 'INT'>> = {
  producer_byte_rate: 'LONG',
  consumer_byte_rate: 'LONG',
  request_percentage: 'DOUBLE',
  controller_mutation_rate: 'DOUBLE',
}
const IP_KEYS: Readonly<Record<string, 'LONG' | 'DOUBLE' | 'INT'>> = { connection_creation_rate: 'INT' }

export interface QuotaFile {
  readText(): string | null
  writeAtomic(text: string): void
}

export interface StoredQuota {
  entity: Entity
  values: Map<string, number>
}

export interface Alteration {
  // In request order; a type named twice is refused as Kafka refuses it.
  entity: [string, string | null][]
  ops: { key: string; value: number; remove: boolean }[]
}

export interface AlterResult {
  entity: [string, string | null][]
  errorCode: number
  errorMessage: string | null
}

export interface DescribeFilter {
  components: { entityType: string; matchType: number; match: string | null }[]
  strict: boolean
}

// A request-wide failure of describe, with Kafka's code name and message.
export class QuotaFilterError extends Error {
  constructor(readonly code: 'INVALID_REQUEST' | 'UNSUPPORTED_VERSION', message: string) {
    super(message)
  }
}

const INVALID_REQUEST = 42
const ok = (): null => null
type Failure = { errorCode: number; errorMessage: string } | null
const invalid = (message: string): Failure => ({ errorCode: INVALID_REQUEST, errorMessage: message })

// Mutated only through alter(); listeners run after each applied change.
export class QuotaStore {
  private readonly byKey = new Map<string, StoredQuota>()
  private readonly listeners: (() => void)[] = []

  constructor(private readonly file: QuotaFile | null = null) {
    this.read()
  }

  // Reads the file again (another broker over a shared store changed it); listeners run.
  reload(): void {
    this.read()
    for (const fn of this.listeners) fn()
  }

  private read(): void {
    this.byKey.clear()
    const text = this.file?.readText()
    if (!text) return
    // Values are kept as strings so that Infinity (a valid DOUBLE quota) survives JSON.
    const parsed = JSON.parse(text) as { quotas?: { entity: Record<string, string | null>; values: Record<string, string> }[] }
    for (const q of parsed.quotas ?? []) {
      const entity = new Map(Object.entries(q.entity))
      this.byKey.set(entityKey(entity), { entity, values: new Map(Object.entries(q.values).map(([k, v]) => [k, Number(v)])) })
    }
  }

  onChange(fn: () => void): void {
    this.listeners.push(fn)
  }

  // The value of `key` set on exactly this entity, else undefined.
  value(entity: Entity, key: string): number | undefined {
    return this.byKey.get(entityKey(entity))?.values.get(key)
  }

  has(entity: Entity): boolean {
    return this.byKey.has(entityKey(entity))
  }

  // Whether any entity sets `key` (a quota manager with none does no work at all).
  uses(key: string): boolean {
    for (const q of this.byKey.values()) if (q.values.has(key)) return true
    return false
  }

  all(): Iterable<StoredQuota> {
    return this.byKey.values()
  }

  // ClientQuotaControlManager.alterClientQuotas: per entity, duplicate keys and entities, entity
  // types, their combination and each value are checked; an entity with any error changes nothing.
  alter(alterations: readonly Alteration[], validateOnly: boolean): AlterResult[] {
    const results = new Map<string, AlterResult>()
    const changes: { entity: Entity; values: Map<string, number | null> }[] = []
    for (const a of alterations) {
      const entity = new Map(a.entity)
      const key = entityKey(entity)
      const values = new Map<string, number | null>()
      let duplicateKey: string | null = null
      for (const op of a.ops) {
        if (values.has(op.key)) duplicateKey = op.key
        else values.set(op.key, op.remove ? null : op.value)
      }
      if (duplicateKey !== null || results.has(key)) {
        // Kafka records the duplicate key first, then finds a result for the entity and replaces
        // it with "Ignoring duplicate entity": that is the message clients see for both.
        results.set(key, { entity: a.entity, ...invalid(`Ignoring duplicate entity ${entityString(a.entity)}`)! })
        continue
      }
      const error = validateEntity(a.entity) ?? validateValues(entity, values)
      results.set(key, { entity: a.entity, errorCode: error?.errorCode ?? 0, errorMessage: error?.errorMessage ?? null })
      if (!error) changes.push({ entity, values })
    }
    // As in Kafka, an entity named again keeps the first alteration's changes while its result
    // becomes "Ignoring duplicate entity".
    if (!validateOnly && changes.length > 0) this.apply(changes)
    return [...results.values()]
  }

  private apply(changes: { entity: Entity; values: Map<string, number | null> }[]): void {
    for (const c of changes) {
      const key = entityKey(c.entity)
      const stored = this.byKey.get(key) ?? { entity: c.entity, values: new Map<string, number>() }
      for (const [k, v] of c.values) {
        if (v === null) stored.values.delete(k)
        else stored.values.set(k, v)
      }
      if (stored.values.size === 0) this.byKey.delete(key)
      else this.byKey.set(key, stored)
    }
    this.save()
    for (const fn of this.listeners) fn()
  }

  // ClientQuotasImage.describe: the filter is checked first (INVALID_REQUEST / UNSUPPORTED_VERSION
  // with Kafka's messages), then every entity matching it is listed with all its values.
  describe(filter: DescribeFilter): StoredQuota[] {
    const exact = new Map<string, string | null>()
    const typed = new Set<string>()
    for (const c of filter.components) {
      if (c.entityType === '') throw new QuotaFilterError('INVALID_REQUEST', 'Invalid empty entity type.')
      if (exact.has(c.entityType) || typed.has(c.entityType)) throw new QuotaFilterError('INVALID_REQUEST', `Entity type ${c.entityType} cannot appear more than once in the filter.`)
      if (c.entityType !== IP && c.entityType !== USER && c.entityType !== CLIENT_ID) throw new QuotaFilterError('UNSUPPORTED_VERSION', `Unsupported entity type ${c.entityType}`)
      if (c.matchType === 0) {
        if (c.match === null) throw new QuotaFilterError('INVALID_REQUEST', 'Request specified MATCH_TYPE_EXACT, but set match string to null.')
        exact.set(c.entityType, c.match)
      } else if (c.matchType === 1) {
        if (c.match !== null) throw new QuotaFilterError('INVALID_REQUEST', 'Request specified MATCH_TYPE_DEFAULT, but also specified a match string.')
        exact.set(c.entityType, null)
      } else if (c.matchType === 2) {
        if (c.match !== null) throw new QuotaFilterError('INVALID_REQUEST', 'Request specified MATCH_TYPE_SPECIFIED, but also specified a match string.')
        typed.add(c.entityType)
      } else {
        throw new QuotaFilterError('INVALID_REQUEST', `Unknown match type ${c.matchType}`)
      }
    }
    const has = (t: string) => exact.has(t) || typed.has(t)
    if (has(IP) && (has(USER) || has(CLIENT_ID))) {
      throw new QuotaFilterError('INVALID_REQUEST', 'Invalid entity filter component combination. IP filter component should not be used with user or clientId filter component.')
    }
    return [...this.byKey.values()].filter((q) => {
      if (filter.strict && q.entity.size !== exact.size + typed.size) return false
      for (const [t, name] of exact) if (!q.entity.has(t) || q.entity.get(t) !== name) return false
      for (const t of typed) if (!q.entity.has(t)) return false
      return true
    })
  }

  private save(): void {
    if (!this.file) return
    const quotas = [...this.byKey.values()].map((q) => ({ entity: Object.fromEntries(q.entity), values: Object.fromEntries([...q.values].map(([k, v]) => [k, String(v)])) }))
    this.file.writeAtomic(JSON.stringify({ version: 1, quotas }, null, 1))
  }
}

// ClientQuotaControlManager.validateEntity.
function validateEntity(entity: readonly [string, string | null][]): Failure {
  if (entity.length === 0) return invalid('Invalid empty client quota entity')
  const seen = new Set<string>()
  for (const [type, name] of entity) {
    if (seen.has(type)) return invalid(`Invalid client quota entity, duplicate entity entry ${type}`)
    seen.add(type)
    if (type !== USER && type !== CLIENT_ID && type !== IP) return invalid(`Unhandled client quota entity type: ${type}`)
    if (name !== null && name === '') return invalid(`Empty ${type} not supported`)
  }
  return ok()
}

// configKeysForEntityType + validateQuotaKeyValue: removals are never checked, set values are.
function validateValues(entity: Entity, values: ReadonlyMap<string, number | null>): Failure {
  let keys: Readonly<Record<string, 'LONG' | 'DOUBLE' | 'INT'>>
  if (entity.has(IP)) {
    // Kafka's message has no space between "should" and "not".
    if (entity.has(USER) || entity.has(CLIENT_ID)) return invalid('Invalid quota entity combination, IP entity should' + 'not be combined with User or ClientId')
    const ip = entity.get(IP)!
    // Kafka resolves the name (InetAddress.getByName); Rivulet takes IP literals only.
    if (ip !== null && isIP(ip) === 0) return invalid(`${ip} is not a valid IP or resolvable host.`)
    keys = IP_KEYS
  } else {
    keys = USER_CLIENT_KEYS
  }
  for (const [key, value] of values) {
    if (value === null) continue
    const type = keys[key]
    if (type === undefined) return invalid(`Invalid configuration key ${key}`)
    if (!(value > 0)) return invalid(`Quota ${key} must be greater than 0`)
    if (type === 'DOUBLE') continue
    if (type === 'INT' && value > 2147483647) return invalid(`Proposed value for ${key} is too large for an INT.`)
    if (type === 'LONG' && value > 9223372036854775807) return invalid(`Proposed value for ${key} is too large for a LONG.`)
    if (Math.abs(value % 1) > 1e-6) return invalid(`${key} cannot be a fractional value.`)
  }
  return ok()
}
