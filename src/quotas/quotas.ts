// The broker's quota managers (Kafka's QuotaFactory.QuotaManagers): produce and fetch byte rates,
// request time and controller mutations, all reading the one QuotaStore. Each manager is disabled
// until some entity sets its key, so produce and fetch test one boolean when no quota exists.

import type { Clock } from '../clock.js'
import { ClientQuotaManager, type QuotaSensor } from './client-quota-manager.js'
import type { QuotaStore } from './quota-store.js'
import { bucketThrottleMs, type WindowConfig } from './rate.js'

export interface QuotaWindows {
  client: WindowConfig // quota.window.num, quota.window.size.seconds
  controller: WindowConfig // controller.quota.window.num, controller.quota.window.size.seconds
}

export class ClientQuotas {
  readonly produce: ClientQuotaManager
  readonly fetch: ClientQuotaManager
  readonly request: ClientQuotaManager
  readonly controllerMutation: ClientQuotaManager

  constructor(readonly store: QuotaStore, windows: QuotaWindows, private readonly clock: Clock) {
    this.produce = new ClientQuotaManager('producer_byte_rate', store, windows.client, clock)
    this.fetch = new ClientQuotaManager('consumer_byte_rate', store, windows.client, clock)
    this.request = new ClientQuotaManager('request_percentage', store, windows.client, clock)
    this.controllerMutation = new ClientQuotaManager('controller_mutation_rate', store, windows.controller, clock, true)
    store.onChange(() => {
      for (const m of [this.produce, this.fetch, this.request, this.controllerMutation]) m.refresh()
    })
  }

  // ClientRequestQuotaManager.maybeRecordAndGetThrottleTimeMs: handler time as a percentage of
  // one thread (nanos * 100 / 1e9), throttled at most one quota window (maxThrottleTimeMs).
  requestThrottleMs(user: string, clientId: string, handlerNanos: number): number {
    if (!this.request.enabled) return 0
    const ms = this.request.record(user, clientId, handlerNanos * 1e-7)
    return Math.min(ms, this.request.window.windowMs)
  }

  // ControllerMutationQuotaManager.newQuotaFor: strict from the version given (THROTTLING_QUOTA_
  // EXCEEDED once the bucket is empty), permissive below it; null without any such quota.
  mutationQuota(user: string, clientId: string, strict: boolean): MutationQuota | null {
    if (!this.controllerMutation.enabled) return null
    return new MutationQuota(this.controllerMutation.sensor(user, clientId), strict, this.clock)
  }
}

// One request's view of its controller mutation quota (StrictControllerMutationQuota and
// PermissiveControllerMutationQuota).
export class MutationQuota {
  private lastThrottleMs = 0
  private lastRecordedMs = 0

  constructor(private readonly sensor: QuotaSensor, private readonly strict: boolean, private readonly clock: Clock) {}

  // Strict: refused (false) while the bucket is below zero, else recorded even when it goes below.
  // Permissive: always recorded and accepted; a bucket below zero throttles the response.
  record(partitions: number): boolean {
    const now = this.clock.now()
    const bucket = this.sensor.bucket!
    const bound = this.sensor.bound
    if (bound === Infinity) return true
    if (this.strict) {
      const tokens = bucket.measure(bound, now)
      if (tokens < 0) {
        this.setThrottle(bucketThrottleMs(tokens, bound), now)
        return false
      }
      bucket.record(bound, partitions, now)
      return true
    }
    bucket.record(bound, partitions, now)
    const tokens = bucket.measure(bound, now)
    if (tokens < 0) this.setThrottle(bucketThrottleMs(tokens, bound), now)
    return true
  }

  // AbstractControllerMutationQuota.throttleTime: the throttle left, less the time since it was set.
  throttleTimeMs(): number {
    return Math.max(0, this.lastThrottleMs - (this.clock.now() - this.lastRecordedMs))
  }

  private setThrottle(ms: number, now: number): void {
    this.lastThrottleMs = ms
    this.lastRecordedMs = now
  }
}
