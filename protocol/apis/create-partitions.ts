import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// CreatePartitions (37). Versions differ only in encoding (v2+ flexible) and in v3+ clients
// accepting THROTTLING_QUOTA_EXCEEDED. Null assignments: the broker places the new partitions.
export const CreatePartitions = defineApi({
  key: 37,
  name: 'CreatePartitions',
  valid: '0-3',
  flexible: '2+',
  request: {
    topics: t.array({
      name: t.string(),
      count: t.int32(),
      assignments: t.nullableArray({ brokerIds: t.array(t.int32()) }, { default: [] }),
    }),
    timeoutMs: t.int32(),
    validateOnly: t.bool(),
  },
  response: {
    throttleTimeMs: t.int32(),
    results: t.array({
      name: t.string(),
      errorCode: t.errorCode(),
      errorMessage: t.nullableString(),
    }),
  },
})
export type CreatePartitionsRequest = RequestOf<typeof CreatePartitions>
export type CreatePartitionsResponse = ResponseOf<typeof CreatePartitions>
