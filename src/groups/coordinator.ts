// The classic group coordinator (Kafka 4's GroupMetadataManager / ClassicGroup, the same classic
// semantics as the older GroupCoordinator.scala, as clients observe them): the JoinGroup, SyncGroup,
// Heartbeat and LeaveGroup paths. The rebalance phases and timers are in rebalance.ts, offsets and
// group administration in offsets.ts, durability in group-store.ts. Every timer (session expiry,
// rebalance and sync timeouts, the initial rebalance delay, MEMBER_ID_REQUIRED expiry) runs on
// the broker's Clock, so tests drive them without sleeping.
//
// Deliberate difference: Kafka leaves a superseded JoinGroup/SyncGroup of the same member parked
// until the client gives up; here it is answered with REBALANCE_IN_PROGRESS, because responses on
// a connection leave in request order and a parked one would block that connection.

import crypto from 'node:crypto'
import { ErrorCode } from '../../protocol/errors.js'
import type { Clock } from '../clock.js'
import type { InternalTopic } from '../log/internal-topic.js'
import type { Logger } from '../logger.js'
import { Group, Member, type JoinResult, type Protocol, type SyncResult } from './group.js'
import type { GroupConfig, GroupContext } from './context.js'
import type { ClassicPathsOfConsumerGroups } from './consumer-classic.js'
import { GroupStore } from './group-store.js'
import { loadGroups, migrateLegacyLayout } from './offsets-load.js'
import {
  completeJoin, completeSync, currentJoinResult, joinError, maybeCompleteJoin, maybePrepareRebalanceOrCompleteJoin, memberList, prepareRebalance,
  releaseClassicMembers, removeMember, scheduleHeartbeat, syncError, tryPersist,
} from './rebalance.js'

export interface JoinRequest {
  groupId: string
  memberId: string
  groupInstanceId: string | null
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  protocolType: string
  protocols: Protocol[]
  clientId: string
  clientHost: string
  requireKnownMemberId: boolean // JoinGroup v4+ (KIP-394)
  supportsSkipAssignment: boolean // JoinGroup v9+ (KIP-814)
}

export interface SyncRequest {
  groupId: string
  generationId: number
  memberId: string
  groupInstanceId: string | null
  protocolType: string | null
  protocolName: string | null
  assignments: { memberId: string; assignment: Buffer }[]
}

export interface MemberIdentity {
  groupId: string
  generationId: number
  memberId: string
  groupInstanceId: string | null
}

export interface LeaveResult {
  errorCode: number
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[]
}

// Kafka's classicGroupNewMemberJoinTimeoutMs: a new member whose JoinGroup is parked cannot
// heartbeat, so it is dropped after this long (it retries if it is still there).
const NEW_MEMBER_JOIN_TIMEOUT_MS = 300_000

export interface GroupDeps {
  clock: Clock
  logger: Logger
  config: GroupConfig
  offsetsTopic: InternalTopic
  // A topic's id (committed offsets carry it, as in Kafka); undefined for an unknown topic.
  topicId?: (topic: string) => string | undefined
  // The data is in the layout of an older Rivulet (see GroupStore); called once it is migrated.
  legacyLayout?: boolean
  onLayoutMigrated?: () => void
}

export class GroupCoordinator implements GroupContext {
  readonly groups = new Map<string, Group>()
  readonly store: GroupStore
  readonly clock: Clock
  readonly logger: Logger
  readonly config: GroupConfig
  // Producer id → the groups holding its pending transactional offsets.
  readonly txnGroups = new Map<number, Set<string>>()
  // Classic members of KIP-848 consumer groups are served there (set by the broker's wiring).
  classicInConsumerGroups: ClassicPathsOfConsumerGroups | null = null

  constructor(private readonly deps: GroupDeps) {
    this.clock = deps.clock
    this.logger = deps.logger
    this.config = deps.config
    this.store = new GroupStore(deps.offsetsTopic, false, deps.topicId)
  }

  private consumerPaths(): ClassicPathsOfConsumerGroups {
    if (!this.classicInConsumerGroups) throw new Error('classic paths of consumer groups are not wired')
    return this.classicInConsumerGroups
  }

  private get now(): number {
    return this.clock.now()
  }

  load(): void {
    this.store.legacyLayout = this.deps.legacyLayout ?? false
    loadGroups(this)
    if (this.store.legacyLayout) {
      const moved = migrateLegacyLayout(this)
      if (moved > 0) this.logger.info({ groups: moved }, 'moved groups to the __consumer_offsets partitions Kafka assigns them')
      this.store.legacyLayout = false
      this.deps.onLayoutMigrated?.()
    }
    for (const g of this.groups.values()) for (const m of g.members.values()) scheduleHeartbeat(this, g, m)
  }

  // Over a shared store (issue 11 part 2): this broker became the leader of `partition` of
  // __consumer_offsets, whose local copy was just rebuilt: its groups are loaded again from it, as
  // Kafka's GroupCoordinator.onElection loads the partition. Returns the groups loaded, for the
  // consumer and streams coordinators to rebuild their derived state.
  loadPartition(partition: number): Group[] {
    this.unloadPartition(partition)
    loadGroups(this, partition)
    const loaded = [...this.groups.values()].filter((g) => this.store.partitionFor(g.groupId) === partition)
    for (const g of loaded) for (const m of g.members.values()) scheduleHeartbeat(this, g, m)
    return loaded
  }

  // The partition's lease is gone (GroupCoordinator.onResignation): its groups leave this broker,
  // parked JoinGroup/SyncGroup requests answer NOT_COORDINATOR and their timers stop. `also` stops
  // what the consumer and streams coordinators keep per group.
  unloadPartition(partition: number, also?: (g: Group) => void): void {
    for (const g of [...this.groups.values()]) {
      if (this.store.partitionFor(g.groupId) !== partition) continue
      releaseClassicMembers(g, ErrorCode.NOT_COORDINATOR)
      also?.(g)
      this.groups.delete(g.groupId)
    }
  }

  group(groupId: string): Group | undefined {
    return this.groups.get(groupId)
  }

  getOrCreate(groupId: string): Group {
    let g = this.groups.get(groupId)
    if (!g) {
      g = new Group(groupId, this.now)
      this.groups.set(groupId, g)
    }
    return g
  }

  join(req: JoinRequest): Promise<JoinResult> {
    if (req.groupId === '') return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID, req.memberId))
    const min = this.config.minSessionTimeoutMs
    const max = this.config.maxSessionTimeoutMs
    if (req.sessionTimeoutMs < min || req.sessionTimeoutMs > max) return Promise.resolve(joinError(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId))
    const unknown = req.memberId === ''
    let group = this.groups.get(req.groupId)
    if (!group) {
      if (!unknown) return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId))
      // Kafka commits a new group at once (an empty GroupMetadata record), whatever the join's outcome.
      group = this.getOrCreate(req.groupId)
      this.store.writeGroupState(group)
    }
    if (group.state === 'Dead') return Promise.resolve(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId))
    if (group.consumer || group.streams) {
      // A KIP-848 group: a live one takes the member as a classic member of the consumer group
      // (classicGroupJoinToConsumerGroup). A live KIP-1071 group has no such migration. An empty
      // one of either becomes classic again, as Kafka converts it.
      if (group.consumer && group.consumer.members.size > 0) return Promise.resolve(this.consumerPaths().join(group, req))
      if (group.streams && group.streams.members.size > 0) return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId))
      group.consumer = null
      group.streams = null
      group.protocolType = null
      if (!unknown) return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId))
    }
    if (!group.supportsProtocols(req.protocolType, req.protocols)) return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId))
    return unknown ? this.joinUnknown(group, req) : this.joinKnown(group, req)
  }

  private joinUnknown(group: Group, req: JoinRequest): Promise<JoinResult> {
    const memberId = `${req.groupInstanceId ?? req.clientId}-${crypto.randomUUID()}`
    if (req.groupInstanceId !== null) {
      const old = group.staticMembers.get(req.groupInstanceId)
      if (old !== undefined) return this.replaceStaticMember(group, old, memberId, req)
      return this.addAndRebalance(group, memberId, req)
    }
    if (req.requireKnownMemberId) {
      // KIP-394: the client must come back with this id; until then it is a pending member that
      // a rebalance waits for, and it expires after the session timeout.
      const timer = this.clock.schedule(req.sessionTimeoutMs, () => {
        if (!group.pendingMembers.delete(memberId)) return
        if (group.state === 'PreparingRebalance' && group.allJoined()) completeJoin(this, group)
      })
      group.pendingMembers.set(memberId, timer)
      return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId))
    }
    return this.addAndRebalance(group, memberId, req)
  }

  private joinKnown(group: Group, req: JoinRequest): Promise<JoinResult> {
    if (group.pendingMembers.has(req.memberId)) return this.addAndRebalance(group, req.memberId, req)
    const invalid = group.validateMember(req.memberId, req.groupInstanceId)
    if (invalid !== ErrorCode.NONE) return Promise.resolve(joinError(invalid, req.memberId))
    const member = group.members.get(req.memberId)!
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateThenRebalance(group, member, req)
      case 'CompletingRebalance':
        // Same metadata: the member probably missed the JoinGroup response; answer it again.
        if (member.matches(req.protocols)) return Promise.resolve(currentJoinResult(group, member.memberId))
        return this.updateThenRebalance(group, member, req)
      case 'Stable':
        // A leader's JoinGroup forces a rebalance (it may have seen topic metadata change).
        if (member.memberId === group.leaderId || !member.matches(req.protocols)) return this.updateThenRebalance(group, member, req)
        return Promise.resolve(currentJoinResult(group, member.memberId))
      default:
        return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId))
    }
  }

  private awaitJoin(member: Member): Promise<JoinResult> {
    member.joinWaiter?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId))
    return new Promise((resolve) => (member.joinWaiter = resolve))
  }

  // ClassicGroup.updateMember: client id and host stay those of the first join, as in Kafka.
  private update(member: Member, req: JoinRequest): void {
    member.protocols = req.protocols
    member.sessionTimeoutMs = req.sessionTimeoutMs
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs
  }

  private addAndRebalance(group: Group, memberId: string, req: JoinRequest): Promise<JoinResult> {
    group.pendingMembers.get(memberId)?.cancel()
    group.pendingMembers.delete(memberId)
    const member = new Member(memberId, req.groupInstanceId, req.clientId, req.clientHost, req.rebalanceTimeoutMs, req.sessionTimeoutMs, req.protocolType, req.protocols)
    member.isNew = true
    if (group.state === 'PreparingRebalance' && group.initialDelay) group.newMemberAdded = true
    group.add(member)
    const joined = this.awaitJoin(member)
    scheduleHeartbeat(this, group, member, NEW_MEMBER_JOIN_TIMEOUT_MS)
    maybePrepareRebalanceOrCompleteJoin(this, group)
    return joined
  }

  private updateThenRebalance(group: Group, member: Member, req: JoinRequest): Promise<JoinResult> {
    this.update(member, req)
    const joined = this.awaitJoin(member)
    maybePrepareRebalanceOrCompleteJoin(this, group)
    return joined
  }

  // KIP-345: a restarted static member takes over its old member's place (and assignment). In a
  // stable group whose selected protocol does not change, that needs no rebalance.
  private replaceStaticMember(group: Group, oldId: string, newId: string, req: JoinRequest): Promise<JoinResult> {
    const previousLeader = group.leaderId ?? ''
    const member = group.members.get(oldId)!
    // The old instance, if it is still waiting somewhere, is fenced now.
    member.joinWaiter?.(joinError(ErrorCode.FENCED_INSTANCE_ID, oldId))
    member.joinWaiter = null
    member.syncWaiter?.(syncError(ErrorCode.FENCED_INSTANCE_ID))
    member.syncWaiter = null
    group.members.delete(oldId)
    member.memberId = newId
    group.members.set(newId, member)
    group.staticMembers.set(req.groupInstanceId!, newId)
    if (group.leaderId === oldId) group.leaderId = newId
    scheduleHeartbeat(this, group, member)
    this.update(member, req)
    switch (group.state) {
      case 'Stable': {
        if ((group.protocolName ?? '') !== group.selectProtocol()) return this.awaitThen(member, () => prepareRebalance(this, group))
        this.store.writeGroupState(group)
        const base = { errorCode: 0, generationId: group.generationId, protocolType: group.protocolType, protocolName: group.protocolName, memberId: newId }
        // v9+ tells a static leader it leads but need not assign; older versions are answered
        // with the previous leader id so the member does not run a trivial assignment.
        if (!req.supportsSkipAssignment) return Promise.resolve({ ...base, leader: previousLeader, skipAssignment: false, members: [] })
        const leads = newId === group.leaderId
        return Promise.resolve({ ...base, leader: group.leaderId ?? '', skipAssignment: leads, members: leads ? memberList(group) : [] })
      }
      case 'CompletingRebalance':
        // The leader may already be assigning with the old member id: start over.
        return this.awaitThen(member, () => prepareRebalance(this, group))
      default:
        return this.awaitThen(member, () => maybeCompleteJoin(this, group))
    }
  }

  private awaitThen(member: Member, then: () => void): Promise<JoinResult> {
    const joined = this.awaitJoin(member)
    then()
    return joined
  }

  sync(req: SyncRequest): Promise<SyncResult> {
    if (req.groupId === '') return Promise.resolve(syncError(ErrorCode.INVALID_GROUP_ID))
    const group = this.groups.get(req.groupId)
    if (group?.consumer) return Promise.resolve(this.consumerPaths().sync(group, req))
    if (!group || group.state === 'Empty') return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID))
    if (group.state === 'Dead') return Promise.resolve(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE))
    const invalid = group.validateMember(req.memberId, req.groupInstanceId)
    if (invalid !== ErrorCode.NONE) return Promise.resolve(syncError(invalid))
    if (req.generationId !== group.generationId) return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION))
    const inconsistent = (asked: string | null, actual: string | null) => asked !== null && actual !== null && asked !== actual
    if (inconsistent(req.protocolType, group.protocolType) || inconsistent(req.protocolName, group.protocolName)) {
      return Promise.resolve(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL))
    }
    const member = group.members.get(req.memberId)!
    const assigned = (m: Member): SyncResult => ({ errorCode: 0, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment })
    switch (group.state) {
      case 'PreparingRebalance':
        return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS))
      case 'Stable':
        member.awaitingSync = false
        return Promise.resolve(assigned(member))
      default: {
        member.awaitingSync = false
        completeSync(member, syncError(ErrorCode.REBALANCE_IN_PROGRESS))
        const synced = new Promise<SyncResult>((resolve) => (member.syncWaiter = resolve))
        // Only the leader's assignments count; a follower's are ignored, as in Kafka. Members the
        // leader left out get an empty assignment.
        if (member.memberId === group.leaderId) {
          const given = new Map(req.assignments.map((a) => [a.memberId, a.assignment]))
          for (const m of group.members.values()) m.assignment = given.get(m.memberId) ?? Buffer.alloc(0)
          if (!tryPersist(this, group)) {
            // Kafka: a group record the log refuses (larger than max.message.bytes: huge member
            // metadata or assignments) fails every waiting SyncGroup and starts a new rebalance.
            for (const m of group.members.values()) {
              m.assignment = Buffer.alloc(0)
              if (completeSync(m, syncError(ErrorCode.UNKNOWN_SERVER_ERROR))) scheduleHeartbeat(this, group, m)
            }
            prepareRebalance(this, group)
            return synced
          }
          group.transition('Stable', this.now)
          for (const m of group.members.values()) if (completeSync(m, assigned(m))) scheduleHeartbeat(this, group, m)
        }
        return synced
      }
    }
  }

  heartbeat(req: MemberIdentity): number {
    if (req.groupId === '') return ErrorCode.INVALID_GROUP_ID
    const group = this.groups.get(req.groupId)
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID
    if (group.consumer) return this.consumerPaths().heartbeat(group, req)
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE
    const invalid = group.validateMember(req.memberId, req.groupInstanceId)
    if (invalid !== ErrorCode.NONE) return invalid
    if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    if (group.state === 'Empty') return ErrorCode.UNKNOWN_MEMBER_ID
    scheduleHeartbeat(this, group, group.members.get(req.memberId)!)
    // Heartbeats in CompletingRebalance are normal: consumers may send them before SyncGroup.
    return group.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE
  }

  // LeaveGroup: by member id, or (v3+) by group.instance.id with an empty member id, which is how
  // the Admin client removes static members.
  leave(groupId: string, members: { memberId: string; groupInstanceId: string | null }[]): LeaveResult {
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] }
    const group = this.groups.get(groupId)
    if (!group) return { errorCode: 0, members: members.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })) }
    if (group.state === 'Dead') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] }
    if (group.consumer) return this.consumerPaths().leave(group, members)
    let left = 0
    const results = members.map((req) => {
      const out = { memberId: req.memberId, groupInstanceId: req.groupInstanceId }
      let id = req.memberId
      if (id === '') {
        const owner = req.groupInstanceId === null ? undefined : group.staticMembers.get(req.groupInstanceId)
        if (owner === undefined) return { ...out, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }
        id = owner
      } else if (group.pendingMembers.has(id)) {
        group.pendingMembers.get(id)!.cancel()
        group.pendingMembers.delete(id)
        left++
        return { ...out, errorCode: 0 }
      } else {
        const invalid = group.validateMember(id, req.groupInstanceId)
        if (invalid !== ErrorCode.NONE) return { ...out, errorCode: invalid }
      }
      removeMember(group, group.members.get(id)!)
      this.logger.info({ group: groupId, member: id }, 'member left the group')
      left++
      return { ...out, errorCode: 0 }
    })
    if (left > 0) {
      if (group.state === 'Stable' || group.state === 'CompletingRebalance') prepareRebalance(this, group)
      else maybeCompleteJoin(this, group)
    }
    return { errorCode: 0, members: results }
  }

  // A commit keeps a member's session alive, as a heartbeat does.
  touch(group: Group, member: Member): void {
    scheduleHeartbeat(this, group, member)
  }

  // Shutdown (Kafka's onUnloaded): parked joins and syncs answer NOT_COORDINATOR so clients look
  // for the coordinator again. Called when the server starts closing and again on stop.
  answerWaiters(): void {
    for (const g of this.groups.values()) {
      for (const m of g.members.values()) {
        const join = m.joinWaiter
        m.joinWaiter = null
        join?.(joinError(ErrorCode.NOT_COORDINATOR, m.memberId))
        completeSync(m, syncError(ErrorCode.NOT_COORDINATOR))
      }
    }
  }

  stop(): void {
    this.answerWaiters()
    for (const g of this.groups.values()) {
      g.joinTimer?.cancel()
      g.syncTimer?.cancel()
      for (const t of g.pendingMembers.values()) t.cancel()
      for (const m of g.members.values()) m.heartbeatTimer?.cancel()
    }
  }
}
