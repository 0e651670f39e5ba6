// KIP-1071 streams groups (Kafka 4.4's GroupMetadataManager.streamsGroupHeartbeat and friends).
// StreamsGroupHeartbeat joins (epoch 0, with the topology), heartbeats, leaves (-1) and static
// leaves (-2); each heartbeat 1) updates the member, and the group's topology when the group
// takes a new one, bumping the group epoch, 2) configures the topology against the topics that
// exist (missing source topics, partition counts of internal topics) and creates the missing
// repartition and changelog topics with the configs the topology gives, 3) computes a new target
// assignment with the sticky task assignor when the group epoch passed the assignment epoch,
// 4) moves the member one reconciliation step towards its target (streams-group.ts), exactly as
// consumer groups do with partitions. Session and rebalance timeouts run on the broker's Clock.
//
// A streams group shares the classic Group object (and so its committed offsets) through
// Group.streams. Not implemented: group.streams.initial.rebalance.delay.ms (the first assignment
// is computed at once, as group.initial.rebalance.delay.ms=0 does for classic groups here) and
// persistence of the group in __consumer_offsets (members rejoin after a restart; offsets stay).

import { ErrorCode } from '../../../protocol/errors.js'
import type { Clock } from '../../clock.js'
import type { Logger } from '../../logger.js'
import { LEAVE_GROUP_MEMBER_EPOCH, LEAVE_GROUP_STATIC_MEMBER_EPOCH } from '../consumer-group.js'
import { HeartbeatError, fail } from '../consumer-validate.js'
import type { GroupContext } from '../context.js'
import type { Group } from '../group.js'
import { assignOrDelay, configure, metadataSignature } from './streams-planner.js'
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
  readonly maxSize: number // group.streams.max.size
  readonly acceptableRecoveryLag: number // group.streams.acceptable.recovery.lag
  readonly taskOffsetIntervalMs: number // Kafka's streams.task.offset.interval.ms default
}

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

  constructor(private readonly deps: StreamsDeps) {}

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
    if (req.shutdownApplication && !data.shutdownRequested) {
      data.shutdownRequested = true
      this.deps.logger.info({ group: req.groupId, member: updated.memberId }, 'a streams member requested the shutdown of the application')
    }
    configure(this.deps, this.batch, req.groupId, data, bump, req.mayCreateTopic)
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
    return this.response(req, data, member, reconciled, status)
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
    if (data.members.size === 0) data.shutdownRequested = false
    configure(this.deps, this.batch, groupId, data, false)
    this.batch.metadata(data)
  }

  private response(req: StreamsHeartbeat, data: StreamsGroupData, before: StreamsMember, after: StreamsMember, status: { statusCode: number; statusDetail: string }[]): StreamsHeartbeatResult {
    if (data.configured?.status) status.push(data.configured.status)
    if (data.shutdownRequested) status.push({ statusCode: StreamsStatus.SHUTDOWN_APPLICATION, statusDetail: 'A KafkaStreams instance encountered a fatal error and requested a shutdown for the entire application.' })
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
