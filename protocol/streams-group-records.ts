// The KIP-1071 streams group records of `__consumer_offsets`, in Kafka 4.4's schemas
// (group-coordinator resources/common/message/StreamsGroup*Key/Value.json): an int16 key version
// names the record type, the value is a flexible struct at version 0. Key versions: 17
// StreamsGroupMetadata (the group epoch), 18 (StreamsGroupPartitionMetadata of Kafka 4.0, read
// and ignored), 19 StreamsGroupMemberMetadata, 20 StreamsGroupTargetAssignmentMetadata, 21
// StreamsGroupTargetAssignmentMember, 22 StreamsGroupCurrentMemberAssignment, 23
// StreamsGroupTopology. A null value is a tombstone. Tagged fields Rivulet does not use
// (LastAssignmentConfigs, the topology description epochs, AssignmentTimestamp, AssignmentEpochs)
// are skipped on read and left out on write, as their defaults.

import { ProtocolError, Reader, Writer } from './primitives.js'
import { defineStruct, t } from './schema.js'

const groupKey = (v: number) => defineStruct({ groupId: t.string() }, String(v))
const memberKey = (v: number) => defineStruct({ groupId: t.string(), memberId: t.string() }, String(v))
const keys = { 17: groupKey(17), 18: groupKey(18), 19: memberKey(19), 20: groupKey(20), 21: memberKey(21), 22: memberKey(22), 23: groupKey(23) }

const taskIds = { subtopologyId: t.string(), partitions: t.array(t.int32()) }
const keyValue = { key: t.string(), value: t.string() }
const topicInfo = { name: t.string(), partitions: t.int32(), replicationFactor: t.int16(), topicConfigs: t.array(keyValue) }

const metadataValue = defineStruct({
  epoch: t.int32(),
  metadataHash: t.int64(),
  validatedTopologyEpoch: t.int32({ tag: 0, default: -1 }),
}, '0', '0+')
const memberValue = defineStruct({
  instanceId: t.nullableString(),
  rackId: t.nullableString(),
  clientId: t.string(),
  clientHost: t.string(),
  rebalanceTimeoutMs: t.int32({ default: -1 }),
  topologyEpoch: t.int32(),
  processId: t.string(),
  userEndpoint: t.nullableStruct({ host: t.string(), port: t.uint16() }),
  clientTags: t.array(keyValue),
}, '0', '0+')
// AssignmentTimestamp (tagged field 0, Kafka 4.4): when the target was computed, for the
// assignment interval (group.*.assignment.interval.ms); 0 lets the next one be computed at once.
const targetMetadataValue = defineStruct({ assignmentEpoch: t.int32(), assignmentTimestamp: t.int64({ tag: 0 }) }, '0', '0+')
const targetMemberValue = defineStruct({ activeTasks: t.array(taskIds), standbyTasks: t.array(taskIds), warmupTasks: t.array(taskIds) }, '0', '0+')
const currentValue = defineStruct({
  memberEpoch: t.int32(),
  previousMemberEpoch: t.int32(),
  state: t.int8(),
  activeTasks: t.array(taskIds),
  standbyTasks: t.array(taskIds),
  warmupTasks: t.array(taskIds),
  activeTasksPendingRevocation: t.array(taskIds),
  standbyTasksPendingRevocation: t.array(taskIds),
  warmupTasksPendingRevocation: t.array(taskIds),
}, '0', '0+')
const topologyValue = defineStruct({
  epoch: t.int32(),
  subtopologies: t.array({
    subtopologyId: t.string(),
    sourceTopics: t.array(t.string()),
    sourceTopicRegex: t.array(t.string()),
    stateChangelogTopics: t.array(topicInfo),
    repartitionSinkTopics: t.array(t.string()),
    repartitionSourceTopics: t.array(topicInfo),
    copartitionGroups: t.array({ sourceTopics: t.array(t.int16()), sourceTopicRegex: t.array(t.int16()), repartitionSourceTopics: t.array(t.int16()) }),
  }),
}, '0', '0+')

type V<C> = C extends (v: number) => { read(r: Reader): infer T } ? T : never
export type StreamsMetadataValue = V<typeof metadataValue>
export type StreamsMemberValue = V<typeof memberValue>
export type StreamsTargetValue = V<typeof targetMemberValue>
export type StreamsCurrentValue = V<typeof currentValue>
export type StreamsTopologyValue = V<typeof topologyValue>

export type StreamsGroupRecord =
  | { type: 'metadata'; group: string; value: StreamsMetadataValue | null }
  | { type: 'member'; group: string; memberId: string; value: StreamsMemberValue | null }
  | { type: 'targetEpoch'; group: string; value: { assignmentEpoch: number; assignmentTimestamp: bigint } | null }
  | { type: 'target'; group: string; memberId: string; value: StreamsTargetValue | null }
  | { type: 'current'; group: string; memberId: string; value: StreamsCurrentValue | null }
  | { type: 'topology'; group: string; value: StreamsTopologyValue | null }
  | { type: 'ignored'; group: string }

type Rec = { key: Buffer; value: Buffer | null }

function encode(version: number, write: (w: Writer) => void): Buffer {
  const w = new Writer(64)
  w.int16(version)
  write(w)
  return w.toBuffer()
}

function record<T>(keyVersion: keyof typeof keys, key: { groupId: string; memberId?: string }, value: T | null, codec: (v: number) => { write(w: Writer, v: T): void }): Rec {
  return {
    key: encode(keyVersion, (w) => (keys[keyVersion](keyVersion) as { write(w: Writer, v: unknown): void }).write(w, key)),
    value: value === null ? null : encode(0, (w) => codec(0).write(w, value)),
  }
}

export const streamsGroupRecords = {
  metadata: (groupId: string, v: StreamsMetadataValue | null) => record(17, { groupId }, v, metadataValue),
  member: (groupId: string, memberId: string, v: StreamsMemberValue | null) => record(19, { groupId, memberId }, v, memberValue),
  targetEpoch: (groupId: string, assignmentEpoch: number | null, assignmentTimestamp = 0) => record(20, { groupId }, assignmentEpoch === null ? null : { assignmentEpoch, assignmentTimestamp: BigInt(assignmentTimestamp) }, targetMetadataValue),
  target: (groupId: string, memberId: string, v: StreamsTargetValue | null) => record(21, { groupId, memberId }, v, targetMemberValue),
  current: (groupId: string, memberId: string, v: StreamsCurrentValue | null) => record(22, { groupId, memberId }, v, currentValue),
  topology: (groupId: string, v: StreamsTopologyValue | null) => record(23, { groupId }, v, topologyValue),
}

export function isStreamsKeyVersion(v: number): boolean {
  return v >= 17 && v <= 23
}

// Decodes a record whose key version is 17..23.
export function decodeStreamsGroupRecord(keyVersion: number, r: Reader, value: Buffer | null): StreamsGroupRecord {
  const codec = keys[keyVersion as keyof typeof keys]
  if (!codec) throw new ProtocolError(`unknown __consumer_offsets key version ${keyVersion}`)
  const k = codec(keyVersion).read(r) as { groupId: string; memberId?: string }
  const read = <T>(c: (v: number) => { read(r: Reader): T }): T | null => {
    if (value === null) return null
    const vr = new Reader(value)
    return c(vr.int16()).read(vr)
  }
  switch (keyVersion) {
    case 17: return { type: 'metadata', group: k.groupId, value: read(metadataValue) }
    case 19: return { type: 'member', group: k.groupId, memberId: k.memberId!, value: read(memberValue) }
    case 20: return { type: 'targetEpoch', group: k.groupId, value: read(targetMetadataValue) }
    case 21: return { type: 'target', group: k.groupId, memberId: k.memberId!, value: read(targetMemberValue) }
    case 22: return { type: 'current', group: k.groupId, memberId: k.memberId!, value: read(currentValue) }
    case 23: return { type: 'topology', group: k.groupId, value: read(topologyValue) }
    default: return { type: 'ignored', group: k.groupId }
  }
}
