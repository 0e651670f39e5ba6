// The listeners: one TCP or TLS server per configured listener (Kafka's `listeners`), each handing
// its connections to a Connection that knows the listener's advertised endpoint and, on SASL
// listeners, its own SASL session. On stop it closes the listeners, lets in-flight requests
// finish, then closes what is left. Ports are bound before the broker exists (start-up binds first
// so that a port in use fails before anything is written to the data directory); connections
// accepted before `serve` wait for it.

import net from 'node:net'
import tls from 'node:tls'
import type { Broker } from '../broker.js'
import type { ClusterNode } from '../cluster/nodes.js'
import type { Logger } from '../logger.js'
import { versionsTable, type ListenerEndpoint } from '../handlers/handler.js'
import { handlerMap } from '../handlers/registry.js'
import type { ListenerSecurity } from '../security/listener-security.js'
import { SaslSession } from '../security/sasl/session.js'
import { mapPrincipal, parsePrincipalRules, subjectDn } from '../security/tls.js'
import { Connection } from './connection.js'

// ApiVersions' table, from the handlers registered (so it never advertises what is not handled).
const API_VERSIONS = versionsTable(handlerMap.values())

// A TLS handshake that has not finished by then is dropped (node's default is 120 s; a stalled
// client holds a socket and memory until then).
export const DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS = 10_000

export interface BoundListener extends ListenerEndpoint {
  boundHost: string
  boundPort: number
}

interface Listening {
  security: ListenerSecurity
  server: net.Server
  endpoint: ListenerEndpoint | null
  principalRules: ReturnType<typeof parsePrincipalRules>
}

export class Server {
  private readonly listening: Listening[]
  private readonly connections = new Set<Connection>()
  private broker: Broker | null = null
  private node: ClusterNode | null = null
  private isolated = false
  private waiting: [net.Socket, Listening, string][] = []
  private readonly handshaking = new Set<net.Socket>()

  constructor(private readonly logger: Logger, listeners: ListenerSecurity[], handshakeTimeoutMs = DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS) {
    this.listening = listeners.map((security) => {
      const l: Listening = { security, server: null as unknown as net.Server, endpoint: null, principalRules: parsePrincipalRules(security.tls?.principalRules ?? 'DEFAULT') }
      l.server = security.tls ? this.tlsServer(l, handshakeTimeoutMs) : net.createServer((socket) => this.incoming(socket, l, 'User:ANONYMOUS'))
      return l
    })
  }

  private tlsServer(l: Listening, handshakeTimeoutMs: number): tls.Server {
    let server: tls.Server
    try {
      server = tls.createServer({ ...l.security.tls!.options, handshakeTimeout: handshakeTimeoutMs }, (socket) => {
        const principal = this.tlsPrincipal(socket, l)
        if (principal === null) return void socket.destroy()
        this.incoming(socket, l, principal)
      })
    } catch (err) {
      throw Object.assign(new Error(`listener ${l.security.spec.name}: cannot use its TLS keystore/truststore: ${(err as Error).message}`, { cause: err }), { code: 'RIVULET_INVALID_CONFIG' })
    }
    // Garbage, a refused client certificate or a stalled handshake. With this listener attached
    // node leaves a timed-out socket open, so it is destroyed here.
    server.on('tlsClientError', (err, socket) => {
      this.logger.debug({ listener: l.security.spec.name, remote: `${socket.remoteAddress}:${socket.remotePort}`, reason: err.message }, 'TLS handshake failed')
      socket.destroy()
    })
    // Sockets still in their handshake hold server.close() open: stop destroys them.
    server.on('connection', (socket: net.Socket) => {
      this.handshaking.add(socket)
      socket.once('close', () => this.handshaking.delete(socket))
      socket.once('secure', () => this.handshaking.delete(socket))
    })
    return server
  }

  // The SSL principal: the client certificate's DN through ssl.principal.mapping.rules; ANONYMOUS
  // without one. null refuses the connection (`requested` with a certificate the truststore does
  // not accept, or a DN no rule maps).
  private tlsPrincipal(socket: tls.TLSSocket, l: Listening): string | null {
    const cert = socket.getPeerX509Certificate?.()
    if (!cert) return 'User:ANONYMOUS'
    if (!socket.authorized) {
      this.logger.info({ listener: l.security.spec.name, reason: String(socket.authorizationError) }, 'client certificate refused')
      return null
    }
    try {
      return `User:${mapPrincipal(subjectDn(cert.subject), l.principalRules)}`
    } catch (err) {
      this.logger.info({ listener: l.security.spec.name, reason: (err as Error).message }, 'client certificate refused')
      return null
    }
  }

  private incoming(socket: net.Socket, l: Listening, principal: string): void {
    if (this.broker) this.accept(socket, l, principal, this.broker)
    else this.waiting.push([socket, l, principal])
  }

  // `node`: the cluster's broker these listeners are (the only one unless started as a cluster).
  serve(broker: Broker, node = broker.nodes.list[0]!): void {
    this.broker = broker
    this.node = node
    for (const [socket, l, principal] of this.waiting) this.accept(socket, l, principal, broker)
    this.waiting = []
  }

  // The test kit's reset(): new connections go to `broker`; the current ones are closed, so their
  // clients reconnect (as after a broker restart) and see only the new broker.
  replaceBroker(broker: Broker, node = broker.nodes.list[0]!): void {
    this.broker = broker
    this.node = node
    for (const c of [...this.connections]) c.destroy()
  }

  private accept(socket: net.Socket, l: Listening, principal: string, broker: Broker): void {
    if (principal !== 'User:ANONYMOUS') this.logger.debug({ listener: l.security.spec.name, remote: `${socket.remoteAddress}:${socket.remotePort}`, principal }, 'TLS client certificate accepted')
    const sasl = l.security.sasl ? new SaslSession(l.security.sasl, broker.scramCredentials, () => broker.clock.now()) : null
    const conn = new Connection(socket, {
      broker,
      node: this.node!,
      handlers: handlerMap,
      apiVersions: API_VERSIONS,
      logger: this.logger,
      maxRequestBytes: broker.config.int('socket.request.max.bytes'),
      listener: l.endpoint ?? undefined,
      sasl,
      principal,
    })
    if (this.isolated) conn.freeze()
    this.connections.add(conn)
    void conn.closed.then(() => this.connections.delete(conn))
  }

  // Open client connections per listener name, for /metrics.
  connectionCounts(): Map<string, number> {
    const counts = new Map<string, number>(this.listening.map((l) => [l.security.spec.name, 0]))
    for (const c of this.connections) if (c.listener) counts.set(c.listener.name, (counts.get(c.listener.name) ?? 0) + 1)
    return counts
  }

  // Each bound listener's advertised endpoint, in the order of `listeners` (the web console).
  endpoints(): ListenerEndpoint[] {
    return this.listening.flatMap((l) => (l.endpoint ? [l.endpoint] : []))
  }

  // Binds every listener, in order; a failure closes those already bound.
  async listen(): Promise<BoundListener[]> {
    const out: BoundListener[] = []
    try {
      for (const l of this.listening) {
        const { spec } = l.security
        const addr = await bind(l.server, spec.host || '0.0.0.0', spec.port)
        // The address clients are told: advertised.listeners, else the bound one.
        const host = spec.advertisedHost !== '' ? spec.advertisedHost : spec.host === '' || spec.host === '0.0.0.0' || spec.host === '::' ? '127.0.0.1' : spec.host
        l.endpoint = { name: spec.name, securityProtocol: spec.securityProtocol, host, port: spec.advertisedPort === 0 ? addr.port : spec.advertisedPort }
        out.push({ ...l.endpoint, boundHost: addr.address, boundPort: addr.port })
      }
    } catch (err) {
      await Promise.all(this.listening.map((l) => new Promise((resolve) => (l.server.listening ? l.server.close(resolve) : resolve(undefined)))))
      throw err
    }
    return out
  }

  // isolateBroker: connections are accepted but nothing is read or answered until lifted.
  isolate(on: boolean): void {
    this.isolated = on
    for (const c of this.connections) on ? c.freeze() : c.thaw()
  }

  // killBroker: the listeners close and every connection is dropped at once, with no answer to
  // what is in flight (a crashed broker).
  async kill(): Promise<void> {
    const closed = Promise.all(this.listening.map((l) => new Promise<void>((resolve) => (l.server.listening ? l.server.close(() => resolve()) : resolve()))))
    for (const [socket] of this.waiting) socket.destroy()
    this.waiting = []
    for (const socket of this.handshaking) socket.destroy()
    for (const c of this.connections) c.destroy()
    await closed
  }

  // `wake`: answer the whole broker's long polls and parked group requests now (the process is
  // stopping); a cluster stopping one of its brokers leaves the others' requests alone.
  async close(graceMs = 2000, wake = true): Promise<void> {
    const closed = Promise.all(this.listening.map((l) => new Promise<void>((resolve) => (l.server.listening ? l.server.close(() => resolve()) : resolve()))))
    for (const [socket] of this.waiting) socket.destroy()
    this.waiting = []
    for (const socket of this.handshaking) socket.destroy()
    if (wake) this.broker?.wakeAll()
    const conns = [...this.connections]
    await Promise.race([Promise.all(conns.map((c) => c.drain())), new Promise((r) => setTimeout(r, graceMs).unref())])
    for (const c of this.connections) c.destroy()
    await closed
  }
}

function bind(server: net.Server, host: string, port: number): Promise<net.AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(listenError(err, host, port))
    server.once('error', onError)
    server.listen({ host, port }, () => {
      server.off('error', onError)
      resolve(server.address() as net.AddressInfo)
    })
  })
}

// Node's "listen EADDRINUSE: address already in use" names neither the remedy nor the option.
function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host}:${port}`
  const message =
    err.code === 'EADDRINUSE'
      ? `cannot listen on ${where}: the port is already in use (another Rivulet or Kafka?). Choose another port, or port 0 to let the system pick a free one (--port 0; embedded: port: 0).`
      : `cannot listen on ${where}: ${err.message}`
  return Object.assign(new Error(message, { cause: err }), { code: err.code })
}
