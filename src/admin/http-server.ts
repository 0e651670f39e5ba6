// The admin port (`--admin-port`, off by default): one node:http server that serves the route
// tables the test kit, /metrics and the console contribute (routes.ts). It owns everything a
// route should not have to think about: the loopback guard, the body size limit, JSON parsing,
// routing with `:param` segments, 404/405, and turning a thrown AdminError into its status.
// Nothing a client sends here can take the broker down: every failure ends as a 4xx/5xx answer.
//
// Loopback only by default, as the issue asks: it binds 127.0.0.1, refuses peers that are not
// loopback, and refuses Host headers that do not name a loopback address. The last one is what
// keeps a web page the developer visits from reaching the fault-injection API through DNS
// rebinding (a browser sends the attacker's host name). `--admin-host` widens all three.

import type http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Logger } from '../logger.js'
import { AdminError, type AdminResponse, type AdminRoute } from './routes.js'

// A JSON body beyond this is refused with 413 (the test kit's requests are a few hundred bytes).
export const DEFAULT_ADMIN_MAX_BODY_BYTES = 1024 * 1024

export interface AdminServerOptions {
  logger: Logger
  // Bind address; 127.0.0.1 unless --admin-host widened it.
  host?: string
  maxBodyBytes?: number
}

interface Compiled {
  route: AdminRoute
  segments: string[]
  params: number
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false
  const a = address.startsWith('::ffff:') ? address.slice(7) : address
  return a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a)
}

// The host part of a Host header (`name`, `name:port`, `[v6]:port`).
function hostOfHeader(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']') > 0 ? host.indexOf(']') : undefined)
  const colon = host.lastIndexOf(':')
  return (colon >= 0 ? host.slice(0, colon) : host).toLowerCase()
}

function loopbackHostHeader(host: string | undefined): boolean {
  if (host === undefined) return true // HTTP/1.0 clients send none; the peer check still applies
  const h = hostOfHeader(host)
  return h === 'localhost' || h.endsWith('.localhost') || isLoopbackAddress(h)
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '')
}

// JSON.stringify refuses bigint (offsets, producer ids): safe integers become numbers, others strings.
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value !== 'bigint') return value
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString()
}

export class AdminHttpServer {
  private readonly routes: Compiled[] = []
  private server: http.Server | null = null
  private readonly sockets = new Set<Socket>()
  private readonly host: string
  private readonly loopbackOnly: boolean
  private readonly maxBodyBytes: number

  constructor(private readonly o: AdminServerOptions) {
    this.host = o.host ?? '127.0.0.1'
    this.loopbackOnly = isLoopbackAddress(this.host) || this.host === 'localhost'
    this.maxBodyBytes = o.maxBodyBytes ?? DEFAULT_ADMIN_MAX_BODY_BYTES
  }

  // Registers one feature's table; a method and path already taken is a programming error.
  addRoutes(routes: readonly AdminRoute[]): void {
    for (const route of routes) {
      const segments = splitPath(route.path)
      // /faults/:id and /faults/:name are the same route: parameters compare by position only.
      const shape = (segs: string[]) => segs.map((x) => (x.startsWith(':') ? ':' : x)).join('/')
      const taken = this.routes.find((c) => c.route.method === route.method && shape(c.segments) === shape(segments))
      if (taken) throw new Error(`admin route ${route.method} ${route.path} is registered twice`)
      this.routes.push({ route, segments, params: segments.filter((s) => s.startsWith(':')).length })
    }
    // Literal segments win over parameters (/faults/clear before /faults/:id).
    this.routes.sort((a, b) => a.params - b.params)
  }

  // node:http is loaded here, not at start-up: a broker without the admin port never loads it.
  async listen(port: number): Promise<{ host: string; port: number }> {
    const { createServer } = await import('node:http')
    const server = (this.server = createServer((req, res) => void this.handle(req, res)))
    server.on('connection', (s: Socket) => {
      this.sockets.add(s)
      s.once('close', () => this.sockets.delete(s))
    })
    // Garbage that is not HTTP: node answers nothing by itself, so say 400 and hang up.
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      if (socket.writable && err.code !== 'ECONNRESET') socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      else socket.destroy()
    })
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        const why = err.code === 'EADDRINUSE' ? 'the port is already in use. Choose another --admin-port, or 0 to let the system pick one' : err.message
        reject(Object.assign(new Error(`cannot listen on ${this.host}:${port} for the admin port: ${why}`, { cause: err }), { code: err.code }))
      }
      server.once('error', onError)
      server.listen({ host: this.host, port }, () => {
        server.off('error', onError)
        resolve()
      })
    })
    if (!this.loopbackOnly) this.o.logger.warn({ host: this.host }, 'the admin port accepts connections from other machines (--admin-host): anyone who reaches it can inject faults and read every record')
    const addr = server.address() as AddressInfo
    return { host: this.host, port: addr.port }
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      const server = this.server
      if (!server?.listening) return resolve()
      server.close(() => resolve())
      for (const s of this.sockets) s.destroy()
    })
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const out = await this.answer(req)
      this.send(res, out)
    } catch (err) {
      if (err instanceof AdminError) return this.send(res, { status: err.status, json: { error: err.message } })
      this.o.logger.error({ err, method: req.method, url: req.url }, 'admin request failed')
      this.send(res, { status: 500, json: { error: `internal error: ${(err as Error)?.message ?? String(err)}` } })
    }
  }

  private async answer(req: http.IncomingMessage): Promise<AdminResponse> {
    if (this.loopbackOnly && !isLoopbackAddress(req.socket.remoteAddress)) throw new AdminError(403, 'the admin port serves loopback clients only (start with --admin-host to widen)')
    if (this.loopbackOnly && !loopbackHostHeader(req.headers.host)) throw new AdminError(403, `Host ${JSON.stringify(req.headers.host)} is not a loopback name: the admin port answers only requests addressed to localhost (start with --admin-host to widen)`)
    // A declared size over the limit is refused before routing, whatever the path.
    if (Number(req.headers['content-length'] ?? 0) > this.maxBodyBytes) throw tooLarge(this.maxBodyBytes)
    const url = new URL(req.url ?? '/', 'http://admin.invalid')
    const { route, params } = this.match(req.method ?? 'GET', url.pathname)
    const body = await this.readBody(req)
    return route.handle({ params, query: url.searchParams, body, contentType: req.headers['content-type'] })
  }

  private match(method: string, pathname: string): { route: AdminRoute; params: Record<string, string> } {
    const parts = splitPath(pathname)
    const allowed: string[] = []
    for (const c of this.routes) {
      if (c.segments.length !== parts.length) continue
      const params: Record<string, string> = {}
      let ok = true
      for (let i = 0; i < parts.length && ok; i++) {
        const s = c.segments[i]!
        if (s.startsWith(':')) params[s.slice(1)] = decodeSegment(parts[i]!)
        else ok = s === parts[i]
      }
      if (!ok) continue
      if (c.route.method === method) return { route: c.route, params }
      allowed.push(c.route.method)
    }
    if (allowed.length > 0) throw new AdminError(405, `${method} is not allowed on ${pathname} (allowed: ${[...new Set(allowed)].join(', ')})`)
    throw new AdminError(404, `no admin route ${pathname}`)
  }

  private readBody(req: http.IncomingMessage): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = []
      let size = 0
      req.on('data', (c: Buffer) => {
        size += c.length
        if (size > this.maxBodyBytes) {
          req.removeAllListeners('data')
          req.resume()
          reject(tooLarge(this.maxBodyBytes))
        } else {
          chunks.push(c)
        }
      })
      req.on('error', reject)
      req.on('end', () => {
        if (size > this.maxBodyBytes) return
        const text = Buffer.concat(chunks).toString('utf8')
        if (text.trim() === '') return resolve(undefined)
        try {
          resolve(JSON.parse(text))
        } catch (err) {
          reject(new AdminError(400, `malformed JSON body: ${(err as Error).message}`))
        }
      })
    })
  }

  private send(res: http.ServerResponse, out: AdminResponse): void {
    if (res.headersSent) return void res.end()
    const isJson = out.text === undefined
    const payload = isJson ? `${JSON.stringify(out.json ?? null, jsonReplacer)}\n` : out.text!
    const headers: Record<string, string | number> = {
      'content-type': out.contentType ?? (isJson ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8'),
      'content-length': Buffer.byteLength(payload),
      'cache-control': 'no-store',
      ...out.headers,
    }
    // A refused body may still be arriving: close rather than read the rest of it.
    if (out.status === 413) headers.connection = 'close'
    res.writeHead(out.status, headers)
    res.end(payload)
  }
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    throw new AdminError(400, `malformed path segment ${JSON.stringify(s)}`)
  }
}

function tooLarge(max: number): AdminError {
  return new AdminError(413, `request body exceeds the admin port's limit of ${max} bytes`)
}
