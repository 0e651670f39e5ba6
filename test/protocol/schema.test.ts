import { describe, it, expect } from 'vitest'
import { ApiVersions } from '../../protocol/apis/api-versions.js'
import { Metadata } from '../../protocol/apis/metadata.js'
import { parseVersions } from '../../protocol/schema.js'
import { Reader } from '../../protocol/primitives.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../helpers/codec.js'

describe('schema', () => {
  it('parses Kafka version specs', () => {
    expect(parseVersions('3+')).toEqual({ min: 3, max: Number.MAX_SAFE_INTEGER })
    expect(parseVersions('0-4')).toEqual({ min: 0, max: 4 })
    expect(parseVersions('7')).toEqual({ min: 7, max: 7 })
    expect(parseVersions('none').min).toBeGreaterThan(parseVersions('none').max)
  })

  it.each(versionsOf(ApiVersions))('ApiVersions v%i round-trips', (v) => {
    const { response } = checkRoundTrip(ApiVersions, v, { clientSoftwareName: 'kgo', clientSoftwareVersion: '1.0' }, {
      errorCode: 0,
      apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 13 }, { apiKey: 18, minVersion: 0, maxVersion: 4 }],
      throttleTimeMs: 5,
      finalizedFeaturesEpoch: 7n,
      supportedFeatures: [{ name: 'metadata.version', minVersion: 1, maxVersion: 20 }],
    })
    expect(response.apiKeys[1]).toEqual({ apiKey: 18, minVersion: 0, maxVersion: 4 })
    expect(response.finalizedFeaturesEpoch).toBe(v >= 3 ? 7n : -1n)
    expect(response.throttleTimeMs).toBe(v >= 1 ? 5 : 0)
  })

  it('writes tagged fields only when they differ from the default', () => {
    const plain = encode(ApiVersions.response(3), { apiKeys: [] })
    // error(2) + compact empty array(1) + throttle(4) + zero tagged fields(1)
    expect(plain.length).toBe(8)
    const tagged = encode(ApiVersions.response(3), { apiKeys: [], zkMigrationReady: true })
    expect(tagged.length).toBe(8 + 3)
    expect(decodeAll(ApiVersions.response(3), tagged).zkMigrationReady).toBe(true)
  })

  it('skips unknown tagged fields', () => {
    const bytes = Buffer.from([0, 0, 1, 0, 0, 0, 0, 1, 42, 2, 0xab, 0xcd])
    const r = new Reader(bytes)
    const res = ApiVersions.response(3).read(r)
    expect(res.apiKeys).toEqual([])
    expect(r.remaining).toBe(0)
  })

  it.each(versionsOf(Metadata))('Metadata v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(Metadata, v, {
      topics: [{ name: 'orders', topicId: v >= 10 ? 'AAAAAAAAAAAAAAAAAAAAAQ' : undefined }],
      allowAutoTopicCreation: false,
    }, {
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }],
      clusterId: 'abc',
      controllerId: 1,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1] }] }],
    })
    expect(request.topics?.[0]?.name).toBe('orders')
    expect(request.allowAutoTopicCreation).toBe(v >= 4 ? false : true)
    expect(response.topics[0]!.partitions[0]!.leaderEpoch).toBe(v >= 7 ? 0 : -1)
    expect(response.controllerId).toBe(v >= 1 ? 1 : -1)
  })

  it('rejects an array length larger than the frame before allocating', () => {
    const bytes = Buffer.from([0x7f, 0xff, 0xff, 0xff])
    expect(() => Metadata.request(1).read(new Reader(bytes))).toThrow(/claims/)
  })
})
