// Partition leadership (DESIGN.md, "The cluster"): per partition its replicas, its leader and the
// leader epoch, plus the epoch history Kafka keeps in each log's leader-epoch-checkpoint. The
// store replicates, so there is no follower fetching: the ISR is the replicas that are live (the
// brokers that could take over). Every leadership change bumps the leader epoch and records the
// new epoch's start offset (the log end offset then), as Partition.makeLeader does with
// maybeAssignEpochStartOffset. Mutated only through this class; persisted by Cluster in
// cluster.json.

import { KafkaError } from '../../protocol/errors.js'

export interface PartitionLeadership {
  replicas: number[]
  leader: number // -1: no live replica can lead (Kafka's LeaderConstants.NO_LEADER)
  leaderEpoch: number
  // [epoch, start offset] in ascending order: Kafka's LeaderEpochFileCache entries.
  epochs: [number, number][]
}

export interface LeadershipDeps {
  isLive(id: number): boolean
  // The partition's log end offset (the start offset of a new epoch).
  endOffset(topic: string, partition: number): number
  // Called after every leadership change, so the log stamps the new epoch on its batches.
  changed(topic: string, partition: number, state: PartitionLeadership): void
}

export type Persisted = Record<string, PartitionLeadership[]>

export class Leadership {
  private readonly byTopic = new Map<string, PartitionLeadership[]>()
  // How many assignments were made: the start index of the next one, so that leaders of
  // successive topics start on successive brokers (Kafka picks a random start index).
  private assignments = 0
  deps: LeadershipDeps | null = null

  get(topic: string, partition: number): PartitionLeadership | undefined {
    return this.byTopic.get(topic)?.[partition]
  }

  topic(topic: string): PartitionLeadership[] | undefined {
    return this.byTopic.get(topic)
  }

  load(p: Persisted | undefined): void {
    this.byTopic.clear()
    for (const [topic, parts] of Object.entries(p ?? {})) this.byTopic.set(topic, parts)
    this.assignments = this.byTopic.size
  }

  toJSON(): Persisted {
    return Object.fromEntries(this.byTopic)
  }

  remove(topic: string): void {
    this.byTopic.delete(topic)
  }

  // Kafka's AdminUtils.assignReplicasToBrokersRackUnaware with a fixed start index (the number of
  // assignments so far) and no extra shift: partition p leads on broker (start + p) % n, its
  // followers on the brokers after it, wrapping. Partitions from `from` on get assignments.
  assign(topic: string, count: number, replicationFactor: number, brokers: readonly number[], from = 0): void {
    if (replicationFactor > brokers.length) {
      throw new KafkaError('INVALID_REPLICATION_FACTOR', `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${brokers.length} broker(s) are registered.`)
    }
    const parts = this.byTopic.get(topic) ?? []
    const start = this.assignments++
    const n = brokers.length
    for (let p = from; p < count; p++) {
      const first = (start + p) % n
      const replicas: number[] = []
      for (let j = 0; j < replicationFactor; j++) replicas.push(brokers[(first + j) % n]!)
      parts[p] = { replicas, leader: replicas[0]!, leaderEpoch: 0, epochs: [[0, 0]] }
    }
    parts.length = count
    this.byTopic.set(topic, parts)
  }

  // Explicit replica lists (CreateTopics / CreatePartitions assignments): the first is the leader.
  assignReplicas(topic: string, replicas: readonly (readonly number[])[], from = 0): void {
    const parts = this.byTopic.get(topic) ?? []
    replicas.forEach((r, i) => (parts[from + i] = { replicas: [...r], leader: r[0]!, leaderEpoch: 0, epochs: [[0, 0]] }))
    this.byTopic.set(topic, parts)
  }

  isr(state: PartitionLeadership): number[] {
    const deps = this.deps
    return deps ? state.replicas.filter((id) => deps.isLive(id)) : state.replicas
  }

  // Makes `leader` (-1 for none) the partition's leader under a new epoch. Kafka bumps the leader
  // epoch on every election, including one that leaves the partition leaderless.
  elect(topic: string, partition: number, leader: number): PartitionLeadership {
    const state = this.get(topic, partition)
    if (!state) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `${topic}-${partition} does not exist`)
    state.leader = leader
    state.leaderEpoch++
    const start = this.deps?.endOffset(topic, partition) ?? 0
    // LeaderEpochFileCache.assign drops entries a new one makes non-monotonic.
    state.epochs = state.epochs.filter(([e, s]) => e < state.leaderEpoch && s < start)
    state.epochs.push([state.leaderEpoch, start])
    this.deps?.changed(topic, partition, state)
    return state
  }

  // A leadership decided outside this process (a shared store's lease, src/store/shared-store.ts):
  // `leader` at `epoch` from `start` on, recorded as elect() records its own. An older epoch than
  // the one known changes nothing.
  adopt(topic: string, partition: number, leader: number, epoch: number, start: number): boolean {
    const state = this.get(topic, partition)
    if (!state || epoch < state.leaderEpoch || (epoch === state.leaderEpoch && leader === state.leader)) return false
    state.leader = leader
    state.leaderEpoch = epoch
    state.epochs = state.epochs.filter(([e, s]) => e < epoch && s < start)
    state.epochs.push([epoch, start])
    this.deps?.changed(topic, partition, state)
    return true
  }

  // Another process leads the partition (its lease in a shared store, at `epoch`): reported in
  // Metadata and the KIP-951 hints, with the leader first among the replicas. The epoch history
  // is the leader's to answer (OffsetForLeaderEpoch goes there), so it is not touched here.
  follow(topic: string, partition: number, leader: number, epoch: number): boolean {
    const state = this.get(topic, partition)
    if (!state || epoch < state.leaderEpoch || (epoch === state.leaderEpoch && leader === state.leader)) return false
    state.leader = leader
    state.leaderEpoch = epoch
    if (!state.replicas.includes(leader)) state.replicas = [leader, ...state.replicas].slice(0, Math.max(1, state.replicas.length))
    return true
  }

  // The first live replica in replica order (Kafka's preferred-first election), -1 if none.
  firstLiveReplica(state: PartitionLeadership): number {
    return state.replicas.find((id) => this.deps?.isLive(id) ?? true) ?? -1
  }

  // A broker went away: every partition it led moves to another live replica (or to none). Returns
  // the partitions that changed.
  failover(node: number): number {
    let moved = 0
    for (const [topic, parts] of this.byTopic) {
      parts.forEach((s, p) => {
        if (s.leader !== node) return
        this.elect(topic, p, this.firstLiveReplica(s))
        moved++
      })
    }
    return moved
  }

  // A broker came back: leaderless partitions it replicates elect it (Kafka elects an ISR member
  // that returns; the store holds every record, so the returning replica is in sync).
  rejoin(node: number): number {
    let moved = 0
    for (const [topic, parts] of this.byTopic) {
      parts.forEach((s, p) => {
        if (s.leader !== -1 || !s.replicas.includes(node)) return
        this.elect(topic, p, node)
        moved++
      })
    }
    return moved
  }

  // LeaderEpochFileCache.epochForOffset: the epoch the offset was written in (the last one starting
  // at or before it).
  epochForOffset(state: PartitionLeadership, offset: number): number {
    let epoch = -1
    for (const [e, start] of state.epochs) if (start <= offset) epoch = e
    return epoch === -1 ? (state.epochs[0]?.[0] ?? -1) : epoch
  }

  // Kafka's LeaderEpochFileCache.endOffsetFor: the requested epoch's end offset (the start offset
  // of the first later epoch, or the log end offset for the latest), with the epoch answered.
  // Entries before the log start count from the log start (truncateFromStart).
  endOffsetFor(state: PartitionLeadership, requested: number, logStart: number, logEnd: number): [number, number] {
    const epochs = state.epochs
    const latest = epochs[epochs.length - 1]
    if (requested === -1 || !latest) return [-1, -1]
    if (requested === latest[0]) return [requested, logEnd]
    const higher = epochs.findIndex(([e]) => e > requested)
    if (higher < 0) return [-1, -1]
    const higherStart = Math.max(epochs[higher]![1], logStart)
    if (higher === 0) return [requested, higherStart]
    return [epochs[higher - 1]![0], higherStart]
  }
}
