// KIP-848 consumer groups (Kafka 4.4's GroupMetadataManager.consumerGroupHeartbeat and friends):
// ConsumerGroupHeartbeat joins (epoch 0), heartbeats, leaves (-1) and static leaves (-2); each
// heartbeat 1) updates the member and bumps the group epoch when a subscription (or the topics it
// resolves to) changed, 2) computes a new target assignment with the server-side assignor when the
// group epoch passed the assignment epoch, 3) moves the member one reconciliation step towards its
// target (consumer-group.ts). Session and rebalance timeouts run on the broker's Clock.
//
// A consumer group shares the classic Group object (and so its committed offsets) through
// Group.consumer. An empty group of either type becomes the other on its first member, as in Kafka;
// a live one migrates online under group.consumer.migration.policy (migration.ts), and classic
// members inside a consumer group are served by consumer-classic.ts.

import { ErrorCode } from '../../protocol/errors.js'
import type { Clock } from '../clock.js'
import { randomUuid } from '../cluster/cluster.js'
import type { Logger } from '../logger.js'
import { canComputeNextTargetAssignment } from './assignment-interval.js'
import { ASSIGNORS, type AssignorMember, type AssignorTopic } from './assignors.js'
import type { GroupContext } from './context.js'
import {
  ConsumerGroupData, LEAVE_GROUP_MEMBER_EPOCH, LEAVE_GROUP_STATIC_MEMBER_EPOCH, copyAssignment, isSubset, newMember, reconcile, sameAssignment,
  type Assignment, type ConsumerMember,
} from './consumer-group.js'
import { ConsumerGroupBatch } from './consumer-store.js'
import type { Group } from './group.js'
import { classicToConsumer, consumerToClassic, shouldDowngrade, upgradeRefusal, type MigrationPolicy } from './migration.js'
import { compileTopicRegex } from './topic-regex.js'
import { describeConsumerGroup, toList, type ConsumerGroupDescription } from './consumer-describe.js'
import { HeartbeatError, fail, validateHeartbeat, type ConsumerHeartbeat, type OwnedPartitions } from './consumer-validate.js'

export interface ConsumerGroupConfig {
  sessionTimeoutMs(groupId: string): number // consumer.session.timeout.ms / group.consumer.session.timeout.ms
  heartbeatIntervalMs(groupId: string): number // consumer.heartbeat.interval.ms / group.consumer.heartbeat.interval.ms
  assignmentIntervalMs(groupId: string): number // consumer.assignment.interval.ms / group.consumer.assignment.interval.ms
  readonly maxSize: number // group.consumer.max.size
  readonly assignors: string[] // group.consumer.assignors; the first is the default
  readonly migrationPolicy: MigrationPolicy // group.consumer.migration.policy
  readonly classicMaxSize: number // group.max.size: a downgrade must fit in a classic group
}

export interface ConsumerTopics {
  byName(name: string): AssignorTopic | undefined
  byId(id: string): AssignorTopic | undefined
  all(): AssignorTopic[] // what a regex may match: every topic, internal ones too (GroupMetadataManager.refreshRegularExpressions)
}

export interface ConsumerDeps {
  groups: GroupContext
  clock: Clock
  logger: Logger
  config: ConsumerGroupConfig
  topics: ConsumerTopics
}

export type { ConsumerHeartbeat, OwnedPartitions } from './consumer-validate.js'

export interface ConsumerHeartbeatResult {
  errorCode: number
  errorMessage: string | null
  memberId: string | null
  memberEpoch: number
  heartbeatIntervalMs: number
  assignment: { topicId: string; partitions: number[] }[] | null
}

export { toList, type ConsumerGroupDescription } from './consumer-describe.js'

export class ConsumerGroupCoordinator {
  // The records of the operation under way, appended once it succeeds.
  batch = new ConsumerGroupBatch('')

  constructor(readonly deps: ConsumerDeps) {}

  // After the classic coordinator replayed __consumer_offsets (which fills Group.consumer): the
  // derived state is rebuilt and every member's session starts again, as Kafka's onLoaded does.
  load(groups: Iterable<Group> = this.deps.groups.groups.values()): void {
    for (const g of groups) {
      const data = g.consumer
      if (!data) continue
      g.protocolType = 'consumer'
      for (const m of [...data.members.values()]) {
        data.putMember(m)
        this.scheduleSessionTimeout(g.groupId, m, m.classic?.sessionTimeoutMs)
      }
      data.subscriptionSignature = this.subscriptionSignature(data)
      data.assignorName = this.preferredAssignor(data)
    }
  }

  heartbeat(req: ConsumerHeartbeat): ConsumerHeartbeatResult {
    try {
      validateHeartbeat(req, this.assignors())
      this.batch = new ConsumerGroupBatch(req.groupId)
      const res = req.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH || req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH ? this.leave(req) : this.regularHeartbeat(req)
      this.batch.flush(this.deps.groups.store)
      return res
    } catch (err) {
      if (!(err instanceof HeartbeatError)) throw err
      return { errorCode: err.code, errorMessage: err.message, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null }
    }
  }

  // The configured assignors this broker has (a Kafka class name is not one of them).
  assignors(): string[] {
    const known = this.deps.config.assignors.filter((a) => a in ASSIGNORS)
    return known.length > 0 ? known : ['uniform']
  }

  // getOrMaybeCreateConsumerGroup: a join (epoch 0) creates the group, takes over an empty
  // classic one or upgrades a live classic one (validateOnlineUpgrade); anything else needs an
  // existing consumer group.
  private consumerGroup(groupId: string, create: boolean, req?: ConsumerHeartbeat): { group: Group; data: ConsumerGroupData } {
    const g = this.deps.groups.group(groupId)
    if (!g || g.state === 'Dead') {
      if (!create) fail('GROUP_ID_NOT_FOUND', `Consumer group ${groupId} not found.`)
    } else if (!g.consumer && (g.streams?.members.size ?? 0) > 0) {
      fail('GROUP_ID_NOT_FOUND', `Group ${groupId} is not a consumer group.`)
    } else if (!g.consumer && (!create || g.state !== 'Empty')) {
      const refusal = create ? upgradeRefusal(g, this.deps.config.migrationPolicy, this.deps.config.maxSize) : 'it is not a consumer group'
      if (refusal !== null) {
        if (create) this.deps.logger.info({ group: groupId }, `cannot upgrade the classic group to a consumer group: ${refusal}`)
        fail('GROUP_ID_NOT_FOUND', `Group ${groupId} is not a consumer group.`)
      }
      // Kafka converts inside the heartbeat's operation and rolls both back when the joining member
      // is refused; here the refusals that follow the conversion are checked before it.
      this.checkJoinBeforeUpgrade(g, req!)
      const data = classicToConsumer(this.deps.groups, g, this.deps.topics, this.batch)
      for (const m of data.members.values()) this.scheduleSessionTimeout(groupId, m, m.classic?.sessionTimeoutMs)
      return { group: g, data }
    }
    const group = g && g.state !== 'Dead' ? g : this.deps.groups.getOrCreate(groupId)
    if (!group.consumer) {
      group.consumer = new ConsumerGroupData()
      group.streams = null
      group.protocolType = 'consumer'
      group.protocolName = null
    }
    return { group, data: group.consumer }
  }

  private checkJoinBeforeUpgrade(g: Group, req: ConsumerHeartbeat): void {
    const memberId = req.memberId === '' ? null : req.memberId
    if (g.members.size >= this.deps.config.maxSize && (memberId === null || !g.members.has(memberId))) {
      fail('GROUP_MAX_SIZE_REACHED', `The consumer group has reached its maximum capacity of ${this.deps.config.maxSize} members.`)
    }
    const owner = req.instanceId === null ? undefined : g.staticMembers.get(req.instanceId)
    if (owner !== undefined && owner !== memberId) {
      fail('UNRELEASED_INSTANCE_ID', `Static member ${req.memberId} with instance id ${req.instanceId} cannot join the group because the instance id is owned by ${owner} member.`)
    }
  }

  private regularHeartbeat(req: ConsumerHeartbeat): ConsumerHeartbeatResult {
    const joining = req.memberEpoch === 0
    const { group, data } = this.consumerGroup(req.groupId, joining, req)
    const memberId = req.memberId === '' ? randomUuid() : req.memberId
    if (data.members.size >= this.deps.config.maxSize && !data.members.has(memberId)) {
      fail('GROUP_MAX_SIZE_REACHED', `The consumer group has reached its maximum capacity of ${this.deps.config.maxSize} members.`)
    }
    const member = req.instanceId === null ? this.dynamicMember(data, memberId, req, joining) : this.staticMember(group, data, memberId, req, joining)
    const updated: ConsumerMember = {
      ...member,
      instanceId: req.instanceId ?? member.instanceId,
      rackId: req.rackId ?? member.rackId,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs !== -1 ? req.rebalanceTimeoutMs : member.rebalanceTimeoutMs,
      serverAssignor: req.serverAssignor ?? member.serverAssignor,
      subscribedTopicNames: req.subscribedTopicNames ?? member.subscribedTopicNames,
      subscribedTopicRegex: req.subscribedTopicRegex ?? member.subscribedTopicRegex,
      clientId: req.clientId,
      clientHost: req.clientHost,
      classic: null,
    }
    const subscriptionChanged = !sameSubscription(member, updated)
    if (!data.members.has(updated.memberId) || !sameMetadata(member, updated)) this.batch.member(updated)
    if (!data.members.has(updated.memberId)) this.deps.logger.info({ group: req.groupId, member: memberId }, 'member joined the consumer group')
    data.putMember(updated)
    this.maybeBumpEpoch(req.groupId, data, subscriptionChanged)
    this.maybeUpdateTargetAssignment(req.groupId, data)
    const target = data.targetAssignment.get(updated.memberId) ?? new Map()
    const reconciled = reconcile(data, updated, data.assignmentEpoch, target, req.topicPartitions)
    if (reconciled !== updated) data.putMember(reconciled)
    if (!sameCurrent(member, reconciled) || !data.members.has(member.memberId)) this.batch.current(reconciled)
    this.scheduleRebalanceTimeout(req.groupId, data, updated, reconciled)
    this.scheduleSessionTimeout(req.groupId, reconciled)
    const full = joining || (req.rebalanceTimeoutMs !== -1 && req.subscribedTopicNames !== null && req.topicPartitions !== null)
    return {
      errorCode: 0,
      errorMessage: null,
      memberId: reconciled.memberId,
      memberEpoch: reconciled.memberEpoch,
      heartbeatIntervalMs: this.deps.config.heartbeatIntervalMs(req.groupId),
      assignment: full || !sameAssignment(member.assigned, reconciled.assigned) ? toList(reconciled.assigned) : null,
    }
  }

  // getOrMaybeSubscribeDynamicConsumerGroupMember + throwIfConsumerGroupMemberEpochIsInvalid. A
  // known member that rejoins with epoch 0 (a fenced client keeps its id, KIP-1082) starts over
  // with no partitions.
  private dynamicMember(data: ConsumerGroupData, memberId: string, req: ConsumerHeartbeat, joining: boolean): ConsumerMember {
    const m = data.members.get(memberId)
    if (!m) {
      if (!joining) fail('UNKNOWN_MEMBER_ID', `Member ${memberId} is not a member of group ${req.groupId}.`)
      return newMember(memberId)
    }
    if (joining) return { ...m, memberEpoch: 0, previousMemberEpoch: 0, state: 'stable', assigned: new Map(), pendingRevocation: new Map() }
    checkEpoch(m, req.memberEpoch, req.topicPartitions)
    return m
  }

  // getOrMaybeSubscribeStaticConsumerGroupMember: a new instance id joins; a known one may rejoin
  // only after its previous member left with epoch -2 (else UNRELEASED_INSTANCE_ID), taking over
  // its partitions and target under the new member id.
  private staticMember(group: Group, data: ConsumerGroupData, memberId: string, req: ConsumerHeartbeat, joining: boolean): ConsumerMember {
    const instanceId = req.instanceId!
    const existing = data.staticMember(instanceId)
    if (joining) {
      if (!existing) return data.members.get(memberId) ?? newMember(memberId)
      if (existing.memberId === memberId) return { ...existing, memberEpoch: 0, previousMemberEpoch: 0, state: 'stable', assigned: new Map(), pendingRevocation: new Map() }
      if (existing.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
        fail('UNRELEASED_INSTANCE_ID', `Static member ${memberId} with instance id ${instanceId} cannot join the group because the instance id is owned by ${existing.memberId} member.`)
      }
      const target = data.targetAssignment.get(existing.memberId)
      data.removeMember(existing.memberId)
      this.batch.removeMember(existing.memberId)
      if (target) {
        data.targetAssignment.set(memberId, target)
        this.batch.target(data)
      }
      this.deps.logger.info({ group: group.groupId, member: memberId, replaced: existing.memberId, instanceId }, 'static member rejoined the consumer group')
      return { ...existing, memberId, memberEpoch: 0, previousMemberEpoch: 0, sessionTimer: null, rebalanceTimer: null, joinTimer: null, syncTimer: null, classic: null, assigned: copyAssignment(existing.assigned), pendingRevocation: new Map() }
    }
    if (!existing) fail('UNKNOWN_MEMBER_ID', `Instance id ${instanceId} is unknown.`)
    if (existing!.memberId !== memberId) fail('FENCED_INSTANCE_ID', `Static member ${memberId} with instance id ${instanceId} was fenced by member ${existing!.memberId}.`)
    checkEpoch(existing!, req.memberEpoch, req.topicPartitions)
    return existing!
  }

  private leave(req: ConsumerHeartbeat): ConsumerHeartbeatResult {
    const { data } = this.consumerGroup(req.groupId, false)
    const out = { errorCode: 0, errorMessage: null, memberId: req.memberId, memberEpoch: req.memberEpoch, heartbeatIntervalMs: 0, assignment: null }
    let m: ConsumerMember | undefined
    if (req.instanceId === null) {
      m = data.members.get(req.memberId)
      if (!m) fail('UNKNOWN_MEMBER_ID', `Member ${req.memberId} is not a member of group ${req.groupId}.`)
    } else {
      m = data.staticMember(req.instanceId)
      if (!m) fail('UNKNOWN_MEMBER_ID', `Instance id ${req.instanceId} is unknown.`)
      if (m!.memberId !== req.memberId) fail('FENCED_INSTANCE_ID', `Static member ${req.memberId} with instance id ${req.instanceId} was fenced by member ${m!.memberId}.`)
      if (req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
        // The static member keeps its partitions and target until it comes back or its session ends.
        m!.rebalanceTimer?.cancel()
        const left: ConsumerMember = { ...m!, memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH, pendingRevocation: new Map(), rebalanceTimer: null }
        data.putMember(left)
        this.batch.current(left)
        this.deps.logger.info({ group: req.groupId, member: req.memberId, instanceId: req.instanceId }, 'static member temporarily left the consumer group')
        return { ...out, memberId: m!.memberId }
      }
    }
    this.deps.logger.info({ group: req.groupId, member: req.memberId }, 'member left the consumer group')
    this.fence(req.groupId, data, m!)
    return out
  }

  // consumerGroupFenceMembers: the members go and the group epoch moves on, so the others get a
  // new target at their next heartbeat; or, when only classic members would remain, the group
  // goes back to the classic protocol (an online downgrade) and rebalances.
  fence(groupId: string, data: ConsumerGroupData, ...ms: ConsumerMember[]): void {
    const leaving = new Set(ms.map((m) => m.memberId))
    const group = this.deps.groups.group(groupId)
    if (group && shouldDowngrade(this.deps.groups, groupId, data, leaving, this.deps.config.migrationPolicy, this.deps.config.classicMaxSize)) {
      consumerToClassic(this.deps.groups, group, data, leaving, this.deps.topics, this.batch, true)
      return
    }
    for (const m of ms) {
      data.removeMember(m.memberId)
      this.batch.removeMember(m.memberId)
    }
    this.maybeBumpEpoch(groupId, data, true)
    if (data.members.size === 0) {
      // consumerGroupFenceMembers: the last member gone, the target metadata moves to the new
      // epoch with timestamp 0, so the next member's target is computed at once.
      data.assignmentEpoch = data.groupEpoch
      data.assignmentTimestamp = 0
      this.batch.targetMetadata(data)
    }
  }

  maybeBumpEpoch(groupId: string, data: ConsumerGroupData, force: boolean): void {
    const signature = this.subscriptionSignature(data)
    if (!force && data.groupEpoch !== 0 && signature === data.subscriptionSignature) return
    data.subscriptionSignature = signature
    data.groupEpoch++
    this.batch.epoch(data.groupEpoch)
    this.deps.logger.debug({ group: groupId, epoch: data.groupEpoch }, 'bumped the consumer group epoch')
  }

  // The subscribed topics as the assignor sees them: a topic created, deleted or grown (or a regex
  // matching a new topic) changes it, and so bumps the group epoch (Kafka's subscription metadata).
  subscriptionSignature(data: ConsumerGroupData): string {
    return [...this.subscribedTopics(data).values()].map((t) => `${t.id}/${t.partitions}`).sort().join(',')
  }

  private subscribedTopics(data: ConsumerGroupData): Map<string, AssignorTopic> {
    const out = new Map<string, AssignorTopic>()
    for (const m of data.members.values()) for (const t of this.memberTopics(m)) out.set(t.id, t)
    return out
  }

  private memberTopics(m: ConsumerMember): AssignorTopic[] {
    const out: AssignorTopic[] = []
    for (const name of m.subscribedTopicNames) {
      const t = this.deps.topics.byName(name)
      if (t) out.push(t)
    }
    if (m.subscribedTopicRegex !== null && m.subscribedTopicRegex !== '') {
      const re = compileTopicRegex(m.subscribedTopicRegex)
      if (typeof re !== 'string') for (const t of this.deps.topics.all()) if (re.test(t.name)) out.push(t)
    }
    return out
  }

  // maybeUpdateTargetAssignment: a group epoch past the assignment epoch gets a new target, unless
  // the assignment interval since the last one has not passed (assignment-interval.ts).
  maybeUpdateTargetAssignment(groupId: string, data: ConsumerGroupData): void {
    if (data.groupEpoch <= data.assignmentEpoch) return
    if (!canComputeNextTargetAssignment(data.assignmentTimestamp, this.deps.config.assignmentIntervalMs(groupId), this.deps.clock.now())) return
    this.computeTargetAssignment(data)
  }

  // updateTargetAssignment: the assignor the members ask for most (ties: the configured order),
  // else the first configured one, over every member's subscription.
  computeTargetAssignment(data: ConsumerGroupData): void {
    const name = this.preferredAssignor(data)
    const members: AssignorMember[] = [...data.members.values()].map((m) => ({
      memberId: m.memberId,
      topics: new Set(this.memberTopics(m).map((t) => t.id)),
      previous: data.targetAssignment.get(m.memberId) ?? new Map(),
    }))
    const target = ASSIGNORS[name]!(members, this.subscribedTopics(data))
    data.targetAssignment.clear()
    for (const [id, a] of target) data.targetAssignment.set(id, a)
    data.assignmentEpoch = data.groupEpoch
    data.assignmentTimestamp = this.deps.clock.now()
    data.assignorName = name
    this.batch.target(data)
  }

  private preferredAssignor(data: ConsumerGroupData): string {
    const assignors = this.assignors()
    const votes = new Map<string, number>()
    for (const m of data.members.values()) if (m.serverAssignor !== null) votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1)
    let name = assignors[0]!
    for (const a of assignors) if ((votes.get(a) ?? 0) > (votes.get(name) ?? 0)) name = a
    return name
  }

  // A classic member's session is its JoinGroup session timeout, as in Kafka.
  scheduleSessionTimeout(groupId: string, m: ConsumerMember, classicMs?: number): void {
    m.sessionTimer?.cancel()
    const ms = classicMs ?? this.deps.config.sessionTimeoutMs(groupId)
    m.sessionTimer = this.deps.clock.schedule(ms, () => this.expire(groupId, m.memberId, 'session timeout expired'))
  }

  // A member asked to revoke partitions must do so within its rebalance timeout, or it is fenced
  // (scheduleConsumerGroupRebalanceTimeout); the timer goes once it leaves that state.
  private scheduleRebalanceTimeout(groupId: string, data: ConsumerGroupData, before: ConsumerMember, after: ConsumerMember): void {
    const m = data.members.get(after.memberId)!
    if (after.state !== 'unrevoked_partitions') {
      m.rebalanceTimer?.cancel()
      m.rebalanceTimer = null
      return
    }
    if (before.state === 'unrevoked_partitions' && before.memberEpoch === after.memberEpoch && m.rebalanceTimer) return
    m.rebalanceTimer?.cancel()
    const epoch = after.memberEpoch
    m.rebalanceTimer = this.deps.clock.schedule(Math.max(0, after.rebalanceTimeoutMs), () => {
      const now = data.members.get(after.memberId)
      if (now && now.state === 'unrevoked_partitions' && now.memberEpoch === epoch) this.expire(groupId, after.memberId, 'rebalance timeout expired')
    })
  }

  expire(groupId: string, memberId: string, why: string): void {
    const data = this.deps.groups.group(groupId)?.consumer
    const m = data?.members.get(memberId)
    if (!data || !m) return
    this.deps.logger.info({ group: groupId, member: memberId }, `consumer group member removed: ${why}`)
    this.batch = new ConsumerGroupBatch(groupId)
    this.fence(groupId, data, m)
    this.batch.flush(this.deps.groups.store)
  }

  // ConsumerGroupDescribe (consumer-describe.ts).
  describe(groupId: string): ConsumerGroupDescription | { errorCode: number; errorMessage: string } {
    return describeConsumerGroup(this.deps.groups, this.deps.topics, this.assignors()[0]!, groupId)
  }

  // A group leaving this broker (its __consumer_offsets partition moved): its timers stop.
  unload(g: Group): void {
    for (const m of g.consumer?.members.values() ?? []) {
      m.sessionTimer?.cancel()
      m.rebalanceTimer?.cancel()
    }
  }

  stop(): void {
    for (const g of this.deps.groups.groups.values()) {
      for (const m of g.consumer?.members.values() ?? []) {
        m.sessionTimer?.cancel()
        m.rebalanceTimer?.cancel()
      }
    }
  }
}

// throwIfConsumerGroupMemberEpochIsInvalid: a member ahead of the coordinator, or behind it other
// than by one lost response (the previous epoch, owning a subset of its assignment), is fenced.
function checkEpoch(m: ConsumerMember, received: number, owned: OwnedPartitions): void {
  if (received > m.memberEpoch) {
    fail('FENCED_MEMBER_EPOCH', `The consumer group member has a greater member epoch (${received}) than the one known by the group coordinator (${m.memberEpoch}). The member must abandon all its partitions and rejoin.`)
  } else if (received < m.memberEpoch && (received !== m.previousMemberEpoch || !isSubset(owned, m.assigned))) {
    fail('FENCED_MEMBER_EPOCH', `The consumer group member has a smaller member epoch (${received}) than the one known by the group coordinator (${m.memberEpoch}). The member must abandon all its partitions and rejoin.`)
  }
}

function sameMetadata(a: ConsumerMember, b: ConsumerMember): boolean {
  return sameSubscription(a, b) && a.instanceId === b.instanceId && a.rackId === b.rackId && a.clientId === b.clientId && a.clientHost === b.clientHost && a.rebalanceTimeoutMs === b.rebalanceTimeoutMs
}

export function sameCurrent(a: ConsumerMember, b: ConsumerMember): boolean {
  return a.memberEpoch === b.memberEpoch && a.previousMemberEpoch === b.previousMemberEpoch && a.state === b.state && sameAssignment(a.assigned, b.assigned) && sameAssignment(a.pendingRevocation, b.pendingRevocation)
}

function sameSubscription(a: ConsumerMember, b: ConsumerMember): boolean {
  return a.subscribedTopicRegex === b.subscribedTopicRegex && a.serverAssignor === b.serverAssignor &&
    a.subscribedTopicNames.length === b.subscribedTopicNames.length && [...a.subscribedTopicNames].sort().join('\u0000') === [...b.subscribedTopicNames].sort().join('\u0000')
}

