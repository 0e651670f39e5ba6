// The TCP listener: accepts connections, hands each to a Connection, and on stop closes the
// listener, lets in-flight requests finish, then closes what is left. The port is bound before the
// broker exists (start-up binds first so that a port in use fails before anything is written to
// the data directory); connections accepted before `serve` wait for it.

import net from 'node:net'
import type { Broker } from '../broker.js'
import type { Logger } from '../logger.js'
import { versionsTable } from '../handlers/handler.js'
import { handlerMap } from '../handlers/registry.js'
import { Connection } from './connection.js'

// ApiVersions' table, from the handlers registered (so it never advertises what is not handled).
const API_VERSIONS = versionsTable(handlerMap.values())

export class Server {
  private readonly server: net.Server
  private readonly connections = new Set<Connection>()
  private broker: Broker | null = null
  private waiting: net.Socket[] = []

  constructor(private readonly logger: Logger) {
    this.server = net.createServer((socket) => (this.broker ? this.accept(socket, this.broker) : this.waiting.push(socket)))
  }

  serve(broker: Broker): void {
    this.broker = broker
    for (const socket of this.waiting) this.accept(socket, broker)
    this.waiting = []
  }

  private accept(socket: net.Socket, broker: Broker): void {
    const conn = new Connection(socket, {
      broker,
      handlers: handlerMap,
      apiVersions: API_VERSIONS,
      logger: this.logger,
      maxRequestBytes: broker.config.int('socket.request.max.bytes'),
    })
    this.connections.add(conn)
    void conn.closed.then(() => this.connections.delete(conn))
  }

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => reject(listenError(err, host, port))
      this.server.once('error', onError)
      this.server.listen({ host, port }, () => {
        this.server.off('error', onError)
        const addr = this.server.address() as net.AddressInfo
        resolve({ host: addr.address, port: addr.port })
      })
    })
  }

  async close(graceMs = 2000): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    for (const socket of this.waiting) socket.destroy()
    this.waiting = []
    this.broker?.wakeAll()
    const conns = [...this.connections]
    await Promise.race([Promise.all(conns.map((c) => c.drain())), new Promise((r) => setTimeout(r, graceMs).unref())])
    for (const c of this.connections) c.destroy()
    await closed
  }
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
