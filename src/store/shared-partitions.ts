// The broker's partitions when a shared store (src/store/shared-store.ts) holds its data: ordinary
// ones as the store serves them, internal ones as the local logs wrapped so the store commits
// their writes. Keyed `topic-partition` as the log manager keys its logs. Owned by the hub
// (src/broker.ts), which opens the local logs and learns of leaderships through `deps`.

import type { PartitionStore } from '../log/partition-store.js'
import type { LogConfig } from '../log/types.js'
import type { AsyncPartitionStore } from './async-partition-store.js'
import type { InternalEvents, SharedStore, SharedTopic } from './shared-store.js'

export interface SharedPartitionsDeps {
  // Wakes long-polling fetches on `key` (LogManager.wake).
  wake(key: string): void
  // This broker took `topic-partition` at `epoch` from `start` (the store's lease epoch is the
  // partition's leader epoch: Metadata, Fetch fencing and OffsetForLeaderEpoch answer with it).
  led(topic: SharedTopic, partition: number, epoch: number, start: number): void
}

export class SharedPartitions {
  private readonly remote = new Map<string, AsyncPartitionStore>()
  private readonly mirrors = new Map<string, PartitionStore>()

  constructor(
    readonly store: SharedStore,
    private readonly deps: SharedPartitionsDeps,
  ) {}

  get(topic: string, partition: number): AsyncPartitionStore | undefined {
    const key = `${topic}-${partition}`
    return this.remote.get(key) ?? this.mirrors.get(key)
  }

  // The internal-topic partition (synchronous), if open.
  local(topic: string, partition: number): PartitionStore | undefined {
    return this.mirrors.get(`${topic}-${partition}`)
  }

  // An ordinary partition as the store serves it.
  open(topic: SharedTopic, partition: number, config: LogConfig): AsyncPartitionStore {
    const key = `${topic.name}-${partition}`
    let s = this.remote.get(key)
    if (!s) {
      s = this.store.partition(topic, partition, config, {
        appended: () => this.deps.wake(key),
        led: (epoch, start) => this.deps.led(topic, partition, epoch, start),
      })
      this.remote.set(key, s)
    }
    return s
  }

  // An internal-topic partition around its local log.
  wrap(topic: SharedTopic, partition: number, log: PartitionStore, events: InternalEvents): PartitionStore {
    const key = `${topic.name}-${partition}`
    let m = this.mirrors.get(key)
    if (!m) this.mirrors.set(key, (m = this.store.internal(topic, partition, log, events)))
    return m
  }

  setConfig(topic: string, partition: number, config: LogConfig): void {
    const s = this.remote.get(`${topic}-${partition}`)
    if (s) s.config = config
  }

  remove(topic: SharedTopic): void {
    for (let p = 0; p < topic.partitions; p++) {
      this.remote.delete(`${topic.name}-${p}`)
      this.mirrors.delete(`${topic.name}-${p}`)
    }
    this.store.removeTopic(topic)
  }

  // Retention of the ordinary partitions (the local logs have the log manager's).
  applyRetention(nowMs: number, report: (partition: string, batches: number, err: unknown) => void): void {
    for (const [key, s] of this.remote) {
      void Promise.resolve(s.applyRetention(nowMs)).then(
        (batches) => batches > 0 && report(key, batches, null),
        (err: unknown) => report(key, 0, err),
      )
    }
  }
}
