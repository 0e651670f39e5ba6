// Committed offsets and group administration (list, describe, delete, OffsetDelete, expiry) on
// top of the coordinator's groups, and the start-up replay of `__consumer_offsets`.

import { ErrorCode } from '../../protocol/errors.js'
import { decodeSubscription } from '../../protocol/consumer-protocol.js'
import type { GroupValue } from '../../protocol/group-records.js'
import type { GroupCoordinator } from './coordinator.js'
import { Group, Member, offsetKey, splitOffsetKey, type CommittedOffset, type GroupState } from './group.js'

export interface OffsetCommitRequest {
  groupId: string
  generationId: number // -1: a simple (group-less) commit from assign() or the Admin client
  memberId: string
  groupInstanceId: string | null
  retentionTimeMs: number // OffsetCommit v2–4; -1 = broker default
  groupNotFoundError: number // v9+: GROUP_ID_NOT_FOUND, older: ILLEGAL_GENERATION
  offsets: { topic: string; partition: number; offset: number; leaderEpoch: number; metadata: string | null; commitTimestamp: number }[]
}

// Kafka's offset.metadata.max.bytes default.
const MAX_METADATA = 4096

// ClassicGroup.validateOffsetCommit as a client observes it: a simple commit needs an empty (or
// new) group; a member commit needs the member and, outside a rebalance, its generation.
function validateCommit(c: GroupCoordinator, req: OffsetCommitRequest): { group?: Group; errorCode: number } {
  let group = c.group(req.groupId)
  if (!group || group.state === 'Dead') {
    if (req.generationId >= 0) return { errorCode: req.groupNotFoundError }
    group = c.getOrCreate(req.groupId)
  }
  if (group.state === 'Dead') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }
  if (req.generationId < 0 && group.state === 'Empty') return { group, errorCode: 0 }
  const member = group.members.get(req.memberId)
  if (!member) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID }
  if (req.groupInstanceId !== null && group.staticMembers.get(req.groupInstanceId) !== req.memberId) return { errorCode: ErrorCode.FENCED_INSTANCE_ID }
  if (group.state === 'CompletingRebalance') return { errorCode: ErrorCode.REBALANCE_IN_PROGRESS }
  if (req.generationId !== group.generationId) return { errorCode: ErrorCode.ILLEGAL_GENERATION }
  c.scheduleHeartbeat(group, member)
  return { group, errorCode: 0 }
}

export function commitOffsets(c: GroupCoordinator, req: OffsetCommitRequest): number[] {
  if (req.groupId === '') return req.offsets.map(() => ErrorCode.INVALID_GROUP_ID)
  const { group, errorCode } = validateCommit(c, req)
  if (!group || errorCode !== 0) return req.offsets.map(() => errorCode)
  const now = c.broker.clock.now()
  const results: number[] = []
  const writes: { topic: string; partition: number; value: { offset: bigint; leaderEpoch: number; metadata: string; commitTimestamp: bigint; expireTimestamp: bigint } }[] = []
  for (const o of req.offsets) {
    const metadata = o.metadata ?? ''
    if (Buffer.byteLength(metadata) > MAX_METADATA) {
      results.push(ErrorCode.OFFSET_METADATA_TOO_LARGE)
      continue
    }
    const commitTimestamp = o.commitTimestamp >= 0 ? o.commitTimestamp : now
    const expireTimestamp = req.retentionTimeMs >= 0 ? commitTimestamp + req.retentionTimeMs : -1
    const value: CommittedOffset = { offset: o.offset, leaderEpoch: o.leaderEpoch, metadata, commitTimestamp, expireTimestamp }
    group.offsets.set(offsetKey(o.topic, o.partition), value)
    writes.push({ topic: o.topic, partition: o.partition, value: { offset: BigInt(o.offset), leaderEpoch: o.leaderEpoch, metadata, commitTimestamp: BigInt(commitTimestamp), expireTimestamp: BigInt(expireTimestamp) } })
    results.push(0)
  }
  c.store.writeOffsets(group.groupId, writes)
  return results
}

export interface FetchedTopic {
  name: string
  partitions: { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; metadata: string; errorCode: number }[]
}

// OffsetFetch for one group: the requested partitions (-1 when nothing is committed), or with
// topics = null every committed partition. A pending transactional commit would make
// requireStable answer UNSTABLE_OFFSET_COMMIT; without transactions none is ever pending.
export function fetchOffsets(c: GroupCoordinator, groupId: string, topics: { name: string; partitionIndexes: number[] }[] | null): FetchedTopic[] {
  const group = c.group(groupId)
  const offsets = group?.offsets ?? new Map<string, CommittedOffset>()
  const one = (topic: string, partition: number) => {
    const o = offsets.get(offsetKey(topic, partition))
    return { partitionIndex: partition, committedOffset: o?.offset ?? -1, committedLeaderEpoch: o?.leaderEpoch ?? -1, metadata: o?.metadata ?? '', errorCode: 0 }
  }
  if (topics !== null) return topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => one(t.name, p)) }))
  const byTopic = new Map<string, FetchedTopic>()
  for (const key of offsets.keys()) {
    const { topic, partition } = splitOffsetKey(key)
    let t = byTopic.get(topic)
    if (!t) byTopic.set(topic, (t = { name: topic, partitions: [] }))
    t.partitions.push(one(topic, partition))
  }
  for (const t of byTopic.values()) t.partitions.sort((a, b) => a.partitionIndex - b.partitionIndex)
  return [...byTopic.values()]
}

export interface GroupDescription {
  groupId: string
  errorCode: number
  state: GroupState | 'Dead'
  protocolType: string
  protocol: string
  members: { memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; metadata: Buffer; assignment: Buffer }[]
}

// Kafka's GroupMetadata.summary: member metadata and assignments only once the group is Stable.
export function describeGroup(c: GroupCoordinator, groupId: string): GroupDescription | null {
  const g = c.group(groupId)
  if (!g || g.state === 'Dead') return null
  const stable = g.state === 'Stable'
  return {
    groupId,
    errorCode: 0,
    state: g.state,
    protocolType: g.protocolType ?? '',
    protocol: stable ? (g.protocolName ?? '') : '',
    members: [...g.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      metadata: stable ? m.metadataFor(g.protocolName) : Buffer.alloc(0),
      assignment: stable ? m.assignment : Buffer.alloc(0),
    })),
  }
}

export function listGroups(c: GroupCoordinator, states: string[], types: string[]): { groupId: string; protocolType: string; state: string; type: string }[] {
  const out = []
  const lowerStates = states.map((s) => s.toLowerCase())
  const lowerTypes = types.map((s) => s.toLowerCase())
  for (const g of c.groups.values()) {
    if (g.state === 'Dead') continue
    if (lowerStates.length > 0 && !lowerStates.includes(g.state.toLowerCase())) continue
    if (lowerTypes.length > 0 && !lowerTypes.includes('classic')) continue
    out.push({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state, type: 'classic' })
  }
  return out
}

export function deleteGroup(c: GroupCoordinator, groupId: string): number {
  const g = c.group(groupId)
  if (!g || g.state === 'Dead') return ErrorCode.GROUP_ID_NOT_FOUND
  if (g.state !== 'Empty') return ErrorCode.NON_EMPTY_GROUP
  const tombstones = [...g.offsets.keys()].map(splitOffsetKey)
  c.store.writeGroup(groupId, null, tombstones)
  g.transition('Dead', c.broker.clock.now())
  c.groups.delete(groupId)
  return 0
}

function subscribedTopics(m: Member): string[] | null {
  try {
    return decodeSubscription(m.protocols[0]?.metadata ?? Buffer.alloc(0)).topics
  } catch {
    return null
  }
}

// OffsetDelete: refused per partition while a live consumer group is subscribed to the topic.
export function deleteOffsets(c: GroupCoordinator, groupId: string, topics: { name: string; partitions: number[] }[]): { errorCode: number; results: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[] } {
  const g = c.group(groupId)
  if (!g || g.state === 'Dead') return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, results: [] }
  if (g.members.size > 0 && g.protocolType !== 'consumer') return { errorCode: ErrorCode.NON_EMPTY_GROUP, results: [] }
  const tombstones: { topic: string; partition: number; value: null }[] = []
  const results = topics.map((t) => {
    const subscribed = g.members.size > 0 && g.isSubscribedTo(t.name, subscribedTopics)
    return {
      name: t.name,
      partitions: t.partitions.map((p) => {
        if (subscribed) return { partitionIndex: p, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC }
        if (g.offsets.delete(offsetKey(t.name, p))) tombstones.push({ topic: t.name, partition: p, value: null })
        return { partitionIndex: p, errorCode: 0 }
      }),
    }
  })
  c.store.writeOffsets(groupId, tombstones)
  return { errorCode: 0, results }
}

// offsets.retention.minutes: offsets of an empty group expire that long after the later of their
// commit and the group becoming empty; an explicit retention (OffsetCommit v2–4) wins. An empty
// group left without offsets is deleted.
export function expireOffsets(c: GroupCoordinator): number {
  const now = c.broker.clock.now()
  const retentionMs = c.broker.config.int('offsets.retention.minutes') * 60_000
  let expired = 0
  for (const g of [...c.groups.values()]) {
    if (g.state !== 'Empty') continue
    const gone: { topic: string; partition: number; value: null }[] = []
    for (const [key, o] of g.offsets) {
      const due = o.expireTimestamp >= 0 ? now >= o.expireTimestamp : now - Math.max(o.commitTimestamp, g.currentStateTimestamp) >= retentionMs
      if (due) {
        g.offsets.delete(key)
        gone.push({ ...splitOffsetKey(key), value: null })
      }
    }
    expired += gone.length
    c.store.writeOffsets(g.groupId, gone)
    if (g.offsets.size === 0 && g.members.size === 0) deleteGroup(c, g.groupId)
  }
  return expired
}

export function loadGroups(c: GroupCoordinator): void {
  const metadata = new Map<string, GroupValue | null>()
  for (const rec of c.store.replay()) {
    if (rec.kind === 'offset') {
      const g = c.getOrCreate(rec.group)
      const key = offsetKey(rec.topic, rec.partition)
      if (rec.value === null) g.offsets.delete(key)
      else g.offsets.set(key, { offset: Number(rec.value.offset), leaderEpoch: rec.value.leaderEpoch, metadata: rec.value.metadata, commitTimestamp: Number(rec.value.commitTimestamp), expireTimestamp: Number(rec.value.expireTimestamp) })
    } else {
      metadata.set(rec.group, rec.value)
      if (rec.value === null) {
        const g = c.group(rec.group)
        if (g) g.offsets.clear()
      }
    }
  }
  const now = c.broker.clock.now()
  for (const [groupId, value] of metadata) {
    if (value === null) {
      const g = c.group(groupId)
      if (g && g.offsets.size === 0) c.groups.delete(groupId)
      continue
    }
    const g = c.getOrCreate(groupId)
    g.generationId = value.generation
    g.protocolType = value.protocolType
    g.protocolName = value.protocol
    g.currentStateTimestamp = value.currentStateTimestamp >= 0n ? Number(value.currentStateTimestamp) : now
    for (const m of value.members) {
      const member = new Member(m.memberId, m.groupInstanceId, m.clientId, m.clientHost, m.rebalanceTimeout, m.sessionTimeout, value.protocolType, [{ name: value.protocol ?? '', metadata: m.subscription }])
      member.assignment = m.assignment
      g.add(member)
    }
    g.leaderId = value.leader !== null && g.members.has(value.leader) ? value.leader : g.leaderId
    g.state = g.members.size > 0 ? 'Stable' : 'Empty'
  }
}
