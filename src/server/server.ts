// The TCP listener: accepts connections, hands each to a Connection, and on stop closes the
// listener, lets in-flight requests finish, then closes what is left.

import net from 'node:net'
import type { Broker } from '../broker.js'
import type { Logger } from '../logger.js'
import { handlerMap } from '../handlers/registry.js'
import { Connection } from './connection.js'

export class Server {
  private readonly server: net.Server
  private readonly connections = new Set<Connection>()

  constructor(private readonly broker: Broker, private readonly logger: Logger) {
    this.server = net.createServer((socket) => this.accept(socket))
  }

  private accept(socket: net.Socket): void {
    const conn = new Connection(socket, {
      broker: this.broker,
      handlers: handlerMap,
      logger: this.logger,
      maxRequestBytes: this.broker.config.int('socket.request.max.bytes'),
    })
    this.connections.add(conn)
    void conn.closed.then(() => this.connections.delete(conn))
  }

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen({ host, port }, () => {
        this.server.off('error', reject)
        const addr = this.server.address() as net.AddressInfo
        resolve({ host: addr.address, port: addr.port })
      })
    })
  }

  async close(graceMs = 2000): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.broker.wakeAll()
    const conns = [...this.connections]
    await Promise.race([Promise.all(conns.map((c) => c.drain())), new Promise((r) => setTimeout(r, graceMs).unref())])
    for (const c of this.connections) c.destroy()
    await closed
  }
}
