import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// DeleteShareGroupOffsets (92, KIP-932). Kafka 4.4 serves v0 (flexible): the share-partition state
// of whole topics goes; the response answers per topic, under a top-level error.
export const DeleteShareGroupOffsets = defineApi({
  key: 92,
  name: 'DeleteShareGroupOffsets',
  valid: '0',
  flexible: '0+',
  request: {
    groupId: t.string(),
    topics: t.array({
      topicName: t.string(),
    }),
  },
  response: {
    throttleTimeMs: t.int32(),
    errorCode: t.errorCode(),
    errorMessage: t.nullableString({ nullable: '0+', default: null }),
    responses: t.array({
      topicName: t.string(),
      topicId: t.uuid(),
      errorCode: t.errorCode(),
      errorMessage: t.nullableString({ nullable: '0+', default: null }),
    }),
  },
})
export type DeleteShareGroupOffsetsRequest = RequestOf<typeof DeleteShareGroupOffsets>
export type DeleteShareGroupOffsetsResponse = ResponseOf<typeof DeleteShareGroupOffsets>
