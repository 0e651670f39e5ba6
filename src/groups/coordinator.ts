// The classic group coordinator (Kafka's GroupCoordinator / ClassicGroup, as clients observe
// them): membership and rebalances. Offsets and group listing live in offsets.ts. Every timer
// (session expiry, rebalance and sync timeouts, MEMBER_ID_REQUIRED expiry) runs on the broker's
// Clock, so tests drive them without sleeping.

import crypto from 'node:crypto'
import { ErrorCode } from '../../protocol/errors.js'
import type { Broker } from '../broker.js'
import { Group, Member, type JoinResult, type Protocol, type SyncResult } from './group.js'
import { GroupStore } from './group-store.js'
import { loadGroups } from './offsets.js'

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

function joinError(errorCode: number, memberId = ''): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, skipAssignment: false, members: [] }
}

function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) }
}

export class GroupCoordinator {
  readonly groups = new Map<string, Group>()
  readonly store: GroupStore

  constructor(readonly broker: Broker) {
    this.store = new GroupStore(broker)
  }

  private get now(): number {
    return this.broker.clock.now()
  }

  load(): void {
    loadGroups(this)
    for (const g of this.groups.values()) for (const m of g.members.values()) this.scheduleHeartbeat(g, m)
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
    if (req.groupId === '') return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID))
    const min = this.broker.config.int('group.min.session.timeout.ms')
    const max = this.broker.config.int('group.max.session.timeout.ms')
    if (req.sessionTimeoutMs < min || req.sessionTimeoutMs > max) return Promise.resolve(joinError(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId))
    const unknown = req.memberId === ''
    let group = this.groups.get(req.groupId)
    if (!group) {
      if (!unknown) return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId))
      group = this.getOrCreate(req.groupId)
    }
    if (group.state === 'Dead') return Promise.resolve(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId))
    if (!group.supportsProtocols(req.protocolType, req.protocols)) return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId))
    return unknown ? this.joinUnknown(group, req) : this.joinKnown(group, req)
  }

  private joinUnknown(group: Group, req: JoinRequest): Promise<JoinResult> {
    const prefix = req.groupInstanceId ?? req.clientId
    const memberId = `${prefix}-${crypto.randomUUID()}`
    if (req.groupInstanceId !== null) {
      const old = group.staticMembers.get(req.groupInstanceId)
      if (old !== undefined) return this.replaceStaticMember(group, old, memberId, req)
      return this.addAndRebalance(group, memberId, req)
    }
    if (req.requireKnownMemberId) {
      // KIP-394: the client must come back with this id; until then it is a pending member that
      // a rebalance waits for, and it expires after the session timeout.
      const timer = this.broker.clock.schedule(req.sessionTimeoutMs, () => {
        group.pendingMembers.delete(memberId)
        this.maybeCompleteJoin(group)
      })
      group.pendingMembers.set(memberId, timer)
      return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId))
    }
    return this.addAndRebalance(group, memberId, req)
  }

  private joinKnown(group: Group, req: JoinRequest): Promise<JoinResult> {
    if (group.pendingMembers.has(req.memberId)) return this.addAndRebalance(group, req.memberId, req)
    const member = group.members.get(req.memberId)
    if (!member) return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId))
    if (req.groupInstanceId !== null && group.staticMembers.get(req.groupInstanceId) !== req.memberId) {
      return Promise.resolve(joinError(ErrorCode.FENCED_INSTANCE_ID, req.memberId))
    }
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateAndAwaitJoin(group, member, req)
      case 'CompletingRebalance':
        // Same metadata: the member probably missed the JoinGroup response; answer it again.
        if (member.matches(req.protocols)) return Promise.resolve(this.currentJoinResult(group, member.memberId))
        return this.updateAndRebalance(group, member, req)
      case 'Stable':
        if (member.memberId === group.leaderId || !member.matches(req.protocols)) return this.updateAndRebalance(group, member, req)
        return Promise.resolve(this.currentJoinResult(group, member.memberId))
      default:
        return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId))
    }
  }

  private currentJoinResult(group: Group, memberId: string, skipAssignment = false): JoinResult {
    const leader = memberId === group.leaderId
    return {
      errorCode: 0,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      memberId,
      skipAssignment,
      members: leader ? [...group.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadataFor(group.protocolName) })) : [],
    }
  }

  private awaitJoin(member: Member): Promise<JoinResult> {
    member.joinWaiter?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId))
    return new Promise((resolve) => (member.joinWaiter = resolve))
  }

  private update(member: Member, req: JoinRequest): void {
    member.protocols = req.protocols
    member.sessionTimeoutMs = req.sessionTimeoutMs
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs
    member.clientId = req.clientId
    member.clientHost = req.clientHost
  }

  private addAndRebalance(group: Group, memberId: string, req: JoinRequest): Promise<JoinResult> {
    group.pendingMembers.get(memberId)?.cancel()
    group.pendingMembers.delete(memberId)
    const member = new Member(memberId, req.groupInstanceId, req.clientId, req.clientHost, req.rebalanceTimeoutMs, req.sessionTimeoutMs, req.protocolType, req.protocols)
    group.add(member)
    const joined = this.awaitJoin(member)
    if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group)
    else this.prepareRebalance(group)
    return joined
  }

  private updateAndAwaitJoin(group: Group, member: Member, req: JoinRequest): Promise<JoinResult> {
    this.update(member, req)
    const joined = this.awaitJoin(member)
    this.maybeCompleteJoin(group)
    return joined
  }

  private updateAndRebalance(group: Group, member: Member, req: JoinRequest): Promise<JoinResult> {
    this.update(member, req)
    const joined = this.awaitJoin(member)
    this.prepareRebalance(group)
    return joined
  }

  // KIP-345: a restarted static member takes over its old member's place (and assignment). In a
  // stable group whose protocol does not change, that needs no rebalance.
  private replaceStaticMember(group: Group, oldId: string, newId: string, req: JoinRequest): Promise<JoinResult> {
    const member = group.members.get(oldId)!
    member.joinWaiter?.(joinError(ErrorCode.FENCED_INSTANCE_ID, oldId))
    member.joinWaiter = null
    member.syncWaiter?.(syncError(ErrorCode.FENCED_INSTANCE_ID))
    member.syncWaiter = null
    member.heartbeatTimer?.cancel()
    group.members.delete(oldId)
    member.memberId = newId
    group.members.set(newId, member)
    group.staticMembers.set(req.groupInstanceId!, newId)
    if (group.leaderId === oldId) group.leaderId = newId
    const protocolsBefore = group.protocolName
    this.update(member, req)
    switch (group.state) {
      case 'Stable':
        if (group.selectProtocol() === protocolsBefore) {
          this.persistGroup(group)
          this.scheduleHeartbeat(group, member)
          return Promise.resolve(this.currentJoinResult(group, newId, newId === group.leaderId))
        }
        return this.awaitThen(member, () => this.prepareRebalance(group))
      case 'CompletingRebalance':
        return this.awaitThen(member, () => this.prepareRebalance(group))
      default:
        return this.awaitThen(member, () => this.maybeCompleteJoin(group))
    }
  }

  private awaitThen(member: Member, then: () => void): Promise<JoinResult> {
    const joined = this.awaitJoin(member)
    then()
    return joined
  }

  private prepareRebalance(group: Group): void {
    if (group.state === 'CompletingRebalance') {
      for (const m of group.members.values()) {
        m.syncWaiter?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS))
        m.syncWaiter = null
      }
    }
    group.syncTimer?.cancel()
    group.joinTimer?.cancel()
    const wasEmpty = group.state === 'Empty'
    group.transition('PreparingRebalance', this.now)
    const initialDelay = this.broker.config.int('group.initial.rebalance.delay.ms')
    if (wasEmpty && initialDelay > 0) {
      // Kafka's InitialDelayedJoin: let more members of a new group arrive before the first
      // generation, so they are not assigned one by one.
      group.initialDelay = true
      group.joinTimer = this.broker.clock.schedule(Math.min(initialDelay, group.maxRebalanceTimeout()), () => this.completeJoin(group))
      return
    }
    group.joinTimer = this.broker.clock.schedule(group.maxRebalanceTimeout(), () => this.completeJoin(group))
    this.maybeCompleteJoin(group)
  }

  private maybeCompleteJoin(group: Group): void {
    if (group.state === 'PreparingRebalance' && !group.initialDelay && group.allJoined()) this.completeJoin(group)
  }

  private completeJoin(group: Group): void {
    group.joinTimer?.cancel()
    group.joinTimer = null
    group.initialDelay = false
    if (group.state !== 'PreparingRebalance') return
    // Dynamic members that did not rejoin within the rebalance timeout are gone; static members
    // keep their place until their session expires (KIP-345).
    for (const m of [...group.members.values()]) if (!m.joinWaiter && m.groupInstanceId === null) this.removeMember(group, m)
    group.generationId++
    if (group.members.size === 0) {
      group.protocolName = null
      group.transition('Empty', this.now)
      this.persistGroup(group)
      return
    }
    group.protocolName = group.selectProtocol()
    group.transition('CompletingRebalance', this.now)
    for (const m of group.members.values()) {
      m.awaitingSync = true
      const waiter = m.joinWaiter
      m.joinWaiter = null
      waiter?.(this.currentJoinResult(group, m.memberId))
      this.scheduleHeartbeat(group, m)
    }
    // Members that never send SyncGroup are removed after the rebalance timeout (KIP-?:
    // Kafka's pending-sync expiry), which starts another rebalance.
    const generation = group.generationId
    group.syncTimer = this.broker.clock.schedule(group.maxRebalanceTimeout(), () => this.expirePendingSync(group, generation))
  }

  private expirePendingSync(group: Group, generation: number): void {
    if (group.generationId !== generation) return
    if (group.state !== 'CompletingRebalance' && group.state !== 'Stable') return
    const late = [...group.members.values()].filter((m) => m.awaitingSync)
    if (late.length === 0) return
    for (const m of late) this.removeMember(group, m)
    this.afterMembersLeft(group)
  }

  sync(req: SyncRequest): Promise<SyncResult> {
    const group = this.groups.get(req.groupId)
    if (!group || group.state === 'Dead') return Promise.resolve(syncError(group ? ErrorCode.COORDINATOR_NOT_AVAILABLE : ErrorCode.UNKNOWN_MEMBER_ID))
    const member = group.members.get(req.memberId)
    if (!member) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID))
    if (req.groupInstanceId !== null && group.staticMembers.get(req.groupInstanceId) !== req.memberId) return Promise.resolve(syncError(ErrorCode.FENCED_INSTANCE_ID))
    if (req.generationId !== group.generationId) return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION))
    if ((req.protocolType !== null && req.protocolType !== group.protocolType) || (req.protocolName !== null && req.protocolName !== group.protocolName)) {
      return Promise.resolve(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL))
    }
    switch (group.state) {
      case 'PreparingRebalance':
        return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS))
      case 'Stable':
        member.awaitingSync = false
        this.scheduleHeartbeat(group, member)
        return Promise.resolve({ errorCode: 0, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment })
      case 'CompletingRebalance': {
        member.awaitingSync = false
        this.scheduleHeartbeat(group, member)
        const synced = new Promise<SyncResult>((resolve) => (member.syncWaiter = resolve))
        // Only the leader's assignments count; a follower's are ignored, as in Kafka.
        if (member.memberId === group.leaderId) {
          const given = new Map(req.assignments.map((a) => [a.memberId, a.assignment]))
          for (const m of group.members.values()) m.assignment = given.get(m.memberId) ?? Buffer.alloc(0)
          this.persistGroup(group)
          group.transition('Stable', this.now)
          for (const m of group.members.values()) {
            const waiter = m.syncWaiter
            m.syncWaiter = null
            waiter?.({ errorCode: 0, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment })
          }
        }
        return synced
      }
      default:
        return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID))
    }
  }

  heartbeat(req: MemberIdentity): number {
    const group = this.groups.get(req.groupId)
    if (!group || group.state === 'Empty') return ErrorCode.UNKNOWN_MEMBER_ID
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE
    const member = group.members.get(req.memberId)
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID
    if (req.groupInstanceId !== null && group.staticMembers.get(req.groupInstanceId) !== req.memberId) return ErrorCode.FENCED_INSTANCE_ID
    if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    this.scheduleHeartbeat(group, member)
    return group.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE
  }

  // LeaveGroup: by member id, or (v3+) by group.instance.id for static members.
  leave(groupId: string, members: { memberId: string; groupInstanceId: string | null }[]): { errorCode: number; members: { memberId: string; groupInstanceId: string | null; errorCode: number }[] } {
    const group = this.groups.get(groupId)
    if (!group || group.state === 'Dead') return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: members.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })) }
    let left = 0
    const results = members.map((req) => {
      let id = req.memberId
      if (req.groupInstanceId !== null) {
        const owner = group.staticMembers.get(req.groupInstanceId)
        if (owner === undefined) return { ...req, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }
        if (req.memberId !== '' && req.memberId !== owner) return { ...req, errorCode: ErrorCode.FENCED_INSTANCE_ID }
        id = owner
      }
      if (group.pendingMembers.has(id)) {
        group.pendingMembers.get(id)!.cancel()
        group.pendingMembers.delete(id)
        left++
        return { ...req, errorCode: 0 }
      }
      const m = group.members.get(id)
      if (!m) return { ...req, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }
      m.joinWaiter?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, id))
      m.joinWaiter = null
      this.removeMember(group, m)
      left++
      return { ...req, errorCode: 0 }
    })
    if (left > 0) this.afterMembersLeft(group)
    return { errorCode: 0, members: results }
  }

  private removeMember(group: Group, m: Member): void {
    m.syncWaiter?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS))
    m.syncWaiter = null
    group.remove(m.memberId)
  }

  private afterMembersLeft(group: Group): void {
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') this.prepareRebalance(group)
    else if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group)
  }

  scheduleHeartbeat(group: Group, member: Member): void {
    member.heartbeatTimer?.cancel()
    member.heartbeatTimer = this.broker.clock.schedule(member.sessionTimeoutMs, () => {
      if (group.members.get(member.memberId) !== member) return
      // A member waiting in JoinGroup or SyncGroup is alive by definition (Kafka's shouldKeepAlive).
      if (member.joinWaiter || member.syncWaiter) return this.scheduleHeartbeat(group, member)
      this.broker.logger.info({ group: group.groupId, member: member.memberId }, 'member session expired')
      this.removeMember(group, member)
      this.afterMembersLeft(group)
    })
  }

  persistGroup(group: Group): void {
    const members = group.state === 'Empty' || group.members.size === 0 ? [] : [...group.members.values()]
    this.store.writeGroup(group.groupId, {
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol: group.protocolName,
      leader: group.leaderId,
      currentStateTimestamp: BigInt(group.currentStateTimestamp),
      members: members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: m.metadataFor(group.protocolName),
        assignment: m.assignment,
      })),
    })
  }

  // Shutdown: pending joins and syncs are answered so clients move to the next coordinator.
  stop(): void {
    for (const g of this.groups.values()) {
      g.joinTimer?.cancel()
      g.syncTimer?.cancel()
      for (const t of g.pendingMembers.values()) t.cancel()
      for (const m of g.members.values()) {
        m.heartbeatTimer?.cancel()
        m.joinWaiter?.(joinError(ErrorCode.NOT_COORDINATOR, m.memberId))
        m.syncWaiter?.(syncError(ErrorCode.NOT_COORDINATOR))
        m.joinWaiter = null
        m.syncWaiter = null
      }
    }
  }
}
