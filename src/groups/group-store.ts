// Durable group state: committed offsets and group metadata are appended to the internal
// `__consumer_offsets` topic (Kafka's record schemas), so the log engine's recovery protects them,
// and replayed from it at start-up.

import { decodeBatchRecords, buildBatch } from '../../protocol/record-batch.js'
import { decodeGroupRecord, groupRecord, offsetRecord, type GroupRecord, type GroupValue, type OffsetValue } from '../../protocol/group-records.js'
import type { Broker } from '../broker.js'
import type { PartitionLog } from '../log/partition-log.js'
import type { Group } from './group.js'

export const OFFSETS_TOPIC = '__consumer_offsets'

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

  private logFor(group: string): PartitionLog {
    const partitions = this.ensureTopic()
    const p = (javaHash(group) & 0x7fffffff) % partitions
    return this.broker.partition(OFFSETS_TOPIC, p)!
  }

  private append(group: string, records: { key: Buffer; value: Buffer | null }[]): void {
    if (records.length === 0) return
    const now = this.broker.clock.now()
    const log = this.logFor(group)
    log.append(buildBatch({ records: records.map((r) => ({ ...r, timestamp: now })) }), 0, now)
  }

  writeOffsets(group: string, offsets: { topic: string; partition: number; value: OffsetValue | null }[]): void {
    this.append(group, offsets.map((o) => offsetRecord(group, o.topic, o.partition, o.value)))
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

  // Every record of every partition, oldest first.
  *replay(): Generator<GroupRecord> {
    const t = this.broker.cluster.topic(OFFSETS_TOPIC)
    if (!t) return
    for (let p = 0; p < t.partitions; p++) {
      const log = this.broker.partition(OFFSETS_TOPIC, p)!
      let offset = log.logStartOffset
      while (offset < log.logEndOffset) {
        const data = log.read(offset, 1 << 20, true)
        if (!data) break
        let at = 0
        while (at + 12 <= data.length) {
          const size = 12 + data.readInt32BE(at + 8)
          for (const r of decodeBatchRecords(data.subarray(at, at + size))) {
            if (r.offset < offset || r.key === null) continue
            yield decodeGroupRecord(r.key, r.value)
          }
          offset = Number(data.readBigInt64BE(at)) + data.readInt32BE(at + 23) + 1
          at += size
        }
      }
    }
  }
}
