import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// StreamsGroupHeartbeat (88, KIP-1071), as Kafka 4.4.0's StreamsGroupHeartbeatRequest/Response.json.
// Null request fields mean "unchanged since the last heartbeat"; the topology is sent on joins only.
// v1 (KIP-1331): the response's AcceptableRecoveryLagLegacy (int32, v0 only) becomes
// AcceptableRecoveryLag (int64) and TopologyDescriptionRequired is added; the request is unchanged.
const keyValue = { key: t.string(), value: t.string() }
const topicInfo = {
  name: t.string(),
  partitions: t.int32(),
  replicationFactor: t.int16(),
  topicConfigs: t.array(keyValue),
}
const endpoint = { host: t.string(), port: t.uint16() }
const taskIds = { subtopologyId: t.string(), partitions: t.array(t.int32()) }
const taskOffset = { subtopologyId: t.string(), partition: t.int32(), offset: t.int64() }
const topicPartition = { topic: t.string(), partitions: t.array(t.int32()) }

export const StreamsGroupHeartbeat = defineApi({
  key: 88,
  name: 'StreamsGroupHeartbeat',
  valid: '0-1',
  flexible: '0+',
  request: {
    groupId: t.string(),
    memberId: t.string(),
    memberEpoch: t.int32(),
    endpointInformationEpoch: t.int32(),
    instanceId: t.nullableString({ nullable: '0+', default: null }),
    rackId: t.nullableString({ nullable: '0+', default: null }),
    rebalanceTimeoutMs: t.int32({ default: -1 }),
    topology: t.nullableStruct({
      epoch: t.int32(),
      subtopologies: t.array({
        subtopologyId: t.string(),
        sourceTopics: t.array(t.string()),
        sourceTopicRegex: t.array(t.string()),
        stateChangelogTopics: t.array(topicInfo),
        repartitionSinkTopics: t.array(t.string()),
        repartitionSourceTopics: t.array(topicInfo),
        copartitionGroups: t.array({
          sourceTopics: t.array(t.int16()),
          sourceTopicRegex: t.array(t.int16()),
          repartitionSourceTopics: t.array(t.int16()),
        }),
      }),
    }),
    activeTasks: t.nullableArray(taskIds, { nullable: '0+', default: null }),
    standbyTasks: t.nullableArray(taskIds, { nullable: '0+', default: null }),
    warmupTasks: t.nullableArray(taskIds, { nullable: '0+', default: null }),
    processId: t.nullableString({ nullable: '0+', default: null }),
    userEndpoint: t.nullableStruct(endpoint),
    clientTags: t.nullableArray(keyValue, { nullable: '0+', default: null }),
    taskOffsets: t.nullableArray(taskOffset, { nullable: '0+', default: null }),
    taskEndOffsets: t.nullableArray(taskOffset, { nullable: '0+', default: null }),
    shutdownApplication: t.bool(),
  },
  response: {
    throttleTimeMs: t.int32(),
    errorCode: t.errorCode(),
    errorMessage: t.nullableString({ nullable: '0+', default: null }),
    memberId: t.string(),
    memberEpoch: t.int32(),
    heartbeatIntervalMs: t.int32(),
    acceptableRecoveryLagLegacy: t.int32({ versions: '0' }),
    taskOffsetIntervalMs: t.int32(),
    acceptableRecoveryLag: t.int64({ versions: '1+', default: -1n }),
    status: t.nullableArray({ statusCode: t.int8(), statusDetail: t.string() }, { nullable: '0+', default: null }),
    activeTasks: t.nullableArray(taskIds, { nullable: '0+', default: null }),
    standbyTasks: t.nullableArray(taskIds, { nullable: '0+', default: null }),
    warmupTasks: t.nullableArray(taskIds, { nullable: '0+', default: null }),
    topologyDescriptionRequired: t.bool({ versions: '1+' }),
    endpointInformationEpoch: t.int32(),
    partitionsByUserEndpoint: t.nullableArray(
      {
        userEndpoint: t.struct(endpoint),
        activePartitions: t.array(topicPartition),
        standbyPartitions: t.array(topicPartition),
      },
      { nullable: '0+', default: null },
    ),
  },
})
export type StreamsGroupHeartbeatRequest = RequestOf<typeof StreamsGroupHeartbeat>
export type StreamsGroupHeartbeatResponse = ResponseOf<typeof StreamsGroupHeartbeat>
