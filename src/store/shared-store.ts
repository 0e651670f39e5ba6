// A store shared by brokers, outside the broker's own data directory (issue 11 part 2; the
// PostgreSQL store in src/store/postgres implements it). The broker speaks only this and the
// partition seam (async-partition-store.ts): ordinary partitions come back as AsyncPartitionStores
// (appends acknowledged after the store commits, reads from the store); internal-topic partitions
// stay synchronous local logs, as the coordinators need, whose writes the store also commits
// before the response that follows them leaves (`durable`).

import type { PartitionStore } from '../log/partition-store.js'
import type { Storage } from '../log/storage.js'
import type { LogConfig } from '../log/types.js'
import type { AsyncPartitionStore } from './async-partition-store.js'

export interface SharedTopic {
  id: string
  name: string
  partitions: number
}

// A broker registered in the store, as every broker sees it (Kafka's registered brokers): its
// listeners' advertised endpoints by name, its rack, and whether its membership lease runs.
export interface StoreMember {
  nodeId: number
  listeners: { name: string; host: string; port: number }[]
  rack: string | null
  live: boolean
}

export interface PartitionEvents {
  // After each committed append (long-polling fetches wake on it).
  appended(): void
  // This broker took the partition's leadership at `epoch` (Kafka's leader epoch: batches carry
  // it), with `logEndOffset` the epoch's start offset.
  led(epoch: number, logEndOffset: number): void
}

// An internal-topic partition's lease as its coordinators follow it (Kafka's coordinators load a
// partition when their broker becomes its leader and unload it when it resigns).
export interface InternalEvents {
  // An empty local log for the partition: the copy is rebuilt from the store when the lease is won.
  fresh(): PartitionStore
  // This broker holds the lease at `epoch` and the local copy holds every batch the store has.
  led(epoch: number): void
  // The lease is gone (another broker took it, or it ran out unrenewed): writes are refused.
  lost(): void
}

export interface SharedStore {
  // The broker's file tree: metadata documents (cluster.json, credentials, quotas, ACLs) persisted
  // in the store, logs in memory.
  readonly storage: Storage
  // An ordinary partition, served from the store while this broker holds its leadership.
  partition(topic: SharedTopic, partition: number, config: LogConfig, events: PartitionEvents): AsyncPartitionStore
  // An internal-topic partition around its local log (filled from the store the first time), its
  // lease claimed when this broker is its preferred leader; `events` follow the lease.
  internal(topic: SharedTopic, partition: number, log: PartitionStore, events: InternalEvents): PartitionStore
  removeTopic(topic: SharedTopic): void
  // Tries to take the partition's leadership now (its previous leader's lease ran out); the
  // partition's `led` event reports success.
  takeOver(topic: SharedTopic, partition: number): void
  // Count of the writes made through internal() and `storage` so far; durable(since) resolves
  // when the ones after `since` are committed, or is null when there are none.
  readonly writeSeq: number
  durable(since: number): Promise<void> | null
  // The brokers registered in the store, this one included: `fn` is called at once with the list
  // last read, then after every heartbeat's read that changed it.
  watchMembers(fn: (members: readonly StoreMember[]) => void): void
  // `fn` is called every heartbeat with the live leases other brokers hold (topic ids as the
  // broker writes them), so this broker reports their leader and epoch and sends clients there.
  watchLeaders(fn: (leases: readonly { topicId: string; partition: number; leaderId: number; epoch: number }[]) => void): void
  // `fn` is called with the names of the metadata documents (files at the storage's root) another
  // broker changed, as soon as the change is merged into `storage` (within a heartbeat of it, or
  // when this broker's own write of the document meets it), before any other code runs.
  watchDocuments(fn: (names: readonly string[]) => void): void
  // Reserves `size` producer ids at or above `floor` for this broker, shared by every broker over
  // the store so none hands out another's (Kafka's producer id blocks); resolves with the first.
  allocateProducerIds(floor: number, size: number): Promise<number>
  // Resolves when every partition opened so far is served (start-up waits for it).
  ready(): Promise<void>
  close(): Promise<void>
}
