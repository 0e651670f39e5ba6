// The brokers of this process (DESIGN.md, "The cluster"): one node per listener set, each with its
// own node id, rack and advertised endpoints, over the one shared store. A single broker is a
// cluster of one node. A node's state is what the cluster controls set; "live" is what Kafka's
// controller would call an unfenced registered broker: it holds leaderships and appears in
// Metadata. An isolated node stays live (a hung broker keeps its registration until someone
// notices) but its connections answer nothing.

export type NodeState = 'running' | 'stopped' | 'isolated'

// One advertised endpoint of a node, by listener name (Kafka answers Metadata and FindCoordinator
// with the endpoints of the listener the request came in on).
export interface NodeEndpoint {
  name: string
  host: string
  port: number
}

export interface ClusterNode {
  readonly id: number
  readonly rack: string | null
  endpoints: NodeEndpoint[]
  state: NodeState
}

// A broker of another process over the shared store, as its membership lease reports it.
export interface RemoteMember {
  nodeId: number
  listeners: NodeEndpoint[]
  rack: string | null
  live: boolean
}

export class Nodes {
  readonly list: ClusterNode[]
  private readonly byId = new Map<number, ClusterNode>()
  // Brokers of other processes over a shared store (src/store/shared-store.ts), by node id:
  // listed in Metadata and DescribeCluster and counted for the controller id. Leadership and the
  // cluster controls stay with this process's nodes (`list`).
  private remote: ClusterNode[] = []

  // Node ids are consecutive from `firstId` (the node.id a single broker has).
  constructor(firstId: number, racks: readonly (string | null)[]) {
    this.list = racks.map((rack, i) => ({ id: firstId + i, rack, endpoints: [], state: 'running' as NodeState }))
    for (const n of this.list) this.byId.set(n.id, n)
  }

  get size(): number {
    return this.list.length
  }

  get(id: number): ClusterNode | undefined {
    return this.byId.get(id)
  }

  isLive(id: number): boolean {
    const n = this.byId.get(id)
    return n !== undefined && n.state !== 'stopped'
  }

  live(): ClusterNode[] {
    return this.list.filter((n) => n.state !== 'stopped')
  }

  liveIds(): number[] {
    return this.live().map((n) => n.id)
  }

  // The store's membership as last read: every registered broker not of this process, a lapsed
  // lease as a stopped (Kafka: fenced) broker.
  setRemote(members: readonly RemoteMember[]): void {
    this.remote = members
      .filter((m) => !this.byId.has(m.nodeId))
      .map((m) => ({ id: m.nodeId, rack: m.rack, endpoints: m.listeners.map((l) => ({ ...l })), state: m.live ? ('running' as NodeState) : ('stopped' as NodeState) }))
  }

  // Every broker of the cluster, this process's and the store's other members, by node id.
  all(): ClusterNode[] {
    return this.remote.length === 0 ? this.list : [...this.list, ...this.remote].sort((a, b) => a.id - b.id)
  }

  // The live brokers of the whole cluster (Metadata lists them), by node id.
  visible(): ClusterNode[] {
    return this.all().filter((n) => n.state !== 'stopped')
  }

  // A broker of this process or, failing that, another live member of the store.
  member(id: number): ClusterNode | undefined {
    return this.byId.get(id) ?? this.remote.find((n) => n.id === id && n.state !== 'stopped')
  }

  // A live broker of another process over the shared store (never one of this process's).
  isRemoteLive(id: number): boolean {
    return this.remote.some((n) => n.id === id && n.state !== 'stopped')
  }

  // Kafka's KRaft brokers report a controller id that is some live broker; the lowest live id of
  // the whole cluster here, so every broker of it answers the same.
  get controllerId(): number {
    return this.visible()[0]?.id ?? this.list[0]!.id
  }

  // The node's endpoint on the named listener, else its first one (a member registered without
  // listener names has one, unnamed).
  endpoint(node: ClusterNode, listener: string | undefined): NodeEndpoint | undefined {
    return node.endpoints.find((e) => e.name === listener) ?? node.endpoints[0]
  }
}
