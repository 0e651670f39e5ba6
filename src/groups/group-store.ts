// Durable group state: committed offsets and group metadata are appended to the internal
// `__consumer_offsets` topic (Kafka's record schemas), so the log engine's recovery protects them,
// and replayed from it at start-up.

import { buildBatch, CONTROL_FLAG_MASK, ControlRecordType, readControlRecord, TRANSACTIONAL_FLAG_MASK } from '../../protocol/record-batch.js'
import { decodeGroupRecord, groupRecord, offsetRecord, type GroupRecord, type GroupValue, type OffsetValue } from '../../protocol/group-records.js'
import type { Broker } from '../broker.js'
import type { PartitionLog } from '../log/partition-log.js'
import type { Group } from './group.js'

export const OFFSETS_TOPIC = '__consumer_offsets'

export type ReplayItem =
  | (GroupRecord & { offset: number; producerId: number })
  | { kind: 'marker'; partition: number; producerId: number; commit: boolean }

// Java's String.hashCode, so a group maps to the partition Kafka would choose.
function javaHash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0
  return h
}

export class GroupStore {
  constructor(private readonly broker: Broker) {}

  private ensureTopic(): number {
    const existing = this.broker.cluster.topic(OFFSETS_TOPIC)
    if (existing) return existing.partitions
    const partitions = Math.max(1, this.broker.config.int('offsets.topic.num.partitions'))
    const t = this.broker.cluster.createTopic(OFFSETS_TOPIC, partitions, 1, { 'cleanup.policy': 'compact', 'segment.bytes': String(100 * 1024 * 1024), 'compression.type': 'producer' }, false, true)
    for (let p = 0; p < t.partitions; p++) this.broker.partition(OFFSETS_TOPIC, p)
    return t.partitions
  }

  // The __consumer_offsets partition holding the group's records (and its transaction markers).
  partitionFor(group: string): number {
    const partitions = this.ensureTopic()
    return (javaHash(group) & 0x7fffffff) % partitions
  }

  private logFor(group: string): PartitionLog {
    return this.broker.partition(OFFSETS_TOPIC, this.partitionFor(group))!
  }

  // Returns the offset of the first record written (-1 when there was nothing to write). A
  // transactional write (TxnOffsetCommit) carries the producer's id and epoch; its marker decides.
  private append(group: string, records: { key: Buffer; value: Buffer | null }[], txn?: { producerId: number; epoch: number }): number {
    if (records.length === 0) return -1
    const now = this.broker.clock.now()
    const log = this.logFor(group)
    const batch = buildBatch({
      records: records.map((r) => ({ ...r, timestamp: now })),
      ...(txn ? { producerId: txn.producerId, producerEpoch: txn.epoch, transactional: true } : {}),
    })
    return log.append(batch, 0, now, true).baseOffset
  }

  writeOffsets(group: string, offsets: { topic: string; partition: number; value: OffsetValue | null }[], txn?: { producerId: number; epoch: number }): number {
    return this.append(group, offsets.map((o) => offsetRecord(group, o.topic, o.partition, o.value)), txn)
  }

  writeGroup(group: string, value: GroupValue | null, offsetTombstones: { topic: string; partition: number }[] = []): void {
    this.append(group, [...offsetTombstones.map((o) => offsetRecord(group, o.topic, o.partition, null)), groupRecord(group, value)])
  }

  // The group's GroupMetadata record: members (none once Empty) with the selected protocol's
  // metadata and their assignments.
  writeGroupState(group: Group): void {
    const members = group.state === 'Empty' ? [] : [...group.members.values()]
    this.writeGroup(group.groupId, {
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
    })
  }

  // Visits every record of every partition, oldest first, with its offset and (in a transaction)
  // its producer id; and the transaction markers. A record outside transactions that a later one
  // of its key replaces is skipped, as Kafka's compaction would drop it: the log keeps every
  // commit (it is not compacted yet). A first pass finds the offset of each key's last record
  // from the key bytes alone; the second decodes only the records that count. Transactional
  // records are all kept, since their markers decide them.
  replay(visit: (item: ReplayItem) => void): void {
    const t = this.broker.cluster.topic(OFFSETS_TOPIC)
    if (!t) return
    for (let p = 0; p < t.partitions; p++) {
      const log = this.broker.partition(OFFSETS_TOPIC, p)!
      const kept = log.lastOffsetsByKey((r) => (r.attributes & (TRANSACTIONAL_FLAG_MASK | CONTROL_FLAG_MASK)) === 0)
      log.keyedRecords((r) => {
        if ((r.attributes & CONTROL_FLAG_MASK) !== 0) {
          const marker = readControlRecord({ key: r.key(), value: r.value() })
          if (marker && (marker.type === ControlRecordType.commit || marker.type === ControlRecordType.abort)) {
            visit({ kind: 'marker', partition: p, producerId: r.producerId, commit: marker.type === ControlRecordType.commit })
          }
          return
        }
        if ((r.attributes & TRANSACTIONAL_FLAG_MASK) === 0 && !kept.has(r.offset)) return
        // The views point into a reused read buffer; group metadata keeps views of its value.
        const value = r.value()
        visit({ ...decodeGroupRecord(r.key()!, value && Buffer.from(value)), offset: r.offset, producerId: r.producerId })
      })
    }
  }
}
