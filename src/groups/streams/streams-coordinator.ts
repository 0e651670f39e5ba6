// KIP-1071 streams groups (Kafka 4.4's GroupMetadataManager.streamsGroupHeartbeat and friends).
// StreamsGroupHeartbeat joins (epoch 0, with the topology), heartbeats, leaves (-1) and static
// leaves (-2); each heartbeat 1) updates the member, and the group's topology when the group
// takes a new one, bumping the group epoch, 2) configures the topology against the topics that
// exist (missing source topics, partition counts of internal topics) and asks for the missing
// repartition and changelog topics with the configs the topology gives (internal-topics.ts: the
// MISSING_INTERNAL_TOPICS status until a later heartbeat finds them), 3) computes a new target
// assignment with the sticky task assignor when the group epoch passed the assignment epoch (after
// the initial rebalance delay and within the assignment interval, streams-planner.ts), 4) moves
// the member one reconciliation step towards its target (streams-group.ts), exactly as consumer
// groups do with partitions. Session and rebalance timeouts run on the broker's Clock.
//
// A streams group shares the classic Group object (and so its committed offsets) through
// Group.streams; its records go to __consumer_offsets (streams-store.ts).

import { ErrorCode } from '../../../protocol/errors.js'
import type { Clock } from '../../clock.js'
import type { Logger } from '../../logger.js'
import { LEAVE_GROUP_MEMBER_EPOCH, LEAVE_GROUP_STATIC_MEMBER_EPOCH } from '../consumer-group.js'
import { HeartbeatError, fail } from '../consumer-validate.js'
import type { GroupContext } from '../context.js'
import type { Group } from '../group.js'
import { InternalTopicCreator } from './internal-topics.js'
import { assignOrDelay, configure, metadataSignature, missingClientTags } from './streams-planner.js'
import { StreamsGroupData, newStreamsMember, noTasks, reconcile, type StreamsMember } from './streams-group.js'
import { StreamsGroupBatch } from './streams-store.js'
import { configureTopics, sameTopology, StreamsStatus, type TopicToCreate } from './streams-topology.js'
import { validateStreamsHeartbeat, type StreamsHeartbeat, type TaskList } from './streams-validate.js'
import { checkEpoch, ownedTasks, sameCurrent, sameEndpoint, sameMetadata, sameTasks, toList } from './streams-checks.js'
import { describeStreamsGroup, endpointPartitions, type StreamsGroupDescription } from './streams-describe.js'

export interface StreamsGroupConfig {
  sessionTimeoutMs(groupId: string): number // streams.session.timeout.ms / group.streams.session.timeout.ms
  heartbeatIntervalMs(groupId: string): number // streams.heartbeat.interval.ms / group.streams.heartbeat.interval.ms
  numStandbyReplicas(groupId: string): number // streams.num.standby.replicas / group.streams.num.standby.replicas
  rackAwareAssignmentTags(groupId: string): string[] // streams.rack.aware.assignment.tags / group.streams.rack.aware.assignment.tags
  initialRebalanceDelayMs(groupId: string): number // streams.initial.rebalance.delay.ms / group.streams.initial.rebalance.delay.ms
  assignmentIntervalMs(groupId: string): number // streams.assignment.interval.ms / group.streams.assignment.interval.ms
  readonly maxSize: number // group.streams.max.size
  readonly acceptableRecoveryLag: number // group.streams.acceptable.recovery.lag
  readonly taskOffsetIntervalMs: number // Kafka's streams.task.offset.interval.ms default
}

type Status = { statusCode: number; statusDetail: string }

export interface StreamsTopics {
  partitions(name: string): number | undefined
  // Creates an internal topic as Kafka's coordinator does through its auto-topic-creation
  // manager; returns an error message when the broker refused it.
  create(t: TopicToCreate): string | null
}

export interface StreamsDeps {
  groups: GroupContext
  clock: Clock
  logger: Logger
  config: StreamsGroupConfig
  topics: StreamsTopics
}

export type { StreamsHeartbeat } from './streams-validate.js'
export type { StreamsGroupDescription } from './streams-describe.js'

export interface StreamsHeartbeatResult {
  errorCode: number
  errorMessage: string | null
  memberId: string
  memberEpoch: number
  heartbeatIntervalMs: number
  acceptableRecoveryLag: number
  taskOffsetIntervalMs: number
  status: { statusCode: number; statusDetail: string }[] | null
  activeTasks: TaskList | null
  standbyTasks: TaskList | null
  warmupTasks: TaskList | null
  endpointInformationEpoch: number
  partitionsByUserEndpoint: ReturnType<typeof endpointPartitions> | null
}

export class StreamsGroupCoordinator {
  // The records of the operation under way, appended once it succeeds.
  private batch = new StreamsGroupBatch('')
  private readonly internalTopics: InternalTopicCreator

  constructor(private readonly deps: StreamsDeps) {
    this.internalTopics = new InternalTopicCreator(deps)
  }

  // After __consumer_offsets was replayed (which fills Group.streams): owners, static members and
  // the topology's configuration are rebuilt and every member's session starts again, as Kafka's
  // onLoaded does.
  load(groups: Iterable<Group> = this.deps.groups.groups.values()): void {
    for (const g of groups) {
      const data = g.streams
      if (!data) continue
      g.protocolType = 'streams'
      for (const m of [...data.members.values()]) {
        data.putMember(m)
        this.scheduleSessionTimeout(g.groupId, m)
      }
      if (data.topology) data.configured = configureTopics(data.topology, (n) => this.deps.topics.partitions(n))
      data.metadataSignature = metadataSignature(this.deps, data)
      data.assignmentConfigs = this.assignmentConfigs(g.groupId)
    }
  }

  heartbeat(req: StreamsHeartbeat): StreamsHeartbeatResult {
    try {
      validateStreamsHeartbeat(req)
      this.batch = new StreamsGroupBatch(req.groupId)
      const res = req.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH || req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH ? this.leave(req) : this.regularHeartbeat(req)
      this.batch.flush(this.deps.groups.store)
      return res
    } catch (err) {
      if (!(err instanceof HeartbeatError)) throw err
      return { ...emptyResult(req.memberId, 0), errorCode: err.code, errorMessage: err.message }
    }
  }

  // getOrMaybeCreateStreamsGroup: a join creates the group or takes over an empty group of another
  // type; anything else needs an existing streams group.
  private streamsGroup(groupId: string, create: boolean): StreamsGroupData {
    const g = this.deps.groups.group(groupId)
    if (!g || g.state === 'Dead') {
      if (!create) fail('GROUP_ID_NOT_FOUND', `Streams group ${groupId} not found.`)
    } else if (!g.streams) {
      const empty = g.state === 'Empty' && (g.consumer?.members.size ?? 0) === 0
      if (!create || !empty) fail('GROUP_ID_NOT_FOUND', `Group ${groupId} is not a streams group.`)
    }
    const group: Group = g && g.state !== 'Dead' ? g : this.deps.groups.getOrCreate(groupId)
    if (!group.streams) {
      group.streams = new StreamsGroupData()
      group.consumer = null
      group.protocolType = 'streams'
      group.protocolName = null
    }
    return group.streams
  }

  private regularHeartbeat(req: StreamsHeartbeat): StreamsHeartbeatResult {
    const joining = req.memberEpoch === 0
    const data = this.streamsGroup(req.groupId, joining)
    if (data.members.size >= this.deps.config.maxSize && !data.members.has(req.memberId)) {
      fail('GROUP_MAX_SIZE_REACHED', `The streams group has reached its maximum capacity of ${this.deps.config.maxSize} members.`)
    }
    const member = req.instanceId === null ? this.dynamicMember(data, req, joining) : this.staticMember(data, req, joining)
    const status: { statusCode: number; statusDetail: string }[] = []
    const epochBefore = data.groupEpoch
    const isNew = !data.members.has(member.memberId)
    let bump = joining && isNew
    // A new group waits group.streams.initial.rebalance.delay.ms for more members before its first
    // assignment (Kafka's ASSIGNMENT_DELAYED); the delay is not kept across a restart.
    if (joining && data.groupEpoch === 0 && data.members.size === 0) data.assignmentDelayedUntil = this.deps.clock.now() + this.deps.config.initialRebalanceDelayMs(req.groupId)
    if (joining && this.maybeUpdateTopology(req, data, status)) {
      bump = true
      this.batch.topology(data)
    }
    const updated: StreamsMember = {
      ...member,
      instanceId: req.instanceId ?? member.instanceId,
      rackId: req.rackId ?? member.rackId,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs !== -1 ? req.rebalanceTimeoutMs : member.rebalanceTimeoutMs,
      topologyEpoch: req.topology?.epoch ?? member.topologyEpoch,
      processId: req.processId ?? member.processId,
      userEndpoint: req.userEndpoint ?? member.userEndpoint,
      clientTags: req.clientTags ?? member.clientTags,
      taskOffsets: req.taskOffsets ?? member.taskOffsets,
      taskEndOffsets: req.taskEndOffsets ?? member.taskEndOffsets,
      clientId: req.clientId,
      clientHost: req.clientHost,
    }
    bump ||= updated.processId !== member.processId || updated.topologyEpoch !== member.topologyEpoch || !sameEndpoint(updated, member)
    if (isNew) this.deps.logger.info({ group: req.groupId, member: updated.memberId }, 'member joined the streams group')
    if (isNew || !sameMetadata(member, updated)) this.batch.member(updated)
    data.putMember(updated)
    if (req.shutdownApplication) this.requestShutdown(req.groupId, data, updated.memberId)
    bump = this.assignmentConfigsChanged(req.groupId, data) || bump
    configure(this.deps, data, bump)
    const topicStatus = this.internalTopics.maybeCreate(req.groupId, data.configured?.toCreate ?? [], data.configured?.status ?? null,
      req.mayCreateTopic ?? (() => true), 2 * this.deps.config.heartbeatIntervalMs(req.groupId))
    assignOrDelay(this.deps, this.batch, req.groupId, data, status)
    const target = data.targetAssignment.get(updated.memberId) ?? noTasks()
    const reconciled = reconcile(data, updated, data.assignmentEpoch, target, ownedTasks(req))
    if (reconciled !== updated) data.putMember(reconciled)
    if (data.groupEpoch !== epochBefore) this.batch.metadata(data)
    if (isNew || !sameCurrent(member, reconciled)) this.batch.current(reconciled)
    // Interactive Queries' view changes only when a member with an endpoint gets other tasks.
    if (!sameTasks(member.assigned, reconciled.assigned) && reconciled.userEndpoint !== null) data.endpointInformationEpoch++
    this.scheduleRebalanceTimeout(req.groupId, data, updated, reconciled)
    this.scheduleSessionTimeout(req.groupId, reconciled)
    return this.response(req, data, member, reconciled, status, topicStatus)
  }

  // A joining member brings the topology (GroupMetadataManager.maybeUpdateTopology of Kafka 4.4):
  // the group takes the first one and keeps it (emptied groups too: a new topology needs a new or
  // deleted group); a member behind the group's topology epoch is told STALE_TOPOLOGY and gets no
  // tasks; any other topology is INVALID_REQUEST "Topology updates are not supported yet.", as
  // Kafka 4.4.0 answers it (KAFKA-21370 makes the same-epoch case STREAMS_INVALID_TOPOLOGY_EPOCH
  // from Kafka 4.5).
  private maybeUpdateTopology(req: StreamsHeartbeat, data: StreamsGroupData, status: { statusCode: number; statusDetail: string }[]): boolean {
    const topology = req.topology!
    const current = data.topology
    if (current === null) {
      data.topology = topology
      data.configured = null
      this.deps.logger.info({ group: req.groupId, topologyEpoch: topology.epoch }, 'streams group topology set')
      return true
    }
    if (current.epoch > topology.epoch) {
      status.push({ statusCode: StreamsStatus.STALE_TOPOLOGY, statusDetail: `The member's topology epoch ${topology.epoch} is behind the group's topology epoch ${current.epoch}.` })
      return false
    }
    if (!sameTopology(current, topology)) fail('INVALID_REQUEST', 'Topology updates are not supported yet.')
    return false
  }

  private dynamicMember(data: StreamsGroupData, req: StreamsHeartbeat, joining: boolean): StreamsMember {
    const m = data.members.get(req.memberId)
    if (!m) {
      if (!joining) fail('UNKNOWN_MEMBER_ID', `Member ${req.memberId} is not a member of group ${req.groupId}.`)
      return newStreamsMember(req.memberId)
    }
    if (joining) return { ...m, memberEpoch: 0, previousMemberEpoch: 0, state: 'stable', assigned: noTasks(), pendingRevocation: noTasks() }
    checkEpoch(m, req.memberEpoch, ownedTasks(req))
    return m
  }

  // A known instance id may rejoin under a new member id only after its previous member left
  // with epoch -2 (else UNRELEASED_INSTANCE_ID), taking over its target.
  private staticMember(data: StreamsGroupData, req: StreamsHeartbeat, joining: boolean): StreamsMember {
    const existing = data.staticMembers.has(req.instanceId!) ? data.members.get(data.staticMembers.get(req.instanceId!)!) : undefined
    if (joining) {
      if (!existing) return data.members.get(req.memberId) ?? newStreamsMember(req.memberId)
      if (existing.memberId === req.memberId) return { ...existing, memberEpoch: 0, previousMemberEpoch: 0, state: 'stable', assigned: noTasks(), pendingRevocation: noTasks() }
      if (existing.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
        fail('UNRELEASED_INSTANCE_ID', `Static member ${req.memberId} with instance id ${req.instanceId} cannot join the group because the instance id is owned by ${existing.memberId} member.`)
      }
      const target = data.targetAssignment.get(existing.memberId)
      data.removeMember(existing.memberId)
      this.batch.removeMember(existing.memberId)
      if (target) {
        data.targetAssignment.set(req.memberId, target)
        this.batch.target(data)
      }
      return { ...existing, memberId: req.memberId, memberEpoch: 0, previousMemberEpoch: 0, sessionTimer: null, rebalanceTimer: null, assigned: noTasks(), pendingRevocation: noTasks() }
    }
    if (!existing) fail('UNKNOWN_MEMBER_ID', `Instance id ${req.instanceId} is unknown.`)
    if (existing!.memberId !== req.memberId) fail('FENCED_INSTANCE_ID', `Static member ${req.memberId} with instance id ${req.instanceId} was fenced by member ${existing!.memberId}.`)
    checkEpoch(existing!, req.memberEpoch, ownedTasks(req))
    return existing!
  }

  private leave(req: StreamsHeartbeat): StreamsHeartbeatResult {
    const data = this.streamsGroup(req.groupId, false)
    const m = req.instanceId === null ? data.members.get(req.memberId) : data.members.get(data.staticMembers.get(req.instanceId) ?? '')
    if (!m) fail('UNKNOWN_MEMBER_ID', req.instanceId === null ? `Member ${req.memberId} is not a member of group ${req.groupId}.` : `Instance id ${req.instanceId} is unknown.`)
    if (req.instanceId !== null && m!.memberId !== req.memberId) fail('FENCED_INSTANCE_ID', `Static member ${req.memberId} with instance id ${req.instanceId} was fenced by member ${m!.memberId}.`)
    // Kafka's streamsGroupLeave records a leaving member's shutdown request too.
    if (req.shutdownApplication) this.requestShutdown(req.groupId, data, req.memberId)
    if (req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      // The static member keeps its tasks and target until it comes back or its session ends.
      m!.rebalanceTimer?.cancel()
      const left: StreamsMember = { ...m!, memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH, pendingRevocation: noTasks(), rebalanceTimer: null }
      data.putMember(left)
      this.batch.current(left)
      this.deps.logger.info({ group: req.groupId, member: req.memberId, instanceId: req.instanceId }, 'static member temporarily left the streams group')
    } else {
      this.deps.logger.info({ group: req.groupId, member: req.memberId }, 'member left the streams group')
      this.fence(req.groupId, data, m!)
    }
    return emptyResult(req.memberId, req.memberEpoch)
  }

  // streamsGroupFenceMember: the member goes and the group epoch moves on.
  private fence(groupId: string, data: StreamsGroupData, m: StreamsMember): void {
    data.removeMember(m.memberId)
    this.batch.removeMember(m.memberId)
    if (m.userEndpoint !== null) data.endpointInformationEpoch++
    data.groupEpoch++
    if (data.members.size === 0) data.shutdownRequestMemberId = null
    configure(this.deps, data, false)
    this.batch.metadata(data)
    if (data.members.size === 0) {
      // streamsGroupFenceMember: the last member gone, the target metadata moves to the new
      // epoch with timestamp 0, so the next member's target is computed at once.
      data.assignmentEpoch = data.groupEpoch
      data.assignmentTimestamp = 0
      this.batch.targetMetadata(data)
    }
  }

  // Kafka's streamsGroupAssignmentConfigs: what the assignor is configured with for the group.
  private assignmentConfigs(groupId: string): string {
    return `num.standby.replicas=${this.deps.config.numStandbyReplicas(groupId)};rack.aware.assignment.tags=${this.deps.config.rackAwareAssignmentTags(groupId).join(',')}`
  }

  // As Kafka's streamsGroupHeartbeat: when the assignment configs differ from those of the last
  // group epoch (an IncrementalAlterConfigs on the group or the broker), the epoch moves on and the
  // assignment is computed again ("Assignment configurations changed ... Triggering rebalance").
  // Rivulet keeps them in memory (taken at load), where Kafka also stores them in the metadata
  // record, so a change made while the broker was down is applied at the next rebalance instead.
  private assignmentConfigsChanged(groupId: string, data: StreamsGroupData): boolean {
    const current = this.assignmentConfigs(groupId)
    if (current === data.assignmentConfigs) return false
    const changed = data.assignmentConfigs !== null
    data.assignmentConfigs = current
    if (changed) this.deps.logger.info({ group: groupId, configs: current }, 'streams group assignment configs changed: rebalancing')
    return changed
  }

  // StreamsGroup.setShutdownRequestMemberId: the first member that asks is the one named, until the
  // group empties.
  private requestShutdown(groupId: string, data: StreamsGroupData, memberId: string): void {
    if (data.shutdownRequestMemberId !== null) return
    data.shutdownRequestMemberId = memberId
    this.deps.logger.info({ group: groupId, member: memberId }, 'a streams member requested the shutdown of the application')
  }

  private response(req: StreamsHeartbeat, data: StreamsGroupData, before: StreamsMember, after: StreamsMember, status: Status[], topicStatus: Status | null): StreamsHeartbeatResult {
    if (topicStatus) status.push(topicStatus)
    if (data.shutdownRequestMemberId !== null) {
      status.push({ statusCode: StreamsStatus.SHUTDOWN_APPLICATION, statusDetail: `Streams group member ${data.shutdownRequestMemberId} encountered a fatal error and requested a shutdown for the entire application.` })
    }
    const missingTags = missingClientTags(this.deps, req, after)
    if (missingTags) status.push(missingTags)
    const full = req.memberEpoch === 0 || req.activeTasks === null
    const changed = !sameTasks(before.assigned, after.assigned)
    const send = full || changed
    const endpoints = req.endpointInformationEpoch < data.endpointInformationEpoch ? endpointPartitions(data) : null
    return {
      ...emptyResult(after.memberId, after.memberEpoch),
      heartbeatIntervalMs: this.deps.config.heartbeatIntervalMs(req.groupId),
      acceptableRecoveryLag: this.deps.config.acceptableRecoveryLag,
      taskOffsetIntervalMs: this.deps.config.taskOffsetIntervalMs,
      status,
      activeTasks: send ? toList(after.assigned.active) : null,
      standbyTasks: send ? toList(after.assigned.standby) : null,
      warmupTasks: send ? toList(after.assigned.warmup) : null,
      endpointInformationEpoch: data.endpointInformationEpoch,
      partitionsByUserEndpoint: endpoints,
    }
  }

  private scheduleSessionTimeout(groupId: string, m: StreamsMember): void {
    m.sessionTimer?.cancel()
    const ms = this.deps.config.sessionTimeoutMs(groupId)
    const member = m.memberId
    m.sessionTimer = this.deps.clock.schedule(ms, () => this.expire(groupId, member, 'session timeout expired'))
  }

  // A member asked to revoke tasks must do so within its rebalance timeout, or it is fenced.
  private scheduleRebalanceTimeout(groupId: string, data: StreamsGroupData, before: StreamsMember, after: StreamsMember): void {
    const m = data.members.get(after.memberId)!
    if (after.state !== 'unrevoked_tasks') {
      m.rebalanceTimer?.cancel()
      m.rebalanceTimer = null
      return
    }
    if (before.state === 'unrevoked_tasks' && before.memberEpoch === after.memberEpoch && m.rebalanceTimer) return
    m.rebalanceTimer?.cancel()
    const epoch = after.memberEpoch
    m.rebalanceTimer = this.deps.clock.schedule(Math.max(0, after.rebalanceTimeoutMs), () => {
      const now = data.members.get(after.memberId)
      if (now && now.state === 'unrevoked_tasks' && now.memberEpoch === epoch) this.expire(groupId, after.memberId, 'rebalance timeout expired')
    })
  }

  private expire(groupId: string, memberId: string, why: string): void {
    const data = this.deps.groups.group(groupId)?.streams
    const m = data?.members.get(memberId)
    if (!data || !m) return
    this.deps.logger.info({ group: groupId, member: memberId }, `streams group member removed: ${why}`)
    this.batch = new StreamsGroupBatch(groupId)
    this.fence(groupId, data, m)
    this.batch.flush(this.deps.groups.store)
  }

  describe(groupId: string): StreamsGroupDescription | { errorCode: number; errorMessage: string } {
    const g = this.deps.groups.group(groupId)
    if (!g || g.state === 'Dead') return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${groupId} not found.` }
    if (!g.streams) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${groupId} is not a streams group.` }
    return describeStreamsGroup(groupId, g.streams, (n) => this.deps.topics.partitions(n))
  }

  // A group leaving this broker (its __consumer_offsets partition moved): its timers stop.
  unload(g: Group): void {
    for (const m of g.streams?.members.values() ?? []) {
      m.sessionTimer?.cancel()
      m.rebalanceTimer?.cancel()
    }
  }

  stop(): void {
    for (const g of this.deps.groups.groups.values()) {
      for (const m of g.streams?.members.values() ?? []) {
        m.sessionTimer?.cancel()
        m.rebalanceTimer?.cancel()
      }
    }
  }
}

function emptyResult(memberId: string, memberEpoch: number): StreamsHeartbeatResult {
  return {
    // As Kafka's generated response defaults: AcceptableRecoveryLag -1 ("not given"), an empty status.
    errorCode: 0, errorMessage: null, memberId, memberEpoch, heartbeatIntervalMs: 0, acceptableRecoveryLag: -1, taskOffsetIntervalMs: 0,
    status: [], activeTasks: null, standbyTasks: null, warmupTasks: null, endpointInformationEpoch: 0, partitionsByUserEndpoint: null,
  }
}
