// Coordinators over a shared store (issue 11 part 2, step 4): a broker coordinates the groups and
// transactional ids of the internal-topic partitions whose lease it holds, as Kafka's coordinators
// serve the partitions of __consumer_offsets and __transaction_state their broker leads. When the
// store reports the lease won (the local copy rebuilt from the store), the partition's groups or
// transactions are loaded (GroupCoordinator.onElection, TransactionCoordinator.onElection); when it
// reports the lease lost, they are unloaded (onResignation). Requests for a key whose partition is
// not loaded here answer COORDINATOR_LOAD_IN_PROGRESS while this broker may still load it, and
// NOT_COORDINATOR once another broker leads it or this broker lost it, as Kafka answers both.

import { KafkaError } from '../../protocol/errors.js'
import type { Group } from '../groups/group.js'
import { OFFSETS_TOPIC } from '../groups/group-store.js'
import type { PartitionStore } from '../log/partition-store.js'
import type { Logger } from '../logger.js'
import { TRANSACTION_STATE_TOPIC } from '../producers/transactions.js'
import type { InternalEvents } from '../store/shared-store.js'
import type { Leadership } from './leadership.js'

export interface CoordinatorLoadDeps {
  nodeId(): number
  leadership: Leadership
  logger: Logger
  groups: { loadPartition(p: number): Group[]; unloadPartition(p: number, also?: (g: Group) => void): void }
  consumerGroups: { load(groups: Iterable<Group>): void; unload(g: Group): void }
  streamsGroups: { load(groups: Iterable<Group>): void; unload(g: Group): void }
  txns: { loadPartition(p: number): void; unloadPartition(p: number): void }
}

export class CoordinatorLoads {
  // `topic-partition` ─▶ true once loaded here, false once the lease was lost here.
  private readonly state = new Map<string, boolean>()
  // `topic-partition` ─▶ the broker holding its live lease, when another one does (read every
  // heartbeat). The lease is the truth here: this process's leadership record of an internal
  // partition may carry an epoch of its own from before it saw the lease.
  private remote = new Map<string, number>()

  constructor(private readonly o: CoordinatorLoadDeps) {}

  // The lease events of one internal-topic partition, whose local copy `fresh` makes anew.
  events(topic: string, partition: number, fresh: () => PartitionStore): InternalEvents {
    return {
      fresh,
      led: (epoch) => this.led(topic, partition, epoch),
      lost: () => this.lost(topic, partition),
    }
  }

  private led(topic: string, partition: number, epoch: number): void {
    const leadership = this.o.leadership
    leadership.adopt(topic, partition, this.o.nodeId(), epoch, leadership.deps?.endOffset(topic, partition) ?? 0)
    const started = Date.now()
    if (topic === OFFSETS_TOPIC) {
      const groups = this.o.groups.loadPartition(partition)
      this.o.consumerGroups.load(groups)
      this.o.streamsGroups.load(groups)
    } else if (topic === TRANSACTION_STATE_TOPIC) {
      this.o.txns.loadPartition(partition)
    }
    this.state.set(`${topic}-${partition}`, true)
    this.o.logger.info({ topic, partition, leaderEpoch: epoch, ms: Date.now() - started }, 'coordinator partition loaded')
  }

  private lost(topic: string, partition: number): void {
    this.state.set(`${topic}-${partition}`, false)
    if (topic === OFFSETS_TOPIC) {
      this.o.groups.unloadPartition(partition, (g) => {
        this.o.consumerGroups.unload(g)
        this.o.streamsGroups.unload(g)
      })
    } else if (topic === TRANSACTION_STATE_TOPIC) {
      this.o.txns.unloadPartition(partition)
    }
    this.o.logger.info({ topic, partition }, 'coordinator partition unloaded: its lease is gone')
  }

  // The live leases other brokers hold on internal-topic partitions, every heartbeat.
  follow(leases: readonly { topic: string; partition: number; leaderId: number }[]): void {
    this.remote = new Map(leases.map((l) => [`${l.topic}-${l.partition}`, l.leaderId]))
  }

  // The coordinator's node id (FindCoordinator): this broker once it loaded the partition, the
  // holder of its live lease when another broker holds it, else -1: COORDINATOR_NOT_AVAILABLE,
  // which every client retries, as Kafka answers while the internal topic's partition has no
  // leader yet. (Naming a broker still loading would send clients COORDINATOR_LOAD_IN_PROGRESS,
  // which some do not retry on every request: kafkajs's TxnOffsetCommit.)
  coordinator(topic: string, partition: number): number {
    const key = `${topic}-${partition}`
    if (this.state.get(key) === true) return this.o.nodeId()
    return this.remote.get(key) ?? -1
  }

  // Throws NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS unless the partition is loaded here.
  check(topic: string, partition: number, what: string): void {
    const key = `${topic}-${partition}`
    const s = this.state.get(key)
    if (s === true) return
    if (s === false || this.remote.has(key)) throw new KafkaError('NOT_COORDINATOR', `broker ${this.o.nodeId()} is not the coordinator of ${what}`)
    throw new KafkaError('COORDINATOR_LOAD_IN_PROGRESS', `the coordinator of ${what} is loading ${topic}-${partition}`)
  }
}
