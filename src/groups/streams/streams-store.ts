// Durability of KIP-1071 streams groups: each heartbeat's changes go to `__consumer_offsets` as
// Kafka's streams group records (protocol/streams-group-records.ts), in one append per operation;
// replayStreamsRecord rebuilds the groups at start-up, so the topology, member epochs, tasks and
// targets survive a restart or a crash (StreamsGroupCoordinator.load rebuilds the derived state).

import { streamsGroupRecords as R, type StreamsGroupRecord, type StreamsTargetValue } from '../../../protocol/streams-group-records.js'
import type { Assignment } from '../consumer-group.js'
import type { GroupContext } from '../context.js'
import type { GroupStore } from '../group-store.js'
import { StreamsGroupData, newStreamsMember, type StreamsMember, type StreamsMemberState, type Tasks } from './streams-group.js'

// Kafka's streams MemberState codes.
const STATE_CODES: Record<StreamsMemberState, number> = { stable: 0, unrevoked_tasks: 1, unreleased_tasks: 2 }
const STATES: StreamsMemberState[] = ['stable', 'unrevoked_tasks', 'unreleased_tasks']

type TaskIds = { subtopologyId: string; partitions: number[] }[]

function toValue(a: Assignment): TaskIds {
  return [...a].filter(([, ps]) => ps.size > 0).map(([subtopologyId, ps]) => ({ subtopologyId, partitions: [...ps].sort((x, y) => x - y) }))
}

function fromValue(v: TaskIds): Assignment {
  return new Map(v.map((t) => [t.subtopologyId, new Set(t.partitions)]))
}

const tasksValue = (t: Tasks): StreamsTargetValue => ({ activeTasks: toValue(t.active), standbyTasks: toValue(t.standby), warmupTasks: toValue(t.warmup) })
const tasksFrom = (v: StreamsTargetValue): Tasks => ({ active: fromValue(v.activeTasks), standby: fromValue(v.standbyTasks), warmup: fromValue(v.warmupTasks) })

// The records of one operation on one group, appended together by flush().
export class StreamsGroupBatch {
  private readonly records: { key: Buffer; value: Buffer | null }[] = []
  constructor(private readonly groupId: string) {}

  metadata(data: StreamsGroupData): void {
    this.records.push(R.metadata(this.groupId, { epoch: data.groupEpoch, metadataHash: 0n, validatedTopologyEpoch: data.configured?.tasks ? data.configured.epoch : -1 }))
  }

  topology(data: StreamsGroupData): void {
    if (data.topology) this.records.push(R.topology(this.groupId, data.topology))
  }

  member(m: StreamsMember): void {
    this.records.push(R.member(this.groupId, m.memberId, {
      instanceId: m.instanceId, rackId: m.rackId, clientId: m.clientId, clientHost: m.clientHost, rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      topologyEpoch: m.topologyEpoch, processId: m.processId, userEndpoint: m.userEndpoint, clientTags: m.clientTags,
    }))
  }

  current(m: StreamsMember): void {
    const a = tasksValue(m.assigned)
    const p = tasksValue(m.pendingRevocation)
    this.records.push(R.current(this.groupId, m.memberId, {
      memberEpoch: m.memberEpoch, previousMemberEpoch: m.previousMemberEpoch, state: STATE_CODES[m.state], ...a,
      activeTasksPendingRevocation: p.activeTasks, standbyTasksPendingRevocation: p.standbyTasks, warmupTasksPendingRevocation: p.warmupTasks,
    }))
  }

  target(data: StreamsGroupData): void {
    for (const [memberId, t] of data.targetAssignment) this.records.push(R.target(this.groupId, memberId, tasksValue(t)))
    this.targetMetadata(data)
  }

  // The target metadata alone (an emptied group: its assignment epoch catches up, timestamp 0).
  targetMetadata(data: StreamsGroupData): void {
    this.records.push(R.targetEpoch(this.groupId, data.assignmentEpoch, data.assignmentTimestamp))
  }

  // Kafka's order: current assignment, target, member metadata tombstones.
  removeMember(memberId: string): void {
    this.records.push(R.current(this.groupId, memberId, null), R.target(this.groupId, memberId, null), R.member(this.groupId, memberId, null))
  }

  deleteGroup(): void {
    this.records.push(R.targetEpoch(this.groupId, null), R.topology(this.groupId, null), R.metadata(this.groupId, null))
  }

  flush(store: GroupStore): void {
    if (this.records.length > 0) store.writeRecords(this.groupId, this.records.splice(0))
  }
}

function streamsData(c: GroupContext, groupId: string): StreamsGroupData {
  const g = c.getOrCreate(groupId)
  if (!g.streams) {
    g.streams = new StreamsGroupData()
    g.consumer = null
  }
  return g.streams
}

function memberOf(data: StreamsGroupData, memberId: string): StreamsMember {
  let m = data.members.get(memberId)
  if (!m) data.members.set(memberId, (m = newStreamsMember(memberId)))
  return m
}

// GroupMetadataManager.replay for the streams group records.
export function replayStreamsRecord(c: GroupContext, rec: StreamsGroupRecord): void {
  if (rec.type === 'ignored') return
  if (rec.type === 'metadata' && rec.value === null) {
    const g = c.group(rec.group)
    if (g) g.streams = null
    return
  }
  const data = streamsData(c, rec.group)
  switch (rec.type) {
    case 'metadata':
      data.groupEpoch = rec.value!.epoch
      return
    case 'topology':
      data.topology = rec.value
      return
    case 'targetEpoch':
      if (rec.value) {
        data.assignmentEpoch = rec.value.assignmentEpoch
        data.assignmentTimestamp = Number(rec.value.assignmentTimestamp)
      }
      return
    case 'target':
      if (rec.value) data.targetAssignment.set(rec.memberId, tasksFrom(rec.value))
      else data.targetAssignment.delete(rec.memberId)
      return
    case 'member':
      if (rec.value === null) data.members.delete(rec.memberId)
      else Object.assign(memberOf(data, rec.memberId), rec.value)
      return
    case 'current': {
      if (rec.value === null) return
      const v = rec.value
      Object.assign(memberOf(data, rec.memberId), {
        memberEpoch: v.memberEpoch, previousMemberEpoch: v.previousMemberEpoch, state: STATES[v.state] ?? 'stable',
        assigned: tasksFrom(v),
        pendingRevocation: tasksFrom({ activeTasks: v.activeTasksPendingRevocation, standbyTasks: v.standbyTasksPendingRevocation, warmupTasks: v.warmupTasksPendingRevocation }),
      })
    }
  }
}
