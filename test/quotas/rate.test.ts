// Kafka's quota arithmetic on the broker clock: Rate over SampledStat windows (quota.window.num 11,
// quota.window.size.seconds 1), QuotaUtils.throttleTime, the TokenBucket of controller mutations.
// Numbers worked out from Kafka's formulas, driven by a manual clock.
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../src/clock.js'
import { ClientQuotaManager } from '../../src/quotas/client-quota-manager.js'
import { QuotaStore } from '../../src/quotas/quota-store.js'
import { ClientQuotas } from '../../src/quotas/quotas.js'
import { bucketThrottleMs, recordAndThrottle, SampledRate, TokenBucket } from '../../src/quotas/rate.js'

const KAFKA = { samples: 11, windowMs: 1000 }
const MiB = 1024 * 1024

describe('SampledRate (Rate + WindowedSum)', () => {
  it('measures a young sensor over samples - 1 whole windows, never a few milliseconds', () => {
    const r = new SampledRate(KAFKA)
    r.record(10 * MiB, 0)
    expect(r.windowSize(0)).toBe(10_000)
    expect(r.measure(0)).toBe(MiB)
    expect(r.windowSize(2500)).toBe(10_500) // 2 whole windows elapsed + 8 assumed + the current fraction
    // Past 10 whole windows the elapsed time itself is the window.
    r.record(0, 12_000)
    expect(r.windowSize(12_300)).toBeGreaterThanOrEqual(10_000)
  })

  it('throttles by (O - T) / T * W and not at the bound itself', () => {
    const r = new SampledRate(KAFKA)
    expect(recordAndThrottle(r, MiB, 10 * MiB, 1_000)).toBe(0) // exactly 1 MiB/s over 10 s
    // 11 MiB over 10 s: O = 1.1 T, so 0.1 * 10 000 ms.
    expect(recordAndThrottle(r, MiB, MiB, 1_000)).toBe(1000)
  })

  it('forgets samples idle for samples * window', () => {
    const r = new SampledRate(KAFKA)
    r.record(50 * MiB, 0)
    expect(r.measure(10_999)).toBeGreaterThan(0)
    expect(r.measure(11_000)).toBe(0)
  })

  it('a client that honours its throttle time gets a first burst of 10 windows, then the quota', () => {
    // A producer sending 64 KiB requests back to back, waiting out each throttle time, as the Java
    // client does with Produce v6+. Kafka's sensor starts as if 10 windows old, so the first
    // ~10 s worth goes at full speed; the long-run average is the quota, though shorter spans
    // swing with the 11-window cycle (bursts recur as the oldest samples expire).
    const r = new SampledRate(KAFKA)
    const perSecond = new Array<number>(121).fill(0)
    let now = 0
    while (now < 120_000) {
      const wait = recordAndThrottle(r, MiB, 64 * 1024, now)
      perSecond[Math.floor(now / 1000)]! += 64 * 1024
      now += Math.max(wait, 5)
    }
    expect(perSecond[0]! / MiB).toBeCloseTo(11, 0) // 10 MiB of credit + the first second
    expect(perSecond[5]! / MiB).toBeLessThan(0.2)
    const longRun = perSecond.slice(30, 120).reduce((a, x) => a + x, 0) / 90 / MiB
    expect(longRun).toBeGreaterThan(0.95)
    expect(longRun).toBeLessThan(1.05)
  })
})

describe('TokenBucket', () => {
  it('starts full at samples * window * rate, refills at the rate, and goes below zero', () => {
    const b = new TokenBucket(KAFKA)
    expect(b.measure(2, 1_000_000)).toBe(22)
    b.record(2, 30, 1_000_000)
    expect(b.measure(2, 1_000_000)).toBe(-8)
    expect(bucketThrottleMs(-8, 2)).toBe(4000)
    expect(b.measure(2, 1_004_000)).toBe(0)
    expect(b.measure(2, 1_100_000)).toBe(22)
  })
})

function quotas(): { store: QuotaStore; clock: ManualClock; q: ClientQuotas } {
  const clock = new ManualClock()
  const store = new QuotaStore()
  return { store, clock, q: new ClientQuotas(store, { client: KAFKA, controller: KAFKA }, clock) }
}

function set(store: QuotaStore, entity: [string, string | null][], key: string, value: number): void {
  const [r] = store.alter([{ entity, ops: [{ key, value, remove: false }] }], false)
  expect(r!.errorCode).toBe(0)
}

describe('ClientQuotaManager precedence (KIP-55, DefaultQuotaCallback)', () => {
  it('is disabled until some entity sets its key, and again once none does', () => {
    const { store, q } = quotas()
    expect(q.produce.enabled).toBe(false)
    set(store, [['client-id', 'c']], 'consumer_byte_rate', 100)
    expect(q.produce.enabled).toBe(false)
    expect(q.fetch.enabled).toBe(true)
    store.alter([{ entity: [['client-id', 'c']], ops: [{ key: 'consumer_byte_rate', value: 0, remove: true }] }], false)
    expect(q.fetch.enabled).toBe(false)
  })

  it('picks the most specific of the 8 levels', () => {
    const { store, q } = quotas()
    const m: ClientQuotaManager = q.produce
    const limit = (user: string, client: string) => {
      const [u, c] = m.metricTags(user, client)
      return m.quotaLimit(u, c)
    }
    set(store, [['client-id', null]], 'producer_byte_rate', 8)
    expect(limit('alice', 'c1')).toBe(8)
    set(store, [['client-id', 'c1']], 'producer_byte_rate', 7)
    expect(limit('alice', 'c1')).toBe(7)
    expect(limit('alice', 'c2')).toBe(8)
    set(store, [['user', null]], 'producer_byte_rate', 6)
    expect(limit('alice', 'c1')).toBe(6)
    set(store, [['user', null], ['client-id', null]], 'producer_byte_rate', 5)
    expect(limit('alice', 'c1')).toBe(5)
    set(store, [['user', null], ['client-id', 'c1']], 'producer_byte_rate', 4)
    expect(limit('alice', 'c1')).toBe(4)
    expect(limit('alice', 'c2')).toBe(5)
    set(store, [['user', 'alice']], 'producer_byte_rate', 3)
    expect(limit('alice', 'c1')).toBe(3)
    expect(limit('bob', 'c1')).toBe(4)
    set(store, [['user', 'alice'], ['client-id', null]], 'producer_byte_rate', 2)
    expect(limit('alice', 'c9')).toBe(2)
    set(store, [['user', 'alice'], ['client-id', 'c1']], 'producer_byte_rate', 1)
    expect(limit('alice', 'c1')).toBe(1)
    expect(limit('alice', 'c2')).toBe(2)
  })

  it('shares one sensor between the clients of a user quota, and keeps samples when the quota changes', () => {
    const { store, clock, q } = quotas()
    set(store, [['user', 'alice']], 'producer_byte_rate', 1000)
    expect(q.produce.record('alice', 'a', 10_000)).toBe(0)
    // The same user under another client id records into the same sensor: 11 000 B over 10 s.
    expect(q.produce.record('alice', 'b', 1000)).toBe(1000)
    set(store, [['user', 'alice']], 'producer_byte_rate', 2000)
    clock.advance(1000)
    expect(q.produce.record('alice', 'a', 0)).toBe(0)
    expect(q.produce.record('bob', 'a', 1e9)).toBe(0) // no quota for bob
  })

  it('bounds request_percentage throttling to one window', () => {
    const { store, q } = quotas()
    set(store, [['client-id', 'busy']], 'request_percentage', 1)
    // 5 s of handler time is 500 %·s: far over 1 % for 10 s, capped at 1000 ms.
    expect(q.requestThrottleMs('ANONYMOUS', 'busy', 5e9)).toBe(1000)
    expect(q.requestThrottleMs('ANONYMOUS', 'idle', 5e9)).toBe(0)
  })

  it('controller mutations: strict refuses once the bucket is below zero, permissive only throttles', () => {
    const { store, clock, q } = quotas()
    set(store, [['client-id', 'admin']], 'controller_mutation_rate', 1) // burst 11
    const strict = q.mutationQuota('ANONYMOUS', 'admin', true)!
    expect(strict.record(20)).toBe(true) // bucket 11 ─▶ -9: accepted, it was not below zero
    expect(strict.throttleTimeMs()).toBe(0)
    expect(strict.record(1)).toBe(false)
    expect(strict.throttleTimeMs()).toBe(9000)
    clock.advance(4000)
    expect(strict.throttleTimeMs()).toBe(5000)
    const permissive = q.mutationQuota('ANONYMOUS', 'admin', false)!
    expect(permissive.record(1)).toBe(true)
    expect(permissive.throttleTimeMs()).toBe(6000) // -5 - 1 = -6 tokens at 1/s
    expect(q.mutationQuota('ANONYMOUS', 'other', true)!.record(1000)).toBe(true) // no quota: unbounded
  })
})
