// The four KIP-932 APIs against frames written by Kafka 4.4.0's own generated message classes
// (test/fixtures/share-codec/G.java run with kafka-clients-4.4.0.jar): each frame decodes to the
// values G.java set, encodes back to the same bytes, and every truncated prefix fails cleanly.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DescribeShareGroupOffsets } from '../../../protocol/apis/describe-share-group-offsets.js'
import { ShareAcknowledge } from '../../../protocol/apis/share-acknowledge.js'
import { ShareFetch } from '../../../protocol/apis/share-fetch.js'
import { ShareGroupDescribe } from '../../../protocol/apis/share-group-describe.js'
import { ShareGroupHeartbeat } from '../../../protocol/apis/share-group-heartbeat.js'
import type { ApiDefinition } from '../../../protocol/schema.js'
import { checkTruncation, decodeAll, encode, versionsOf } from '../../helpers/codec.js'

const frames = JSON.parse(readFileSync(new URL('../../fixtures/share-codec/kafka-clients-4.4.0.json', import.meta.url), 'utf8')) as Record<string, string>
const topicId = 'AAAAAAAAAAAAAAAAAAAAAQ'
const APIS: Record<string, ApiDefinition<unknown, unknown>> = { ShareGroupHeartbeat, ShareGroupDescribe, ShareFetch, ShareAcknowledge, DescribeShareGroupOffsets } as never

function frame(name: string): { value: any; bytes: Buffer } { // eslint-disable-line @typescript-eslint/no-explicit-any
  const [api, v, kind] = /^(\w+)-v(\d+)-(\w+)/.exec(name)!.slice(1) as [string, string, string]
  const def = APIS[api]!
  const codec = kind === 'request' ? def.request(Number(v)) : def.response(Number(v))
  const bytes = Buffer.from(frames[name]!, 'hex')
  const value = decodeAll(codec, bytes)
  expect(encode(codec, value as never).toString('hex')).toBe(frames[name])
  checkTruncation(codec, bytes)
  return { value, bytes }
}

describe('KIP-932 codecs against Kafka 4.4.0 frames', () => {
  it('serves the versions Kafka 4.4.0 serves', () => {
    expect(versionsOf(ShareGroupHeartbeat)).toEqual([1])
    expect(versionsOf(ShareGroupDescribe)).toEqual([1])
    expect(versionsOf(ShareFetch)).toEqual([1, 2])
    expect(versionsOf(ShareAcknowledge)).toEqual([1, 2])
    expect(versionsOf(DescribeShareGroupOffsets)).toEqual([0, 1])
  })

  it.each([0, 1])('DescribeShareGroupOffsets v%i', (v) => {
    const req = frame(`DescribeShareGroupOffsets-v${v}-request`).value
    expect(req.groups).toEqual([{ groupId: 'queue', topics: [{ topicName: 'jobs', partitions: [0, 1] }] }, { groupId: 'all', topics: null }])
    const p = frame(`DescribeShareGroupOffsets-v${v}-response`).value.groups[0].topics[0].partitions[0]
    expect(p).toMatchObject({ partitionIndex: 0, startOffset: 7n, leaderEpoch: 0 })
    expect(p.lag).toBe(v >= 1 ? 3n : -1n)
  })

  it('ShareGroupHeartbeat v1', () => {
    expect(frame('ShareGroupHeartbeat-v1-request').value).toEqual({ groupId: 'queue', memberId: 'bWVtYmVyLWlkLTEyMzQ1Ng', memberEpoch: 0, rackId: null, subscribedTopicNames: ['jobs'] })
    expect(frame('ShareGroupHeartbeat-v1-request-unchanged').value.subscribedTopicNames).toBeNull()
    expect(frame('ShareGroupHeartbeat-v1-response').value.assignment).toEqual({ topicPartitions: [{ topicId, partitions: [0, 1] }] })
    const nul = frame('ShareGroupHeartbeat-v1-response-null').value
    expect(nul.assignment).toBeNull()
    expect(nul.errorMessage).toBe('unknown')
  })

  it('ShareGroupDescribe v1', () => {
    expect(frame('ShareGroupDescribe-v1-request').value).toEqual({ groupIds: ['queue', 'other'], includeAuthorizedOperations: true })
    const g = frame('ShareGroupDescribe-v1-response').value.groups
    expect(g[0].members[0].assignment.topicPartitions[0]).toEqual({ topicId, topicName: 'jobs', partitions: [0] })
    expect(g[0].assignorName).toBe('simple')
    expect(g[1].errorCode).toBe(69)
  })

  it.each([1, 2])('ShareFetch v%i', (v) => {
    const req = frame(`ShareFetch-v${v}-request`).value
    expect(req.topics[0].partitions[0].acknowledgementBatches[0]).toEqual({ firstOffset: 10n, lastOffset: 12n, acknowledgeTypes: [1, 0, 3] })
    expect(req.forgottenTopicsData).toEqual([{ topicId, partitions: [1] }])
    expect(req.shareAcquireMode).toBe(v >= 2 ? 1 : 0)
    const res = frame(`ShareFetch-v${v}-response`).value
    const p = res.responses[0].partitions[0]
    expect(res.acquisitionLockTimeoutMs).toBe(30000)
    expect(p.acquiredRecords).toEqual([{ firstOffset: 5n, lastOffset: 5n, deliveryCount: 2 }])
    expect(p.currentLeader).toEqual({ leaderId: 1, leaderEpoch: 0 })
    expect(p.acknowledgeErrorCode).toBe(121)
    expect(p.records.length).toBeGreaterThan(61)
  })

  it.each([1, 2])('ShareAcknowledge v%i', (v) => {
    const req = frame(`ShareAcknowledge-v${v}-request`).value
    expect(req.shareSessionEpoch).toBe(-1)
    expect(req.topics[0].partitions[0].acknowledgementBatches[0].acknowledgeTypes).toEqual([2])
    const res = frame(`ShareAcknowledge-v${v}-response`).value
    expect(res.acquisitionLockTimeoutMs).toBe(v >= 2 ? 30000 : 0)
    expect(res.responses[0].partitions[0].errorCode).toBe(121)
  })
})
