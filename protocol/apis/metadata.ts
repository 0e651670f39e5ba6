import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// Metadata (3). v0: an empty topic list means all topics; v1+: null means all, empty means none.
// Topic ids from v10, leader epochs from v7, topic names nullable from v12 (lookup by id), a
// top-level error code from v13 (KIP-1102: REBOOTSTRAP_REQUIRED, never needed on one node).
export const Metadata = defineApi({
  key: 3,
  name: 'Metadata',
  valid: '0-13',
  flexible: '9+',
  request: {
    topics: t.nullableArray(
      {
        topicId: t.uuid({ versions: '10+' }),
        name: t.nullableString({ nullable: '10+', default: '' }),
      },
      { nullable: '1+', default: [] },
    ),
    allowAutoTopicCreation: t.bool({ versions: '4+', default: true }),
    includeClusterAuthorizedOperations: t.bool({ versions: '8-10' }),
    includeTopicAuthorizedOperations: t.bool({ versions: '8+' }),
  },
  response: {
    throttleTimeMs: t.int32({ versions: '3+' }),
    brokers: t.array({
      nodeId: t.int32(),
      host: t.string(),
      port: t.int32(),
      rack: t.nullableString({ versions: '1+' }),
    }),
    clusterId: t.nullableString({ versions: '2+' }),
    controllerId: t.int32({ versions: '1+', default: -1 }),
    topics: t.array({
      errorCode: t.errorCode(),
      name: t.nullableString({ nullable: '12+', default: '' }),
      topicId: t.uuid({ versions: '10+' }),
      isInternal: t.bool({ versions: '1+' }),
      partitions: t.array({
        errorCode: t.errorCode(),
        partitionIndex: t.int32(),
        leaderId: t.int32(),
        leaderEpoch: t.int32({ versions: '7+', default: -1 }),
        replicaNodes: t.array(t.int32()),
        isrNodes: t.array(t.int32()),
        offlineReplicas: t.array(t.int32(), { versions: '5+' }),
      }),
      topicAuthorizedOperations: t.int32({ versions: '8+', default: -2147483648 }),
    }),
    clusterAuthorizedOperations: t.int32({ versions: '8-10', default: -2147483648 }),
    errorCode: t.errorCode({ versions: '13+' }),
  },
})
export type MetadataRequest = RequestOf<typeof Metadata>
export type MetadataResponse = ResponseOf<typeof Metadata>
