import { describe, it, expect } from 'vitest'
import { DescribeCluster } from '../../../protocol/apis/describe-cluster.js'
import { goldenFrames, checkGolden } from '../../helpers/golden.js'
import { checkRoundTrip, versionsOf } from '../../helpers/codec.js'

describe('DescribeCluster', () => {
  it.each(versionsOf(DescribeCluster))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      DescribeCluster,
      v,
      { includeClusterAuthorizedOperations: true, endpointType: 2, includeFencedBrokers: true },
      {
        throttleTimeMs: 7,
        errorCode: 0,
        errorMessage: null,
        endpointType: 2,
        clusterId: 'rivulet-cluster',
        controllerId: 1,
        brokers: [
          { brokerId: 1, host: 'localhost', port: 9092, rack: null, isFenced: false },
          { brokerId: 2, host: 'broker-2', port: 9093, rack: 'rack-b', isFenced: true },
        ],
        clusterAuthorizedOperations: 3576,
      },
    )
    expect(request.includeClusterAuthorizedOperations).toBe(true)
    expect(request.endpointType).toBe(v >= 1 ? 2 : 1)
    expect(request.includeFencedBrokers).toBe(v >= 2)
    expect(response.errorMessage).toBeNull()
    expect(response.endpointType).toBe(v >= 1 ? 2 : 1)
    expect(response.clusterId).toBe('rivulet-cluster')
    expect(response.brokers[0]!.rack).toBeNull()
    expect(response.brokers[1]).toEqual({ brokerId: 2, host: 'broker-2', port: 9093, rack: 'rack-b', isFenced: v >= 2 })
    expect(response.clusterAuthorizedOperations).toBe(3576)
  })

  it.each(versionsOf(DescribeCluster))('v%i round-trips an error with no brokers', (v) => {
    const { response } = checkRoundTrip(DescribeCluster, v, {}, { errorCode: 114, errorMessage: 'Mismatched endpoint type.' })
    expect(response.brokers).toEqual([])
    expect(response.controllerId).toBe(-1)
    expect(response.clusterAuthorizedOperations).toBe(-2147483648)
    expect(response.errorMessage).toBe('Mismatched endpoint type.')
  })
})

describe('DescribeCluster golden frames', () => {
  const frames = goldenFrames('describe-cluster')
  it.each(frames.map((f) => [f.file, f] as const))('%s decodes and re-encodes byte for byte', (_, frame) => {
    checkGolden(DescribeCluster, frame)
  })
})
