// Await helpers for the test kit: "until this group is Stable", "until this partition reaches
// offset N". Event-driven: a condition is checked when it is asked, after every request the
// broker answers, after every append to the partition waited on and after every kit.advance();
// never by polling with sleeps. Each wait has a real-time timeout that rejects with what was seen.

import type { Broker } from '../broker.js'
import type { RequestHook } from '../server/request-hooks.js'

export interface UntilOptions {
  // Real milliseconds before the wait fails (default 10,000).
  timeoutMs?: number
}

interface Waiter {
  check(): boolean
  stop(): void
}

export class Until {
  private readonly waiters = new Set<Waiter>()
  // Installed on the broker only while someone waits, so an idle kit costs nothing per request.
  // A condition may be about requests themselves, so arrivals count as well as answers.
  readonly hook: RequestHook = { observe: () => queueMicrotask(() => this.recheck()), settled: () => this.recheck() }

  constructor(
    private readonly broker: () => Broker,
    private readonly installed: (on: boolean) => void,
  ) {}

  groupStable(groupId: string, o: UntilOptions = {}): Promise<void> {
    return this.wait(`group ${groupId} to be Stable`, () => this.broker().groups.group(groupId)?.state === 'Stable', () => `its state is ${this.broker().groups.group(groupId)?.state ?? 'unknown (no such group)'}`, o)
  }

  // Until the partition's high watermark is at least `offset` (n records from an empty log).
  offset(topic: string, partition: number, offset: number, o: UntilOptions = {}): Promise<void> {
    const hw = () => this.broker().partition(topic, partition)?.highWatermark ?? -1
    const broker = this.broker()
    const unsubscribe = broker.logs.onAppend([broker.logs.key(topic, partition)], () => this.recheck())
    return this.wait(`${topic}-${partition} to reach offset ${offset}`, () => hw() >= offset, () => `its high watermark is ${hw() < 0 ? 'unknown (no such partition)' : hw()}`, o).finally(unsubscribe)
  }

  // Any condition over the broker, checked on the same events.
  condition(description: string, check: (broker: Broker) => boolean, o: UntilOptions = {}): Promise<void> {
    return this.wait(description, () => check(this.broker()), () => 'it never held', o)
  }

  recheck(): void {
    for (const w of [...this.waiters]) if (w.check()) w.stop()
  }

  // Fails every pending wait (the broker is stopping or being reset).
  cancelAll(reason: string): void {
    for (const w of [...this.waiters]) {
      w.stop()
      ;(w as Waiter & { fail?: (r: string) => void }).fail?.(reason)
    }
  }

  private wait(what: string, holds: () => boolean, seen: () => string, o: UntilOptions): Promise<void> {
    if (holds()) return Promise.resolve()
    const timeoutMs = o.timeoutMs ?? 10_000
    return new Promise((resolve, reject) => {
      const w: Waiter & { fail: (r: string) => void } = {
        check: () => {
          if (!holds()) return false
          resolve()
          return true
        },
        stop: () => {
          clearTimeout(timer)
          this.waiters.delete(w)
          if (this.waiters.size === 0) this.installed(false)
        },
        fail: (reason) => reject(new Error(`waiting for ${what}: ${reason}`)),
      }
      const timer = setTimeout(() => {
        w.stop()
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${seen()}`))
      }, timeoutMs)
      if (this.waiters.size === 0) this.installed(true)
      this.waiters.add(w)
    })
  }
}
