import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// AlterPartitionReassignments (45), flexible throughout. v1 adds AllowReplicationFactorChange
// (KIP-860) to the request and echoes it in the response. Null replicas cancel a reassignment.
export const AlterPartitionReassignments = defineApi({
  key: 45,
  name: 'AlterPartitionReassignments',
  valid: '0-1',
  flexible: '0+',
  request: {
    timeoutMs: t.int32({ default: 60000 }),
    allowReplicationFactorChange: t.bool({ versions: '1+', default: true }),
    topics: t.array({
      name: t.string(),
      partitions: t.array({
        partitionIndex: t.int32(),
        replicas: t.nullableArray(t.int32()),
      }),
    }),
  },
  response: {
    throttleTimeMs: t.int32(),
    allowReplicationFactorChange: t.bool({ versions: '1+', default: true }),
    errorCode: t.errorCode(),
    errorMessage: t.nullableString(),
    responses: t.array({
      name: t.string(),
      partitions: t.array({
        partitionIndex: t.int32(),
        errorCode: t.errorCode(),
        errorMessage: t.nullableString(),
      }),
    }),
  },
})
export type AlterPartitionReassignmentsRequest = RequestOf<typeof AlterPartitionReassignments>
export type AlterPartitionReassignmentsResponse = ResponseOf<typeof AlterPartitionReassignments>
