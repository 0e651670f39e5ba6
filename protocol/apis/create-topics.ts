import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// CreateTopics (19). v0–1 were removed in Kafka 4.0 (KIP-896). v4+ numPartitions/replicationFactor may be -1 (broker
// default) without assignments (KIP-464); v5+ the result echoes partitions, replication factor and
// configs (KIP-525); v7+ returns the new topic's id.
export const CreateTopics = defineApi({
  key: 19,
  name: 'CreateTopics',
  valid: '2-7',
  flexible: '5+',
  request: {
    topics: t.array({
      name: t.string(),
      numPartitions: t.int32(),
      replicationFactor: t.int16(),
      assignments: t.array({
        partitionIndex: t.int32(),
        brokerIds: t.array(t.int32()),
      }),
      configs: t.array({
        name: t.string(),
        value: t.nullableString({ default: '' }),
      }),
    }),
    timeoutMs: t.int32({ default: 60000 }),
    validateOnly: t.bool(),
  },
  response: {
    throttleTimeMs: t.int32({ versions: '2+' }),
    topics: t.array({
      name: t.string(),
      topicId: t.uuid({ versions: '7+' }),
      errorCode: t.errorCode(),
      errorMessage: t.nullableString({ nullable: '0+', default: '' }),
      topicConfigErrorCode: t.errorCode({ versions: '5+', tag: 0, taggedVersions: '5+' }),
      numPartitions: t.int32({ versions: '5+', default: -1 }),
      replicationFactor: t.int16({ versions: '5+', default: -1 }),
      configs: t.nullableArray(
        {
          name: t.string(),
          value: t.nullableString({ default: '' }),
          readOnly: t.bool(),
          configSource: t.int8({ default: -1 }),
          isSensitive: t.bool(),
        },
        { versions: '5+', nullable: '5+', default: [] },
      ),
    }),
  },
})
export type CreateTopicsRequest = RequestOf<typeof CreateTopics>
export type CreateTopicsResponse = ResponseOf<typeof CreateTopics>
