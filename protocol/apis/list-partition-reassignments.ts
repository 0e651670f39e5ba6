import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// ListPartitionReassignments (46). Single version. Null topics lists every ongoing reassignment;
// a broker without reassignments answers with an empty list.
export const ListPartitionReassignments = defineApi({
  key: 46,
  name: 'ListPartitionReassignments',
  valid: '0',
  flexible: '0+',
  request: {
    timeoutMs: t.int32({ default: 60000 }),
    topics: t.nullableArray({
      name: t.string(),
      partitionIndexes: t.array(t.int32()),
    }),
  },
  response: {
    throttleTimeMs: t.int32(),
    errorCode: t.errorCode(),
    errorMessage: t.nullableString({ default: '' }),
    topics: t.array({
      name: t.string(),
      partitions: t.array({
        partitionIndex: t.int32(),
        replicas: t.array(t.int32()),
        addingReplicas: t.array(t.int32()),
        removingReplicas: t.array(t.int32()),
      }),
    }),
  },
})
export type ListPartitionReassignmentsRequest = RequestOf<typeof ListPartitionReassignments>
export type ListPartitionReassignmentsResponse = ResponseOf<typeof ListPartitionReassignments>
