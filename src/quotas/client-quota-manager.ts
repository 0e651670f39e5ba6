// Kafka's ClientQuotaManager with its DefaultQuotaCallback: which quota applies to a (user,
// client-id) pair, and one sensor per quota entity in use, shared by every connection it covers.
// The most specific quota wins, in KIP-55's order:
//   1 /users/<user>/clients/<client-id>   2 /users/<user>/clients/<default>   3 /users/<user>
//   4 /users/<default>/clients/<client-id> 5 /users/<default>/clients/<default> 6 /users/<default>
//   7 /clients/<client-id>                8 /clients/<default>
// A manager whose key no entity sets is disabled: callers test `enabled` and do nothing else.

import type { Clock } from '../clock.js'
import { CLIENT_ID, USER } from './entity.js'
import type { QuotaStore } from './quota-store.js'
import { recordAndThrottle, SampledRate, TokenBucket, type WindowConfig } from './rate.js'

// Kafka's InactiveSensorExpirationTimeSeconds: a sensor idle for an hour is dropped.
const INACTIVE_SENSOR_MS = 3600_000

export interface QuotaSensor {
  readonly rate: SampledRate
  readonly bucket: TokenBucket | null
  // The quota (Kafka's metric config bound); Infinity where no level sets one (Long.MaxValue).
  bound: number
  lastUsedMs: number
  generation: number
}

export class ClientQuotaManager {
  enabled = false
  private readonly sensors = new Map<string, QuotaSensor>()
  private generation = 0

  constructor(
    readonly key: string,
    private readonly store: QuotaStore,
    readonly window: WindowConfig,
    private readonly clock: Clock,
    private readonly tokenBucket = false,
  ) {
    this.refresh()
  }

  // After any quota change: sensors pick up their new bound on next use (Kafka's
  // updateQuotaMetricConfigs) and keep their samples.
  refresh(): void {
    this.enabled = this.store.uses(this.key)
    this.generation++
  }

  // DefaultQuotaCallback.quotaMetricTags: the entity whose sensor this pair records into.
  metricTags(user: string, clientId: string): [string, string] {
    const has = (u: string | null | undefined, c: string | null | undefined) => this.store.value(entity(u, c), this.key) !== undefined
    if (has(user, clientId) || has(user, null)) return [user, clientId]
    if (has(user, undefined)) return [user, '']
    if (has(null, clientId) || has(null, null)) return [user, clientId]
    if (has(null, undefined)) return [user, '']
    return ['', clientId]
  }

  // DefaultQuotaCallback.quotaLimit for those tags.
  quotaLimit(userTag: string, clientTag: string): number {
    const get = (u: string | null | undefined, c: string | null | undefined) => this.store.value(entity(u, c), this.key)
    let q: number | undefined
    if (userTag !== '' && clientTag !== '') q = get(userTag, clientTag) ?? get(userTag, null) ?? get(null, clientTag) ?? get(null, null)
    else if (userTag !== '') q = get(userTag, undefined) ?? get(null, undefined)
    else if (clientTag !== '') q = get(undefined, clientTag) ?? get(undefined, null)
    return q ?? Infinity
  }

  sensor(user: string, clientId: string): QuotaSensor {
    const now = this.clock.now()
    const [u, c] = this.metricTags(user, clientId)
    const id = `${u}\u0000${c}`
    let s = this.sensors.get(id)
    if (!s) {
      if (this.sensors.size >= 1024) this.expire(now)
      s = { rate: new SampledRate(this.window), bucket: this.tokenBucket ? new TokenBucket(this.window) : null, bound: this.quotaLimit(u, c), lastUsedMs: now, generation: this.generation }
      this.sensors.set(id, s)
    } else if (s.generation !== this.generation) {
      s.bound = this.quotaLimit(u, c)
      s.generation = this.generation
    }
    s.lastUsedMs = now
    return s
  }

  // recordAndGetThrottleTimeMs: records `value` now; the throttle time in ms, 0 within the quota.
  record(user: string, clientId: string, value: number): number {
    const s = this.sensor(user, clientId)
    return recordAndThrottle(s.rate, s.bound, value, this.clock.now())
  }

  // unrecordQuotaSensor: a throttled fetch returns nothing, so its bytes do not count.
  unrecord(user: string, clientId: string, value: number): void {
    this.sensor(user, clientId).rate.record(-value, this.clock.now())
  }

  // getMaxValueInQuotaWindow: the most a client may take at once without being throttled for
  // certain (Fetch caps its max bytes to it).
  maxValueInWindow(user: string, clientId: string): number {
    const s = this.sensor(user, clientId)
    return s.bound * (this.window.samples - 1) * (this.window.windowMs / 1000)
  }

  private expire(now: number): void {
    for (const [id, s] of this.sensors) if (now - s.lastUsedMs >= INACTIVE_SENSOR_MS) this.sensors.delete(id)
  }
}

// undefined: the entity has no such type; null: the type's default entity.
function entity(user: string | null | undefined, clientId: string | null | undefined): Map<string, string | null> {
  const m = new Map<string, string | null>()
  if (user !== undefined) m.set(USER, user)
  if (clientId !== undefined) m.set(CLIENT_ID, clientId)
  return m
}
