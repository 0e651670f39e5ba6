// Committed offsets and group administration (list, describe, delete, OffsetDelete, expiry) on
// top of the coordinator's groups (the start-up replay of `__consumer_offsets` is in offsets-load.ts).

import { ErrorCode } from '../../protocol/errors.js'
import { decodeSubscription } from '../../protocol/consumer-protocol.js'
import type { OffsetValueIn } from '../../protocol/group-records.js'
import { LogError } from '../log/types.js'
import type { GroupContext } from './context.js'
import { validateConsumerCommit } from './consumer-group.js'
import { ConsumerGroupBatch } from './consumer-store.js'
import { compileTopicRegex } from './topic-regex.js'
import { Group, offsetKey, splitOffsetKey, type CommittedOffset, type GroupState } from './group.js'
import { StreamsGroupBatch } from './streams/streams-store.js'

export interface OffsetCommitRequest {
  groupId: string
  generationId: number // -1: a simple (group-less) commit from assign() or the Admin client
  memberId: string
  groupInstanceId: string | null
  retentionTimeMs: number // OffsetCommit v2–4; -1 = broker default
  groupNotFoundError: number // v9+: GROUP_ID_NOT_FOUND, older: ILLEGAL_GENERATION
  version?: number // the OffsetCommit version, which a consumer group's members must keep at v9+
  // commitTimestamp: OffsetCommit v1 only; -1 = the broker's clock.
  offsets: { topic: string; partition: number; offset: number; leaderEpoch: number; metadata: string | null; commitTimestamp: number }[]
}

// Kafka's offset.metadata.max.bytes default.
const MAX_METADATA = 4096

// OffsetMetadataManager.validateOffsetCommit + ClassicGroup.validateOffsetCommit as a client
// observes them: a simple commit (generation < 0) needs an empty (or new) group; a member commit
// needs the member and its generation, and is refused while the group completes a rebalance.
function validateCommit(c: GroupContext, req: OffsetCommitRequest): { group?: Group; errorCode: number } {
  let group = c.group(req.groupId)
  if (!group) {
    if (req.generationId >= 0) return { errorCode: req.groupNotFoundError }
    group = c.getOrCreate(req.groupId)
  }
  if (group.state === 'Dead') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }
  const modern = group.consumer ?? group.streams
  if (modern) {
    const errorCode = validateConsumerCommit(modern, req.memberId, req.generationId, req.version ?? 9, false)
    return errorCode === 0 ? { group, errorCode } : { errorCode }
  }
  if (req.generationId < 0 && group.state === 'Empty') return { group, errorCode: 0 }
  if (req.generationId >= 0 || req.memberId !== '' || req.groupInstanceId !== null) {
    const invalid = group.validateMember(req.memberId, req.groupInstanceId)
    if (invalid !== ErrorCode.NONE) return { errorCode: invalid }
    if (req.generationId !== group.generationId) return { errorCode: ErrorCode.ILLEGAL_GENERATION }
  } else if (group.state !== 'Empty') {
    return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID }
  }
  if (group.state === 'CompletingRebalance') return { errorCode: ErrorCode.REBALANCE_IN_PROGRESS }
  // A commit keeps the member's session alive, as a heartbeat would.
  const member = group.members.get(req.memberId)
  if (member && (group.state === 'Stable' || group.state === 'PreparingRebalance')) c.touch(group, member)
  return { group, errorCode: 0 }
}

// An empty group id is accepted, as Kafka does "for backwards compatibility" (only null, which the
// wire cannot carry here, is INVALID_GROUP_ID).
export function commitOffsets(c: GroupContext, req: OffsetCommitRequest): number[] {
  const { group, errorCode } = validateCommit(c, req)
  if (!group || errorCode !== 0) return req.offsets.map(() => errorCode)
  const now = c.clock.now()
  // OffsetCommit v1's own timestamp, else now; v2–4 retention counts from now (Kafka 2.x; 4.x no
  // longer serves v0–1).
  const { results, accepted } = acceptOffsets(req.offsets, (o) => ({
    commitTimestamp: o.commitTimestamp >= 0 ? o.commitTimestamp : now,
    expireTimestamp: req.retentionTimeMs !== -1 ? now + req.retentionTimeMs : -1,
  }))
  const base = writeCommitted(c, group, accepted)
  if (base === null) return req.offsets.map(() => ErrorCode.UNKNOWN_SERVER_ERROR)
  accepted.forEach(({ key, value }, i) => group.offsets.set(key, { ...value, recordOffset: base + i }))
  return results
}

interface OffsetIn {
  topic: string
  partition: number
  offset: number
  leaderEpoch: number
  metadata: string | null
}

// The commits of the offsets whose metadata fits offset.metadata.max.bytes, and per offset its
// error code (OFFSET_METADATA_TOO_LARGE for the others). Kafka compares the Java string length
// (UTF-16 units), as JavaScript's length does.
function acceptOffsets<O extends OffsetIn>(offsets: O[], times: (o: O) => { commitTimestamp: number; expireTimestamp: number }) {
  const results: number[] = []
  const accepted: { key: string; value: CommittedOffset }[] = []
  for (const o of offsets) {
    const metadata = o.metadata ?? ''
    if (metadata.length > MAX_METADATA) {
      results.push(ErrorCode.OFFSET_METADATA_TOO_LARGE)
      continue
    }
    accepted.push({ key: offsetKey(o.topic, o.partition), value: { offset: o.offset, leaderEpoch: o.leaderEpoch, metadata, ...times(o) } })
    results.push(0)
  }
  return { results, accepted }
}

// A committed offset as its OffsetCommit record value.
export function offsetValue(v: CommittedOffset): OffsetValueIn {
  return { offset: BigInt(v.offset), leaderEpoch: v.leaderEpoch, metadata: v.metadata, commitTimestamp: BigInt(v.commitTimestamp), expireTimestamp: BigInt(v.expireTimestamp) }
}

// Appends commits to __consumer_offsets: the first record's offset, or null when the batch does
// not fit (Kafka's CoordinatorOperationExceptionHelper maps MESSAGE_TOO_LARGE to UNKNOWN_SERVER_ERROR).
function writeCommitted(c: GroupContext, group: Group, accepted: { key: string; value: CommittedOffset }[], txn?: { producerId: number; epoch: number }): number | null {
  try {
    return c.store.writeOffsets(group.groupId, accepted.map(({ key, value }) => ({ ...splitOffsetKey(key), value: offsetValue(value) })), txn)
  } catch (err) {
    if (err instanceof LogError) return null
    throw err
  }
}

export interface TxnOffsetCommitRequest {
  groupId: string
  producerId: number
  producerEpoch: number
  generationId: number
  memberId: string
  groupInstanceId: string | null
  offsets: { topic: string; partition: number; offset: number; leaderEpoch: number; metadata: string | null }[]
}

// OffsetMetadataManager.validateTransactionalOffsetCommit + ClassicGroup.validateOffsetCommit for
// transactional commits: an unknown group is created for a generation-less commit; a commit that
// names a member is checked like a member commit; an anonymous one is accepted even while the
// group has members (no REBALANCE_IN_PROGRESS either).
function validateTxnCommit(c: GroupContext, req: TxnOffsetCommitRequest): { group?: Group; errorCode: number } {
  let group = c.group(req.groupId)
  if (!group) {
    if (req.generationId >= 0) return { errorCode: ErrorCode.ILLEGAL_GENERATION }
    group = c.getOrCreate(req.groupId)
  }
  if (group.state === 'Dead') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }
  const modern = group.consumer ?? group.streams
  if (modern) {
    const errorCode = validateConsumerCommit(modern, req.memberId, req.generationId, 9, true)
    return errorCode === 0 ? { group, errorCode } : { errorCode }
  }
  if (req.generationId < 0 && group.state === 'Empty') return { group, errorCode: 0 }
  if (req.generationId >= 0 || req.memberId !== '' || req.groupInstanceId !== null) {
    const invalid = group.validateMember(req.memberId, req.groupInstanceId)
    if (invalid !== ErrorCode.NONE) return { errorCode: invalid }
    if (req.generationId !== group.generationId) return { errorCode: ErrorCode.ILLEGAL_GENERATION }
  }
  return { group, errorCode: 0 }
}

// TxnOffsetCommit: offsets written to __consumer_offsets in the producer's transaction, held as
// pending until its marker commits (or aborts) them. Per offset, the error code.
export function commitTxnOffsets(c: GroupContext, req: TxnOffsetCommitRequest): number[] {
  const { group, errorCode } = validateTxnCommit(c, req)
  if (!group || errorCode !== 0) return req.offsets.map(() => errorCode)
  const now = c.clock.now()
  const { results, accepted } = acceptOffsets(req.offsets, () => ({ commitTimestamp: now, expireTimestamp: -1 }))
  const base = writeCommitted(c, group, accepted, { producerId: req.producerId, epoch: req.producerEpoch })
  if (base === null) return req.offsets.map(() => ErrorCode.UNKNOWN_SERVER_ERROR)
  accepted.forEach(({ key, value }, i) => addPending(c, group, req.producerId, key, { ...value, recordOffset: base + i }))
  return results
}

export function addPending(c: GroupContext, group: Group, producerId: number, key: string, value: CommittedOffset): void {
  let pending = group.pendingTxnOffsets.get(producerId)
  if (!pending) group.pendingTxnOffsets.set(producerId, (pending = new Map()))
  pending.set(key, value)
  let groups = c.txnGroups.get(producerId)
  if (!groups) c.txnGroups.set(producerId, (groups = new Set()))
  groups.add(group.groupId)
}

// A transaction marker in __consumer_offsets partition `partition` (OffsetMetadataManager.
// replayEndTransactionMarker): the producer's pending offsets of the groups stored there are
// committed (unless a later plain commit superseded one) or dropped.
export function completeTxnOffsets(c: GroupContext, partition: number, producerId: number, commit: boolean): void {
  const groups = c.txnGroups.get(producerId)
  if (!groups) return
  for (const groupId of [...groups]) {
    if (c.store.partitionFor(groupId) !== partition) continue
    groups.delete(groupId)
    const group = c.group(groupId)
    const pending = group?.pendingTxnOffsets.get(producerId)
    if (!group || !pending) continue
    group.pendingTxnOffsets.delete(producerId)
    if (!commit) continue
    for (const [key, value] of pending) {
      const existing = group.offsets.get(key)
      if (!existing || (existing.recordOffset ?? -1) < (value.recordOffset ?? -1)) group.offsets.set(key, value)
    }
  }
  if (groups.size === 0) c.txnGroups.delete(producerId)
}

function hasPending(group: Group | undefined, key: string): boolean {
  if (!group || group.pendingTxnOffsets.size === 0) return false
  for (const pending of group.pendingTxnOffsets.values()) if (pending.has(key)) return true
  return false
}

export interface FetchedTopic {
  name: string
  partitions: { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; metadata: string; errorCode: number }[]
}

// OffsetFetch for one group: the requested partitions (-1 when nothing is committed), or with
// topics = null every committed partition. With requireStable (v7+), a partition with a
// transactional commit still pending answers UNSTABLE_OFFSET_COMMIT (OffsetMetadataManager.fetchOffsets).
export function fetchOffsets(c: GroupContext, groupId: string, topics: { name: string; partitionIndexes: number[] }[] | null, requireStable = false): FetchedTopic[] {
  const group = c.group(groupId)
  const offsets = group?.offsets ?? new Map<string, CommittedOffset>()
  const one = (topic: string, partition: number) => {
    const key = offsetKey(topic, partition)
    if (requireStable && hasPending(group, key)) return { partitionIndex: partition, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT }
    const o = offsets.get(key)
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
export function describeGroup(c: GroupContext, groupId: string): GroupDescription | null {
  const g = c.group(groupId)
  if (!g || g.state === 'Dead' || g.consumer || g.streams) return null
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

export function listGroups(c: GroupContext, states: string[], types: string[]): { groupId: string; protocolType: string; state: string; type: string }[] {
  const out = []
  const lowerStates = states.map((s) => s.toLowerCase().trim())
  const lowerTypes = types.map((s) => s.toLowerCase())
  for (const g of c.groups.values()) {
    if (g.state === 'Dead') continue
    // KIP-848 groups: type "consumer", protocol type "consumer", ConsumerGroupState's names;
    // KIP-1071 groups: type and protocol type "streams", StreamsGroupState's names.
    const state = g.consumer ? g.consumer.state() : g.streams ? g.streams.state() : g.state
    const type = g.consumer ? 'consumer' : g.streams ? 'streams' : 'classic'
    if (lowerStates.length > 0 && !lowerStates.includes(state.toLowerCase())) continue
    if (lowerTypes.length > 0 && !lowerTypes.includes(type)) continue
    out.push({ groupId: g.groupId, protocolType: g.protocolType ?? '', state, type })
  }
  return out
}

export function deleteGroup(c: GroupContext, groupId: string): number {
  const g = c.group(groupId)
  if (!g || g.state === 'Dead') return ErrorCode.GROUP_ID_NOT_FOUND
  if (g.state !== 'Empty' || (g.consumer?.members.size ?? 0) > 0 || (g.streams?.members.size ?? 0) > 0) return ErrorCode.NON_EMPTY_GROUP
  const tombstones = [...g.offsets.keys()].map(splitOffsetKey)
  if (g.consumer) {
    const batch = new ConsumerGroupBatch(groupId)
    batch.deleteGroup()
    batch.flush(c.store)
  }
  if (g.streams) {
    const batch = new StreamsGroupBatch(groupId)
    batch.deleteGroup()
    batch.flush(c.store)
  }
  c.store.writeGroup(groupId, null, tombstones)
  g.transition('Dead', c.clock.now())
  c.groups.delete(groupId)
  return 0
}

// ClassicGroup.isSubscribedToTopic over the topics of the selected protocol's subscriptions: only a
// "consumer" group with members subscribes; metadata that cannot be parsed counts as subscribed.
function isSubscribedTo(g: Group, topic: string): boolean {
  // A KIP-848 group (ConsumerGroup.isSubscribedToTopic): a member's topic names or regex.
  if (g.consumer) {
    for (const m of g.consumer.members.values()) {
      if (m.subscribedTopicNames.includes(topic)) return true
      const re = m.subscribedTopicRegex ? compileTopicRegex(m.subscribedTopicRegex) : null
      if (re !== null && typeof re !== 'string' && re.test(topic)) return true
    }
    return false
  }
  // A streams group with members reads its topology's source and repartition topics.
  if (g.streams) return g.streams.members.size > 0 && (g.streams.topology?.subtopologies ?? []).some((s) => s.sourceTopics.includes(topic) || s.repartitionSourceTopics.some((r) => r.name === topic))
  if (g.protocolType !== 'consumer' || g.members.size === 0) return false
  if (g.protocolName === null) return true
  for (const m of g.members.values()) {
    try {
      if (decodeSubscription(m.metadataFor(g.protocolName)).topics.includes(topic)) return true
    } catch {
      return true
    }
  }
  return false
}

// OffsetDelete (OffsetMetadataManager.deleteOffsets): refused for a non-empty group that is not a
// consumer group, and per partition while a live consumer or streams group is subscribed to the topic.
export function deleteOffsets(c: GroupContext, groupId: string, topics: { name: string; partitions: number[] }[]): { errorCode: number; results: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[] } {
  if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, results: [] }
  const g = c.group(groupId)
  if (!g || g.state === 'Dead') return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, results: [] }
  if (g.state !== 'Empty' && g.protocolType !== 'consumer') return { errorCode: ErrorCode.NON_EMPTY_GROUP, results: [] }
  const tombstones: { topic: string; partition: number; value: null }[] = []
  const results = topics.map((t) => {
    const subscribed = isSubscribedTo(g, t.name)
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

// A deleted topic's offsets leave every group (OffsetMetadataManager.onPartitionsDeleted): committed
// and pending transactional offsets of its partitions get tombstones, so a topic recreated with the
// same name starts without the old positions, and a restart does not bring them back. Groups stay.
export function deleteTopicOffsets(c: GroupContext, topic: string): number {
  let deleted = 0
  for (const g of c.groups.values()) {
    const gone = new Set<string>()
    for (const key of g.offsets.keys()) if (splitOffsetKey(key).topic === topic) gone.add(key)
    for (const pending of g.pendingTxnOffsets.values()) for (const key of pending.keys()) if (splitOffsetKey(key).topic === topic) gone.add(key)
    if (gone.size === 0) continue
    for (const key of gone) {
      g.offsets.delete(key)
      for (const pending of g.pendingTxnOffsets.values()) pending.delete(key)
    }
    c.store.writeOffsets(g.groupId, [...gone].map((key) => ({ ...splitOffsetKey(key), value: null })))
    deleted += gone.size
  }
  return deleted
}

// offsets.retention.minutes (OffsetExpirationConditionImpl): an offset with an explicit expiry
// (OffsetCommit v2–4) goes at that time; otherwise, in an Empty group with a protocol type, the
// retention counts from when the group became empty, and in a simple group (no protocol type)
// from the commit. Groups with members keep their offsets. An empty group left without offsets
// is deleted.
export function expireOffsets(c: GroupContext): number {
  const now = c.clock.now()
  const retentionMs = c.config.offsetsRetentionMs
  let expired = 0
  for (const g of [...c.groups.values()]) {
    if (g.state !== 'Empty' || (g.consumer?.members.size ?? 0) > 0 || (g.streams?.members.size ?? 0) > 0) continue
    const gone: { topic: string; partition: number; value: null }[] = []
    for (const [key, o] of g.offsets) {
      const base = g.protocolType !== null ? g.currentStateTimestamp : o.commitTimestamp
      const due = o.expireTimestamp >= 0 ? now >= o.expireTimestamp : now - base >= retentionMs
      if (due) {
        g.offsets.delete(key)
        gone.push({ ...splitOffsetKey(key), value: null })
      }
    }
    expired += gone.length
    c.store.writeOffsets(g.groupId, gone)
    if (g.offsets.size === 0 && g.members.size === 0 && g.pendingTxnOffsets.size === 0) deleteGroup(c, g.groupId)
  }
  return expired
}
