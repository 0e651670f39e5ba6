// A KIP-848 consumer group's state (Kafka's ConsumerGroup / ConsumerGroupMember): members with
// their epochs and owned partitions, the group epoch, the target assignment and its epoch, and
// which member owns each partition at which epoch. It hangs off the classic Group object
// (Group.consumer), which keeps the committed offsets both group types share. Mutated only by the
// ConsumerGroupCoordinator; the reconciliation step is Kafka's CurrentAssignmentBuilder.

import { ErrorCode } from '../../protocol/errors.js'
import type { Timer } from '../clock.js'

// topic id → partitions
export type Assignment = Map<string, Set<number>>

// Kafka's MemberState as ConsumerGroupDescribe and the records name them.
export type MemberState = 'stable' | 'unrevoked_partitions' | 'unreleased_partitions'

// The group epoch a static member that left with epoch -2 keeps (LEAVE_GROUP_STATIC_MEMBER_EPOCH).
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2
export const LEAVE_GROUP_MEMBER_EPOCH = -1

export interface ConsumerMember {
  memberId: string
  instanceId: string | null
  rackId: string | null
  clientId: string
  clientHost: string
  memberEpoch: number
  previousMemberEpoch: number
  state: MemberState
  rebalanceTimeoutMs: number
  subscribedTopicNames: string[]
  subscribedTopicRegex: string | null
  serverAssignor: string | null
  assigned: Assignment
  pendingRevocation: Assignment
  sessionTimer: Timer | null
  rebalanceTimer: Timer | null
  // A member that speaks the classic protocol (JoinGroup/SyncGroup/Heartbeat) inside this consumer
  // group, after an online upgrade (Kafka's ClassicMemberMetadata); null for a consumer-protocol one.
  classic: ClassicMemberMetadata | null
  // Classic members only: must rejoin (join timeout) or sync (sync timeout) within the rebalance timeout.
  joinTimer: Timer | null
  syncTimer: Timer | null
}

export interface ClassicMemberMetadata {
  sessionTimeoutMs: number
  protocols: { name: string; metadata: Buffer }[]
}

export function newMember(memberId: string): ConsumerMember {
  return {
    memberId, instanceId: null, rackId: null, clientId: '', clientHost: '', memberEpoch: 0, previousMemberEpoch: 0, state: 'stable',
    rebalanceTimeoutMs: -1, subscribedTopicNames: [], subscribedTopicRegex: null, serverAssignor: null,
    assigned: new Map(), pendingRevocation: new Map(), sessionTimer: null, rebalanceTimer: null,
    classic: null, joinTimer: null, syncTimer: null,
  }
}

// ConsumerGroupState's names, as ListGroups and ConsumerGroupDescribe show them.
export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable'

export class ConsumerGroupData {
  groupEpoch = 0
  assignmentEpoch = 0
  assignmentTimestamp = 0 // when the target was computed (ms; 0: the next one need not wait)
  readonly members = new Map<string, ConsumerMember>()
  readonly staticMembers = new Map<string, string>() // instance id → member id
  readonly targetAssignment = new Map<string, Assignment>() // member id → its target
  // "topicId:partition" → the epoch of the member that owns it (assigned or pending revocation).
  readonly partitionEpochs = new Map<string, number>()
  // What the last epoch bump saw of the subscribed topics (names, ids, partition counts): a change
  // bumps the group epoch, as Kafka's subscription metadata does.
  subscriptionSignature = ''
  // The assignor of the last target assignment (ConsumerGroupDescribe's assignorName).
  assignorName = ''

  // ConsumerGroup.maybeUpdateGroupState.
  state(): ConsumerGroupState {
    if (this.members.size === 0) return 'Empty'
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning'
    for (const m of this.members.values()) {
      if (m.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH && (m.state !== 'stable' || m.memberEpoch !== this.assignmentEpoch)) return 'Reconciling'
    }
    return 'Stable'
  }

  currentPartitionEpoch(topicId: string, partition: number): number {
    return this.partitionEpochs.get(`${topicId}:${partition}`) ?? -1
  }

  // Replaces a member's record, moving its partitions' owner epochs (ConsumerGroup.updateMember).
  putMember(m: ConsumerMember): void {
    const old = this.members.get(m.memberId)
    if (old) this.releasePartitions(old)
    this.members.set(m.memberId, m)
    if (m.instanceId !== null) this.staticMembers.set(m.instanceId, m.memberId)
    for (const a of [m.assigned, m.pendingRevocation]) {
      for (const [topicId, ps] of a) for (const p of ps) this.partitionEpochs.set(`${topicId}:${p}`, m.memberEpoch)
    }
  }

  removeMember(memberId: string): ConsumerMember | undefined {
    const m = this.members.get(memberId)
    if (!m) return undefined
    this.releasePartitions(m)
    this.members.delete(memberId)
    this.targetAssignment.delete(memberId)
    if (m.instanceId !== null && this.staticMembers.get(m.instanceId) === memberId) this.staticMembers.delete(m.instanceId)
    cancelTimers(m)
    return m
  }

  classicMemberCount(): number {
    let n = 0
    for (const m of this.members.values()) if (m.classic) n++
    return n
  }

  // ConsumerGroup.supportsClassicProtocols: a classic member may join when it shares at least one
  // protocol with every classic member already in the group.
  supportsClassicProtocols(protocolType: string, names: string[]): boolean {
    if (protocolType !== 'consumer') return false
    const classics = [...this.members.values()].filter((m) => m.classic)
    return names.some((n) => classics.every((m) => m.classic!.protocols.some((p) => p.name === n)))
  }

  // ConsumerGroup.waitingOnUnreleasedPartition: a partition of the member's target is still owned
  // by another member, so rejoining would not get it yet.
  waitingOnUnreleasedPartition(m: ConsumerMember): boolean {
    const target = this.targetAssignment.get(m.memberId) ?? new Map<string, Set<number>>()
    for (const [topicId, ps] of target) {
      for (const p of ps) if (!(m.assigned.get(topicId)?.has(p) ?? false) && this.currentPartitionEpoch(topicId, p) !== -1) return true
    }
    return false
  }

  private releasePartitions(m: ConsumerMember): void {
    for (const a of [m.assigned, m.pendingRevocation]) {
      for (const [topicId, ps] of a) for (const p of ps) this.partitionEpochs.delete(`${topicId}:${p}`)
    }
  }

  staticMember(instanceId: string): ConsumerMember | undefined {
    const id = this.staticMembers.get(instanceId)
    return id === undefined ? undefined : this.members.get(id)
  }
}

// What the offset checks need of a KIP-848 or KIP-1071 group.
export interface EpochedMembers {
  readonly members: ReadonlyMap<string, { memberEpoch: number; classic?: unknown }>
}

// Member checks of OffsetCommit and TxnOffsetCommit (ConsumerGroup.validateOffsetCommit): an epoch
// < 0 is an admin or manual-assignment commit, allowed on an empty group only; otherwise the member
// must exist and send its current epoch. A consumer-protocol member must use OffsetCommit v9+; a
// classic one (online migration) may use any version. Streams groups pass their StreamsGroupData:
// Kafka's StreamsGroup.validateOffsetCommit makes the same member and epoch checks.
export function validateConsumerCommit(data: EpochedMembers, memberId: string, memberEpoch: number, version: number, transactional: boolean): number {
  if (memberEpoch < 0 && data.members.size === 0) return ErrorCode.NONE
  const m = data.members.get(memberId)
  if (!m) return ErrorCode.UNKNOWN_MEMBER_ID
  // A classic member inside a consumer group commits as a classic member does: its generation is
  // its member epoch, any OffsetCommit version, ILLEGAL_GENERATION on a mismatch.
  if (!transactional && !m.classic && version < 9) return ErrorCode.UNSUPPORTED_VERSION
  if (memberEpoch === m.memberEpoch) return ErrorCode.NONE
  return m.classic ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.STALE_MEMBER_EPOCH
}

// OffsetFetch v9+ (ConsumerGroup.validateOffsetFetch): a member epoch < 0 (the Admin client, a
// consumer without a group) is not checked; otherwise the member must exist at that epoch.
export function validateConsumerFetch(data: EpochedMembers, memberId: string | null, memberEpoch: number): number {
  if (memberEpoch < 0 || memberId === null) return ErrorCode.NONE
  const m = data.members.get(memberId)
  if (!m) return ErrorCode.UNKNOWN_MEMBER_ID
  return memberEpoch === m.memberEpoch ? ErrorCode.NONE : ErrorCode.STALE_MEMBER_EPOCH
}

export function cancelTimers(m: ConsumerMember): void {
  for (const t of [m.sessionTimer, m.rebalanceTimer, m.joinTimer, m.syncTimer]) t?.cancel()
}

export function copyAssignment(a: Assignment): Assignment {
  return new Map([...a].map(([t, ps]) => [t, new Set(ps)]))
}

export function sameAssignment(a: Assignment, b: Assignment): boolean {
  const nonEmpty = (x: Assignment) => [...x].filter(([, ps]) => ps.size > 0)
  const ea = nonEmpty(a)
  if (ea.length !== nonEmpty(b).length) return false
  return ea.every(([t, ps]) => {
    const other = b.get(t)
    return other !== undefined && other.size === ps.size && [...ps].every((p) => other.has(p))
  })
}

// Whether every owned partition is in the assignment (GroupMetadataManager.isSubset).
export function isSubset(owned: { topicId: string; partitions: number[] }[] | null, assignment: Assignment): boolean {
  if (owned === null) return false
  return owned.every((t) => t.partitions.every((p) => assignment.get(t.topicId)?.has(p) ?? false))
}

type Owned = { topicId: string; partitions: number[] }[] | null

function ownsAny(owned: Owned, partitions: Assignment): boolean {
  if (owned === null) return true
  return owned.some((t) => t.partitions.some((p) => partitions.get(t.topicId)?.has(p) ?? false))
}

// CurrentAssignmentBuilder.build: one reconciliation step of a member towards its target. A
// partition still owned by another member (at any epoch) is not given yet (UNRELEASED); partitions
// to revoke keep the member at its epoch until it stops reporting them (UNREVOKED).
export function reconcile(group: ConsumerGroupData, m: ConsumerMember, targetEpoch: number, target: Assignment, owned: Owned): ConsumerMember {
  switch (m.state) {
    case 'stable':
      return m.memberEpoch !== targetEpoch ? nextAssignment(group, m, m.memberEpoch, targetEpoch, target, owned) : m
    case 'unrevoked_partitions':
      if (ownsAny(owned, m.pendingRevocation)) return m
      return nextAssignment(group, m, m.memberEpoch + 1, targetEpoch, target, owned)
    case 'unreleased_partitions':
      return nextAssignment(group, m, m.memberEpoch, targetEpoch, target, owned)
  }
}

function nextAssignment(group: ConsumerGroupData, m: ConsumerMember, memberEpoch: number, targetEpoch: number, target: Assignment, owned: Owned): ConsumerMember {
  let unreleased = false
  const assigned: Assignment = new Map()
  const revoke: Assignment = new Map()
  const add: Assignment = new Map()
  for (const topicId of new Set([...target.keys(), ...m.assigned.keys()])) {
    const want = target.get(topicId) ?? new Set<number>()
    const have = m.assigned.get(topicId) ?? new Set<number>()
    const keep = new Set([...have].filter((p) => want.has(p)))
    const gone = new Set([...have].filter((p) => !keep.has(p)))
    const fresh = new Set<number>()
    for (const p of want) {
      if (keep.has(p)) continue
      if (group.currentPartitionEpoch(topicId, p) !== -1) unreleased = true
      else fresh.add(p)
    }
    if (keep.size > 0) assigned.set(topicId, keep)
    if (gone.size > 0) revoke.set(topicId, gone)
    if (fresh.size > 0) add.set(topicId, fresh)
  }
  const base = { ...m, previousMemberEpoch: m.memberEpoch }
  if (revoke.size > 0 && ownsAny(owned, revoke)) {
    return { ...base, state: 'unrevoked_partitions', memberEpoch, assigned, pendingRevocation: revoke }
  }
  for (const [topicId, ps] of add) assigned.set(topicId, new Set([...(assigned.get(topicId) ?? []), ...ps]))
  return { ...base, state: unreleased ? 'unreleased_partitions' : 'stable', memberEpoch: targetEpoch, assigned, pendingRevocation: new Map() }
}
