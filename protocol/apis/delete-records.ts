import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// DeleteRecords (21). Versions differ only in encoding (v2+ flexible). An offset of -1 means the
// high watermark.
export const DeleteRecords = defineApi({
  key: 21,
  name: 'DeleteRecords',
  valid: '0-2',
  flexible: '2+',
  request: {
    topics: t.array({
      name: t.string(),
      partitions: t.array({
        partitionIndex: t.int32(),
        offset: t.int64(),
      }),
    }),
    timeoutMs: t.int32(),
  },
  response: {
    throttleTimeMs: t.int32(),
    topics: t.array({
      name: t.string(),
      partitions: t.array({
        partitionIndex: t.int32(),
        lowWatermark: t.int64(),
        errorCode: t.errorCode(),
      }),
    }),
  },
})
export type DeleteRecordsRequest = RequestOf<typeof DeleteRecords>
export type DeleteRecordsResponse = ResponseOf<typeof DeleteRecords>
