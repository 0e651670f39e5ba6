// What Kafka's controller decides for this process's brokers: where partitions lead, and what
// happens to leadership when a broker stops, dies, returns or is asked to hand over a partition
// (DESIGN.md, "The cluster"). Leadership lives in Cluster (cluster.json); this class applies the
// cluster controls to it and keeps each log's leader epoch (stamped on appended batches) in step.

import { KafkaError } from '../../protocol/errors.js'
import type { Logger } from '../logger.js'
import type { Cluster } from './cluster.js'
import type { PartitionLeadership } from './leadership.js'
import type { Nodes } from './nodes.js'

export interface ControllerDeps {
  cluster: Cluster
  nodes: Nodes
  logger: Logger
  // The open log of a partition, if any: its end offset starts a new epoch, and it stamps the
  // leader epoch on the batches it appends.
  log(topic: string, partition: number): { readonly logEndOffset: number; leaderEpoch: number } | undefined
}

export class ClusterController {
  constructor(private readonly o: ControllerDeps) {
    const { cluster, nodes } = o
    // Topics are placed over every live broker of the cluster: over a shared store, other
    // processes' members too (replication.factor up to the cluster's size, as Kafka counts them).
    cluster.liveBrokers = () => nodes.visible().map((n) => n.id)
    cluster.leadership.deps = {
      // A broker of another process over a shared store counts while its membership lease runs.
      isLive: (id) => nodes.isLive(id) || nodes.isRemoteLive(id),
      endOffset: (topic, p) => o.log(topic, p)?.logEndOffset ?? 0,
      changed: (topic, p, state) => {
        const log = o.log(topic, p)
        if (log) log.leaderEpoch = state.leaderEpoch
      },
    }
  }

  // After the cluster file is loaded: every partition gets a leadership entry (a data directory from
  // before clusters: this node leads at epoch 0), replicas on brokers this process does not have are
  // placed again, and partitions whose leader is not live elect a live replica.
  reconcile(): void {
    const { cluster, nodes } = this.o
    const leadership = cluster.leadership
    let changed = false
    for (const t of cluster.topics.values()) {
      const parts = leadership.topic(t.name)
      if (!parts || parts.length !== t.partitions || parts.some((s) => !s)) {
        leadership.assign(t.name, t.partitions, 1, nodes.liveIds(), parts ? parts.filter(Boolean).length : 0)
        changed = true
      }
      leadership.topic(t.name)!.forEach((s, p) => {
        if (!s.replicas.some((id) => nodes.get(id))) {
          s.replicas = [nodes.liveIds()[p % nodes.live().length]!]
          leadership.elect(t.name, p, s.replicas[0]!)
          changed = true
        } else if (!nodes.isLive(s.leader)) {
          leadership.elect(t.name, p, leadership.firstLiveReplica(s))
          changed = true
        }
      })
    }
    if (changed) cluster.save()
  }

  // A manual assignment (CreateTopics replica lists): the first replica of each leads.
  assignReplicas(topic: string, replicas: number[][], from = 0): void {
    const leadership = this.o.cluster.leadership
    leadership.assignReplicas(topic, replicas, from)
    replicas.forEach((r, i) => {
      const s = leadership.get(topic, from + i)!
      if (!this.o.nodes.isLive(s.leader)) leadership.elect(topic, from + i, leadership.firstLiveReplica(s))
    })
    this.o.cluster.save()
  }

  // ReplicationControlManager.electLeader: PREFERRED makes the first replica the leader when it is
  // live and not already leading; UNCLEAN elects the first live replica of a leaderless partition
  // (every live replica is in sync here: the store holds every record). Throws ELECTION_NOT_NEEDED,
  // PREFERRED_LEADER_NOT_AVAILABLE or ELIGIBLE_LEADERS_NOT_AVAILABLE as Kafka answers.
  electLeader(topic: string, partition: number, unclean: boolean): void {
    const leadership = this.o.cluster.leadership
    const state = leadership.get(topic, partition)
    if (!state) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.')
    const preferred = state.replicas[0]!
    if (unclean ? state.leader !== -1 : state.leader === preferred) throw new KafkaError('ELECTION_NOT_NEEDED', 'Leader election not needed for topic partition.')
    const next = unclean ? leadership.firstLiveReplica(state) : this.o.nodes.isLive(preferred) ? preferred : -1
    if (next === -1) {
      throw unclean
        ? new KafkaError('ELIGIBLE_LEADERS_NOT_AVAILABLE', 'Eligible topic partition leaders are not available.')
        : new KafkaError('PREFERRED_LEADER_NOT_AVAILABLE', 'The preferred leader was not available.')
    }
    leadership.elect(topic, partition, next)
    this.o.logger.info({ topic, partition, leader: next, leaderEpoch: state.leaderEpoch, election: unclean ? 'unclean' : 'preferred' }, 'partition leader elected')
  }

  // A completed reassignment (ReplicationControlManager.alterPartitionReassignments): the store
  // already holds every record on every broker, so the target replicas are in sync at once and the
  // reassignment finishes as it starts. The leader stays unless it left the replicas or is not live.
  reassign(topic: string, partition: number, replicas: number[]): void {
    const leadership = this.o.cluster.leadership
    const state = leadership.get(topic, partition)!
    state.replicas = replicas
    if (!replicas.includes(state.leader) || !this.o.nodes.isLive(state.leader)) leadership.elect(topic, partition, leadership.firstLiveReplica(state))
    this.o.logger.info({ topic, partition, replicas }, 'partition reassigned')
  }

  save(): void {
    this.o.cluster.save()
  }

  leaderEpochOf(topic: string, partition: number): number {
    return this.o.cluster.leadership.get(topic, partition)?.leaderEpoch ?? 0
  }

  // A broker stopped or died: it leaves the ISR of its partitions and those it led elect another
  // live replica under a new epoch (Kafka's controller on a fenced or shut-down broker).
  nodeDown(id: number): void {
    const moved = this.o.cluster.leadership.failover(id)
    this.o.cluster.save()
    this.o.logger.info({ broker: id, partitionsMoved: moved }, 'broker left the cluster')
  }

  // A broker returned: partitions left without a leader elect it.
  nodeUp(id: number): void {
    const moved = this.o.cluster.leadership.rejoin(id)
    this.o.cluster.save()
    this.o.logger.info({ broker: id, partitionsLed: moved }, 'broker joined the cluster')
  }

  // Moves one partition's leadership to a live replica under a new epoch.
  moveLeader(topic: string, partition: number, to: number): PartitionLeadership {
    const state = this.o.cluster.leadership.get(topic, partition)
    if (!state) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `${topic}-${partition} does not exist`)
    if (!state.replicas.includes(to)) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `broker ${to} is not a replica of ${topic}-${partition} (replicas ${state.replicas.join(',')})`)
    if (!this.o.nodes.isLive(to)) throw new KafkaError('BROKER_NOT_AVAILABLE', `broker ${to} is not live`)
    if (state.leader === to) return state
    const out = this.o.cluster.leadership.elect(topic, partition, to)
    this.o.cluster.save()
    this.o.logger.info({ topic, partition, leader: to, leaderEpoch: out.leaderEpoch }, 'partition leader moved')
    return out
  }
}
