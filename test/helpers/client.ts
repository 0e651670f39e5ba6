// A minimal Kafka client over our own codecs, for tests that need exact control of API versions
// and raw bytes (real clients choose versions themselves). Pipelines requests; matches responses
// by correlation id.
import net from 'node:net'
import tls from 'node:tls'
import { readResponseHeader, responseHeaderFlexible, writeRequestHeader } from '../../protocol/header.js'
import { Reader, Writer } from '../../protocol/primitives.js'
import type { ApiDefinition, DeepPartial } from '../../protocol/schema.js'

export class TestClient {
  private buf = Buffer.alloc(0)
  private nextCorrelation = 1
  private readonly waiting = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>()
  readonly closed: Promise<void>

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk) => this.onData(chunk))
    this.closed = new Promise((resolve) => socket.on('close', () => {
      for (const w of this.waiting.values()) w.reject(new Error('connection closed'))
      this.waiting.clear()
      resolve()
    }))
    socket.on('error', () => {})
  }

  static connect(port: number, host = '127.0.0.1'): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host }, () => resolve(new TestClient(s)))
      s.once('error', reject)
    })
  }

  // Over TLS (SSL and SASL_SSL listeners); rejects when the handshake fails.
  static tls(port: number, options: tls.ConnectionOptions, host = '127.0.0.1'): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const s = tls.connect({ port, host, ...options }, () => resolve(new TestClient(s)))
      s.once('error', reject)
    })
  }

  private onData(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk])
    while (this.buf.length >= 4) {
      const size = this.buf.readInt32BE(0)
      if (this.buf.length < 4 + size) return
      const frame = this.buf.subarray(4, 4 + size)
      this.buf = this.buf.subarray(4 + size)
      const id = frame.readInt32BE(0)
      const w = this.waiting.get(id)
      this.waiting.delete(id)
      w?.resolve(frame)
    }
  }

  // Sends raw bytes (a whole frame including its size, or garbage).
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes)
  }

  frame<Q>(api: ApiDefinition<Q, unknown>, version: number, body: DeepPartial<Q>, correlationId = this.nextCorrelation++, clientId: string | null = 'rivulet-test'): Buffer {
    const w = new Writer()
    w.int32(0)
    writeRequestHeader(w, { apiKey: api.key, apiVersion: version, correlationId, clientId }, api.isFlexible(version))
    api.request(version).write(w, body)
    const out = w.toBuffer()
    out.writeInt32BE(out.length - 4, 0)
    return out
  }

  // Resolves with the raw response frame (header included) for a given correlation id.
  rawResponse(correlationId: number): Promise<Buffer> {
    return new Promise((resolve, reject) => this.waiting.set(correlationId, { resolve, reject }))
  }

  async send<Q, S>(api: ApiDefinition<Q, S>, version: number, body: DeepPartial<Q>): Promise<S> {
    const id = this.nextCorrelation++
    const pending = this.rawResponse(id)
    this.socket.write(this.frame(api, version, body, id))
    const frame = await pending
    const r = new Reader(frame)
    readResponseHeader(r, responseHeaderFlexible(api.key, api.isFlexible(version)))
    const res = api.response(version).read(r)
    if (r.remaining !== 0) throw new Error(`${r.remaining} bytes left after ${api.name} v${version} response`)
    return res
  }

  // Sends without waiting for a response (Produce acks=0).
  fire<Q>(api: ApiDefinition<Q, unknown>, version: number, body: DeepPartial<Q>): void {
    this.socket.write(this.frame(api, version, body))
  }

  close(): Promise<void> {
    this.socket.end()
    this.socket.destroy()
    return this.closed
  }
}
