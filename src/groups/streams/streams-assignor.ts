// The `sticky` task assignor of streams groups (Kafka's streams.assignor.StickyTaskAssignor), as
// its results show: active tasks are balanced over members (stateful tasks first, then stateless
// ones, each kind spread on its own), a task stays with its previous owner while that member is
// under its quota, and the rest go to the least loaded process and, within it, its least loaded
// member; then each stateful task gets num.standby.replicas standbys on other processes,
// previous standby holders first, spread over the client tags named by rack.aware.assignment.tags
// (standby-tags.ts) before the tag-blind rules place the rest. Warm-up tasks are not assigned, as
// Kafka's StickyTaskAssignor assigns none: every task here is assigned active at once.

import type { Assignment } from '../consumer-group.js'
import { StandbyTagPicker, type Tags } from './standby-tags.js'
import type { Tasks } from './streams-group.js'

export interface AssignorMember {
  memberId: string
  processId: string
  clientTags?: Tags // the process's client tags (rack-aware standby placement)
  previous: Tasks // the member's current target (what it owns or is moving to)
}

export interface AssignorInput {
  tasks: Map<string, number> // subtopology id → number of tasks
  stateful: Set<string>
  members: AssignorMember[]
  numStandbyReplicas: number
  rackAwareTags?: readonly string[] // streams.rack.aware.assignment.tags, highest priority first
}

type TaskId = { subtopology: string; partition: number }

export function assignTasks(input: AssignorInput): Map<string, Tasks> {
  const out = new Map<string, Tasks>()
  const load = new Map<string, number>() // member id → tasks so far
  for (const m of input.members) {
    out.set(m.memberId, { active: new Map(), standby: new Map(), warmup: new Map() })
    load.set(m.memberId, 0)
  }
  if (input.members.length === 0) return out
  const stateful: TaskId[] = []
  const stateless: TaskId[] = []
  for (const [s, n] of [...input.tasks].sort(([a], [b]) => a.localeCompare(b))) {
    for (let p = 0; p < n; p++) (input.stateful.has(s) ? stateful : stateless).push({ subtopology: s, partition: p })
  }
  // Kafka sorts by partition then subtopology, so one member tends to get the same partition of
  // every subtopology (co-located state and repartitioned inputs).
  const order = (a: TaskId, b: TaskId) => a.partition - b.partition || a.subtopology.localeCompare(b.subtopology)
  assignActive(input, stateful.sort(order), out, load)
  assignActive(input, stateless.sort(order), out, load)
  if (input.numStandbyReplicas > 0) assignStandby(input, stateful, out, load)
  return out
}

function has(a: Assignment, t: TaskId): boolean {
  return a.get(t.subtopology)?.has(t.partition) ?? false
}

function add(a: Assignment, t: TaskId): void {
  const ps = a.get(t.subtopology)
  if (ps) ps.add(t.partition)
  else a.set(t.subtopology, new Set([t.partition]))
}

function assignActive(input: AssignorInput, tasks: TaskId[], out: Map<string, Tasks>, load: Map<string, number>): void {
  const quota = Math.ceil(tasks.length / input.members.length)
  const given = new Map<string, number>(input.members.map((m) => [m.memberId, 0]))
  const left: TaskId[] = []
  for (const t of tasks) {
    const prev = input.members.find((m) => has(m.previous.active, t))
    if (prev && given.get(prev.memberId)! < quota) give(prev.memberId, t)
    else left.push(t)
  }
  for (const t of left) {
    const prevStandby = input.members.find((m) => has(m.previous.standby, t) && given.get(m.memberId)! < quota)
    give((prevStandby ?? leastLoaded(input, load, () => true)).memberId, t)
  }
  function give(memberId: string, t: TaskId): void {
    add(out.get(memberId)!.active, t)
    given.set(memberId, given.get(memberId)! + 1)
    load.set(memberId, load.get(memberId)! + 1)
  }
}

// The least loaded process, then its least loaded member; ties by member id so the result is
// deterministic.
function leastLoaded(input: AssignorInput, load: Map<string, number>, ok: (m: AssignorMember) => boolean): AssignorMember {
  const processLoad = new Map<string, number>()
  for (const m of input.members) processLoad.set(m.processId, (processLoad.get(m.processId) ?? 0) + load.get(m.memberId)!)
  const candidates = input.members.filter(ok)
  candidates.sort((a, b) => processLoad.get(a.processId)! - processLoad.get(b.processId)! || load.get(a.memberId)! - load.get(b.memberId)! || a.memberId.localeCompare(b.memberId))
  return candidates[0]!
}

function assignStandby(input: AssignorInput, tasks: TaskId[], out: Map<string, Tasks>, load: Map<string, number>): void {
  const tags = new StandbyTagPicker(input.rackAwareTags ?? [], input.members, (m) => m.clientTags ?? {})
  for (const t of tasks) {
    const owners = input.members.filter((m) => has(out.get(m.memberId)!.active, t))
    const holders = new Set(owners.map((m) => m.processId))
    tags.startTask()
    for (const m of owners) tags.markUsed(m)
    for (let i = 0; i < input.numStandbyReplicas; i++) {
      const free = (m: AssignorMember) => !holders.has(m.processId)
      // Among the members that diversify the task's tags, if any; else among all free members.
      const pool = tags.enabled ? tags.candidates(free) : []
      const ok = pool.length > 0 ? (m: AssignorMember) => pool.includes(m) : free
      const prev = input.members.find((m) => ok(m) && has(m.previous.standby, t))
      if (!prev && !input.members.some(free)) break // fewer processes than replicas: Kafka logs and assigns fewer
      const m = prev ?? leastLoaded(input, load, ok)
      add(out.get(m.memberId)!.standby, t)
      load.set(m.memberId, load.get(m.memberId)! + 1)
      holders.add(m.processId)
      tags.markUsed(m)
    }
  }
}
