// One client connection: framing (the size is checked before anything is buffered), decoding,
// dispatch, and responses written in request order even when handlers finish out of order
// (a long-polling Fetch behind a Produce). Broken framing, an unknown API key, an unsupported
// version or an undecodable body closes this connection with a log line and nothing else.

import type { Socket } from 'node:net'
import { API_VERSIONS_KEY, peekHeader, readRequestHeader, responseHeaderFlexible, writeResponseHeader } from '../../protocol/header.js'
import { ErrorCode, KafkaError, errorName } from '../../protocol/errors.js'
import { ProtocolError, Reader, Writer } from '../../protocol/primitives.js'
import { ApiVersions } from '../../protocol/apis/api-versions.js'
import { inRange } from '../../protocol/schema.js'
import type { Broker } from '../broker.js'
import type { ClusterNode } from '../cluster/nodes.js'
import type { Logger } from '../logger.js'
import { servedRange, type AnyHandler, type ApiVersionRange, type ConnectionInfo, type ListenerEndpoint, type RequestContext } from '../handlers/handler.js'
import type { SaslSession } from '../security/sasl/session.js'
import type { Timer } from '../clock.js'
import { quotaUser } from '../quotas/entity.js'
import { AuthGate } from './auth-gate.js'
import { interceptRequest, type RequestControl } from './request-hooks.js'

export interface ConnectionOptions {
  broker: Broker
  node: ClusterNode
  handlers: ReadonlyMap<number, AnyHandler>
  apiVersions: ApiVersionRange[]
  logger: Logger
  maxRequestBytes: number
  // The listener's advertised endpoint, its SASL session (SASL listeners) and the TLS principal.
  listener?: ListenerEndpoint
  sasl?: SaslSession | null
  principal?: string
}

interface Slot {
  ready: boolean
  chunks: Buffer[] | null
  after: (() => void) | null // see RequestContext.afterResponse
}

// Past this many requests awaiting their response, stop reading until some are answered.
const MAX_IN_FLIGHT = 128

let nextId = 1

export class Connection implements ConnectionInfo {
  readonly id = nextId++
  readonly remote: string
  clientSoftwareName: string | null = null
  clientSoftwareVersion: string | null = null
  readonly closed: Promise<void>
  private resolveClosed!: () => void
  private pending: Buffer[] = []
  private pendingBytes = 0
  private expected = -1 // size of the frame being assembled, -1 while reading a size
  private readonly queue: Slot[] = []
  private isClosed = false
  private frozen = false
  private readonly log: Logger
  private onIdle: (() => void) | null = null
  readonly listener: ListenerEndpoint | undefined
  readonly sasl: SaslSession | null
  private readonly gate: AuthGate | null
  private readAt = 0 // performance.now() when the last chunk arrived (request queue time, /metrics)
  // Muted by a quota violation: no frame is taken from `pending` and the socket is paused until
  // the broker clock reaches mutedUntil (Kafka's MUTED_AND_THROTTLED channel state).
  private muted = false
  private mutedUntil = 0
  private muteTimer: Timer | null = null

  constructor(private readonly socket: Socket, private readonly o: ConnectionOptions) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`
    this.log = o.logger.child({ conn: this.id, remote: this.remote })
    this.listener = o.listener
    this.sasl = o.sasl ?? null
    this.gate = this.sasl ? new AuthGate(this.sasl, this.log) : null
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve))
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', (err) => this.log.debug({ err }, 'socket error'))
    socket.on('close', () => this.onClose())
    socket.on('drain', () => this.maybeResume())
  }

  private onData(chunk: Buffer): void {
    if (this.o.broker.metrics) this.readAt = performance.now()
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
    this.readFrames()
  }

  // isolateBroker: the connection stays open but reads and answers nothing (a hung broker, or a
  // network partition) until thawed; what arrived meanwhile is then served in order.
  freeze(): void {
    this.frozen = true
    this.socket.pause()
  }

  thaw(): void {
    this.frozen = false
    this.readFrames()
    this.flush()
  }

  // Frames are read while the connection is neither frozen (isolateBroker) nor muted (a quota).
  private readFrames(): void {
    while (!this.isClosed && !this.frozen && !this.muted) {
      if (this.expected < 0) {
        if (this.pendingBytes < 4) return
        const size = this.take(4).readInt32BE(0)
        const max = this.gate ? this.gate.maxFrameBytes(this.o.maxRequestBytes) : this.o.maxRequestBytes
        if (size < (this.gate?.minFrameBytes ?? 8) || size > max) {
          this.fail(size < 8 ? `frame size ${size} is too small for a request header` : `frame size ${size} exceeds ${max === this.o.maxRequestBytes ? 'socket.request.max.bytes' : 'sasl.server.max.receive.size'} ${max}`)
          return
        }
        this.expected = size
      }
      if (this.pendingBytes < this.expected) return
      const frame = this.take(this.expected)
      this.expected = -1
      this.handleFrame(frame)
    }
  }

  // Removes n bytes from the front of the pending chunks; copies only when they span chunks.
  private take(n: number): Buffer {
    const first = this.pending[0]!
    let out: Buffer
    if (first.length >= n) {
      out = first.subarray(0, n)
      if (first.length === n) this.pending.shift()
      else this.pending[0] = first.subarray(n)
    } else {
      out = Buffer.allocUnsafe(n)
      let got = 0
      while (got < n) {
        const c = this.pending[0]!
        const k = Math.min(c.length, n - got)
        c.copy(out, got, 0, k)
        got += k
        if (k === c.length) this.pending.shift()
        else this.pending[0] = c.subarray(k)
      }
    }
    this.pendingBytes -= n
    return out
  }

  // Kafka throttles by muting the channel after sending the response at once: clients that honour
  // throttle_time_ms (Produce v6+, Fetch v8+, KIP-219) back off, older ones simply wait for their
  // next request to be read. Overlapping throttles keep the later end.
  throttle(ms: number): void {
    if (ms <= 0 || this.isClosed) return
    const clock = this.o.broker.clock
    const until = clock.now() + ms
    if (until <= this.mutedUntil) return
    this.mutedUntil = until
    this.muted = true
    this.socket.pause()
    this.muteTimer?.cancel()
    this.muteTimer = clock.schedule(ms, () => this.unmute())
  }

  private unmute(): void {
    this.muteTimer = null
    this.muted = false
    if (this.isClosed) return
    this.readFrames()
    this.maybeResume()
  }

  get principal(): string {
    return this.sasl?.principal ?? this.o.principal ?? 'User:ANONYMOUS'
  }

  private handleFrame(frame: Buffer): void {
    if (this.gate) {
      const action = this.gate.check(frame, () => frame.readInt16BE(0), () => this.o.handlers.get(frame.readInt16BE(0))?.api.name ?? `API key ${frame.readInt16BE(0)}`)
      if (action.kind === 'drop') return
      if (action.kind === 'close') return this.fail(action.reason)
      if (action.kind === 'raw') return this.respondBytes(action.reply)
    }
    const peek = peekHeader(frame)!
    const handler = this.o.handlers.get(peek.apiKey)
    if (!handler) return this.fail(`unknown API key ${peek.apiKey}`, peek, peekClientId(frame))
    const range = servedRange(handler)
    if (!inRange(range, peek.apiVersion)) {
      // KIP-511: a client newer than us learns our ApiVersions range from a v0 error reply.
      if (peek.apiKey === API_VERSIONS_KEY && peek.apiVersion > range.max) {
        this.log.debug({ apiVersion: peek.apiVersion, clientId: peekClientId(frame) }, 'ApiVersions version too new: answering with our range (KIP-511)')
        return this.respondRaw(peek.correlationId, 0, {
          errorCode: ErrorCode.UNSUPPORTED_VERSION,
          apiKeys: [{ apiKey: API_VERSIONS_KEY, minVersion: range.min, maxVersion: range.max }],
        })
      }
      return this.fail(`unsupported version ${peek.apiVersion} of ${handler.api.name} (serving ${range.min}-${range.max})`, peek, peekClientId(frame))
    }
    const flexible = handler.api.isFlexible(peek.apiVersion)
    let header
    let req
    try {
      const r = new Reader(frame)
      header = readRequestHeader(r, flexible)
      req = handler.api.request(peek.apiVersion).read(r)
    } catch (err) {
      if (err instanceof ProtocolError) return this.fail(`malformed ${handler.api.name} v${peek.apiVersion} request: ${err.message}`, peek)
      throw err
    }
    const slot: Slot = { ready: false, chunks: null, after: null }
    const handledAt = this.o.broker.metrics ? performance.now() : 0, queuedMs = handledAt - this.readAt
    this.queue.push(slot)
    if (this.queue.length >= MAX_IN_FLIGHT) this.socket.pause()
    const afterResponse = (fn: () => void) => {
      const prev = slot.after
      slot.after = prev ? () => (prev(), fn()) : fn
    }
    const ctx: RequestContext = { broker: this.o.broker, node: this.o.node, apiVersions: this.o.apiVersions, header, version: peek.apiVersion, connection: this, afterResponse, requestBytes: frame.length }
    // handlerMs: the handler's own time when request_percentage quotas exist, else -1. A request
    // without a response (Produce acks=0) is exempt, as KafkaApis exempts it.
    const respond = (res: unknown, handlerMs = -1) => {
      if (handlerMs >= 0 && res !== null) this.applyRequestQuota(handler, peek.apiVersion, header.clientId, res, handlerMs)
      if (res === null) {
        slot.chunks = null
      } else {
        slot.chunks = this.encode(handler, peek.apiVersion, header.correlationId, res, flexible)
      }
      slot.ready = true
      this.o.broker.metrics?.request(peek.apiKey, peek.apiVersion, queuedMs, queuedMs + performance.now() - handledAt)
      this.flush()
    }
    const hooks = this.o.broker.requestHooks
    if (hooks.length !== 0) {
      const hooked = { apiKey: peek.apiKey, apiName: handler.api.name, version: peek.apiVersion, header, body: req, connection: this, bytes: frame.length, frame }
      // Built only when a hook takes the request over (observing hooks need none of it).
      const control = (): RequestControl => ({
        handle: (body: unknown = req) => new Promise<unknown>((resolve) => this.invoke(handler, body, ctx, resolve)),
        respond,
        errorResponse: (code: number) => handler.errorResponse(req, code, ctx),
        destroy: () => this.destroy(),
      })
      if (interceptRequest(hooks, hooked, control)) return
    }
    this.invoke(handler, req, ctx, respond)
  }

  // request_percentage (ClientRequestQuotaManager): the handler's own time (its synchronous part:
  // time spent waiting, as a long-polling Fetch does, is not request time in Kafka either) is
  // recorded; over the quota the response carries the throttle time and the connection is muted.
  private applyRequestQuota(handler: AnyHandler, version: number, clientId: string | null, res: unknown, handlerMs: number): void {
    const ms = this.o.broker.quotas.requestThrottleMs(quotaUser(this.principal), clientId ?? '', handlerMs * 1e6)
    if (ms <= 0) return
    const field = handler.api.fields.response.throttleTimeMs
    if (typeof res === 'object' && field && inRange(field.versions, version)) {
      const r = res as { throttleTimeMs?: number }
      r.throttleTimeMs = Math.max(r.throttleTimeMs ?? 0, ms)
    }
    this.throttle(ms)
  }

  // Runs the handler; a thrown or rejected error becomes the API's error response.
  private invoke(handler: AnyHandler, req: unknown, ctx: RequestContext, respond: (res: unknown, handlerMs?: number) => void): void {
    const startedAt = this.o.broker.quotas.request.enabled ? performance.now() : -1
    let spent = -1
    // An error response acknowledges nothing: it never waits for the shared store (below).
    const direct = respond
    const onError = (err: unknown) => {
      const code = err instanceof KafkaError ? err.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR
      const { apiKey, apiVersion, correlationId, clientId } = ctx.header
      if (code === ErrorCode.UNKNOWN_SERVER_ERROR) {
        this.log.error({ err, apiKey, apiVersion, correlationId, clientId }, `${handler.api.name} failed`)
      } else {
        this.log.debug({ apiKey, apiVersion, correlationId, error: errorName(code), message: (err as Error).message }, `${handler.api.name} error`)
      }
      try {
        direct(handler.errorResponse(req, code, ctx), spent)
      } catch (inner) {
        this.log.error({ err: inner }, 'building the error response failed')
        this.destroy()
      }
    }
    const shared = this.o.broker.sharedStore
    if (shared !== null) {
      // Over a shared store a response leaves only once the writes it follows are committed there.
      const since = shared.writeSeq
      const inner = respond
      respond = (res, ms) => {
        const wait = shared.durable(since)
        if (wait === null) inner(res, ms)
        else committedWithin(wait, DURABLE_WAIT_MS).then(() => inner(res, ms), onError)
      }
    }
    try {
      const out = handler.handle(req, ctx)
      if (startedAt >= 0) spent = performance.now() - startedAt
      // Without request quotas the promise settles straight into respond: no closure per request.
      if (out instanceof Promise) out.then(startedAt < 0 ? respond : (res) => respond(res, spent), onError)
      else respond(out, spent)
    } catch (err) {
      if (startedAt >= 0) spent = performance.now() - startedAt
      onError(err)
    }
  }

  private encode(handler: AnyHandler, version: number, correlationId: number, res: unknown, flexible: boolean): Buffer[] {
    const w = new Writer(512)
    const patch = w.reserve(4)
    writeResponseHeader(w, correlationId, responseHeaderFlexible(handler.api.key, flexible))
    handler.api.response(version).write(w, res)
    const size = w.length - 4
    patch((buf, at) => buf.writeInt32BE(size, at))
    return w.chunksOut()
  }

  private respondRaw(correlationId: number, version: number, body: object): void {
    const slot: Slot = { ready: true, chunks: null, after: null }
    const w = new Writer(64)
    const patch = w.reserve(4)
    writeResponseHeader(w, correlationId, false)
    ApiVersions.response(version).write(w, body)
    const size = w.length - 4
    patch((buf, at) => buf.writeInt32BE(size, at))
    slot.chunks = w.chunksOut()
    this.queue.push(slot)
    this.flush()
  }

  // A SASL token after SaslHandshake v0 travels as a bare size-prefixed frame, in request order.
  private respondBytes(token: Buffer): void {
    const size = Buffer.allocUnsafe(4)
    size.writeInt32BE(token.length, 0)
    this.queue.push({ ready: true, chunks: token.length > 0 ? [size, token] : [size], after: null })
    this.flush()
  }

  private flush(): void {
    if (this.isClosed || this.frozen) return
    let wrote = false
    while (this.queue.length > 0 && this.queue[0]!.ready) {
      const slot = this.queue.shift()!
      if (!slot.chunks) {
        slot.after?.()
        continue
      }
      if (!wrote) this.socket.cork()
      wrote = true
      const last = slot.chunks.length - 1
      for (let i = 0; i < last; i++) this.socket.write(slot.chunks[i]!)
      // The callback comes once the kernel has the bytes (or the write failed and never will).
      const after = slot.after
      if (after) this.socket.write(slot.chunks[last]!, () => after())
      else this.socket.write(slot.chunks[last]!)
    }
    if (wrote) this.socket.uncork()
    if (this.queue.length === 0 && this.onIdle) {
      this.onIdle()
      this.onIdle = null
      return
    }
    this.maybeResume()
  }

  private maybeResume(): void {
    if (this.isClosed || this.onIdle || this.frozen || this.muted) return
    if (this.queue.length < MAX_IN_FLIGHT && this.socket.writableLength < 16 * 1024 * 1024 && this.socket.isPaused()) this.socket.resume()
    else if (this.socket.writableLength >= 16 * 1024 * 1024) this.socket.pause()
  }

  private fail(reason: string, peek?: { apiKey: number; apiVersion: number; correlationId: number }, clientId?: string | null): void {
    const software = this.clientSoftwareName === null ? undefined : `${this.clientSoftwareName} ${this.clientSoftwareVersion}`
    this.log.warn({ apiKey: peek?.apiKey, apiVersion: peek?.apiVersion, correlationId: peek?.correlationId, clientId, software }, `closing connection: ${reason}`)
    this.destroy()
  }

  destroy(): void {
    if (this.isClosed) return
    this.isClosed = true
    this.muteTimer?.cancel()
    this.pending = []
    this.socket.destroy()
    this.resolveClosed()
  }

  // Stops reading new requests; resolves once every request already read has been answered.
  drain(): Promise<void> {
    this.socket.pause()
    if (this.queue.length === 0 || this.isClosed) return Promise.resolve()
    return new Promise((resolve) => {
      this.onIdle = resolve
      void this.closed.then(() => resolve())
    })
  }

  private onClose(): void {
    this.isClosed = true
    this.muteTimer?.cancel()
    this.resolveClosed()
  }
}

// The client id of any request header v1+ (a nullable int16-length string after api key, version
// and correlation id), read without decoding the rest, for the log line of a refused request.
function peekClientId(frame: Buffer): string | null {
  if (frame.length < 10) return null
  const len = frame.readInt16BE(8)
  if (len < 0 || frame.length < 10 + len) return null
  return frame.toString('utf8', 10, 10 + len)
}

// How long a response waits for the shared store to commit the writes before it (PostgreSQL away)
// before the client is told REQUEST_TIMED_OUT, which every client retries; the writes stay queued
// and commit when the store returns (src/store/postgres/write-behind.ts).
const DURABLE_WAIT_MS = 5000

function committedWithin(wait: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new KafkaError('REQUEST_TIMED_OUT', `the shared store did not commit within ${ms} ms`)), ms)
    wait.then(() => {
      clearTimeout(timer)
      resolve()
    }, reject)
  })
}
