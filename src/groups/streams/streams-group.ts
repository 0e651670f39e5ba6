// A KIP-1071 streams group's state (Kafka's StreamsGroup / StreamsGroupMember): members with their
// epochs, process ids and owned tasks (active, standby, warm-up), the topology and its
// configuration, the group epoch, the target assignment and its epoch, and which process owns
// each task. It hangs off the classic Group object (Group.streams), which keeps the committed
// offsets every group type shares. Mutated only by the StreamsGroupCoordinator; reconcile() is
// Kafka's streams CurrentAssignmentBuilder. Tasks are subtopology id → partitions, the same shape
// as a consumer group's topic id → partitions, so the Assignment helpers are shared.

import type { Timer } from '../../clock.js'
import { copyAssignment, type Assignment } from '../consumer-group.js'
import type { ConfiguredTopology, StreamsTopology } from './streams-topology.js'

export interface Tasks {
  active: Assignment
  standby: Assignment
  warmup: Assignment
}

export const noTasks = (): Tasks => ({ active: new Map(), standby: new Map(), warmup: new Map() })
export const copyTasks = (t: Tasks): Tasks => ({ active: copyAssignment(t.active), standby: copyAssignment(t.standby), warmup: copyAssignment(t.warmup) })
export const tasksEmpty = (t: Tasks) => [t.active, t.standby, t.warmup].every((a) => [...a.values()].every((ps) => ps.size === 0))

// Kafka's streams MemberState names, as the records and StreamsGroupDescribe carry them.
export type StreamsMemberState = 'stable' | 'unrevoked_tasks' | 'unreleased_tasks'

export interface StreamsMember {
  memberId: string
  instanceId: string | null
  rackId: string | null
  clientId: string
  clientHost: string
  memberEpoch: number
  previousMemberEpoch: number
  state: StreamsMemberState
  rebalanceTimeoutMs: number
  topologyEpoch: number
  processId: string
  userEndpoint: { host: string; port: number } | null
  clientTags: { key: string; value: string }[]
  taskOffsets: { subtopologyId: string; partition: number; offset: bigint }[]
  taskEndOffsets: { subtopologyId: string; partition: number; offset: bigint }[]
  assigned: Tasks
  pendingRevocation: Tasks
  sessionTimer: Timer | null
  rebalanceTimer: Timer | null
}

export function newStreamsMember(memberId: string): StreamsMember {
  return {
    memberId, instanceId: null, rackId: null, clientId: '', clientHost: '', memberEpoch: 0, previousMemberEpoch: 0, state: 'stable',
    rebalanceTimeoutMs: -1, topologyEpoch: 0, processId: '', userEndpoint: null, clientTags: [], taskOffsets: [], taskEndOffsets: [],
    assigned: noTasks(), pendingRevocation: noTasks(), sessionTimer: null, rebalanceTimer: null,
  }
}

// StreamsGroupState's names, as ListGroups and StreamsGroupDescribe show them.
export type StreamsGroupState = 'Empty' | 'NotReady' | 'Assigning' | 'Reconciling' | 'Stable'

export class StreamsGroupData {
  groupEpoch = 0
  assignmentEpoch = 0
  assignmentTimestamp = 0 // when the target was computed (ms; 0: the next one need not wait)
  topology: StreamsTopology | null = null
  configured: ConfiguredTopology | null = null
  // What the last configuration saw of the topics (names and partition counts): a change bumps
  // the group epoch (Kafka's metadata hash).
  metadataSignature = ''
  endpointInformationEpoch = 0
  // The member whose shutdownApplication request every member is told of (Kafka's
  // shutdownRequestMemberId), null when none; kept in memory only, as in Kafka.
  shutdownRequestMemberId: string | null = null
  // The assignment configs of the last group epoch (Kafka's lastAssignmentConfigs), null until the
  // first heartbeat.
  assignmentConfigs: string | null = null
  // Until then (broker clock) the first assignment waits (group.streams.initial.rebalance.delay.ms).
  assignmentDelayedUntil = 0
  assignmentPending = false // an assignment was held back by the delay
  readonly members = new Map<string, StreamsMember>()
  readonly staticMembers = new Map<string, string>() // instance id → member id
  readonly targetAssignment = new Map<string, Tasks>() // member id → its target
  // "subtopology:partition" → the process owning it as active / the processes holding it as standby or warm-up.
  private readonly activeOwner = new Map<string, string>()
  private readonly standbyOwners = new Map<string, Set<string>>()
  private readonly warmupOwners = new Map<string, Set<string>>()

  // StreamsGroup.maybeUpdateGroupState.
  state(): StreamsGroupState {
    if (this.members.size === 0) return 'Empty'
    if (this.configured === null || this.configured.tasks === null) return 'NotReady'
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning'
    for (const m of this.members.values()) if (m.state !== 'stable' || m.memberEpoch !== this.assignmentEpoch) return 'Reconciling'
    return 'Stable'
  }

  activeProcess(subtopology: string, partition: number): string | undefined {
    return this.activeOwner.get(`${subtopology}:${partition}`)
  }

  holdsStandbyOrWarmup(subtopology: string, partition: number, processId: string): boolean {
    const key = `${subtopology}:${partition}`
    return (this.standbyOwners.get(key)?.has(processId) ?? false) || (this.warmupOwners.get(key)?.has(processId) ?? false)
  }

  // Replaces a member, moving its tasks' owners (StreamsGroup.updateMember).
  putMember(m: StreamsMember): void {
    const old = this.members.get(m.memberId)
    if (old) this.release(old)
    this.members.set(m.memberId, m)
    if (m.instanceId !== null) this.staticMembers.set(m.instanceId, m.memberId)
    for (const t of [m.assigned, m.pendingRevocation]) {
      each(t.active, (k) => this.activeOwner.set(k, m.processId))
      each(t.standby, (k) => addTo(this.standbyOwners, k, m.processId))
      each(t.warmup, (k) => addTo(this.warmupOwners, k, m.processId))
    }
  }

  removeMember(memberId: string): StreamsMember | undefined {
    const m = this.members.get(memberId)
    if (!m) return undefined
    this.release(m)
    this.members.delete(memberId)
    this.targetAssignment.delete(memberId)
    if (m.instanceId !== null && this.staticMembers.get(m.instanceId) === memberId) this.staticMembers.delete(m.instanceId)
    m.sessionTimer?.cancel()
    m.rebalanceTimer?.cancel()
    return m
  }

  private release(m: StreamsMember): void {
    for (const t of [m.assigned, m.pendingRevocation]) {
      each(t.active, (k) => { if (this.activeOwner.get(k) === m.processId) this.activeOwner.delete(k) })
      each(t.standby, (k) => this.standbyOwners.get(k)?.delete(m.processId))
      each(t.warmup, (k) => this.warmupOwners.get(k)?.delete(m.processId))
    }
  }
}

function each(a: Assignment, f: (key: string) => void): void {
  for (const [s, ps] of a) for (const p of ps) f(`${s}:${p}`)
}

function addTo(m: Map<string, Set<string>>, k: string, v: string): void {
  const s = m.get(k)
  if (s) s.add(v)
  else m.set(k, new Set([v]))
}

export type OwnedTasks = Tasks | null

function ownsAny(owned: OwnedTasks, t: Tasks): boolean {
  if (owned === null) return true
  const hit = (o: Assignment, x: Assignment) => [...x].some(([s, ps]) => [...ps].some((p) => o.get(s)?.has(p) ?? false))
  return hit(owned.active, t.active) || hit(owned.standby, t.standby) || hit(owned.warmup, t.warmup)
}

// CurrentAssignmentBuilder.build: one reconciliation step of a member towards its target.
export function reconcile(group: StreamsGroupData, m: StreamsMember, targetEpoch: number, target: Tasks, owned: OwnedTasks): StreamsMember {
  switch (m.state) {
    case 'stable':
      return m.memberEpoch !== targetEpoch ? nextAssignment(group, m, m.memberEpoch, targetEpoch, target, owned) : m
    case 'unrevoked_tasks':
      if (ownsAny(owned, m.pendingRevocation)) return m
      return nextAssignment(group, m, m.memberEpoch + 1, targetEpoch, target, owned)
    case 'unreleased_tasks':
      return nextAssignment(group, m, m.memberEpoch, targetEpoch, target, owned)
  }
}

type Unreleased = (subtopology: string, partition: number) => boolean

// Kafka's computeAssignmentDifference for one task kind: kept = current ∩ target, revoke = the
// rest of current, add = target minus kept minus what is not released yet.
function diff(current: Assignment, target: Assignment, unreleased: Unreleased): { keep: Assignment; revoke: Assignment; add: Assignment; waiting: boolean } {
  const keep: Assignment = new Map()
  const revoke: Assignment = new Map()
  const add: Assignment = new Map()
  let waiting = false
  for (const s of new Set([...current.keys(), ...target.keys()])) {
    const want = target.get(s) ?? new Set<number>()
    const have = current.get(s) ?? new Set<number>()
    const k = new Set([...have].filter((p) => want.has(p)))
    const r = new Set([...have].filter((p) => !want.has(p)))
    const a = new Set<number>()
    for (const p of want) {
      if (k.has(p)) continue
      if (unreleased(s, p)) waiting = true
      else a.add(p)
    }
    if (k.size > 0) keep.set(s, k)
    if (r.size > 0) revoke.set(s, r)
    if (a.size > 0) add.set(s, a)
  }
  return { keep, revoke, add, waiting }
}

function nextAssignment(group: StreamsGroupData, m: StreamsMember, memberEpoch: number, targetEpoch: number, target: Tasks, owned: OwnedTasks): StreamsMember {
  const mine = (s: string, p: number) => group.holdsStandbyOrWarmup(s, p, m.processId)
  // An active task waits for its previous owner (any process) and for this process to drop a
  // standby or warm-up copy; a standby or warm-up task waits while this process still has the task.
  const active = diff(m.assigned.active, target.active, (s, p) => group.activeProcess(s, p) !== undefined || mine(s, p))
  const replica: Unreleased = (s, p) => group.activeProcess(s, p) === m.processId || mine(s, p)
  const standby = diff(m.assigned.standby, target.standby, replica)
  const warmup = diff(m.assigned.warmup, target.warmup, replica)
  const revoke: Tasks = { active: active.revoke, standby: standby.revoke, warmup: warmup.revoke }
  const keep: Tasks = { active: active.keep, standby: standby.keep, warmup: warmup.keep }
  const add: Tasks = { active: active.add, standby: standby.add, warmup: warmup.add }
  const waiting = active.waiting || standby.waiting || warmup.waiting
  const base = { ...m, previousMemberEpoch: m.memberEpoch }
  if (!tasksEmpty(revoke) && ownsAny(owned, revoke)) {
    return { ...base, state: 'unrevoked_tasks', memberEpoch, assigned: keep, pendingRevocation: revoke }
  }
  const merged: Tasks = { active: merge(keep.active, add.active), standby: merge(keep.standby, add.standby), warmup: merge(keep.warmup, add.warmup) }
  return { ...base, state: waiting ? 'unreleased_tasks' : 'stable', memberEpoch: targetEpoch, assigned: merged, pendingRevocation: noTasks() }
}

function merge(a: Assignment, b: Assignment): Assignment {
  const out = copyAssignment(a)
  for (const [s, ps] of b) out.set(s, new Set([...(out.get(s) ?? []), ...ps]))
  return out
}
