// KIP-848's online migration between a classic group and a consumer group (Kafka 4.4's
// GroupMetadataManager.convertToConsumerGroup / convertToClassicGroup, ConsumerGroup.fromClassicGroup,
// ClassicGroup.fromConsumerGroup), under `group.consumer.migration.policy`:
// - upgrade: the first ConsumerGroupHeartbeat to a live classic group of the "consumer" protocol type
//   turns it into a consumer group; each classic member becomes a member at the classic generation,
//   with its last assignment as both its current and its target assignment, and keeps speaking the
//   classic protocol (consumer-classic.ts) until it leaves.
// - downgrade: when the last consumer-protocol member leaves and classic members remain, the group
//   becomes a classic group again, each member with its current assignment, and rebalances.
// Both write what Kafka writes, in one append: the tombstones of the old form, then the records of
// the new one, so a restart replays the group as it was converted.

import { ErrorCode } from '../../protocol/errors.js'
import { decodeAssignment, decodeSubscription, encodeAssignment } from '../../protocol/consumer-protocol.js'
import { groupRecord } from '../../protocol/group-records.js'
import type { AssignorTopic } from './assignors.js'
import type { GroupContext } from './context.js'
import { ConsumerGroupData, cancelTimers, newMember, type Assignment, type ConsumerMember } from './consumer-group.js'
import type { ConsumerGroupBatch } from './consumer-store.js'
import { HeartbeatError } from './consumer-validate.js'
import { Member, type Group } from './group.js'
import { groupStateValue } from './group-store.js'
import { prepareRebalance, releaseClassicMembers, scheduleHeartbeat } from './rebalance.js'

// GroupConsumerMigrationPolicy: which conversions of a non-empty group are allowed (an empty group
// changes type whatever the policy).
export type MigrationPolicy = 'bidirectional' | 'upgrade' | 'downgrade' | 'disabled'

export function parsePolicy(value: string | undefined): MigrationPolicy {
  const v = (value ?? 'bidirectional').trim().toLowerCase()
  return v === 'upgrade' || v === 'downgrade' || v === 'disabled' ? v : 'bidirectional'
}

export const upgradeEnabled = (p: MigrationPolicy): boolean => p === 'bidirectional' || p === 'upgrade'
export const downgradeEnabled = (p: MigrationPolicy): boolean => p === 'bidirectional' || p === 'downgrade'

export interface TopicsByName {
  byName(name: string): AssignorTopic | undefined
  byId(id: string): AssignorTopic | undefined
}

// GroupMetadataManager.validateOnlineUpgrade: the reason a live classic group cannot become a
// consumer group, or null when it can. Kafka logs the reason and answers GROUP_ID_NOT_FOUND.
export function upgradeRefusal(g: Group, policy: MigrationPolicy, consumerMaxSize: number): string | null {
  if (!upgradeEnabled(policy)) return 'the online upgrade is disabled'
  if (g.protocolType !== 'consumer') return 'the group does not use the consumer embedded protocol'
  if (g.members.size > consumerMaxSize) return 'the group size exceeds the consumer group maximum size'
  return null
}

// The classic member's subscription and last assignment in the consumer group's terms; throws (as
// Kafka's SchemaException) when the embedded protocol cannot be read.
function memberFromClassic(g: Group, m: Member, topics: TopicsByName): ConsumerMember {
  const metadata = g.protocolName !== null ? m.metadataFor(g.protocolName) : (m.protocols[0]?.metadata ?? Buffer.alloc(0))
  const subscription = decodeSubscription(metadata)
  // An empty assignment (a member the leader left out, or every member while the classic group
  // completes a rebalance) is no assignment at all: Kafka cannot read it and refuses the upgrade.
  const assigned: Assignment = new Map()
  for (const t of decodeAssignment(m.assignment).assignedPartitions) {
    const topic = topics.byName(t.topic)
    if (!topic) continue
    const ps = assigned.get(topic.id) ?? new Set<number>()
    for (const p of t.partitions) ps.add(p)
    assigned.set(topic.id, ps)
  }
  return {
    ...newMember(m.memberId),
    memberEpoch: g.generationId,
    previousMemberEpoch: g.generationId,
    instanceId: m.groupInstanceId,
    rackId: subscription.rackId ?? null,
    rebalanceTimeoutMs: m.rebalanceTimeoutMs,
    clientId: m.clientId,
    clientHost: m.clientHost,
    subscribedTopicNames: subscription.topics,
    assigned,
    classic: { sessionTimeoutMs: m.sessionTimeoutMs, protocols: m.protocols.map((p) => ({ name: p.name, metadata: p.metadata })) },
  }
}

// convertToConsumerGroup: parked joins and syncs learn of the new rebalance, the classic group's
// record is tombstoned and the consumer group's records follow (ConsumerGroup.createConsumerGroupRecords).
// The caller schedules the members' sessions.
export function classicToConsumer(c: GroupContext, g: Group, topics: TopicsByName, batch: ConsumerGroupBatch): ConsumerGroupData {
  let members: ConsumerMember[]
  try {
    members = [...g.members.values()].map((m) => memberFromClassic(g, m, topics))
  } catch (err) {
    c.logger.warn({ group: g.groupId, err }, 'cannot upgrade the classic group: malformed embedded consumer protocol')
    throw new HeartbeatError(ErrorCode.GROUP_ID_NOT_FOUND, `Cannot upgrade the classic group ${g.groupId} to consumer group because the embedded consumer protocol is malformed.`)
  }
  releaseClassicMembers(g, ErrorCode.REBALANCE_IN_PROGRESS)
  const data = new ConsumerGroupData()
  data.groupEpoch = g.generationId
  data.assignmentEpoch = g.generationId
  for (const m of members) {
    data.targetAssignment.set(m.memberId, new Map([...m.assigned].map(([t, ps]) => [t, new Set(ps)])))
    data.putMember(m)
  }
  batch.raw(groupRecord(g.groupId, null))
  for (const m of members) batch.member(m)
  batch.epoch(data.groupEpoch)
  batch.target(data)
  for (const m of members) batch.current(m)
  g.members.clear()
  g.staticMembers.clear()
  g.pendingMembers.clear()
  g.joinTimer = null
  g.syncTimer = null
  g.leaderId = null
  g.protocolName = null
  g.protocolType = 'consumer'
  g.consumer = data
  g.transition('Empty', c.clock.now())
  c.logger.info({ group: g.groupId, members: members.length, epoch: data.groupEpoch }, 'upgraded the classic group to a consumer group')
  return data
}

// GroupMetadataManager.validateOnlineDowngradeWithFencedMembers: whether removing `leaving` leaves
// only classic members, so the group goes back to the classic protocol.
export function shouldDowngrade(c: GroupContext, groupId: string, data: ConsumerGroupData, leaving: Set<string>, policy: MigrationPolicy, classicMaxSize: number): boolean {
  let remaining = 0
  for (const m of data.members.values()) {
    if (leaving.has(m.memberId)) continue
    if (!m.classic) return false
    remaining++
  }
  if (remaining === 0) return false
  if (!downgradeEnabled(policy)) {
    c.logger.info({ group: groupId }, 'cannot downgrade the consumer group to a classic group: the online downgrade is disabled')
    return false
  }
  if (remaining > classicMaxSize) {
    c.logger.info({ group: groupId }, 'cannot downgrade the consumer group to a classic group: more members than group.max.size')
    return false
  }
  return true
}

// convertToClassicGroup + ClassicGroup.fromConsumerGroup: the remaining members become a Stable
// classic group at the group epoch, each with its current assignment serialized in the version of
// its subscription; a downgrade caused by members leaving starts a rebalance.
export function consumerToClassic(c: GroupContext, g: Group, data: ConsumerGroupData, leaving: Set<string>, topics: TopicsByName, batch: ConsumerGroupBatch, rebalance: boolean): void {
  for (const m of data.members.values()) batch.removeMember(m.memberId)
  batch.deleteGroup()
  const kept = [...data.members.values()].filter((m) => !leaving.has(m.memberId))
  for (const m of data.members.values()) cancelTimers(m)
  g.consumer = null
  g.protocolType = 'consumer'
  g.generationId = data.groupEpoch
  g.leaderId = null
  for (const m of kept) {
    const classic = m.classic!
    g.add(new Member(m.memberId, m.instanceId, m.clientId, m.clientHost, m.rebalanceTimeoutMs, classic.sessionTimeoutMs, 'consumer', classic.protocols))
  }
  g.protocolName = g.selectProtocol()
  for (const m of kept) {
    const member = g.members.get(m.memberId)!
    member.assignment = encodeAssignment(subscriptionVersion(member.metadataFor(g.protocolName)), { assignedPartitions: byName(m.assigned, topics) })
  }
  g.transition('Stable', c.clock.now())
  batch.raw(groupRecord(g.groupId, groupStateValue(g)))
  batch.flush(c.store)
  for (const m of g.members.values()) scheduleHeartbeat(c, g, m)
  c.logger.info({ group: g.groupId, members: kept.length, generation: g.generationId }, 'downgraded the consumer group to a classic group')
  if (rebalance) prepareRebalance(c, g)
}

// ConsumerProtocol.deserializeVersion: the version an assignment is written in, as the member's subscription.
export function subscriptionVersion(metadata: Buffer): number {
  return metadata.length >= 2 ? Math.max(0, Math.min(metadata.readInt16BE(0), 3)) : 0
}

export function byName(a: Assignment, topics: TopicsByName): { topic: string; partitions: number[] }[] {
  const out: { topic: string; partitions: number[] }[] = []
  for (const [topicId, ps] of a) {
    const t = topics.byId(topicId)
    if (t && ps.size > 0) out.push({ topic: t.name, partitions: [...ps].sort((x, y) => x - y) })
  }
  return out
}
