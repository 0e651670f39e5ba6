import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// ElectLeaders (43). v1 adds ElectionType (KIP-460: 0 preferred, 1 unclean) and a top-level error
// code; v2 is the first flexible version. Null topicPartitions means every partition.
export const ElectLeaders = defineApi({
  key: 43,
  name: 'ElectLeaders',
  valid: '0-2',
  flexible: '2+',
  request: {
    electionType: t.int8({ versions: '1+' }),
    topicPartitions: t.nullableArray({
      topic: t.string(),
      partitionId: t.array(t.int32()),
    }),
    timeoutMs: t.int32({ default: 60000 }),
  },
  response: {
    throttleTimeMs: t.int32(),
    errorCode: t.errorCode({ versions: '1+' }),
    replicaElectionResults: t.array({
      topic: t.string(),
      partitionResult: t.array({
        partitionId: t.int32(),
        errorCode: t.errorCode(),
        errorMessage: t.nullableString(),
      }),
    }),
  },
})
export type ElectLeadersRequest = RequestOf<typeof ElectLeaders>
export type ElectLeadersResponse = ResponseOf<typeof ElectLeaders>
