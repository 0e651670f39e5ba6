// What StreamsGroupDescribe shows of a streams group (StreamsGroup.asDescribedGroup), and the
// topic partitions each member's user endpoint serves, for Interactive Queries
// (EndpointToPartitionsManager: the source and repartition source topics' partition of each
// active and standby task).

import type { Assignment } from '../consumer-group.js'
import type { StreamsGroupData, StreamsMember } from './streams-group.js'
import type { TopicInfo } from './streams-topology.js'

type TaskList = { subtopologyId: string; partitions: number[] }[]
type DescribedTasks = { activeTasks: TaskList; standbyTasks: TaskList; warmupTasks: TaskList }

export interface StreamsGroupDescription {
  groupId: string
  state: string
  groupEpoch: number
  assignmentEpoch: number
  topology: {
    epoch: number
    subtopologies: { subtopologyId: string; sourceTopics: string[]; repartitionSinkTopics: string[]; stateChangelogTopics: TopicInfo[]; repartitionSourceTopics: TopicInfo[] }[]
  } | null
  members: {
    memberId: string
    memberEpoch: number
    instanceId: string | null
    rackId: string | null
    clientId: string
    clientHost: string
    topologyEpoch: number
    processId: string
    userEndpoint: { host: string; port: number } | null
    clientTags: { key: string; value: string }[]
    taskOffsets: { subtopologyId: string; partition: number; offset: bigint }[]
    taskEndOffsets: { subtopologyId: string; partition: number; offset: bigint }[]
    assignment: DescribedTasks
    targetAssignment: DescribedTasks
    isClassic: boolean
  }[]
  assignorName: string
}

function list(a: Assignment): TaskList {
  return [...a].filter(([, ps]) => ps.size > 0).sort(([x], [y]) => x.localeCompare(y)).map(([subtopologyId, ps]) => ({ subtopologyId, partitions: [...ps].sort((x, y) => x - y) }))
}

// Internal topics show the partition count the coordinator decided (the topic's, once it exists),
// as Kafka's describe of the configured topology does.
export function describeStreamsGroup(groupId: string, data: StreamsGroupData, partitionsOf: (topic: string) => number | undefined): StreamsGroupDescription {
  const configured = (t: TopicInfo): TopicInfo => ({ ...t, partitions: t.partitions !== 0 ? t.partitions : partitionsOf(t.name) ?? 0 })
  const tasks = (t: { active: Assignment; standby: Assignment; warmup: Assignment }) => ({ activeTasks: list(t.active), standbyTasks: list(t.standby), warmupTasks: list(t.warmup) })
  return {
    groupId,
    state: data.state(),
    groupEpoch: data.groupEpoch,
    assignmentEpoch: data.assignmentEpoch,
    topology: data.topology === null ? null : {
      epoch: data.topology.epoch,
      subtopologies: data.topology.subtopologies.map((s) => ({
        subtopologyId: s.subtopologyId,
        sourceTopics: s.sourceTopics,
        repartitionSinkTopics: s.repartitionSinkTopics,
        stateChangelogTopics: s.stateChangelogTopics.map(configured),
        repartitionSourceTopics: s.repartitionSourceTopics.map(configured),
      })),
    },
    members: [...data.members.values()].map((m: StreamsMember) => ({
      memberId: m.memberId,
      memberEpoch: m.memberEpoch,
      instanceId: m.instanceId,
      rackId: m.rackId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      topologyEpoch: m.topologyEpoch,
      processId: m.processId,
      userEndpoint: m.userEndpoint,
      clientTags: m.clientTags,
      taskOffsets: m.taskOffsets,
      taskEndOffsets: m.taskEndOffsets,
      assignment: tasks(m.assigned),
      targetAssignment: tasks(data.targetAssignment.get(m.memberId) ?? { active: new Map(), standby: new Map(), warmup: new Map() }),
      isClassic: false,
    })),
    assignorName: 'sticky',
  }
}

type TopicPartitions = { topic: string; partitions: number[] }[]

export function endpointPartitions(data: StreamsGroupData): { userEndpoint: { host: string; port: number }; activePartitions: TopicPartitions; standbyPartitions: TopicPartitions }[] {
  const inputs = new Map((data.topology?.subtopologies ?? []).map((s) => [s.subtopologyId, [...s.sourceTopics, ...s.repartitionSourceTopics.map((r) => r.name)]]))
  const toPartitions = (a: Assignment): TopicPartitions => {
    const byTopic = new Map<string, Set<number>>()
    for (const [s, ps] of a) {
      for (const topic of inputs.get(s) ?? []) for (const p of ps) byTopic.set(topic, new Set([...(byTopic.get(topic) ?? []), p]))
    }
    return [...byTopic].sort(([x], [y]) => x.localeCompare(y)).map(([topic, ps]) => ({ topic, partitions: [...ps].sort((x, y) => x - y) }))
  }
  return [...data.members.values()].filter((m) => m.userEndpoint !== null).map((m) => ({
    userEndpoint: m.userEndpoint!,
    activePartitions: toPartitions(m.assigned.active),
    standbyPartitions: toPartitions(m.assigned.standby),
  }))
}
