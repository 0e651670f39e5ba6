// Fault injection for the test kit: rules that match requests (API key, version range, topic,
// partition, client id) and change how the broker answers them, the way franz-go's kfake
// ControlKey and librdkafka's mock cluster (push_request_errors, broker down) do, so an
// application's tests see what a misbehaving Kafka would send. Faults run in real time (delays,
// durations, Produce's timeout), not the broker's clock: they act on the client's network view.
//
// Rules compose: one request can be delayed, throttled and answered with an error at once.
// Order: drop-before, hang, pause-appends, errors, handle, throttle + delay, drop-after.

import { ErrorCode } from '../../protocol/errors.js'
import type { HookedRequest, RequestControl, RequestHook } from '../server/request-hooks.js'
import { checkSpec, type FaultSpec, type Rule } from './fault-spec.js'
import { hasPartitions, requestPartitions, splitRequest, type PartitionRef } from './partition-errors.js'

export type { FaultSpec } from './fault-spec.js'

export interface FaultInfo extends FaultSpec {
  id: number
  // How many more requests the rule applies to (null: until removed).
  remaining: number | null
}

export class Faults {
  private readonly rules = new Map<number, Rule>()
  private nextId = 1
  // Requests held by hang / pauseAppends re-check their rules when one goes away.
  private readonly waiters = new Set<() => void>()
  private readonly expiries = new Map<number, NodeJS.Timeout>()
  readonly hook: RequestHook

  // nameOf resolves a topic id (Produce/Fetch v13+); `installed` puts the hook on the broker while
  // any rule exists, so a broker without faults pays nothing for them.
  constructor(
    private readonly nameOf: (topicId: string) => string | undefined,
    private readonly installed: (on: boolean) => void = () => {},
    // Told when rules go away (kit.until conditions may be about faults).
    private readonly changed: () => void = () => {},
  ) {
    this.hook = { intercept: (req, control) => this.intercept(req, control) }
  }

  add(spec: FaultSpec): number {
    const rule = checkSpec(this.nextId, spec)
    this.nextId++
    this.rules.set(rule.id, rule)
    if (this.rules.size === 1) this.installed(true)
    if (spec.durationMs !== undefined) {
      const t = setTimeout(() => this.remove(rule.id), spec.durationMs)
      t.unref()
      this.expiries.set(rule.id, t)
    }
    return rule.id
  }

  list(): FaultInfo[] {
    return [...this.rules.values()].map((r) => ({ id: r.id, ...r.spec, remaining: r.remaining === Infinity ? null : r.remaining }))
  }

  remove(id: number): boolean {
    const had = this.rules.delete(id)
    clearTimeout(this.expiries.get(id))
    this.expiries.delete(id)
    if (had) this.wake()
    if (had && this.rules.size === 0) this.installed(false)
    return had
  }

  // Removes every rule; held requests go on as if nothing had happened.
  clear(): void {
    this.rules.clear()
    for (const t of this.expiries.values()) clearTimeout(t)
    this.expiries.clear()
    this.installed(false)
    this.wake()
  }

  // Shorthands for the common faults; each returns the rule's id.
  error(api: string | number, error: string | number, o: Omit<FaultSpec, 'api' | 'error'> = {}): number {
    return this.add({ ...o, api, error })
  }
  pausePartition(topic: string, partition?: number, o: Pick<FaultSpec, 'durationMs'> = {}): number {
    return this.add({ ...o, topic, partition, pauseAppends: true })
  }
  notLeader(topic: string, partition?: number, o: Pick<FaultSpec, 'durationMs' | 'times'> = {}): number {
    return this.add({ ...o, topic, partition, notLeader: true })
  }

  private wake(): void {
    for (const w of [...this.waiters]) w()
    this.changed()
  }

  private intercept(req: HookedRequest, control: RequestControl): boolean {
    if (this.rules.size === 0) return false
    const refs = hasPartitions(req.apiKey) ? requestPartitions(req.apiKey, req.body, this.nameOf) : []
    const matched = [...this.rules.values()].filter((r) => this.matches(r, req, refs))
    if (matched.length === 0) return false
    void this.run(req, control, matched, refs).catch(() => control.destroy())
    return true
  }

  private matches(r: Rule, req: HookedRequest, refs: PartitionRef[]): boolean {
    if (r.remaining <= 0 || (r.apiKeys !== null && !r.apiKeys.has(req.apiKey))) return false
    if (req.version < r.minVersion || req.version > r.maxVersion) return false
    if (r.spec.clientId !== undefined && r.spec.clientId !== req.header.clientId) return false
    if (r.spec.topic === undefined) return true
    return refs.some((ref) => covers(r, ref))
  }

  // Counts one use of a rule; a used-up rule goes away, except a hang rule, which stays (matching
  // nothing more) so that the requests it holds wait until it is removed or the kit is cleared.
  private use(r: Rule): void {
    if (--r.remaining <= 0 && r.kind !== 'hang') this.remove(r.id)
  }

  private async run(req: HookedRequest, control: RequestControl, matched: Rule[], refs: PartitionRef[]): Promise<void> {
    const first = (kind: Rule['kind']) => matched.find((r) => r.kind === kind)
    const dropBefore = first('drop-before')
    if (dropBefore) return (this.use(dropBefore), control.destroy())
    const hang = first('hang')
    if (hang) {
      this.use(hang)
      if (!(await this.hold(req, () => this.rules.has(hang.id), null))) return
    }
    const timedOut = await this.pauseAppends(req, matched, refs)
    const res = await this.answer(req, control, matched, timedOut)
    const throttle = Math.max(0, ...matched.filter((r) => r.kind === 'throttle').map((r) => (this.use(r), r.ms)))
    const delay = matched.filter((r) => r.kind === 'delay').reduce((sum, r) => (this.use(r), sum + r.ms), 0)
    // Kafka before KIP-219 delayed a throttled response; the field tells the client why.
    if (throttle > 0 && res !== null && typeof res === 'object') (res as { throttleTimeMs?: number }).throttleTimeMs = throttle
    if (delay + throttle > 0) await this.hold(req, () => true, delay + throttle)
    const dropAfter = first('drop-after')
    if (dropAfter) return (this.use(dropAfter), control.destroy())
    control.respond(res)
  }

  // Produce to a paused partition waits until the pause is lifted or the request's timeoutMs
  // runs out; then those partitions answer REQUEST_TIMED_OUT, as Kafka's DelayedProduce does.
  private async pauseAppends(req: HookedRequest, matched: Rule[], refs: PartitionRef[]): Promise<Set<string>> {
    const pauses = matched.filter((r) => r.kind === 'pause-appends')
    if (pauses.length === 0) return new Set()
    const paused = () => refs.filter((ref) => pauses.some((r) => this.rules.has(r.id) && covers(r, ref)))
    const timeoutMs = Math.max(0, Number((req.body as { timeoutMs?: number }).timeoutMs ?? 30_000))
    await this.hold(req, () => paused().length > 0, timeoutMs)
    for (const r of pauses) if (this.rules.has(r.id)) this.use(r)
    return new Set(paused().map((ref) => `${ref.topic}:${ref.partition}`))
  }

  // The response: a request-wide error, per-partition errors around a normal handling, or normal.
  private async answer(req: HookedRequest, control: RequestControl, matched: Rule[], timedOut: Set<string>): Promise<unknown> {
    const errors = matched.filter((r) => r.kind === 'error' || r.kind === 'not-leader')
    const whole = errors.find((r) => r.spec.topic === undefined || !hasPartitions(req.apiKey))
    if (whole) {
      this.use(whole)
      return control.errorResponse(whole.code)
    }
    if (errors.length === 0 && timedOut.size === 0) return control.handle()
    const used = new Set<Rule>()
    const split = splitRequest(req.apiKey, req.body, this.nameOf, (ref) => {
      if (timedOut.has(`${ref.topic}:${ref.partition}`)) return ErrorCode.REQUEST_TIMED_OUT
      const r = errors.find((e) => covers(e, ref))
      if (r) used.add(r)
      return r?.code ?? 0
    })
    for (const r of used) this.use(r)
    const res = split.rest === null ? null : await control.handle(split.rest)
    // Produce with acks=0 gets no response either way.
    if (req.apiKey === 0 && (req.body as { acks: number }).acks === 0) return null
    return split.merge(res)
  }

  // Waits while `wait()` holds, up to timeoutMs (null: no limit), or until the connection closes.
  // Resolves false when the connection closed first.
  private hold(req: HookedRequest, wait: () => boolean, timeoutMs: number | null): Promise<boolean> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined
      const done = (open: boolean) => {
        this.waiters.delete(check)
        clearTimeout(timer)
        resolve(open)
      }
      const check = () => {
        if (!wait()) done(true)
      }
      if (timeoutMs !== null) timer = setTimeout(() => done(true), timeoutMs)
      this.waiters.add(check)
      void req.connection.closed.then(() => done(false))
      check()
    })
  }
}

function covers(r: Rule, ref: PartitionRef): boolean {
  return (r.spec.topic === undefined || r.spec.topic === ref.topic) && (r.spec.partition === undefined || r.spec.partition === ref.partition)
}
