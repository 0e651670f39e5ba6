// The test kit (issue 14): faults, request inspection, await helpers and the clock of one
// embedded broker, plus records/createTopic/reset. Each running broker has its own kit, so
// several isolated brokers in one process share no kit state. The same controls are served over
// HTTP by src/admin/kit-routes.ts.

import type { Broker } from '../broker.js'
import type { RequestHook } from '../server/request-hooks.js'
import { ManualClock, type Clock } from '../clock.js'
import { Faults } from './faults.js'
import { topicRecords, type KitRecord } from './records.js'
import { RequestLog, type RequestLogLimits } from './requests.js'
import { Until } from './until.js'

export type { FaultSpec, FaultInfo } from './faults.js'
export type { RecordedRequest, RequestLogLimits } from './requests.js'
export type { KitRecord } from './records.js'
export type { UntilOptions } from './until.js'

export interface KitHost {
  broker(): Broker
  clock: Clock
  // Replaces the broker with an empty one on the same listeners (the embedded API does this).
  reset(): Promise<void>
}

export interface TopicSpec {
  partitions?: number
  replicationFactor?: number
  // Topic configs with Kafka's names, e.g. { 'cleanup.policy': 'compact' }.
  config?: Record<string, string | number | boolean>
}

export class TestKit {
  readonly faults: Faults
  readonly requests: RequestLog
  readonly until: Until

  constructor(private readonly host: KitHost, limits: RequestLogLimits = {}) {
    this.faults = new Faults(
      (id) => host.broker().cluster.topicById(id)?.name,
      (on) => this.install(this.faults.hook, on),
      () => this.until?.recheck(),
    )
    this.requests = new RequestLog(limits, () => host.clock.now())
    this.until = new Until(() => host.broker(), (on) => this.install(this.until.hook, on))
    this.attach(host.broker())
  }

  // Installs the recorder on a broker (at start and after reset()); faults and waits install
  // their hooks only while they have rules or waiters.
  attach(broker: Broker): void {
    if (this.requests.maxRequests > 0) broker.requestHooks.push(this.requests.hook)
  }

  private install(hook: RequestHook, on: boolean): void {
    const hooks = this.host.broker().requestHooks
    const at = hooks.indexOf(hook)
    if (on && at < 0) hooks.push(hook)
    else if (!on && at >= 0) hooks.splice(at, 1)
  }

  get broker(): Broker {
    return this.host.broker()
  }

  // The broker's clock, when it is a ManualClock (startBroker({ clock: 'manual' })).
  get clock(): ManualClock {
    const c = this.host.clock
    if (!(c instanceof ManualClock)) throw new Error('this broker runs on the system clock: start it with { clock: "manual" } to move time with kit.advance()')
    return c
  }

  // Moves the manual clock: session and rebalance timeouts, retention, compaction lag,
  // transaction timeouts and offset expiry fire as their time comes.
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`advance needs a non-negative number of milliseconds (got ${ms})`)
    this.clock.advance(ms)
    this.until.recheck()
    return this.clock.now()
  }

  createTopic(name: string, spec: TopicSpec = {}): { name: string; topicId: string; partitions: number } {
    const configs = Object.fromEntries(Object.entries(spec.config ?? {}).map(([k, v]) => [k, String(v)]))
    const t = this.broker.createTopic(name, spec.partitions ?? -1, spec.replicationFactor ?? -1, configs)
    return { name: t.name, topicId: t.id, partitions: t.partitions }
  }

  records(topic: string, partition?: number): KitRecord[] {
    return topicRecords(this.broker, topic, partition)
  }

  // Empties everything (topics, groups, producers, requests seen, faults) and keeps the port:
  // connected clients are disconnected and reconnect to the empty broker.
  async reset(): Promise<void> {
    this.faults.clear()
    this.requests.clear()
    this.until.cancelAll('the broker was reset')
    await this.host.reset()
  }

  // Ends every fault and pending wait: the broker stops.
  close(): void {
    this.faults.clear()
    this.until.cancelAll('the broker stopped')
  }
}
