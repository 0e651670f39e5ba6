// What a streams heartbeat compares and checks of members and their tasks: Kafka's member epoch
// fencing (throwIfStreamsGroupMemberEpochIsInvalid), the tasks a request reports as owned, and
// whether a member's metadata or current assignment changed (and so needs a record).

import { sameAssignment, type Assignment } from '../consumer-group.js'
import { fail } from '../consumer-validate.js'
import type { StreamsMember, Tasks } from './streams-group.js'
import type { StreamsHeartbeat, TaskList } from './streams-validate.js'

// throwIfStreamsGroupMemberEpochIsInvalid: a member ahead of the coordinator, or behind it other
// than by one lost response (the previous epoch, owning a subset of its tasks), is fenced.
export function checkEpoch(m: StreamsMember, received: number, owned: Tasks | null): void {
  if (received > m.memberEpoch) {
    fail('FENCED_MEMBER_EPOCH', `The streams group member has a greater member epoch (${received}) than the one known by the group coordinator (${m.memberEpoch}). The member must abandon all its tasks and rejoin.`)
  } else if (received < m.memberEpoch && (received !== m.previousMemberEpoch || owned === null || !isSubset(owned, m.assigned))) {
    fail('FENCED_MEMBER_EPOCH', `The streams group member has a smaller member epoch (${received}) than the one known by the group coordinator (${m.memberEpoch}). The member must abandon all its tasks and rejoin.`)
  }
}

export function isSubset(owned: Tasks, assigned: Tasks): boolean {
  const sub = (a: Assignment, b: Assignment) => [...a].every(([s, ps]) => [...ps].every((p) => b.get(s)?.has(p) ?? false))
  return sub(owned.active, assigned.active) && sub(owned.standby, assigned.standby) && sub(owned.warmup, assigned.warmup)
}

export function ownedTasks(req: StreamsHeartbeat): Tasks | null {
  if (req.activeTasks === null || req.standbyTasks === null || req.warmupTasks === null) return null
  return { active: fromList(req.activeTasks), standby: fromList(req.standbyTasks), warmup: fromList(req.warmupTasks) }
}

export function fromList(l: TaskList): Assignment {
  return new Map(l.map((t) => [t.subtopologyId, new Set(t.partitions)]))
}

export function toList(a: Assignment): TaskList {
  return [...a].filter(([, ps]) => ps.size > 0).sort(([x], [y]) => x.localeCompare(y)).map(([subtopologyId, ps]) => ({ subtopologyId, partitions: [...ps].sort((x, y) => x - y) }))
}

export function sameTasks(a: Tasks, b: Tasks): boolean {
  return sameAssignment(a.active, b.active) && sameAssignment(a.standby, b.standby) && sameAssignment(a.warmup, b.warmup)
}

export function sameMetadata(a: StreamsMember, b: StreamsMember): boolean {
  return a.instanceId === b.instanceId && a.rackId === b.rackId && a.clientId === b.clientId && a.clientHost === b.clientHost &&
    a.rebalanceTimeoutMs === b.rebalanceTimeoutMs && a.topologyEpoch === b.topologyEpoch && a.processId === b.processId &&
    sameEndpoint(a, b) && JSON.stringify(a.clientTags) === JSON.stringify(b.clientTags)
}

export function sameCurrent(a: StreamsMember, b: StreamsMember): boolean {
  return a.memberEpoch === b.memberEpoch && a.previousMemberEpoch === b.previousMemberEpoch && a.state === b.state && sameTasks(a.assigned, b.assigned) && sameTasks(a.pendingRevocation, b.pendingRevocation)
}

export function sameEndpoint(a: StreamsMember, b: StreamsMember): boolean {
  return a.userEndpoint?.host === b.userEndpoint?.host && a.userEndpoint?.port === b.userEndpoint?.port
}
