// Classic-protocol members inside a KIP-848 consumer group, after an online upgrade (Kafka 4.4's
// GroupMetadataManager.classicGroupJoinToConsumerGroup, classicGroupSyncToConsumerGroup,
// classicGroupHeartbeatToConsumerGroup, classicGroupLeaveToConsumerGroup). Their JoinGroup is
// answered at once: the member's subscription (from its first protocol's metadata) updates the
// group like a consumer heartbeat would, the server assignor computes the target, and the member
// moves one reconciliation step, its generation being its member epoch. SyncGroup hands back its
// assigned partitions in the embedded consumer protocol. A Heartbeat answers REBALANCE_IN_PROGRESS
// when the member must rejoin: the group epoch moved past it, it has partitions to revoke, or
// partitions it waits for were released. A member that does not rejoin (join timeout) or sync (sync
// timeout) within its rebalance timeout is fenced, as is one whose classic session ends.
// There is no leader: every classic member is a follower whose SyncGroup carries no assignments.

import { decodeSubscription, encodeAssignment } from '../../protocol/consumer-protocol.js'
import { ErrorCode } from '../../protocol/errors.js'
import { randomUuid } from '../cluster/cluster.js'
import { sameCurrent, type ConsumerGroupCoordinator } from './consumer-coordinator.js'
import { newMember, reconcile, type ConsumerGroupData, type ConsumerMember } from './consumer-group.js'
import { ConsumerGroupBatch } from './consumer-store.js'
import type { JoinRequest, LeaveResult, MemberIdentity, SyncRequest } from './coordinator.js'
import type { Group, JoinResult, SyncResult } from './group.js'
import { byName, consumerToClassic, shouldDowngrade, subscriptionVersion } from './migration.js'
import { joinError, syncError } from './rebalance.js'

class ClassicError extends Error {
  constructor(readonly code: number) {
    super(`classic member error ${code}`)
  }
}

const failWith = (code: number): never => {
  throw new ClassicError(code)
}

// What the classic coordinator hands over for a group that is a consumer group.
export interface ClassicPathsOfConsumerGroups {
  join(group: Group, req: JoinRequest): JoinResult
  sync(group: Group, req: SyncRequest): SyncResult
  heartbeat(group: Group, req: MemberIdentity): number
  leave(group: Group, members: { memberId: string; groupInstanceId: string | null }[]): LeaveResult
}

export class ClassicMembersOfConsumerGroups implements ClassicPathsOfConsumerGroups {
  constructor(private readonly co: ConsumerGroupCoordinator) {}

  private get deps() {
    return this.co.deps
  }

  join(group: Group, req: JoinRequest): JoinResult {
    try {
      this.co.batch = new ConsumerGroupBatch(group.groupId)
      const res = this.doJoin(group, group.consumer!, req)
      this.co.batch.flush(this.deps.groups.store)
      return res
    } catch (err) {
      if (err instanceof ClassicError) return joinError(err.code, req.memberId)
      throw err
    }
  }

  private doJoin(group: Group, data: ConsumerGroupData, req: JoinRequest): JoinResult {
    const unknown = req.memberId === ''
    const memberId = unknown ? randomUuid() : req.memberId
    if (data.members.size >= this.deps.config.maxSize && !data.members.has(memberId)) failWith(ErrorCode.GROUP_MAX_SIZE_REACHED)
    if (!data.supportsClassicProtocols(req.protocolType, req.protocols.map((p) => p.name))) failWith(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    // JoinGroupRequest.requiresKnownMemberId (KIP-394): a dynamic member comes back with its id.
    if (unknown && req.requireKnownMemberId && req.groupInstanceId === null) return joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId)
    let subscription
    try {
      subscription = decodeSubscription(req.protocols[0]!.metadata)
    } catch {
      return failWith(ErrorCode.UNKNOWN_SERVER_ERROR) // Kafka: IllegalStateException on a malformed subscription
    }
    const { member, replaced } = req.groupInstanceId === null ? { member: data.members.get(memberId) ?? newMember(memberId), replaced: null } : this.staticMember(group, data, memberId, req.groupInstanceId, unknown)
    const updated: ConsumerMember = {
      ...member,
      instanceId: req.groupInstanceId ?? member.instanceId,
      rackId: subscription.rackId ?? member.rackId,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs !== -1 ? req.rebalanceTimeoutMs : member.rebalanceTimeoutMs,
      subscribedTopicNames: subscription.topics,
      clientId: req.clientId,
      clientHost: req.clientHost,
      classic: { sessionTimeoutMs: req.sessionTimeoutMs, protocols: req.protocols },
    }
    const isNew = !data.members.has(updated.memberId)
    if (isNew || changedMetadata(member, updated)) this.co.batch.member(updated)
    if (isNew) this.deps.logger.info({ group: group.groupId, member: memberId }, 'classic member joined the consumer group')
    const subscriptionChanged = isNew || member.subscribedTopicNames.join('\u0000') !== updated.subscribedTopicNames.join('\u0000')
    data.putMember(updated)
    this.co.maybeBumpEpoch(group.groupId, data, subscriptionChanged)
    this.co.maybeUpdateTargetAssignment(group.groupId, data)
    const owned = subscription.ownedPartitions.flatMap((t) => {
      const topic = this.deps.topics.byName(t.topic)
      return topic ? [{ topicId: topic.id, partitions: t.partitions }] : []
    })
    const reconciled = reconcile(data, updated, data.assignmentEpoch, data.targetAssignment.get(updated.memberId) ?? new Map(), owned)
    if (reconciled !== updated) data.putMember(reconciled)
    if (isNew || !sameCurrent(member, reconciled)) this.co.batch.current(reconciled)
    // validateOnlineDowngradeWithReplacedMember: a classic static member that replaced the last
    // consumer-protocol member leaves a group of classic members only.
    if (replaced !== null && !replaced.classic && shouldDowngrade(this.deps.groups, group.groupId, data, new Set(), this.deps.config.migrationPolicy, this.deps.config.classicMaxSize)) {
      consumerToClassic(this.deps.groups, group, data, new Set(), this.deps.topics, this.co.batch, false)
    } else {
      reconciled.joinTimer?.cancel()
      reconciled.joinTimer = null
      this.co.scheduleSessionTimeout(group.groupId, reconciled, req.sessionTimeoutMs)
      reconciled.syncTimer?.cancel()
      reconciled.syncTimer = this.deps.clock.schedule(Math.max(0, req.rebalanceTimeoutMs), () => this.timedOut(group.groupId, reconciled.memberId, 'it did not send SyncGroup within its rebalance timeout'))
    }
    return { errorCode: 0, generationId: reconciled.memberEpoch, protocolType: 'consumer', protocolName: req.protocols[0]!.name, leader: '', memberId: reconciled.memberId, skipAssignment: false, members: [] }
  }

  // getOrMaybeSubscribeStaticConsumerGroupMember for a classic member: a static member joining with
  // an unknown member id replaces the instance's previous member, taking over its partitions.
  private staticMember(group: Group, data: ConsumerGroupData, memberId: string, instanceId: string, unknown: boolean): { member: ConsumerMember; replaced: ConsumerMember | null } {
    const existing = data.staticMember(instanceId)
    if (unknown) {
      if (!existing) return { member: newMember(memberId), replaced: null }
      const target = data.targetAssignment.get(existing.memberId)
      data.removeMember(existing.memberId)
      this.co.batch.removeMember(existing.memberId)
      if (target) {
        data.targetAssignment.set(memberId, target)
        this.co.batch.target(data)
      }
      this.deps.logger.info({ group: group.groupId, member: memberId, replaced: existing.memberId, instanceId }, 'static classic member rejoined the consumer group')
      return { member: { ...existing, memberId, sessionTimer: null, rebalanceTimer: null, joinTimer: null, syncTimer: null }, replaced: existing }
    }
    if (!existing) return failWith(ErrorCode.UNKNOWN_MEMBER_ID)
    if (existing.memberId !== memberId) failWith(ErrorCode.FENCED_INSTANCE_ID)
    return { member: existing, replaced: null }
  }

  // validateConsumerGroupMember + throwIfMemberDoesNotUseClassicProtocol + throwIfGenerationIdUnmatched.
  private member(data: ConsumerGroupData, id: MemberIdentity): ConsumerMember {
    let m: ConsumerMember | undefined
    if (id.groupInstanceId === null) {
      m = data.members.get(id.memberId)
    } else {
      m = data.staticMember(id.groupInstanceId)
      if (m && m.memberId !== id.memberId) failWith(ErrorCode.FENCED_INSTANCE_ID)
    }
    if (!m || !m.classic) return failWith(ErrorCode.UNKNOWN_MEMBER_ID)
    if (m.memberEpoch !== id.generationId) failWith(ErrorCode.ILLEGAL_GENERATION)
    return m
  }

  sync(group: Group, req: SyncRequest): SyncResult {
    try {
      const data = group.consumer!
      const m = this.member(data, req)
      if ((req.protocolType !== null && req.protocolType !== 'consumer') || (req.protocolName !== null && req.protocolName !== m.classic!.protocols[0]?.name)) {
        failWith(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
      }
      // throwIfRebalanceInProgress: behind the group epoch, rejoin first (unless revoking already).
      if (data.groupEpoch > m.memberEpoch && m.state !== 'unrevoked_partitions') {
        this.scheduleJoinTimeout(group.groupId, m)
        failWith(ErrorCode.REBALANCE_IN_PROGRESS)
      }
      m.syncTimer?.cancel()
      m.syncTimer = null
      this.co.scheduleSessionTimeout(group.groupId, m, m.classic!.sessionTimeoutMs)
      const version = subscriptionVersion(m.classic!.protocols[0]?.metadata ?? Buffer.alloc(0))
      const assignment = encodeAssignment(version, { assignedPartitions: byName(m.assigned, this.deps.topics) })
      return { errorCode: 0, protocolType: req.protocolType, protocolName: req.protocolName, assignment }
    } catch (err) {
      if (err instanceof ClassicError) return syncError(err.code)
      throw err
    }
  }

  heartbeat(group: Group, req: MemberIdentity): number {
    try {
      const data = group.consumer!
      const m = this.member(data, req)
      this.co.scheduleSessionTimeout(group.groupId, m, m.classic!.sessionTimeoutMs)
      const mustRejoin = m.memberEpoch < data.groupEpoch || m.state === 'unrevoked_partitions' || (m.state === 'unreleased_partitions' && !data.waitingOnUnreleasedPartition(m))
      if (!mustRejoin) return ErrorCode.NONE
      this.scheduleJoinTimeout(group.groupId, m)
      return ErrorCode.REBALANCE_IN_PROGRESS
    } catch (err) {
      if (err instanceof ClassicError) return err.code
      throw err
    }
  }

  // classicGroupLeaveToConsumerGroup: members by id (classic ones) or by instance id (any, as the
  // Admin client removes static members); those found are fenced together.
  leave(group: Group, members: { memberId: string; groupInstanceId: string | null }[]): LeaveResult {
    const data = group.consumer!
    const leaving: ConsumerMember[] = []
    const results = members.map((req) => {
      const out = { memberId: req.memberId, groupInstanceId: req.groupInstanceId }
      const m = req.groupInstanceId === null ? data.members.get(req.memberId) : data.staticMember(req.groupInstanceId)
      if (!m) return { ...out, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }
      if (req.groupInstanceId !== null && req.memberId !== '' && m.memberId !== req.memberId) return { ...out, errorCode: ErrorCode.FENCED_INSTANCE_ID }
      if (!m.classic && (req.groupInstanceId === null || req.memberId !== '')) return { ...out, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }
      if (!leaving.includes(m)) leaving.push(m)
      this.deps.logger.info({ group: group.groupId, member: m.memberId }, 'classic member left the consumer group')
      return { ...out, errorCode: 0 }
    })
    if (leaving.length > 0) {
      this.co.batch = new ConsumerGroupBatch(group.groupId)
      this.co.fence(group.groupId, data, ...leaving)
      this.co.batch.flush(this.deps.groups.store)
    }
    return { errorCode: 0, members: results }
  }

  // scheduleConsumerGroupJoinTimeoutIfAbsent: a member told to rejoin must do so in time.
  private scheduleJoinTimeout(groupId: string, m: ConsumerMember): void {
    if (m.joinTimer) return
    m.joinTimer = this.deps.clock.schedule(Math.max(0, m.rebalanceTimeoutMs), () => this.timedOut(groupId, m.memberId, 'it did not rejoin within its rebalance timeout'))
  }

  private timedOut(groupId: string, memberId: string, why: string): void {
    const m = this.deps.groups.group(groupId)?.consumer?.members.get(memberId)
    if (!m?.classic) return
    m.joinTimer = null
    m.syncTimer = null
    this.co.expire(groupId, memberId, why)
  }
}

function changedMetadata(a: ConsumerMember, b: ConsumerMember): boolean {
  const protocols = (m: ConsumerMember) => (m.classic?.protocols ?? []).map((p) => `${p.name}:${p.metadata.toString('hex')}`).join(',')
  return a.instanceId !== b.instanceId || a.rackId !== b.rackId || a.clientId !== b.clientId || a.clientHost !== b.clientHost ||
    a.rebalanceTimeoutMs !== b.rebalanceTimeoutMs || a.subscribedTopicNames.join('\u0000') !== b.subscribedTopicNames.join('\u0000') ||
    a.classic?.sessionTimeoutMs !== b.classic?.sessionTimeoutMs || protocols(a) !== protocols(b)
}
