// Wiring of the admin port for startBroker (src/index.ts): bind it early, with the Kafka
// listeners, so a port in use fails before anything is written; once the broker exists, turn on
// its counters and serve /metrics and the test kit's routes (docs/TESTKIT.md). Further features
// add their tables with `admin.addRoutes`.

import type { Broker } from '../broker.js'
import type { Logger } from '../logger.js'
import { BrokerMetrics } from '../metrics/broker-metrics.js'
import type { Server } from '../server/server.js'
import type { TestKit } from '../testkit/kit.js'
import { AdminHttpServer } from './http-server.js'
import { kitRoutes } from './kit-routes.js'
import { metricsRoutes } from './metrics/prometheus.js'

export interface OpenAdmin {
  server: AdminHttpServer
  port: number
  url: string
}

export async function openAdminPort(port: number, host: string | undefined, logger: Logger): Promise<OpenAdmin> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`adminPort must be an integer 0-65535, got ${port}`)
  const server = new AdminHttpServer({ logger, host })
  const bound = await server.listen(port)
  const h = bound.host.includes(':') ? `[${bound.host}]` : bound.host
  return { server, port: bound.port, url: `http://${h}:${bound.port}` }
}

// `current` is read at every request: the test kit's reset() replaces the broker (and hands the
// counters to the new one), so /metrics and the kit routes follow it.
export async function serveAdmin(admin: OpenAdmin, current: () => Broker, servers: Server[], kit: TestKit): Promise<void> {
  const metrics = (current().metrics = new BrokerMetrics())
  const sources = {
    get broker() {
      return current()
    },
    metrics,
    connections: () => connectionCounts(servers),
  }
  admin.server.addRoutes(await metricsRoutes(sources))
  admin.server.addRoutes(kitRoutes(kit))
  // The console's module is imported here, with the admin port, never at start-up.
  const { consoleRoutes } = await import('./console/index.js')
  admin.server.addRoutes(consoleRoutes({ get broker() { return current() }, connections: sources.connections, endpoints: () => servers[0]!.endpoints(), startedAt: Date.now() }))
}

// Open connections per listener name over every broker of this process (a cluster's brokers share
// listener names).
function connectionCounts(servers: Server[]): ReadonlyMap<string, number> {
  if (servers.length === 1) return servers[0]!.connectionCounts()
  const total = new Map<string, number>()
  for (const s of servers) for (const [name, n] of s.connectionCounts()) total.set(name, (total.get(name) ?? 0) + n)
  return total
}
