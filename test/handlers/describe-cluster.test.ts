import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DescribeCluster } from '../../protocol/apis/describe-cluster.js'
import { ErrorCode } from '../../protocol/errors.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

let b: TestBroker
let client: TestClient

beforeAll(async () => {
  b = await startTestBroker({ config: { 'node.id': 7 } })
  client = await TestClient.connect(b.port)
})
afterAll(async () => {
  await client.close()
  await b.cleanup()
})

// Kafka's bit field for the cluster resource without an authorizer: CREATE, ALTER, DESCRIBE,
// CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE.
const ALL_CLUSTER_OPERATIONS = (1 << 5) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12)

describe('DescribeCluster', () => {
  it.each([0, 1, 2])('v%i describes this broker as the whole cluster', async (v) => {
    const res = await client.send(DescribeCluster, v, { includeClusterAuthorizedOperations: false, endpointType: 1, includeFencedBrokers: false })
    expect(res).toMatchObject({
      errorCode: 0,
      errorMessage: null,
      clusterId: b.broker.cluster.clusterId,
      controllerId: 7,
      clusterAuthorizedOperations: -2147483648,
    })
    expect(res.brokers).toEqual([{ brokerId: 7, host: b.host, port: b.port, rack: null, isFenced: false }])
    expect(res.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/)
    if (v >= 1) expect(res.endpointType).toBe(1)
  })

  it.each([0, 1, 2])('v%i reports cluster operations when asked', async (v) => {
    const res = await client.send(DescribeCluster, v, { includeClusterAuthorizedOperations: true })
    expect(res.clusterAuthorizedOperations).toBe(ALL_CLUSTER_OPERATIONS)
  })

  it('v2 lists the same (never fenced) broker with includeFencedBrokers', async () => {
    const res = await client.send(DescribeCluster, 2, { includeFencedBrokers: true })
    expect(res.brokers).toEqual([{ brokerId: 7, host: b.host, port: b.port, rack: null, isFenced: false }])
  })

  it.each([1, 2])('v%i answers MISMATCHED_ENDPOINT_TYPE for controllers', async (v) => {
    const res = await client.send(DescribeCluster, v, { endpointType: 2 })
    expect(res).toMatchObject({
      errorCode: ErrorCode.MISMATCHED_ENDPOINT_TYPE,
      errorMessage: 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER',
      brokers: [],
      controllerId: -1,
    })
  })

  it.each([1, 2])('v%i answers UNSUPPORTED_ENDPOINT_TYPE for unknown endpoint types', async (v) => {
    for (const endpointType of [0, 3]) {
      const res = await client.send(DescribeCluster, v, { endpointType })
      expect(res).toMatchObject({ errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: `Unsupported endpoint type ${endpointType}`, brokers: [] })
    }
  })
})
