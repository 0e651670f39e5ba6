// The cluster as handlers report it (Metadata, DescribeCluster, DescribeTopicPartitions, the
// KIP-951 leader hints): live brokers with their endpoints on the request's listener, and each
// partition's leader, epoch, replicas, ISR and offline replicas from the leadership table.

import { ErrorCode } from '../../protocol/errors.js'
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

// Every live broker of the cluster, other processes' over a shared store included (Kafka lists
// unfenced brokers).
export function liveBrokers(ctx: RequestContext): BrokerEndpoint[] {
  return ctx.broker.nodes.visible().map((n) => endpointOf(ctx, n))
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

// Partition.getLocalLog's checks, in Kafka's order: the client's current_leader_epoch (-1: the
// client does not know it) against the partition's (checkCurrentLeaderEpoch), then whether this
// broker leads it. 0 when the request may be served here.
export function leaderError(ctx: RequestContext, topic: string, partition: number, currentLeaderEpoch = -1): number {
  const s = ctx.broker.cluster.leadership.get(topic, partition)
  if (!s) return 0
  if (currentLeaderEpoch !== -1) {
    if (currentLeaderEpoch > s.leaderEpoch) return ErrorCode.UNKNOWN_LEADER_EPOCH
    if (currentLeaderEpoch < s.leaderEpoch) return ErrorCode.FENCED_LEADER_EPOCH
  }
  return s.leader === ctx.node.id ? 0 : ErrorCode.NOT_LEADER_OR_FOLLOWER
}

// KIP-951: the partition's current leader and epoch for a NOT_LEADER_OR_FOLLOWER or
// FENCED_LEADER_EPOCH answer, its endpoint collected into `endpoints` for the response's
// NodeEndpoints (Produce v10+, Fetch v16+).
export function currentLeader(ctx: RequestContext, topic: string, partition: number, endpoints: Map<number, BrokerEndpoint>): { leaderId: number; leaderEpoch: number } {
  const s = ctx.broker.cluster.leadership.get(topic, partition)
  if (!s || s.leader === -1) return { leaderId: -1, leaderEpoch: -1 }
  const node = ctx.broker.nodes.member(s.leader)
  if (node && !endpoints.has(node.id)) endpoints.set(node.id, endpointOf(ctx, node))
  return { leaderId: s.leader, leaderEpoch: s.leaderEpoch }
}

export const LEADER_HINT_ERRORS: ReadonlySet<number> = new Set([ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.FENCED_LEADER_EPOCH])
