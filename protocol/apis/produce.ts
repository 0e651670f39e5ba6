import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

const NO_LEADER = Object.freeze({ leaderId: -1, leaderEpoch: -1 })

// Produce (0). Record batch v2 and a transactional id. v0–2 (legacy message sets) were removed in
// Kafka 4.0 (KIP-896), though Kafka still lists them in ApiVersions (see the handler); v7+ may
// use zstd; v8+ reports per-record errors; v10+ answers NOT_LEADER_OR_FOLLOWER with the new leader
// and its endpoint (KIP-951); v13+ names topics by id only (KIP-516).
export const Produce = defineApi({
  key: 0,
  name: 'Produce',
  valid: '3-13',
  flexible: '9+',
  request: {
    transactionalId: t.nullableString({ nullable: '3+' }),
    acks: t.int16(),
    timeoutMs: t.int32(),
    topicData: t.array({
      name: t.string({ versions: '0-12' }),
      topicId: t.uuid({ versions: '13+' }),
      partitionData: t.array({
        index: t.int32(),
        records: t.records(),
      }),
    }),
  },
  response: {
    responses: t.array({
      name: t.string({ versions: '0-12' }),
      topicId: t.uuid({ versions: '13+' }),
      partitionResponses: t.array({
        index: t.int32(),
        errorCode: t.errorCode(),
        baseOffset: t.int64(),
        logAppendTimeMs: t.int64({ default: -1n }),
        logStartOffset: t.int64({ versions: '5+', default: -1n }),
        recordErrors: t.array(
          {
            batchIndex: t.int32(),
            batchIndexErrorMessage: t.nullableString({ nullable: '8+' }),
          },
          { versions: '8+' },
        ),
        errorMessage: t.nullableString({ versions: '8+', nullable: '8+' }),
        currentLeader: t.struct(
          { leaderId: t.int32({ default: -1 }), leaderEpoch: t.int32({ default: -1 }) },
          { versions: '10+', tag: 0, taggedVersions: '10+', default: NO_LEADER },
        ),
      }),
    }),
    throttleTimeMs: t.int32(),
    nodeEndpoints: t.array(
      {
        nodeId: t.int32(),
        host: t.string(),
        port: t.int32(),
        rack: t.nullableString({ nullable: '10+' }),
      },
      { versions: '10+', tag: 0, taggedVersions: '10+' },
    ),
  },
})
export type ProduceRequest = RequestOf<typeof Produce>
export type ProduceResponse = ResponseOf<typeof Produce>
