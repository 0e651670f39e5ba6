// The cluster as handlers report it (Metadata, DescribeCluster, DescribeTopicPartitions, the
// KIP-951 leader hints): live brokers with their endpoints on the request's listener, and each
// partition's leader, epoch, replicas, ISR and offline replicas from the leadership table.

import type { Broker } from '../broker.js'
import type { ClusterNode } from '../cluster/nodes.js'
import type { RequestContext } from './handler.js'

export interface BrokerEndpoint {
  nodeId: number
  host: string
  port: number
  rack: string | null
}

export interface PartitionView {
  leaderId: number
  leaderEpoch: number
  replicaNodes: number[]
  isrNodes: number[]
  offlineReplicas: number[]
}

// A node as clients on the request's listener reach it. The request's own broker answers with
// the listener the client used (its advertised endpoint), as Kafka does.
export function endpointOf(ctx: RequestContext, node: ClusterNode): BrokerEndpoint {
  const listener = ctx.connection.listener
  if (node === ctx.node && listener) return { nodeId: node.id, host: listener.host, port: listener.port, rack: node.rack }
  const e = ctx.broker.nodes.endpoint(node, listener?.name)
  return e ? { nodeId: node.id, host: e.host, port: e.port, rack: node.rack } : { nodeId: node.id, host: ctx.broker.advertisedHost, port: ctx.broker.advertisedPort, rack: node.rack }
}

// Every live broker (Kafka lists unfenced brokers).
export function liveBrokers(ctx: RequestContext): BrokerEndpoint[] {
  return ctx.broker.nodes.live().map((n) => endpointOf(ctx, n))
}

export function partitionView(broker: Broker, topic: string, partition: number): PartitionView {
  const s = broker.cluster.leadership.get(topic, partition)
  if (!s) return { leaderId: broker.nodeId, leaderEpoch: 0, replicaNodes: [broker.nodeId], isrNodes: [broker.nodeId], offlineReplicas: [] }
  const isr = broker.cluster.leadership.isr(s)
  return {
    leaderId: s.leader,
    leaderEpoch: s.leaderEpoch,
    replicaNodes: s.replicas,
    isrNodes: isr,
    offlineReplicas: isr.length === s.replicas.length ? [] : s.replicas.filter((id) => !isr.includes(id)),
  }
}
