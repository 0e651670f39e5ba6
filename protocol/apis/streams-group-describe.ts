import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// StreamsGroupDescribe (89, KIP-1071), as Kafka 4.4.0's StreamsGroupDescribeRequest/Response.json.
// v1 (KIP-1331, KIP-1357): the request's IncludeTopologyDescription; the response's
// TopologyDescription with its TopologyDescriptionStatus, and AssignorName.
const keyValue = { key: t.string(), value: t.string() }
const topicInfo = {
  name: t.string(),
  partitions: t.int32(),
  replicationFactor: t.int16(),
  topicConfigs: t.array(keyValue),
}
const taskIds = { subtopologyId: t.string(), partitions: t.array(t.int32()) }
const assignment = {
  activeTasks: t.array(taskIds),
  standbyTasks: t.array(taskIds),
  warmupTasks: t.array(taskIds),
}
const taskOffset = { subtopologyId: t.string(), partition: t.int32(), offset: t.int64() }
const node = {
  name: t.string(),
  nodeType: t.int8(),
  sourceTopics: t.array(t.string()),
  sinkTopic: t.nullableString({ nullable: '0+', default: null }),
  stores: t.array(t.string()),
  successors: t.array(t.string()),
}

export const StreamsGroupDescribe = defineApi({
  key: 89,
  name: 'StreamsGroupDescribe',
  valid: '0-1',
  flexible: '0+',
  request: {
    groupIds: t.array(t.string()),
    includeAuthorizedOperations: t.bool(),
    includeTopologyDescription: t.bool({ versions: '1+' }),
  },
  response: {
    throttleTimeMs: t.int32(),
    groups: t.array({
      errorCode: t.errorCode(),
      errorMessage: t.nullableString({ nullable: '0+', default: null }),
      groupId: t.string(),
      groupState: t.string(),
      groupEpoch: t.int32(),
      assignmentEpoch: t.int32(),
      topology: t.nullableStruct({
        epoch: t.int32(),
        subtopologies: t.nullableArray(
          {
            subtopologyId: t.string(),
            sourceTopics: t.array(t.string()),
            repartitionSinkTopics: t.array(t.string()),
            stateChangelogTopics: t.array(topicInfo),
            repartitionSourceTopics: t.array(topicInfo),
          },
          { nullable: '0+', default: null },
        ),
      }),
      members: t.array({
        memberId: t.string(),
        memberEpoch: t.int32(),
        instanceId: t.nullableString({ nullable: '0+', default: null }),
        rackId: t.nullableString({ nullable: '0+', default: null }),
        clientId: t.string(),
        clientHost: t.string(),
        topologyEpoch: t.int32(),
        processId: t.string(),
        userEndpoint: t.nullableStruct({ host: t.string(), port: t.uint16() }),
        clientTags: t.array(keyValue),
        taskOffsets: t.array(taskOffset),
        taskEndOffsets: t.array(taskOffset),
        assignment: t.struct(assignment),
        targetAssignment: t.struct(assignment),
        isClassic: t.bool(),
      }),
      authorizedOperations: t.int32({ default: -2147483648 }),
      topologyDescription: t.nullableStruct(
        {
          subtopologies: t.array({ subtopologyId: t.string(), nodes: t.array(node) }),
          globalStores: t.array({ source: t.struct(node), processor: t.struct(node) }),
        },
        { versions: '1+', nullable: '1+' },
      ),
      topologyDescriptionStatus: t.int8({ versions: '1+' }),
      assignorName: t.nullableString({ versions: '1+', nullable: '1+', default: null }),
    }),
  },
})
export type StreamsGroupDescribeRequest = RequestOf<typeof StreamsGroupDescribe>
export type StreamsGroupDescribeResponse = ResponseOf<typeof StreamsGroupDescribe>
