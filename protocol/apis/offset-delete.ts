import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// OffsetDelete (47). One version, never flexible; the request-wide errorCode comes before
// throttleTimeMs, unlike most responses.
export const OffsetDelete = defineApi({
  key: 47,
  name: 'OffsetDelete',
  valid: '0',
  flexible: 'none',
  request: {
    groupId: t.string(),
    topics: t.array({
      name: t.string(),
      partitions: t.array({
        partitionIndex: t.int32(),
      }),
    }),
  },
  response: {
    errorCode: t.errorCode(),
    throttleTimeMs: t.int32(),
    topics: t.array({
      name: t.string(),
      partitions: t.array({
        partitionIndex: t.int32(),
        errorCode: t.errorCode(),
      }),
    }),
  },
})
export type OffsetDeleteRequest = RequestOf<typeof OffsetDelete>
export type OffsetDeleteResponse = ResponseOf<typeof OffsetDelete>
