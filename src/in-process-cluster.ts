// The brokers of an in-process cluster (startCluster, --brokers N) and the controls tests use to
// make them fail (DESIGN.md, "The cluster"): each broker is a set of listeners serving the one
// shared Broker as its own node. Stopping or killing one moves its leaderships (and so its
// coordinators) to other live replicas under new leader epochs; restarting it listens again on
// the same ports; isolating it keeps its sockets open but answers nothing.

import type { Broker } from './broker.js'
import type { ClusterNode } from './cluster/nodes.js'
import type { Logger } from './logger.js'
import type { ListenerSecurity } from './security/listener-security.js'
import { Server, type BoundListener } from './server/server.js'

export interface ClusterMember {
  node: ClusterNode
  security: ListenerSecurity[]
  server: Server | null
}

// One broker of the cluster as its clients reach it.
export interface RunningNode {
  nodeId: number
  rack: string | null
  host: string
  port: number
  bootstrap: string
}

// Node i's listeners: fixed ports shift by i (9092, 9093, ...; advertised ones too), port 0 stays 0.
export function shiftPorts(security: ListenerSecurity[], i: number): ListenerSecurity[] {
  const shift = (port: number) => (port === 0 ? 0 : port + i)
  return security.map((s) => ({ ...s, spec: { ...s.spec, port: shift(s.spec.port), advertisedPort: shift(s.spec.advertisedPort) } }))
}

// The node's advertised endpoints from its bound listeners.
export function endpointsOf(bound: BoundListener[]): ClusterNode['endpoints'] {
  return bound.map((l) => ({ name: l.name, host: l.host, port: l.port }))
}

export class InProcessCluster {
  constructor(
    private broker: Broker,
    private readonly logger: Logger,
    private readonly handshakeTimeoutMs: number | undefined,
    private readonly members: ClusterMember[],
  ) {}

  get nodes(): RunningNode[] {
    return this.members.map(({ node }) => {
      const e = node.endpoints[0]!
      return { nodeId: node.id, rack: node.rack, host: e.host, port: e.port, bootstrap: `${e.host}:${e.port}` }
    })
  }

  private member(id: number): ClusterMember {
    const m = this.members.find((x) => x.node.id === id)
    if (!m) throw new Error(`no broker ${id} in this cluster (brokers ${this.members.map((x) => x.node.id).join(', ')})`)
    return m
  }

  private running(id: number): [ClusterMember, Server] {
    const m = this.member(id)
    if (m.node.state === 'stopped' || !m.server) throw new Error(`broker ${id} is not running`)
    return [m, m.server]
  }

  // Kafka's controlled shutdown: leaderships move first, then in-flight requests finish and the
  // listeners close.
  async stopBroker(id: number): Promise<void> {
    const [m, server] = this.running(id)
    m.node.state = 'stopped'
    this.broker.controller.nodeDown(id)
    m.server = null
    await server.close(2000, false)
  }

  // A crash: every connection drops without an answer, then leaderships move.
  async killBroker(id: number): Promise<void> {
    const [m, server] = this.running(id)
    m.node.state = 'stopped'
    m.server = null
    await server.kill()
    this.broker.controller.nodeDown(id)
  }

  // Listens again on the broker's ports; leaderless partitions it replicates elect it.
  async restartBroker(id: number): Promise<void> {
    const m = this.member(id)
    if (m.node.state !== 'stopped') throw new Error(`broker ${id} is running`)
    const ports = new Map(m.node.endpoints.map((e) => [e.name, e.port]))
    const security = m.security.map((s) => ({ ...s, spec: { ...s.spec, port: ports.get(s.spec.name) ?? s.spec.port } }))
    const server = new Server(this.logger, security, this.handshakeTimeoutMs)
    m.node.endpoints = endpointsOf(await server.listen())
    server.serve(this.broker, m.node)
    m.server = server
    m.node.state = 'running'
    this.broker.controller.nodeUp(id)
  }

  // Connections are accepted but nothing is read or answered until `on` is false again. The
  // broker keeps its leaderships (as a hung Kafka broker does until its session expires).
  isolateBroker(id: number, on = true): void {
    const [m, server] = this.running(id)
    server.isolate(on)
    m.node.state = on ? 'isolated' : 'running'
  }

  moveLeader(topic: string, partition: number, toBroker: number): void {
    this.broker.controller.moveLeader(topic, partition, toBroker)
  }

  leaderOf(topic: string, partition: number): number {
    return this.broker.cluster.leadership.get(topic, partition)?.leader ?? -1
  }

  // The test kit's reset() on a single broker: its listeners serve the new, empty broker as its
  // only node (open connections are closed, as a restarted broker's would be).
  replaceBroker(broker: Broker): void {
    if (this.members.length !== 1) throw new Error('only a single broker is replaced')
    const m = this.members[0]!
    this.broker = broker
    m.node = broker.nodes.list[0]!
    m.server?.replaceBroker(broker, m.node)
  }

  async close(): Promise<void> {
    const servers = this.members.map((m) => m.server).filter((s): s is Server => s !== null)
    for (const m of this.members) m.server = null
    await Promise.all(servers.map((s) => s.close()))
  }
}
