// Durable group state: committed offsets and group metadata are appended to the internal
// `__consumer_offsets` topic (Kafka's record schemas), so the log engine's recovery protects them,
// and replayed from it at start-up.

import { CONTROL_FLAG_MASK, ControlRecordType, readControlRecord } from '../../protocol/records/index.js'
import { decodeGroupRecord, groupRecord, offsetRecord, type GroupRecord, type GroupValue, type OffsetValueIn } from '../../protocol/group-records.js'
import { ZERO_UUID } from '../../protocol/primitives.js'
import { legacyGroupPartitionFor, type InternalTopic, type Txn } from '../log/internal-topic.js'
import type { Group } from './group.js'

export const OFFSETS_TOPIC = '__consumer_offsets'

export type ReplayItem =
  | (GroupRecord & { offset: number; producerId: number })
  | { kind: 'marker'; partition: number; producerId: number; commit: boolean }

export class GroupStore {
  // `legacyLayout`: the data was written by a Rivulet that partitioned groups by
  // (hashCode & 0x7fffffff) % n; replay() then reads it as written, and the coordinator rewrites
  // each moved group into its Kafka partition (GroupCoordinator.load).
  // `topicIdOf`: a topic's id, written into each committed offset as Kafka does (OffsetCommitValue v4).
  constructor(private readonly topic: InternalTopic, public legacyLayout = false, private readonly topicIdOf: (topic: string) => string | undefined = () => undefined) {}

  // The __consumer_offsets partition holding the group's records (and its transaction markers):
  // Kafka's Utils.abs(groupId.hashCode) % offsets.topic.num.partitions.
  partitionFor(group: string): number {
    return this.topic.partitionFor(group)
  }

  // Where the legacy layout put the group, when that differs from Kafka's partition; else -1.
  legacyPartitionFor(group: string): number {
    const n = this.topic.partitionCount
    if (n <= 1) return -1
    const p = legacyGroupPartitionFor(group, n)
    return p === this.partitionFor(group) ? -1 : p
  }

  private append(group: string, records: { key: Buffer; value: Buffer | null }[], txn?: Txn, partition = this.partitionFor(group)): number {
    return this.topic.append(partition, records, txn)
  }

  // Records of the group's own making (the KIP-848 consumer group records), in one append.
  writeRecords(group: string, records: { key: Buffer; value: Buffer | null }[]): void {
    this.append(group, records)
  }

  writeOffsets(group: string, offsets: { topic: string; partition: number; value: OffsetValueIn | null }[], txn?: Txn, partition?: number): number {
    return this.append(group, offsets.map((o) => offsetRecord(group, o.topic, o.partition, o.value && { ...o.value, topicId: o.value.topicId && o.value.topicId !== ZERO_UUID ? o.value.topicId : this.topicIdOf(o.topic) })), txn, partition)
  }

  writeGroup(group: string, value: GroupValue | null, offsetTombstones: { topic: string; partition: number }[] = [], partition?: number): void {
    this.append(group, [...offsetTombstones.map((o) => offsetRecord(group, o.topic, o.partition, null)), groupRecord(group, value)], undefined, partition)
  }

  // The group's GroupMetadata record: members (none once Empty) with the selected protocol's
  // metadata and their assignments.
  writeGroupState(group: Group, partition?: number): void {
    this.writeGroup(group.groupId, groupStateValue(group), [], partition)
  }

  // Visits the records of every partition that compaction would keep (InternalTopic.replay), oldest
  // first, with their offsets and (in a transaction) producer ids; and the transaction markers.
  // Each group lives in one partition, as in Kafka: a record found in another partition is left
  // over from the legacy layout and skipped (unless the data is still in that layout).
  // `only` limits it to one partition (a coordinator loading a partition it now leads).
  replay(visit: (item: ReplayItem) => void, only?: number): void {
    const partitions = this.topic.partitionCount
    for (let p = only ?? 0; p < (only === undefined ? partitions : Math.min(partitions, only + 1)); p++) {
      this.topic.replay(p, (r) => {
        if ((r.attributes & CONTROL_FLAG_MASK) !== 0) {
          const marker = readControlRecord({ key: r.key(), value: r.value() })
          if (marker && (marker.type === ControlRecordType.commit || marker.type === ControlRecordType.abort)) {
            visit({ kind: 'marker', partition: p, producerId: r.producerId, commit: marker.type === ControlRecordType.commit })
          }
          return
        }
        // The views point into a reused read buffer; group metadata keeps views of its value.
        const value = r.value()
        const rec = decodeGroupRecord(r.key()!, value && Buffer.from(value))
        if (!this.legacyLayout && partitions > 1 && this.partitionFor(rec.group) !== p) return
        visit({ ...rec, offset: r.offset, producerId: r.producerId })
      })
    }
  }
}

export function groupStateValue(group: Group): GroupValue {
  const members = group.state === 'Empty' ? [] : [...group.members.values()]
  return {
    protocolType: group.protocolType ?? '',
    generation: group.generationId,
    protocol: group.protocolName,
    leader: group.leaderId,
    currentStateTimestamp: BigInt(group.currentStateTimestamp),
    members: members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeout: m.rebalanceTimeoutMs,
      sessionTimeout: m.sessionTimeoutMs,
      subscription: m.metadataFor(group.protocolName),
      assignment: m.assignment,
    })),
  }
}
