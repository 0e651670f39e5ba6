// KIP-932 share-group membership (Kafka 4.4's GroupMetadataManager share paths):
// ShareGroupHeartbeat joins (epoch 0, the client picks its member id), heartbeats and leaves (-1).
// A join or a subscription change bumps the group epoch; a group epoch past the assignment epoch
// computes a new target with the simple assignor; the member then takes its target at once (share
// groups have no revocation). Sessions (share.session.timeout.ms) run on the broker's Clock. The
// partitions a member is assigned get their share-partition state initialized right away, as
// Kafka's coordinator initializes share-group state on assignment, so the start offset
// (share.auto.offset.reset) is fixed from the first heartbeat on.
//
// Not implemented: membership is kept in memory only (Kafka writes it to __consumer_offsets): after
// a restart members rejoin with epoch 0 (their first heartbeat answers UNKNOWN_MEMBER_ID), while
// the share-partition state, which is what must not be lost, is durable (share-state-store.ts).

import { ErrorCode } from '../../../protocol/errors.js'
import type { Clock } from '../../clock.js'
import type { Logger } from '../../logger.js'
import { canComputeNextTargetAssignment } from '../assignment-interval.js'
import { simpleAssign, type ShareAssignment, type ShareAssignorTopic } from './share-assignor.js'
import { assignmentList, sameAssignment, ShareGroup, type ShareMember } from './share-group.js'

export const LEAVE_GROUP_MEMBER_EPOCH = -1

export interface ShareGroupConfig {
  heartbeatIntervalMs(groupId: string): number
  sessionTimeoutMs(groupId: string): number
  assignmentIntervalMs(groupId: string): number // share.assignment.interval.ms / group.share.assignment.interval.ms
  readonly maxSize: number // group.share.max.size
}

export interface ShareTopics {
  byName(name: string): ShareAssignorTopic | undefined
  byId(id: string): ShareAssignorTopic | undefined
}

export interface ShareCoordinatorDeps {
  clock: Clock
  logger: Logger
  config: ShareGroupConfig
  topics: ShareTopics
  // A classic or consumer group holds this id (group ids are one namespace in Kafka).
  otherGroupType(groupId: string): boolean
  // The member was assigned these partitions: their share-partition state must exist.
  onAssigned(groupId: string, assignment: ShareAssignment): void
}

export interface ShareHeartbeat {
  groupId: string
  memberId: string
  memberEpoch: number
  rackId: string | null
  subscribedTopicNames: string[] | null
  clientId: string
  clientHost: string
}

export interface ShareHeartbeatResult {
  errorCode: number
  errorMessage: string | null
  memberId: string | null
  memberEpoch: number
  heartbeatIntervalMs: number
  assignment: { topicId: string; partitions: number[] }[] | null
}

export interface ShareGroupDescription {
  groupId: string
  state: string
  groupEpoch: number
  assignmentEpoch: number
  assignorName: string
  members: {
    memberId: string
    rackId: string | null
    memberEpoch: number
    clientId: string
    clientHost: string
    subscribedTopicNames: string[]
    assignment: { topicId: string; topicName: string; partitions: number[] }[]
  }[]
}

class HeartbeatError extends Error {
  constructor(readonly code: number, message: string) {
    super(message)
  }
}

const fail = (code: keyof typeof ErrorCode, message: string): never => {
  throw new HeartbeatError(ErrorCode[code], message)
}

// GroupCoordinatorService.throwIfShareGroupHeartbeatRequestIsInvalid.
function validate(req: ShareHeartbeat): void {
  const empty = (s: string | null) => s !== null && s.trim() === ''
  if (empty(req.memberId)) fail('INVALID_REQUEST', "MemberId can't be empty.")
  if (empty(req.groupId)) fail('INVALID_REQUEST', "GroupId can't be empty.")
  if (empty(req.rackId)) fail('INVALID_REQUEST', "RackId can't be empty.")
  if (req.memberEpoch === 0) {
    if (req.subscribedTopicNames === null || req.subscribedTopicNames.length === 0) fail('INVALID_REQUEST', 'SubscribedTopicNames must be set in first request.')
  } else if (req.memberEpoch < LEAVE_GROUP_MEMBER_EPOCH) {
    fail('INVALID_REQUEST', 'MemberEpoch is invalid.')
  }
}

export class ShareGroupCoordinator {
  readonly groups = new Map<string, ShareGroup>()

  constructor(private readonly deps: ShareCoordinatorDeps) {}

  group(groupId: string): ShareGroup | undefined {
    return this.groups.get(groupId)
  }

  restoreEmpty(groupId: string): void {
    if (!this.groups.has(groupId) && !this.deps.otherGroupType(groupId)) this.groups.set(groupId, new ShareGroup(groupId))
  }

  heartbeat(req: ShareHeartbeat): ShareHeartbeatResult {
    try {
      validate(req)
      return req.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH ? this.leave(req) : this.regular(req)
    } catch (err) {
      if (!(err instanceof HeartbeatError)) throw err
      return { errorCode: err.code, errorMessage: err.message, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null }
    }
  }

  // getOrMaybeCreatePersistedShareGroup.
  private shareGroup(groupId: string, create: boolean): ShareGroup {
    if (this.deps.otherGroupType(groupId)) fail('GROUP_ID_NOT_FOUND', `Group ${groupId} is not a share group.`)
    let g = this.groups.get(groupId)
    if (!g) {
      if (!create) fail('GROUP_ID_NOT_FOUND', `Group ${groupId} not found.`)
      this.groups.set(groupId, (g = new ShareGroup(groupId)))
    }
    return g
  }

  private regular(req: ShareHeartbeat): ShareHeartbeatResult {
    const joining = req.memberEpoch === 0
    const g = this.shareGroup(req.groupId, joining)
    const max = this.deps.config.maxSize
    if (g.members.size >= max && !g.members.has(req.memberId)) fail('GROUP_MAX_SIZE_REACHED', `The share group has reached its maximum capacity of ${max} members.`)
    let m = g.members.get(req.memberId)
    if (!m) {
      if (!joining) fail('UNKNOWN_MEMBER_ID', `Member ${req.memberId} is not a member of group ${req.groupId}.`)
      m = { memberId: req.memberId, memberEpoch: 0, rackId: null, clientId: '', clientHost: '', subscribedTopicNames: [], assignment: new Map(), sessionTimer: null }
      this.deps.logger.info({ group: req.groupId, member: req.memberId }, 'member joined the share group')
    } else if (!joining && req.memberEpoch !== m.memberEpoch) {
      // throwIfShareGroupMemberEpochIsInvalid: a share member is never behind by design.
      fail('FENCED_MEMBER_EPOCH', `The share group member has a smaller member epoch (${req.memberEpoch}) than the one known by the group coordinator (${m.memberEpoch}). The member must abandon all its partitions and rejoin.`)
    }
    const before = m.assignment
    const names = req.subscribedTopicNames
    const subscriptionChanged = names !== null && (names.length !== m.subscribedTopicNames.length || names.some((n, i) => n !== m!.subscribedTopicNames[i]))
    const isNew = !g.members.has(m.memberId)
    m.rackId = req.rackId ?? m.rackId
    if (names !== null) m.subscribedTopicNames = [...names]
    m.clientId = req.clientId
    m.clientHost = req.clientHost
    g.members.set(m.memberId, m)
    const signature = this.signature(g)
    if (isNew || subscriptionChanged || signature !== g.signature) g.groupEpoch++
    g.signature = signature
    if (g.groupEpoch > g.assignmentEpoch && canComputeNextTargetAssignment(g.assignmentTimestamp, this.deps.config.assignmentIntervalMs(g.groupId), this.deps.clock.now())) this.computeTarget(g)
    m.assignment = g.targetAssignment.get(m.memberId) ?? new Map()
    m.memberEpoch = g.assignmentEpoch
    this.scheduleSessionTimeout(g, m)
    const changed = !sameAssignment(before, m.assignment)
    if (joining || changed) this.deps.onAssigned(g.groupId, m.assignment)
    return {
      errorCode: 0,
      errorMessage: null,
      memberId: m.memberId,
      memberEpoch: m.memberEpoch,
      heartbeatIntervalMs: this.deps.config.heartbeatIntervalMs(g.groupId),
      assignment: joining || changed ? assignmentList(m.assignment) : null,
    }
  }

  // shareGroupLeave: the member goes and the group epoch moves; the others get a new target at
  // their next heartbeat (within the assignment interval, assignment-interval.ts).
  private leave(req: ShareHeartbeat): ShareHeartbeatResult {
    const g = this.shareGroup(req.groupId, false)
    const m = g.members.get(req.memberId)
    if (!m) fail('UNKNOWN_MEMBER_ID', `Member ${req.memberId} is not a member of group ${req.groupId}.`)
    this.removeMember(g, m!, 'left')
    return { errorCode: 0, errorMessage: null, memberId: req.memberId, memberEpoch: LEAVE_GROUP_MEMBER_EPOCH, heartbeatIntervalMs: 0, assignment: null }
  }

  private removeMember(g: ShareGroup, m: ShareMember, why: string): void {
    m.sessionTimer?.cancel()
    g.members.delete(m.memberId)
    g.targetAssignment.delete(m.memberId)
    g.groupEpoch++
    // shareGroupFenceMember: the last member gone, the target moves to the new epoch with
    // timestamp 0, so the next member's target is computed at once.
    if (g.members.size === 0) {
      g.assignmentEpoch = g.groupEpoch
      g.assignmentTimestamp = 0
    }
    this.deps.logger.info({ group: g.groupId, member: m.memberId, why }, 'member left the share group')
  }

  private computeTarget(g: ShareGroup): void {
    const topics = new Map<string, ShareAssignorTopic>()
    const members = [...g.members.values()].map((m) => {
      const ids = new Set<string>()
      for (const name of m.subscribedTopicNames) {
        const t = this.deps.topics.byName(name)
        if (!t) continue
        topics.set(t.id, t)
        ids.add(t.id)
      }
      return { memberId: m.memberId, topicIds: ids }
    })
    g.targetAssignment.clear()
    for (const [id, a] of simpleAssign(members, topics)) g.targetAssignment.set(id, a)
    g.assignmentEpoch = g.groupEpoch
    g.assignmentTimestamp = this.deps.clock.now()
  }

  private scheduleSessionTimeout(g: ShareGroup, m: ShareMember): void {
    m.sessionTimer?.cancel()
    m.sessionTimer = this.deps.clock.schedule(this.deps.config.sessionTimeoutMs(g.groupId), () => {
      if (g.members.get(m.memberId) === m) this.removeMember(g, m, 'session timeout')
    })
  }

  // The subscribed topics as they resolve now (ids and partition counts): when a topic appears,
  // goes or grows, the group epoch moves and the target is recomputed, as Kafka's subscription
  // metadata refresh does.
  private signature(g: ShareGroup): string {
    return [...g.subscribedTopicNames()].sort().map((n) => {
      const t = this.deps.topics.byName(n)
      return t ? `${t.id}:${t.partitions}` : '-'
    }).join(',')
  }

  describe(groupId: string): ShareGroupDescription | { errorCode: number; errorMessage: string } {
    const g = this.groups.get(groupId)
    if (!g) {
      const message = this.deps.otherGroupType(groupId) ? `Group ${groupId} is not a share group.` : `Group ${groupId} not found.`
      return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: message }
    }
    return {
      groupId,
      state: g.state,
      groupEpoch: g.groupEpoch,
      assignmentEpoch: g.assignmentEpoch,
      assignorName: 'simple',
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId,
        rackId: m.rackId,
        memberEpoch: m.memberEpoch,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: m.subscribedTopicNames,
        assignment: assignmentList(m.assignment).map((t) => ({ ...t, topicName: this.deps.topics.byId(t.topicId)?.name ?? '' })),
      })),
    }
  }

  // ListGroups' view: type and protocol type "share" (ShareGroup.PROTOCOL_TYPE), states Empty and
  // Stable; filters as ListGroups applies them (case-insensitive).
  list(states: string[], types: string[]): { groupId: string; protocolType: string; state: string; type: string }[] {
    const ls = states.map((s) => s.toLowerCase().trim())
    const lt = types.map((s) => s.toLowerCase().trim())
    if (lt.length > 0 && !lt.includes('share')) return []
    return [...this.groups.values()]
      .filter((g) => ls.length === 0 || ls.includes(g.state.toLowerCase()))
      .map((g) => ({ groupId: g.groupId, protocolType: 'share', state: g.state, type: 'share' }))
  }

  isMember(groupId: string, memberId: string): boolean {
    return this.groups.get(groupId)?.members.has(memberId) ?? false
  }

  stop(): void {
    for (const g of this.groups.values()) for (const m of g.members.values()) m.sessionTimer?.cancel()
  }
}
