import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// DescribeCluster (60). v1+ endpointType (1 brokers, 2 controllers; KIP-919): a broker asked for
// controllers answers MISMATCHED_ENDPOINT_TYPE. v2+ fenced brokers on request (KIP-1073).
export const DescribeCluster = defineApi({
  key: 60,
  name: 'DescribeCluster',
  valid: '0-2',
  flexible: '0+',
  request: {
    includeClusterAuthorizedOperations: t.bool(),
    endpointType: t.int8({ versions: '1+', default: 1 }),
    includeFencedBrokers: t.bool({ versions: '2+' }),
  },
  response: {
    throttleTimeMs: t.int32(),
    errorCode: t.errorCode(),
    errorMessage: t.nullableString(),
    endpointType: t.int8({ versions: '1+', default: 1 }),
    clusterId: t.string(),
    controllerId: t.int32({ default: -1 }),
    brokers: t.array({
      brokerId: t.int32(),
      host: t.string(),
      port: t.int32(),
      rack: t.nullableString(),
      isFenced: t.bool({ versions: '2+' }),
    }),
    clusterAuthorizedOperations: t.int32({ default: -2147483648 }),
  },
})
export type DescribeClusterRequest = RequestOf<typeof DescribeCluster>
export type DescribeClusterResponse = ResponseOf<typeof DescribeCluster>
