// The records of `__share_group_state` (KIP-932's share coordinator), in Kafka's schemas
// (share-coordinator resources/common/message): an int16 key type names the record (0
// ShareSnapshot, 1 ShareUpdate), both keyed by (group, topic id, partition) at key version 0; the
// value is a flexible struct at version 0. Rivulet writes only snapshots (each one the whole state
// of a share-partition, so compaction keeps just the last), and reads updates as Kafka's replay
// does: applied on top of the snapshot. A null value is a tombstone.

import { ProtocolError, Reader, Writer } from './primitives.js'
import { defineStruct, t } from './schema.js'

export const SHARE_SNAPSHOT = 0
export const SHARE_UPDATE = 1

const key = defineStruct({ groupId: t.string(), topicId: t.uuid(), partition: t.int32() }, '0')
const stateBatch = { firstOffset: t.int64(), lastOffset: t.int64(), deliveryState: t.int8(), deliveryCount: t.int16() }
const snapshotValue = defineStruct({
  snapshotEpoch: t.int32(),
  stateEpoch: t.int32(),
  leaderEpoch: t.int32(),
  startOffset: t.int64(),
  createTimestamp: t.int64(),
  writeTimestamp: t.int64(),
  stateBatches: t.array(stateBatch),
}, '0', '0+')
const updateValue = defineStruct({
  snapshotEpoch: t.int32(),
  leaderEpoch: t.int32(),
  startOffset: t.int64(),
  stateBatches: t.array(stateBatch),
}, '0', '0+')

export interface StateBatch {
  firstOffset: number
  lastOffset: number
  deliveryState: number // RecordState ids: 0 available, 2 acknowledged, 4 archived
  deliveryCount: number
}

export interface ShareStateKey {
  groupId: string
  topicId: string
  partition: number
}

export interface ShareStateValue {
  snapshotEpoch: number
  startOffset: number
  stateBatches: StateBatch[]
}

export type ShareStateRecord = ShareStateKey & { type: number; value: ShareStateValue | null }

function withVersion(version: number, write: (w: Writer) => void): Buffer {
  const w = new Writer(64)
  w.int16(version)
  write(w)
  return w.toBuffer()
}

export function shareSnapshotRecord(k: ShareStateKey, v: ShareStateValue | null, nowMs: number): { key: Buffer; value: Buffer | null } {
  const keyBuf = withVersion(SHARE_SNAPSHOT, (w) => key(0).write(w, k))
  if (v === null) return { key: keyBuf, value: null }
  const value = withVersion(0, (w) => snapshotValue(0).write(w, {
    snapshotEpoch: v.snapshotEpoch,
    stateEpoch: 0,
    leaderEpoch: 0,
    startOffset: BigInt(v.startOffset),
    createTimestamp: BigInt(nowMs),
    writeTimestamp: BigInt(nowMs),
    stateBatches: v.stateBatches.map((b) => ({ ...b, firstOffset: BigInt(b.firstOffset), lastOffset: BigInt(b.lastOffset) })),
  }))
  return { key: keyBuf, value }
}

export function decodeShareStateRecord(keyBuf: Buffer, valueBuf: Buffer | null): ShareStateRecord | null {
  const kr = new Reader(keyBuf)
  const type = kr.int16()
  if (type !== SHARE_SNAPSHOT && type !== SHARE_UPDATE) return null
  const k = key(0).read(kr)
  if (valueBuf === null) return { ...k, type, value: null }
  const vr = new Reader(valueBuf)
  const version = vr.int16()
  if (version !== 0) throw new ProtocolError(`unknown share state value version ${version}`)
  const v = type === SHARE_SNAPSHOT ? snapshotValue(0).read(vr) : updateValue(0).read(vr)
  return {
    ...k,
    type,
    value: {
      snapshotEpoch: v.snapshotEpoch,
      startOffset: Number(v.startOffset),
      stateBatches: v.stateBatches.map((b) => ({ firstOffset: Number(b.firstOffset), lastOffset: Number(b.lastOffset), deliveryState: b.deliveryState, deliveryCount: b.deliveryCount })),
    },
  }
}
