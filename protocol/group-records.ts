// Records of the internal `__consumer_offsets` topic, in Kafka's own key/value schemas (an int16
// schema version, then the struct): committed offsets (key v1) and group metadata (key v2). A
// null value is a tombstone. Committed offsets are written as Kafka 4.4's GroupCoordinatorRecordHelpers
// writes them: value v4 (flexible, the topic id as tagged field 0 unless it is the zero UUID), or v1
// when the commit carries an expiry (OffsetCommit v2-4 retention). Tools that decode the topic
// themselves (Burrow, Kafka's own GroupMetadataMessageFormatter) see what Kafka writes.

import { ProtocolError, Reader, Writer, ZERO_UUID } from './primitives.js'
import { defineStruct, t } from './schema.js'
import { decodeConsumerGroupRecord, type ConsumerGroupRecord } from './consumer-group-records.js'
import { decodeStreamsGroupRecord, isStreamsKeyVersion, type StreamsGroupRecord } from './streams-group-records.js'

const offsetKey = defineStruct({ group: t.string(), topic: t.string(), partition: t.int32() }, '0-1')
const offsetValue = defineStruct({
  offset: t.int64(),
  leaderEpoch: t.int32({ versions: '3+', default: -1 }),
  metadata: t.string(),
  commitTimestamp: t.int64(),
  expireTimestamp: t.int64({ versions: '1', default: -1n }),
  topicId: t.uuid({ versions: '4+', tag: 0, taggedVersions: '4+' }),
}, '0-4', '4+')
const groupKey = defineStruct({ group: t.string() }, '2')
const memberFields = {
  memberId: t.string(),
  groupInstanceId: t.nullableString({ versions: '3+', default: null }),
  clientId: t.string(),
  clientHost: t.string(),
  rebalanceTimeout: t.int32({ versions: '1+' }),
  sessionTimeout: t.int32(),
  subscription: t.bytes(),
  assignment: t.bytes(),
}
const groupValue = defineStruct({
  protocolType: t.string(),
  generation: t.int32(),
  protocol: t.nullableString(),
  leader: t.nullableString(),
  currentStateTimestamp: t.int64({ versions: '2+', default: -1n }),
  members: t.array(memberFields),
}, '0-3')

const GROUP_VALUE_VERSION = 3
// Kafka's offsetCommitValueVersion(expireTimestamp present).
const offsetValueVersion = (v: OffsetValueIn) => (v.expireTimestamp >= 0n ? 1 : 4)

export type OffsetValue = ReturnType<ReturnType<typeof offsetValue>['read']>
// What a writer gives: the topic id when the topic has one (it is left out when it has none).
export type OffsetValueIn = Omit<OffsetValue, 'topicId'> & { topicId?: string }
export type GroupValue = ReturnType<ReturnType<typeof groupValue>['read']>
export type GroupMemberValue = GroupValue['members'][number]

export type GroupRecord =
  | { kind: 'offset'; group: string; topic: string; partition: number; value: OffsetValue | null }
  | { kind: 'group'; group: string; value: GroupValue | null }
  | { kind: 'consumer'; group: string; record: ConsumerGroupRecord } // KIP-848 records, key v3+
  | { kind: 'streams'; group: string; record: StreamsGroupRecord } // KIP-1071 records, key v17-23

function encodeWith(version: number, write: (w: Writer) => void): Buffer {
  const w = new Writer(64)
  w.int16(version)
  write(w)
  return w.toBuffer()
}

export function offsetRecord(group: string, topic: string, partition: number, value: OffsetValueIn | null): { key: Buffer; value: Buffer | null } {
  let encoded: Buffer | null = null
  if (value !== null) {
    const v = offsetValueVersion(value)
    encoded = encodeWith(v, (w) => offsetValue(v).write(w, { ...value, topicId: value.topicId ?? ZERO_UUID }))
  }
  return { key: encodeWith(1, (w) => offsetKey(1).write(w, { group, topic, partition })), value: encoded }
}

export function groupRecord(group: string, value: GroupValue | null): { key: Buffer; value: Buffer | null } {
  return {
    key: encodeWith(2, (w) => groupKey(2).write(w, { group })),
    value: value === null ? null : encodeWith(GROUP_VALUE_VERSION, (w) => groupValue(GROUP_VALUE_VERSION).write(w, value)),
  }
}

export function decodeGroupRecord(key: Buffer, value: Buffer | null): GroupRecord {
  const r = new Reader(key)
  const kv = r.int16()
  if (kv === 0 || kv === 1) {
    const k = offsetKey(kv).read(r)
    if (value === null) return { kind: 'offset', ...k, value: null }
    const vr = new Reader(value)
    return { kind: 'offset', ...k, value: offsetValue(vr.int16()).read(vr) }
  }
  if (kv === 2) {
    const k = groupKey(2).read(r)
    if (value === null) return { kind: 'group', group: k.group, value: null }
    const vr = new Reader(value)
    return { kind: 'group', group: k.group, value: groupValue(vr.int16()).read(vr) }
  }
  if (isStreamsKeyVersion(kv)) {
    const record = decodeStreamsGroupRecord(kv, r, value)
    return { kind: 'streams', group: record.group, record }
  }
  if (kv >= 3) {
    const record = decodeConsumerGroupRecord(kv, r, value)
    return { kind: 'consumer', group: record.group, record }
  }
  throw new ProtocolError(`unknown __consumer_offsets key version ${kv}`)
}
