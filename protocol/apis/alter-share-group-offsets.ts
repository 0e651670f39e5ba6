import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// AlterShareGroupOffsets (91, KIP-932). Kafka 4.4 serves v0 (flexible). The response has a
// top-level error (a group-wide refusal: NON_EMPTY_GROUP, GROUP_AUTHORIZATION_FAILED, ...) and an
// error per partition.
export const AlterShareGroupOffsets = defineApi({
  key: 91,
  name: 'AlterShareGroupOffsets',
  valid: '0',
  flexible: '0+',
  request: {
    groupId: t.string(),
    topics: t.array({
      topicName: t.string(),
      partitions: t.array({
        partitionIndex: t.int32(),
        startOffset: t.int64(),
      }),
    }),
  },
  response: {
    throttleTimeMs: t.int32(),
    errorCode: t.errorCode(),
    errorMessage: t.nullableString({ nullable: '0+', default: null }),
    responses: t.array({
      topicName: t.string(),
      topicId: t.uuid(),
      partitions: t.array({
        partitionIndex: t.int32(),
        errorCode: t.errorCode(),
        errorMessage: t.nullableString({ nullable: '0+', default: null }),
      }),
    }),
  },
})
export type AlterShareGroupOffsetsRequest = RequestOf<typeof AlterShareGroupOffsets>
export type AlterShareGroupOffsetsResponse = ResponseOf<typeof AlterShareGroupOffsets>
