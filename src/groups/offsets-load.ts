// The start-up replay of `__consumer_offsets` into the coordinator's groups (committed and pending
// transactional offsets, classic group metadata, KIP-848 consumer and KIP-1071 streams group
// records), and the one-time move of groups an older Rivulet stored outside their Kafka partition.

import type { GroupValue } from '../../protocol/group-records.js'
import type { GroupContext } from './context.js'
import { replayConsumerRecord } from './consumer-store.js'
import { Member, offsetKey, splitOffsetKey } from './group.js'
import { addPending, completeTxnOffsets, offsetValue } from './offsets.js'
import { replayStreamsRecord } from './streams/streams-store.js'

// `only`: one partition's groups (the broker took that partition's lease over a shared store).
export function loadGroups(c: GroupContext, only?: number): void {
  const metadata = new Map<string, GroupValue | null>()
  c.store.replay((rec) => {
    if (rec.kind === 'marker') {
      completeTxnOffsets(c, rec.partition, rec.producerId, rec.commit)
    } else if (rec.kind === 'offset') {
      const g = c.getOrCreate(rec.group)
      const key = offsetKey(rec.topic, rec.partition)
      const value = rec.value === null ? null : { offset: Number(rec.value.offset), leaderEpoch: rec.value.leaderEpoch, metadata: rec.value.metadata, commitTimestamp: Number(rec.value.commitTimestamp), expireTimestamp: Number(rec.value.expireTimestamp), recordOffset: rec.offset }
      if (rec.producerId >= 0) {
        if (value !== null) addPending(c, g, rec.producerId, key, value)
      } else if (value === null) {
        g.offsets.delete(key)
        for (const pending of g.pendingTxnOffsets.values()) pending.delete(key)
      } else {
        g.offsets.set(key, value)
      }
    } else if (rec.kind === 'consumer') {
      replayConsumerRecord(c, rec.record)
    } else if (rec.kind === 'streams') {
      replayStreamsRecord(c, rec.record)
    } else {
      metadata.set(rec.group, rec.value)
      // A GroupMetadata tombstone alone does not delete offsets (Kafka writes one when a live
      // classic group becomes a consumer group, keeping its offsets); a deleted group's offsets
      // have their own tombstones. Only the legacy layout's moved groups relied on it.
      if (rec.value === null && c.store.legacyLayout) {
        const g = c.group(rec.group)
        if (g) g.offsets.clear()
      }
    }
  }, only)
  const now = c.clock.now()
  for (const [groupId, value] of metadata) {
    if (value === null) {
      const g = c.group(groupId)
      if (g && g.offsets.size === 0 && !g.consumer) c.groups.delete(groupId)
      continue
    }
    const g = c.getOrCreate(groupId)
    g.generationId = value.generation
    g.protocolType = value.protocolType === '' ? null : value.protocolType
    g.protocolName = value.protocol
    g.currentStateTimestamp = value.currentStateTimestamp >= 0n ? Number(value.currentStateTimestamp) : now
    for (const m of value.members) {
      const rebalanceTimeout = m.rebalanceTimeout === -1 ? m.sessionTimeout : m.rebalanceTimeout
      const member = new Member(m.memberId, m.groupInstanceId, m.clientId, m.clientHost, rebalanceTimeout, m.sessionTimeout, value.protocolType, [{ name: value.protocol ?? '', metadata: m.subscription }])
      member.assignment = m.assignment
      g.add(member)
    }
    g.leaderId = value.leader !== null && g.members.has(value.leader) ? value.leader : g.leaderId
    g.state = g.members.size > 0 ? 'Stable' : 'Empty'
  }
}

// Rewrites every group that the legacy layout stored outside its Kafka partition: its metadata and
// committed offsets go to the Kafka partition, then tombstones to the old one (which replay skips,
// and the cleaner removes). Pending transactional offsets are not moved: their markers go to the
// partition the transaction recorded. Returns the number of groups moved.
export function migrateLegacyLayout(c: GroupContext): number {
  let moved = 0
  for (const g of c.groups.values()) {
    const old = c.store.legacyPartitionFor(g.groupId)
    if (old < 0) continue
    const to = c.store.partitionFor(g.groupId)
    c.store.writeGroupState(g, to)
    const offsets = [...g.offsets].map(([key, v]) => ({ ...splitOffsetKey(key), value: offsetValue(v) }))
    const base = c.store.writeOffsets(g.groupId, offsets, undefined, to)
    offsets.forEach((o, i) => {
      const cur = g.offsets.get(offsetKey(o.topic, o.partition))
      if (cur) cur.recordOffset = base + i
    })
    c.store.writeGroup(g.groupId, null, offsets, old)
    moved++
  }
  return moved
}
