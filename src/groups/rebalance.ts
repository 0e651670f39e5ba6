// The rebalance machinery of the classic protocol (GroupMetadataManager's prepareRebalance,
// completeClassicGroupJoin, initial delayed join, pending-sync and heartbeat expiry), shared by
// the coordinator's request paths. Every timer runs on the broker's Clock. Mutates groups only on
// behalf of the GroupCoordinator.

import { ErrorCode } from '../../protocol/errors.js'
import { LogError } from '../log/types.js'
import type { GroupContext } from './context.js'
import type { Group, JoinResult, Member, SyncResult } from './group.js'

export function joinError(errorCode: number, memberId = ''): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, skipAssignment: false, members: [] }
}

export function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) }
}

// The join answer for the current generation: only the leader sees the members' metadata.
export function currentJoinResult(group: Group, memberId: string): JoinResult {
  const leader = memberId === group.leaderId
  return {
    errorCode: 0,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leader: group.leaderId ?? '',
    memberId,
    skipAssignment: false,
    members: leader ? memberList(group) : [],
  }
}

export function memberList(group: Group): JoinResult['members'] {
  return [...group.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadataFor(group.protocolName) }))
}

export function completeSync(member: Member, result: SyncResult): boolean {
  const waiter = member.syncWaiter
  if (!waiter) return false
  member.syncWaiter = null
  waiter(result)
  return true
}

// The classic group leaves the classic machinery (its coordinator moved away, or it became a
// consumer group): parked JoinGroup and SyncGroup requests answer `errorCode`, and its member,
// join, sync and pending-member timers stop.
export function releaseClassicMembers(group: Group, errorCode: number): void {
  for (const m of group.members.values()) {
    const join = m.joinWaiter
    m.joinWaiter = null
    join?.(joinError(errorCode, m.memberId))
    completeSync(m, syncError(errorCode))
    m.heartbeatTimer?.cancel()
  }
  for (const t of [group.joinTimer, group.syncTimer, ...group.pendingMembers.values()]) t?.cancel()
}

export function maybePrepareRebalanceOrCompleteJoin(c: GroupContext, group: Group): void {
  if (group.canRebalance()) prepareRebalance(c, group)
  else maybeCompleteJoin(c, group)
}

export function prepareRebalance(c: GroupContext, group: Group): void {
  const { clock, config } = c
  if (group.state === 'CompletingRebalance') {
    // Members waiting in SyncGroup learn of the rebalance and rejoin; their assignments are void.
    for (const m of group.members.values()) {
      m.assignment = Buffer.alloc(0)
      if (completeSync(m, syncError(ErrorCode.REBALANCE_IN_PROGRESS))) scheduleHeartbeat(c, group, m)
    }
  }
  group.syncTimer?.cancel()
  group.syncTimer = null
  for (const m of group.members.values()) m.awaitingSync = false
  group.joinTimer?.cancel()
  const initial = group.state === 'Empty'
  group.transition('PreparingRebalance', clock.now())
  c.logger.info({ group: group.groupId, generation: group.generationId, members: group.members.size }, 'preparing to rebalance group')
  const delay = config.initialRebalanceDelayMs
  if (initial && delay > 0) {
    // Kafka's initial delayed join: let more members of a new group arrive before the first
    // generation; each arrival extends the wait by up to the delay, within the rebalance timeout.
    group.initialDelay = true
    group.newMemberAdded = false
    const remaining = Math.max(group.maxRebalanceTimeout() - delay, 0)
    group.joinTimer = clock.schedule(delay, () => initialDelayExpired(c, group, delay, remaining))
    return
  }
  if (group.allJoined()) completeJoin(c, group)
  else group.joinTimer = clock.schedule(group.maxRebalanceTimeout(), () => completeJoin(c, group))
}

function initialDelayExpired(c: GroupContext, group: Group, delay: number, remaining: number): void {
  if (group.newMemberAdded && remaining !== 0) {
    group.newMemberAdded = false
    const next = Math.min(c.config.initialRebalanceDelayMs, remaining)
    group.joinTimer = c.clock.schedule(next, () => initialDelayExpired(c, group, next, Math.max(remaining - delay, 0)))
    return
  }
  completeJoin(c, group)
}

// Kafka's maybeCompleteJoinPhase: never during the initial delay.
export function maybeCompleteJoin(c: GroupContext, group: Group): void {
  if (group.state === 'PreparingRebalance' && !group.initialDelay && group.allJoined()) completeJoin(c, group)
}

export function completeJoin(c: GroupContext, group: Group): void {
  const { clock } = c
  group.joinTimer?.cancel()
  group.joinTimer = null
  if (group.state !== 'PreparingRebalance') return
  group.initialDelay = false
  // Dynamic members that did not rejoin within the rebalance timeout are gone; static members
  // keep their place until their session expires (KIP-345).
  for (const m of [...group.members.values()]) if (!m.joinWaiter && m.groupInstanceId === null) group.remove(m.memberId)
  if (!group.electJoinedLeader() && group.members.size > 0) {
    // Only static members that have not rejoined are left: wait another rebalance timeout,
    // until they rejoin or their sessions expire.
    group.joinTimer = clock.schedule(group.maxRebalanceTimeout(), () => completeJoin(c, group))
    return
  }
  group.generationId++
  if (group.members.size === 0) {
    group.protocolName = null
    group.transition('Empty', clock.now())
    c.logger.info({ group: group.groupId, generation: group.generationId }, 'group is empty')
    c.store.writeGroupState(group)
    return
  }
  group.protocolName = group.selectProtocol()
  group.transition('CompletingRebalance', clock.now())
  c.logger.info({ group: group.groupId, generation: group.generationId, members: group.members.size, protocol: group.protocolName }, 'stabilized group')
  for (const m of group.members.values()) {
    const waiter = m.joinWaiter
    m.joinWaiter = null
    waiter?.(currentJoinResult(group, m.memberId))
    scheduleHeartbeat(c, group, m)
    m.isNew = false
    m.awaitingSync = true
  }
  // Members that never send SyncGroup are removed after the rebalance timeout, which starts
  // another rebalance (Kafka's pending-sync expiry, KAFKA-13766).
  const generation = group.generationId
  group.syncTimer = clock.schedule(group.maxRebalanceTimeout(), () => expirePendingSync(c, group, generation))
}

function expirePendingSync(c: GroupContext, group: Group, generation: number): void {
  if (group.generationId !== generation) return
  if (group.state !== 'CompletingRebalance' && group.state !== 'Stable') return
  const late = [...group.members.values()].filter((m) => m.awaitingSync)
  if (late.length === 0) return
  for (const m of late) removeMember(group, m)
  c.logger.info({ group: group.groupId, members: late.map((m) => m.memberId) }, 'removed members that did not send SyncGroup in time')
  prepareRebalance(c, group)
}

// The group record refused by the log (larger than max.message.bytes): false, as Kafka's failed
// append future.
export function tryPersist(c: GroupContext, group: Group): boolean {
  try {
    c.store.writeGroupState(group)
    return true
  } catch (err) {
    if (!(err instanceof LogError)) throw err
    c.logger.warn({ group: group.groupId, err }, 'group metadata not stored')
    return false
  }
}

// A member parked in JoinGroup learns it is gone (UNKNOWN_MEMBER_ID, so it rejoins if alive).
export function removeMember(group: Group, m: Member): void {
  const waiter = m.joinWaiter
  m.joinWaiter = null
  waiter?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID))
  completeSync(m, syncError(ErrorCode.REBALANCE_IN_PROGRESS))
  group.remove(m.memberId)
}

export function scheduleHeartbeat(c: GroupContext, group: Group, member: Member, timeoutMs = member.sessionTimeoutMs): void {
  member.heartbeatTimer?.cancel()
  member.heartbeatTimer = c.clock.schedule(timeoutMs, () => expireHeartbeat(c, group, member))
}

function expireHeartbeat(c: GroupContext, group: Group, member: Member): void {
  if (group.members.get(member.memberId) !== member) return
  // A member waiting in JoinGroup or SyncGroup is alive by definition, unless it is new
  // (ClassicGroupMember.hasSatisfiedHeartbeat).
  if (!member.isNew && (member.joinWaiter || member.syncWaiter)) return scheduleHeartbeat(c, group, member)
  c.logger.info({ group: group.groupId, member: member.memberId }, 'member session expired')
  removeMember(group, member)
  if (group.state === 'Stable' || group.state === 'CompletingRebalance') prepareRebalance(c, group)
  else if (group.state === 'PreparingRebalance' && group.allJoined()) completeJoin(c, group)
}
