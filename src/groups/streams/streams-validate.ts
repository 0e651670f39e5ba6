// The checks a StreamsGroupHeartbeat passes before it reaches a group, with Kafka's messages
// (GroupCoordinatorService.throwIfStreamsGroupHeartbeatRequestIsInvalid and
// throwIfStreamsGroupHeartbeatRequestIsUsingUnsupportedFeatures), and the request as the engine
// takes it. Errors are the consumer heartbeat's HeartbeatError (code + message to the client).

import { LEAVE_GROUP_STATIC_MEMBER_EPOCH } from '../consumer-group.js'
import { fail } from '../consumer-validate.js'
import { InvalidTopologyError, validateTopology, type StreamsTopology } from './streams-topology.js'

export type TaskList = { subtopologyId: string; partitions: number[] }[]
export type TaskOffset = { subtopologyId: string; partition: number; offset: bigint }

export interface StreamsHeartbeat {
  groupId: string
  memberId: string
  memberEpoch: number
  endpointInformationEpoch: number
  instanceId: string | null
  rackId: string | null
  rebalanceTimeoutMs: number
  topology: StreamsTopology | null
  activeTasks: TaskList | null
  standbyTasks: TaskList | null
  warmupTasks: TaskList | null
  processId: string | null
  userEndpoint: { host: string; port: number } | null
  clientTags: { key: string; value: string }[] | null
  taskOffsets: TaskOffset[] | null
  taskEndOffsets: TaskOffset[] | null
  shutdownApplication: boolean
  clientId: string
  clientHost: string
  // The request's version: statuses added in later versions are only sent to those (Kafka's
  // MISSING_CLIENT_TAGS, v1+). Absent means the newest.
  apiVersion?: number
  // Whether the requester may create this internal topic (CREATE on the cluster or the topic).
  mayCreateTopic?: (name: string) => boolean
}

export function validateStreamsHeartbeat(req: StreamsHeartbeat): void {
  // Kafka checks the unsupported features first.
  if (req.topology?.subtopologies.some((s) => s.sourceTopicRegex.length > 0)) fail('INVALID_REQUEST', 'Regular expressions for source topics are not supported yet.')
  if (req.memberId === '') fail('INVALID_REQUEST', "MemberId can't be empty.")
  if (req.groupId === '') fail('INVALID_REQUEST', "GroupId can't be empty.")
  if (req.instanceId === '') fail('INVALID_REQUEST', "InstanceId can't be empty.")
  if (req.rackId === '') fail('INVALID_REQUEST', "RackId can't be empty.")
  if (req.memberEpoch === 0) {
    if (req.rebalanceTimeoutMs === -1) fail('INVALID_REQUEST', 'RebalanceTimeoutMs must be provided in first request.')
    if (req.activeTasks !== null && req.activeTasks.length > 0) fail('INVALID_REQUEST', 'ActiveTasks must be empty when (re-)joining.')
    if (req.standbyTasks !== null && req.standbyTasks.length > 0) fail('INVALID_REQUEST', 'StandbyTasks must be empty when (re-)joining.')
    if (req.warmupTasks !== null && req.warmupTasks.length > 0) fail('INVALID_REQUEST', 'WarmupTasks must be empty when (re-)joining.')
    if (req.topology === null) fail('INVALID_REQUEST', 'Topology must be non-null when (re-)joining.')
    try {
      validateTopology(req.topology!)
    } catch (err) {
      if (err instanceof InvalidTopologyError) fail('STREAMS_INVALID_TOPOLOGY', err.message)
      throw err
    }
  } else if (req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    if (req.instanceId === null) fail('INVALID_REQUEST', "InstanceId can't be null.")
  } else if (req.memberEpoch < LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    fail('INVALID_REQUEST', `MemberEpoch is ${req.memberEpoch}, but must be greater than or equal to -2.`)
  }
  if (req.activeTasks !== null || req.standbyTasks !== null || req.warmupTasks !== null) {
    if (req.activeTasks === null || req.standbyTasks === null || req.warmupTasks === null) fail('INVALID_REQUEST', 'If one task-type is non-null, all must be non-null.')
  }
  if (req.memberEpoch !== 0 && req.topology !== null) fail('INVALID_REQUEST', 'Topology can only be provided when (re-)joining.')
}
