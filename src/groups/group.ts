// One classic consumer group: its state machine (Empty → PreparingRebalance → CompletingRebalance
// → Stable, and Dead), members, generation, selected protocol and committed offsets. Mutated only
// by the GroupCoordinator.

import { ErrorCode } from '../../protocol/errors.js'
import type { Timer } from '../clock.js'
import type { ConsumerGroupData } from './consumer-group.js'
import type { StreamsGroupData } from './streams/streams-group.js'

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead'

export interface JoinResult {
  errorCode: number
  generationId: number
  protocolType: string | null
  protocolName: string | null
  leader: string
  memberId: string
  skipAssignment: boolean
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[]
}

export interface SyncResult {
  errorCode: number
  protocolType: string | null
  protocolName: string | null
  assignment: Buffer
}

export interface Protocol {
  name: string
  metadata: Buffer
}

export class Member {
  assignment: Buffer = Buffer.alloc(0)
  joinWaiter: ((r: JoinResult) => void) | null = null
  syncWaiter: ((r: SyncResult) => void) | null = null
  heartbeatTimer: Timer | null = null
  // Set after a join until the member's SyncGroup arrives; used to evict members that never sync.
  awaitingSync = false
  // Joined but not yet through a completed join phase: such a member can expire while its JoinGroup
  // is parked (Kafka's ClassicGroupMember.isNew and group.new.member.join.timeout).
  isNew = false

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    public protocolType: string,
    public protocols: Protocol[],
  ) {}

  metadataFor(protocol: string | null): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? Buffer.alloc(0)
  }

  matches(protocols: readonly Protocol[]): boolean {
    return protocols.length === this.protocols.length && protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata))
  }
}

export interface CommittedOffset {
  offset: number
  leaderEpoch: number
  metadata: string
  commitTimestamp: number
  expireTimestamp: number // -1: governed by offsets.retention.minutes
  recordOffset?: number // where the commit lies in __consumer_offsets: the later write wins
}

export class Group {
  state: GroupState = 'Empty'
  generationId = 0
  protocolType: string | null = null
  protocolName: string | null = null
  leaderId: string | null = null
  readonly members = new Map<string, Member>()
  readonly staticMembers = new Map<string, string>() // group.instance.id -> member id
  readonly pendingMembers = new Map<string, Timer>() // ids handed out with MEMBER_ID_REQUIRED
  readonly offsets = new Map<string, CommittedOffset>()
  // TxnOffsetCommit offsets per producer id, committed by its transaction's commit marker.
  readonly pendingTxnOffsets = new Map<number, Map<string, CommittedOffset>>()
  joinTimer: Timer | null = null
  initialDelay = false // waiting out group.initial.rebalance.delay.ms: no early completion
  newMemberAdded = false // a member joined during the initial delay, which then extends it
  syncTimer: Timer | null = null
  currentStateTimestamp: number
  // Set while this is a KIP-848 consumer group (consumer-coordinator.ts); the classic fields then
  // stay those of an Empty group and only the committed offsets are shared.
  consumer: ConsumerGroupData | null = null
  // Set while this is a KIP-1071 streams group (streams/streams-coordinator.ts), as `consumer` is
  // for KIP-848 groups: the offsets stay here, shared with every group type.
  streams: StreamsGroupData | null = null

  constructor(readonly groupId: string, now: number) {
    this.currentStateTimestamp = now
  }

  transition(state: GroupState, now: number): void {
    this.state = state
    this.currentStateTimestamp = now
  }

  add(member: Member): void {
    if (this.members.size === 0) this.protocolType = member.protocolType
    this.members.set(member.memberId, member)
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId)
    if (this.leaderId === null) this.leaderId = member.memberId
  }

  remove(memberId: string): Member | undefined {
    const m = this.members.get(memberId)
    if (!m) return undefined
    m.heartbeatTimer?.cancel()
    this.members.delete(memberId)
    if (m.groupInstanceId !== null && this.staticMembers.get(m.groupInstanceId) === memberId) this.staticMembers.delete(m.groupInstanceId)
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null
    return m
  }

  // Protocols every member supports, each member voting for its most preferred one
  // (Kafka's GroupMetadata.selectProtocol); ties go to the first candidate.
  selectProtocol(): string | null {
    const all = [...this.members.values()]
    if (all.length === 0) return null
    const candidates = all[0]!.protocols.map((p) => p.name).filter((name) => all.every((m) => m.protocols.some((p) => p.name === name)))
    const votes = new Map<string, number>()
    for (const m of all) {
      const vote = m.protocols.find((p) => candidates.includes(p.name))
      if (vote) votes.set(vote.name, (votes.get(vote.name) ?? 0) + 1)
    }
    let best: string | null = null
    for (const name of candidates) if (best === null || (votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name
    return best
  }

  // Whether a joining member's protocols leave at least one protocol every member supports
  // (ClassicGroup.supportsProtocols: an Empty group takes any non-empty type and protocol list).
  supportsProtocols(protocolType: string, protocols: readonly Protocol[]): boolean {
    if (this.state === 'Empty') return protocolType !== '' && protocols.length > 0
    if (this.protocolType !== protocolType) return false
    return protocols.some((p) => [...this.members.values()].every((m) => m.protocols.some((q) => q.name === p.name)))
  }

  // ClassicGroup.validateMember: a group.instance.id must map to this member id (else the caller is
  // a fenced duplicate), checked before the member id itself.
  validateMember(memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId !== null) {
      const owner = this.staticMembers.get(groupInstanceId)
      if (owner === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
      if (owner !== memberId) return ErrorCode.FENCED_INSTANCE_ID
    }
    return this.members.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID
  }

  // ClassicGroup.maybeElectNewJoinedLeader: the leader must be a member that rejoined. False when
  // no member rejoined (the join phase cannot complete yet).
  electJoinedLeader(): boolean {
    if (this.leaderId === null) return false
    if (this.members.get(this.leaderId)?.joinWaiter) return true
    for (const m of this.members.values()) {
      if (m.joinWaiter) {
        this.leaderId = m.memberId
        return true
      }
    }
    return false
  }

  // PREPARING_REBALANCE's valid previous states.
  canRebalance(): boolean {
    return this.state === 'Stable' || this.state === 'CompletingRebalance' || this.state === 'Empty'
  }

  allJoined(): boolean {
    if (this.pendingMembers.size > 0) return false
    for (const m of this.members.values()) if (!m.joinWaiter) return false
    return true
  }

  maxRebalanceTimeout(): number {
    let max = 0
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs)
    return max
  }
}

export function offsetKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`
}

export function splitOffsetKey(key: string): { topic: string; partition: number } {
  const at = key.lastIndexOf('\u0000')
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) }
}
