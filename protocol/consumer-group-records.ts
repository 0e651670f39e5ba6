// The KIP-848 consumer group records of `__consumer_offsets`, in Kafka's schemas (group-coordinator
// resources/common/message): an int16 key version names the record type, the value is a flexible
// struct at version 0. Key versions: 3 ConsumerGroupMetadata (the group epoch), 4
// ConsumerGroupPartitionMetadata (read and ignored: Kafka 4.1+ no longer needs it), 5
// ConsumerGroupMemberMetadata, 6 ConsumerGroupTargetAssignmentMetadata, 7
// ConsumerGroupTargetAssignmentMember, 8 ConsumerGroupCurrentMemberAssignment, 16
// ConsumerGroupRegularExpression (read and ignored: regexes are resolved on demand here).
// ConsumerGroupMemberMetadata's tagged field 0 (ClassicMemberMetadata) marks a classic-protocol
// member of a consumer group. A null value is a tombstone.

import { ProtocolError, Reader, Writer } from './primitives.js'
import { defineStruct, t } from './schema.js'

const groupKey = (v: number) => defineStruct({ group: t.string() }, String(v))
const memberKey = (v: number) => defineStruct({ group: t.string(), memberId: t.string() }, String(v))
const keys = { 3: groupKey(3), 4: groupKey(4), 5: memberKey(5), 6: groupKey(6), 7: memberKey(7), 8: memberKey(8), 16: defineStruct({ group: t.string(), regex: t.string() }, '16') }

const topicPartitions = { topicId: t.uuid(), partitions: t.array(t.int32()) }
const metadataValue = defineStruct({ epoch: t.int32() }, '0', '0+')
const memberValue = defineStruct({
  instanceId: t.nullableString(),
  rackId: t.nullableString(),
  clientId: t.string(),
  clientHost: t.string(),
  subscribedTopicNames: t.array(t.string()),
  subscribedTopicRegex: t.nullableString(),
  rebalanceTimeoutMs: t.int32({ default: -1 }),
  serverAssignor: t.nullableString(),
  // Set while the member speaks the classic protocol inside a consumer group (KIP-848's online
  // migration): its JoinGroup session timeout and protocols; null for a consumer-protocol member.
  classicMemberMetadata: t.nullableStruct({
    sessionTimeoutMs: t.int32(),
    supportedProtocols: t.array({ name: t.string(), metadata: t.bytes() }),
  }, { tag: 0 }),
}, '0', '0+')
// AssignmentTimestamp (tagged field 0, Kafka 4.4): when the target was computed, for the
// assignment interval (group.*.assignment.interval.ms); 0 lets the next one be computed at once.
const targetMetadataValue = defineStruct({ assignmentEpoch: t.int32(), assignmentTimestamp: t.int64({ tag: 0 }) }, '0', '0+')
const targetMemberValue = defineStruct({ topicPartitions: t.array(topicPartitions) }, '0', '0+')
const currentAssignmentValue = defineStruct({
  memberEpoch: t.int32(),
  previousMemberEpoch: t.int32(),
  state: t.int8(),
  assignedPartitions: t.array(topicPartitions),
  partitionsPendingRevocation: t.array(topicPartitions),
}, '0', '0+')

export type TopicPartitionsValue = { topicId: string; partitions: number[] }[]
export type ConsumerMemberValue = ReturnType<ReturnType<typeof memberValue>['read']>
export type CurrentAssignmentValue = ReturnType<ReturnType<typeof currentAssignmentValue>['read']>

export type ConsumerGroupRecord =
  | { type: 'epoch'; group: string; value: { epoch: number } | null }
  | { type: 'member'; group: string; memberId: string; value: ConsumerMemberValue | null }
  | { type: 'targetEpoch'; group: string; value: { assignmentEpoch: number; assignmentTimestamp: bigint } | null }
  | { type: 'target'; group: string; memberId: string; value: { topicPartitions: TopicPartitionsValue } | null }
  | { type: 'current'; group: string; memberId: string; value: CurrentAssignmentValue | null }
  | { type: 'ignored'; group: string }

type Rec = { key: Buffer; value: Buffer | null }

function encode(version: number, write: (w: Writer) => void): Buffer {
  const w = new Writer(64)
  w.int16(version)
  write(w)
  return w.toBuffer()
}

function record<V>(keyVersion: keyof typeof keys, key: Record<string, string>, value: V | null, codec: (v: number) => { write(w: Writer, v: V): void }): Rec {
  return {
    key: encode(keyVersion, (w) => (keys[keyVersion](keyVersion) as { write(w: Writer, v: unknown): void }).write(w, key)),
    value: value === null ? null : encode(0, (w) => codec(0).write(w, value)),
  }
}

export const consumerGroupRecords = {
  epoch: (group: string, epoch: number | null) => record(3, { group }, epoch === null ? null : { epoch }, metadataValue),
  member: (group: string, memberId: string, v: ConsumerMemberValue | null) => record(5, { group, memberId }, v, memberValue),
  targetEpoch: (group: string, assignmentEpoch: number | null, assignmentTimestamp = 0) => record(6, { group }, assignmentEpoch === null ? null : { assignmentEpoch, assignmentTimestamp: BigInt(assignmentTimestamp) }, targetMetadataValue),
  target: (group: string, memberId: string, tps: TopicPartitionsValue | null) => record(7, { group, memberId }, tps === null ? null : { topicPartitions: tps }, targetMemberValue),
  current: (group: string, memberId: string, v: CurrentAssignmentValue | null) => record(8, { group, memberId }, v, currentAssignmentValue),
}

// Decodes a record whose key version is 3..16 (the caller handles 0..2).
export function decodeConsumerGroupRecord(keyVersion: number, r: Reader, value: Buffer | null): ConsumerGroupRecord {
  const codec = keys[keyVersion as keyof typeof keys]
  if (!codec) throw new ProtocolError(`unknown __consumer_offsets key version ${keyVersion}`)
  const k = codec(keyVersion).read(r) as { group: string; memberId?: string }
  const read = <V>(c: (v: number) => { read(r: Reader): V }): V | null => {
    if (value === null) return null
    const vr = new Reader(value)
    return c(vr.int16()).read(vr)
  }
  switch (keyVersion) {
    case 3: return { type: 'epoch', group: k.group, value: read(metadataValue) }
    case 5: return { type: 'member', group: k.group, memberId: k.memberId!, value: read(memberValue) }
    case 6: return { type: 'targetEpoch', group: k.group, value: read(targetMetadataValue) }
    case 7: return { type: 'target', group: k.group, memberId: k.memberId!, value: read(targetMemberValue) }
    case 8: return { type: 'current', group: k.group, memberId: k.memberId!, value: read(currentAssignmentValue) }
    default: return { type: 'ignored', group: k.group }
  }
}
