// Request inspection for the test kit: every decoded request, in arrival order, kept in a ring
// bounded by count and by frame bytes (a Produce body points into its frame, so a long test that
// produces megabytes must not keep them all), readable as a list and as an async iterator.

import type { RequestHeader } from '../../protocol/header.js'
import type { HookedRequest, RequestHook } from '../server/request-hooks.js'

export interface RecordedRequest {
  // Position in the broker's request order since start (or the last reset), from 1.
  seq: number
  // Broker clock time at arrival (the manual clock's time when one is used).
  time: number
  connectionId: number
  apiKey: number
  apiName: string
  version: number
  correlationId: number
  clientId: string | null
  // From the connection's ApiVersions request (KIP-511), null before it (or for old clients).
  clientSoftwareName: string | null
  clientSoftwareVersion: string | null
  header: RequestHeader
  // The decoded request body (Kafka's field names, camelCased; int64 as bigint, bytes as Buffer).
  body: unknown
  bytes: number
}

export interface RequestLogLimits {
  // Most requests kept (default 10,000); 0 records nothing.
  maxRequests?: number
  // Most bytes kept (default 64 MiB), counting the buffer each frame lives in; oldest go first.
  maxBytes?: number
}

export type RequestFilter = (r: RecordedRequest) => boolean

export class RequestLog {
  private ring: RecordedRequest[] = []
  // Memory each kept request holds: its frame's backing buffer (a body points into its frame,
  // and a frame may be a view into a larger socket chunk), counted in full to stay bounded.
  private held: number[] = []
  private head = 0 // index of the oldest kept entry in `ring` and `held`
  private keptBytes = 0
  private seq = 0
  private readonly listeners = new Set<(r: RecordedRequest) => void>()
  readonly maxRequests: number
  readonly maxBytes: number
  readonly hook: RequestHook

  constructor(limits: RequestLogLimits, private readonly now: () => number) {
    this.maxRequests = limits.maxRequests ?? 10_000
    this.maxBytes = limits.maxBytes ?? 64 * 1024 * 1024
    this.hook = { observe: (req) => this.record(req) }
  }

  private record(req: HookedRequest): void {
    const c = req.connection
    const software = req.apiName === 'ApiVersions' && c.clientSoftwareName === null ? (req.body as { clientSoftwareName?: string; clientSoftwareVersion?: string }) : null
    const r: RecordedRequest = {
      seq: ++this.seq,
      time: this.now(),
      connectionId: c.id,
      apiKey: req.apiKey,
      apiName: req.apiName,
      version: req.version,
      correlationId: req.header.correlationId,
      clientId: req.header.clientId,
      clientSoftwareName: software ? (software.clientSoftwareName || null) : c.clientSoftwareName,
      clientSoftwareVersion: software ? (software.clientSoftwareVersion || null) : c.clientSoftwareVersion,
      header: req.header,
      body: req.body,
      bytes: req.bytes,
    }
    for (const l of this.listeners) l(r)
    if (this.maxRequests === 0) return
    const held = Math.max(r.bytes, req.frame.buffer.byteLength)
    this.ring.push(r)
    this.held.push(held)
    this.keptBytes += held
    while (this.ring.length - this.head > this.maxRequests || (this.keptBytes > this.maxBytes && this.ring.length - this.head > 1)) {
      this.keptBytes -= this.held[this.head]!
      this.ring[this.head++] = undefined as unknown as RecordedRequest
    }
    // Compact now and then instead of shifting on every request.
    if (this.head > 1024 && this.head * 2 > this.ring.length) {
      this.ring = this.ring.slice(this.head)
      this.held = this.held.slice(this.head)
      this.head = 0
    }
  }

  // The kept requests, oldest first; optionally only those of one API (name or key) or a filter.
  list(filter?: string | number | RequestFilter): RecordedRequest[] {
    const all = this.ring.slice(this.head)
    if (filter === undefined) return all
    return all.filter(toFilter(filter))
  }

  clear(): void {
    this.ring = []
    this.held = []
    this.head = 0
    this.keptBytes = 0
  }

  // Requests as they arrive (from now on; `fromStart` first yields those kept). Ends when the
  // consumer breaks out of its loop or `signal` aborts.
  watch(o: { filter?: string | number | RequestFilter; fromStart?: boolean; signal?: AbortSignal } = {}): AsyncIterableIterator<RecordedRequest> {
    const accept = o.filter === undefined ? () => true : toFilter(o.filter)
    const queue: RecordedRequest[] = o.fromStart ? this.list(accept) : []
    let wakeup: (() => void) | null = null
    let done = false
    const listener = (r: RecordedRequest) => {
      if (!accept(r)) return
      queue.push(r)
      wakeup?.()
    }
    const finish = () => {
      done = true
      this.listeners.delete(listener)
      wakeup?.()
    }
    this.listeners.add(listener)
    o.signal?.addEventListener('abort', finish, { once: true })
    const it: AsyncIterableIterator<RecordedRequest> = {
      async next() {
        while (queue.length === 0 && !done) await new Promise<void>((resolve) => (wakeup = resolve))
        wakeup = null
        if (queue.length > 0) return { value: queue.shift()!, done: false }
        return { value: undefined, done: true }
      },
      async return() {
        finish()
        return { value: undefined, done: true }
      },
      [Symbol.asyncIterator]() {
        return it
      },
    }
    return it
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<RecordedRequest> {
    return this.watch()
  }
}

function toFilter(f: string | number | RequestFilter): RequestFilter {
  if (typeof f === 'function') return f
  if (typeof f === 'number') return (r) => r.apiKey === f
  const name = f.toLowerCase()
  return (r) => r.apiName.toLowerCase() === name
}
