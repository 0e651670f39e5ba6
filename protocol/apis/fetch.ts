import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

const NO_REPLICA = Object.freeze({ replicaId: -1, replicaEpoch: -1n })
const NO_EPOCH_END = Object.freeze({ epoch: -1, endOffset: -1n })
const NO_LEADER = Object.freeze({ leaderId: -1, leaderEpoch: -1 })
const NO_SNAPSHOT = Object.freeze({ endOffset: -1n, epoch: -1 })

// Fetch (1). v7+ fetch sessions (we may always answer session id 0); v9+ current leader epoch
// fencing; v11+ rack-aware preferred read replica; v13+ topics by id only (KIP-516); v15+ the
// follower's id moves into the tagged ReplicaState; v16+ leader endpoints on NOT_LEADER (KIP-951).
export const Fetch = defineApi({
  key: 1,
  name: 'Fetch',
  valid: '4-18',
  flexible: '12+',
  request: {
    clusterId: t.nullableString({ versions: '12+', nullable: '12+', tag: 0, taggedVersions: '12+' }),
    replicaId: t.int32({ versions: '0-14', default: -1 }),
    replicaState: t.struct(
      { replicaId: t.int32({ default: -1 }), replicaEpoch: t.int64({ default: -1n }) },
      { versions: '15+', tag: 1, taggedVersions: '15+', default: NO_REPLICA },
    ),
    maxWaitMs: t.int32(),
    minBytes: t.int32(),
    maxBytes: t.int32({ default: 0x7fffffff }),
    isolationLevel: t.int8(),
    sessionId: t.int32({ versions: '7+' }),
    sessionEpoch: t.int32({ versions: '7+', default: -1 }),
    topics: t.array({
      topic: t.string({ versions: '0-12' }),
      topicId: t.uuid({ versions: '13+' }),
      partitions: t.array({
        partition: t.int32(),
        currentLeaderEpoch: t.int32({ versions: '9+', default: -1 }),
        fetchOffset: t.int64(),
        lastFetchedEpoch: t.int32({ versions: '12+', default: -1 }),
        logStartOffset: t.int64({ versions: '5+', default: -1n }),
        partitionMaxBytes: t.int32(),
        replicaDirectoryId: t.uuid({ versions: '17+', tag: 0, taggedVersions: '17+' }),
        highWatermark: t.int64({ versions: '18+', tag: 1, taggedVersions: '18+', default: 9223372036854775807n }),
      }),
    }),
    forgottenTopicsData: t.array(
      {
        topic: t.string({ versions: '7-12' }),
        topicId: t.uuid({ versions: '13+' }),
        partitions: t.array(t.int32()),
      },
      { versions: '7+' },
    ),
    rackId: t.string({ versions: '11+' }),
  },
  response: {
    throttleTimeMs: t.int32({ versions: '1+' }),
    errorCode: t.errorCode({ versions: '7+' }),
    sessionId: t.int32({ versions: '7+' }),
    responses: t.array({
      topic: t.string({ versions: '0-12' }),
      topicId: t.uuid({ versions: '13+' }),
      partitions: t.array({
        partitionIndex: t.int32(),
        errorCode: t.errorCode(),
        highWatermark: t.int64(),
        lastStableOffset: t.int64({ default: -1n }),
        logStartOffset: t.int64({ versions: '5+', default: -1n }),
        divergingEpoch: t.struct(
          { epoch: t.int32({ default: -1 }), endOffset: t.int64({ default: -1n }) },
          { versions: '12+', tag: 0, taggedVersions: '12+', default: NO_EPOCH_END },
        ),
        currentLeader: t.struct(
          { leaderId: t.int32({ default: -1 }), leaderEpoch: t.int32({ default: -1 }) },
          { versions: '12+', tag: 1, taggedVersions: '12+', default: NO_LEADER },
        ),
        snapshotId: t.struct(
          { endOffset: t.int64({ default: -1n }), epoch: t.int32({ default: -1 }) },
          { versions: '12+', tag: 2, taggedVersions: '12+', default: NO_SNAPSHOT },
        ),
        abortedTransactions: t.nullableArray(
          { producerId: t.int64(), firstOffset: t.int64() },
          { nullable: '4+', default: [] },
        ),
        preferredReadReplica: t.int32({ versions: '11+', default: -1 }),
        records: t.records(),
      }),
    }),
    nodeEndpoints: t.array(
      {
        nodeId: t.int32(),
        host: t.string(),
        port: t.int32(),
        rack: t.nullableString({ nullable: '16+' }),
      },
      { versions: '16+', tag: 0, taggedVersions: '16+' },
    ),
  },
})
export type FetchRequest = RequestOf<typeof Fetch>
export type FetchResponse = ResponseOf<typeof Fetch>
