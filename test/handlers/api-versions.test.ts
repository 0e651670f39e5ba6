// ApiVersions feature levels (KIP-584), as `kafka-features describe` and the clients read them:
// the Kafka 4.4 features this broker behaves as, and none of the group protocols it does not
// serve. Compared with a fresh Kafka 4.4.0 in compat/ (java-tools `features-describe`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiVersions } from '../../protocol/apis/api-versions.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

let broker: TestBroker
let client: TestClient

beforeAll(async () => {
  broker = await startTestBroker()
  client = await TestClient.connect(broker.port)
})
afterAll(async () => {
  await client?.close()
  await broker?.cleanup()
})

const ask = (v: number) => client.send(ApiVersions, v, { clientSoftwareName: 'rivulet-test', clientSoftwareVersion: '1.0' })
const levels = (res: Awaited<ReturnType<typeof ask>>) =>
  Object.fromEntries(res.finalizedFeatures.map((f) => [f.name, [f.minVersionLevel, f.maxVersionLevel]]))
const ranges = (res: Awaited<ReturnType<typeof ask>>) =>
  Object.fromEntries(res.supportedFeatures.map((f) => [f.name, [f.minVersion, f.maxVersion]]))

describe('ApiVersions features', () => {
  it('v4 finalizes metadata.version 4.4-IV2, transaction.version 2, eligible.leader.replicas.version 1, group.version 1, share.version 2, streams.version 1 and kraft.version 1, as Kafka 4.4.0', async () => {
    const res = await ask(4)
    expect(res.errorCode).toBe(0)
    // metadata.version levels: 7 is 3.3-IV3 (the lowest Kafka 4 supports), 33 is 4.4-IV2
    expect(levels(res)).toEqual({
      'metadata.version': [33, 33],
      'transaction.version': [2, 2],
      'eligible.leader.replicas.version': [1, 1],
      'group.version': [1, 1],
      'share.version': [2, 2],
      'streams.version': [1, 1],
      'kraft.version': [1, 1],
    })
    expect(ranges(res)).toEqual({
      'metadata.version': [7, 33],
      'transaction.version': [0, 2],
      'eligible.leader.replicas.version': [0, 1],
      'group.version': [0, 1],
      'share.version': [0, 2],
      'streams.version': [0, 1],
      'kraft.version': [0, 1],
    })
    expect(res.finalizedFeaturesEpoch).toBeGreaterThan(0n)
  })

  it('advertises KIP-1071 streams groups as Kafka 4.4.0 does: streams.version 1, StreamsGroupHeartbeat/Describe 0-1', async () => {
    const res = await ask(4)
    expect(res.finalizedFeatures).toContainEqual(expect.objectContaining({ name: 'streams.version', minVersionLevel: 1, maxVersionLevel: 1 }))
    const byKey = new Map(res.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]))
    expect(byKey.get(88 /* StreamsGroupHeartbeat */)).toEqual([0, 1])
    expect(byKey.get(89 /* StreamsGroupDescribe */)).toEqual([0, 1])
    // Only asked for when a topology description plugin is configured, which Rivulet has not.
    expect(byKey.has(93 /* StreamsGroupTopologyDescriptionUpdate */)).toBe(false)
  })

  it('advertises KIP-932 share groups as Kafka 4.4.0 does: share.version 2 and the four share APIs', async () => {
    const res = await ask(4)
    expect(res.finalizedFeatures).toContainEqual(expect.objectContaining({ name: 'share.version', minVersionLevel: 2, maxVersionLevel: 2 }))
    expect(res.supportedFeatures).toContainEqual(expect.objectContaining({ name: 'share.version', minVersion: 0, maxVersion: 2 }))
    for (const [k, min, max] of [[76, 1, 1], [77, 1, 1], [78, 1, 2], [79, 1, 2]]) expect(res.apiKeys).toContainEqual(expect.objectContaining({ apiKey: k, minVersion: min, maxVersion: max }))
  })

  // kraft.version is reported as a single-node Kafka 4.4.0 reports it because nothing acts on it:
  // the quorum APIs a tool would go on to call stay unadvertised, so such a tool fails on them.
  it('reports kraft.version 1 while the quorum APIs stay unadvertised', async () => {
    const res = await ask(4)
    expect(levels(res)['kraft.version']).toEqual([1, 1])
    const keys = new Set(res.apiKeys.map((k) => k.apiKey))
    for (const k of [55 /* DescribeQuorum */, 57 /* UpdateFeatures */, 80 /* AddRaftVoter */, 81 /* RemoveRaftVoter */]) expect(keys.has(k)).toBe(false)
  })

  it('advertises KIP-848 consumer groups: group.version 1 and ConsumerGroupHeartbeat/Describe 0-1', async () => {
    const res = await ask(4)
    expect(res.finalizedFeatures).toContainEqual(expect.objectContaining({ name: 'group.version', maxVersionLevel: 1 }))
    for (const k of [68, 69]) expect(res.apiKeys).toContainEqual(expect.objectContaining({ apiKey: k, minVersion: 0, maxVersion: 1 }))
  })

  // KAFKA-17011: clients before ApiVersions v4 reject a supported range starting at 0, so Kafka
  // leaves those out of a v3 answer but still sends every finalized level.
  it('v3 leaves out supported ranges that start at 0 but keeps every finalized level', async () => {
    const res = await ask(3)
    expect(ranges(res)).toEqual({ 'metadata.version': [7, 33] })
    expect(Object.keys(levels(res)).sort()).toEqual(['eligible.leader.replicas.version', 'group.version', 'kraft.version', 'metadata.version', 'share.version', 'streams.version', 'transaction.version'])
  })

  it('v0-v2 carry no features', async () => {
    for (const v of [0, 1, 2]) {
      const res = await ask(v)
      expect(res.errorCode).toBe(0)
      expect(res.supportedFeatures).toEqual([])
      expect(res.finalizedFeatures).toEqual([])
    }
  })
})
