// How a streams group's topology meets the topics and becomes tasks (the part of Kafka's
// streamsGroupHeartbeat between updating the member and reconciling it): the topology is configured
// against the topics that exist when the group epoch or those topics change, and a target
// assignment is computed with the sticky assignor once the group epoch passed the assignment
// epoch, the initial delay is over and the assignment interval passed. Records go to the
// operation's batch.

import type { Clock } from '../../clock.js'
import type { Logger } from '../../logger.js'
import { canComputeNextTargetAssignment } from '../assignment-interval.js'
import { assignTasks } from './streams-assignor.js'
import { noTasks, type StreamsGroupData, type Tasks } from './streams-group.js'
import type { StreamsGroupBatch } from './streams-store.js'
import { configureTopics, StreamsStatus } from './streams-topology.js'

export interface PlanDeps {
  clock: Clock
  logger: Logger
  config: { numStandbyReplicas(groupId: string): number; rackAwareAssignmentTags(groupId: string): string[]; assignmentIntervalMs(groupId: string): number }
  topics: { partitions(name: string): number | undefined }
}

// Configures the topology when the group epoch moves or the topics it reads changed (Kafka's
// metadata hash); a configuration change bumps the epoch. Missing internal topics are created by
// the heartbeat afterwards (internal-topics.ts), and the next configuration sees them.
export function configure(deps: PlanDeps, data: StreamsGroupData, bump: boolean): void {
  if (data.topology === null) {
    if (bump) data.groupEpoch++
    return
  }
  const signature = metadataSignature(deps, data)
  if (!bump && data.configured !== null && signature === data.metadataSignature) return
  data.configured = configureTopics(data.topology, (n) => deps.topics.partitions(n))
  data.metadataSignature = signature
  data.groupEpoch++
}

export function metadataSignature(deps: PlanDeps, data: StreamsGroupData): string {
  const names = new Set((data.topology?.subtopologies ?? []).flatMap((s) => [...s.sourceTopics, ...s.repartitionSourceTopics.map((r) => r.name), ...s.stateChangelogTopics.map((c) => c.name)]))
  return [...names].sort().map((n) => `${n}/${deps.topics.partitions(n) ?? '-'}`).join(',')
}

// While the initial delay runs, members move to the group epoch with no tasks (as on Kafka, where
// they get the group epoch and ASSIGNMENT_DELAYED); once it is over the epoch moves on and the
// first real assignment is computed.
export function assignOrDelay(deps: PlanDeps, batch: StreamsGroupBatch, groupId: string, data: StreamsGroupData, status: { statusCode: number; statusDetail: string }[]): void {
  const delayed = deps.clock.now() < data.assignmentDelayedUntil
  if (delayed) {
    status.push({ statusCode: StreamsStatus.ASSIGNMENT_DELAYED, statusDetail: 'Assignment delayed due to the configured initial rebalance delay.' })
    if (data.groupEpoch > data.assignmentEpoch) {
      data.targetAssignment.clear()
      for (const m of data.members.values()) data.targetAssignment.set(m.memberId, noTasks())
      data.assignmentEpoch = data.groupEpoch
      batch.target(data)
    }
    data.assignmentPending = true
    return
  }
  if (data.assignmentPending) {
    data.assignmentPending = false
    data.groupEpoch++
  }
  if (data.groupEpoch <= data.assignmentEpoch) return
  // The assignment interval (assignment-interval.ts): members keep reconciling towards the last
  // target and hear why, as Kafka's maybeUpdateStreamsTargetAssignment tells them.
  if (!canComputeNextTargetAssignment(data.assignmentTimestamp, deps.config.assignmentIntervalMs(groupId), deps.clock.now())) {
    status.push({ statusCode: StreamsStatus.ASSIGNMENT_DELAYED, statusDetail: 'Assignment delayed due to the configured assignment interval.' })
    return
  }
  computeTargetAssignment(deps, batch, groupId, data)
}

function computeTargetAssignment(deps: PlanDeps, batch: StreamsGroupBatch, groupId: string, data: StreamsGroupData): void {
  const configured = data.configured
  const epoch = data.topology?.epoch
  const members = [...data.members.values()].filter((m) => m.topologyEpoch === epoch)
  const target = configured?.tasks
    ? assignTasks({
      tasks: configured.tasks,
      stateful: configured.stateful,
      members: members.map((m) => ({
        memberId: m.memberId,
        processId: m.processId,
        clientTags: Object.fromEntries(m.clientTags.map((t) => [t.key, t.value])),
        previous: data.targetAssignment.get(m.memberId) ?? noTasks(),
      })),
      numStandbyReplicas: deps.config.numStandbyReplicas(groupId),
      rackAwareTags: deps.config.rackAwareAssignmentTags(groupId),
    })
    : new Map<string, Tasks>()
  data.targetAssignment.clear()
  for (const m of data.members.values()) data.targetAssignment.set(m.memberId, target.get(m.memberId) ?? noTasks())
  data.assignmentEpoch = data.groupEpoch
  data.assignmentTimestamp = deps.clock.now()
  batch.target(data)
}

// Kafka 4.4's streamsGroupHeartbeat (v1+): a member without a client tag that
// rack.aware.assignment.tags names is told so every heartbeat, as its standbys cannot be spread
// by that tag. The detail is Kafka's, the tags listed as Java prints a list.
export function missingClientTags(deps: PlanDeps, req: { groupId: string; apiVersion?: number }, member: { clientTags: { key: string }[] }): { statusCode: number; statusDetail: string } | null {
  if ((req.apiVersion ?? 1) < 1) return null
  const required = deps.config.rackAwareAssignmentTags(req.groupId)
  if (required.length === 0) return null
  const have = new Set(member.clientTags.map((t) => t.key))
  const missing = required.filter((t) => !have.has(t))
  if (missing.length === 0) return null
  return {
    statusCode: StreamsStatus.MISSING_CLIENT_TAGS,
    statusDetail: `Missing required client tags for rack-aware standby assignment: [${missing.join(', ')}]. Configure them via 'client.tag.<tagKey>' in your Streams config.`,
  }
}
