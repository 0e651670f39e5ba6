// Durability of share-partition state (KIP-932's share coordinator and `__share_group_state`):
// every change to a share-partition is written as a ShareSnapshot record (its start offset and
// state batches) to the compacted internal topic, in the partition Kafka's share coordinator
// uses for the key "group:topicId:partition"; start-up replays the latest record per key. Kafka
// also writes ShareUpdate deltas between snapshots; a full snapshot each time says the same with
// more bytes, and compaction keeps one record per share-partition.

import { decodeShareStateRecord, shareSnapshotRecord, SHARE_SNAPSHOT, type ShareStateKey, type StateBatch } from '../../../protocol/share-state-records.js'
import type { InternalTopic } from '../../log/internal-topic.js'

export const SHARE_STATE_TOPIC = '__share_group_state'

export interface StoredShareState {
  snapshotEpoch: number
  startOffset: number
  batches: StateBatch[]
}

// SharePartitionKey.asCoordinatorKey: the string the share coordinator partitions by.
export function coordinatorKey(k: ShareStateKey): string {
  return `${k.groupId}:${k.topicId}:${k.partition}`
}

export class ShareStateStore {
  constructor(private readonly topic: InternalTopic, private readonly now: () => number) {}

  write(k: ShareStateKey, v: StoredShareState | null): void {
    const rec = shareSnapshotRecord(k, v && { snapshotEpoch: v.snapshotEpoch, startOffset: v.startOffset, stateBatches: v.batches }, this.now())
    this.topic.append(this.topic.partitionFor(coordinatorKey(k)), [rec])
  }

  // Every share-partition's stored state, by coordinator key. An update is applied over the
  // snapshot before it, as the share coordinator's replay does.
  load(): Map<string, ShareStateKey & StoredShareState> {
    const out = new Map<string, ShareStateKey & StoredShareState>()
    for (let p = 0; p < this.topic.partitionCount; p++) {
      this.topic.replay(p, (r) => {
        const keyBuf = r.key()
        if (!keyBuf) return
        const value = r.value()
        const rec = decodeShareStateRecord(Buffer.from(keyBuf), value && Buffer.from(value))
        if (!rec) return
        const id = coordinatorKey(rec)
        if (rec.value === null) {
          out.delete(id)
          return
        }
        const prev = out.get(id)
        if (rec.type === SHARE_SNAPSHOT || !prev) {
          out.set(id, { groupId: rec.groupId, topicId: rec.topicId, partition: rec.partition, snapshotEpoch: rec.value.snapshotEpoch, startOffset: rec.value.startOffset, batches: rec.value.stateBatches })
          return
        }
        prev.startOffset = rec.value.startOffset >= 0 ? rec.value.startOffset : prev.startOffset
        prev.batches = [...prev.batches, ...rec.value.stateBatches]
      })
    }
    return out
  }
}
