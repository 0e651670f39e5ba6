import { describe, it, expect } from 'vitest'
import { Fetch } from '../../../protocol/apis/fetch.js'
import { goldenFrames, checkGolden } from '../../helpers/golden.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../../helpers/codec.js'

const TOPIC_ID = Buffer.from('00112233445566778899aabbccddeeff', 'hex').toString('base64url')
const DIR_ID = Buffer.from('ffeeddccbbaa99887766554433221100', 'hex').toString('base64url')
const ZERO = 'AAAAAAAAAAAAAAAAAAAAAA'
const batch = Buffer.from('000000000000000a0000003d', 'hex')

describe('Fetch', () => {
  it.each(versionsOf(Fetch))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      Fetch,
      v,
      {
        clusterId: 'cluster-a',
        replicaId: 3,
        replicaState: { replicaId: 3, replicaEpoch: 17n },
        maxWaitMs: 500,
        minBytes: 1,
        maxBytes: 52428800,
        isolationLevel: 1,
        sessionId: 77,
        sessionEpoch: 2,
        topics: [
          {
            topic: 'orders',
            topicId: TOPIC_ID,
            partitions: [
              {
                partition: 0,
                currentLeaderEpoch: 4,
                fetchOffset: 100n,
                lastFetchedEpoch: 3,
                logStartOffset: 10n,
                partitionMaxBytes: 1048576,
                replicaDirectoryId: DIR_ID,
                highWatermark: 99n,
              },
              { partition: 1, fetchOffset: 0n, partitionMaxBytes: 1024 },
            ],
          },
          { topic: 'idle', topicId: TOPIC_ID, partitions: [] },
        ],
        forgottenTopicsData: [{ topic: 'old', topicId: TOPIC_ID, partitions: [1, 2] }],
        rackId: 'rack-a',
      },
      {
        throttleTimeMs: 3,
        errorCode: 0,
        sessionId: 77,
        responses: [
          {
            topic: 'orders',
            topicId: TOPIC_ID,
            partitions: [
              {
                partitionIndex: 0,
                errorCode: 0,
                highWatermark: 200n,
                lastStableOffset: 190n,
                logStartOffset: 10n,
                divergingEpoch: { epoch: 2, endOffset: 80n },
                currentLeader: { leaderId: 1, leaderEpoch: 4 },
                snapshotId: { endOffset: 50n, epoch: 1 },
                abortedTransactions: [{ producerId: 9n, firstOffset: 150n }],
                preferredReadReplica: 2,
                records: batch,
              },
              { partitionIndex: 1, errorCode: 6, highWatermark: -1n, abortedTransactions: null, records: null },
            ],
          },
        ],
        nodeEndpoints: [{ nodeId: 1, host: 'broker-1', port: 9092, rack: null }],
      },
    )
    expect(request.clusterId).toBe(v >= 12 ? 'cluster-a' : null)
    expect(request.replicaId).toBe(v <= 14 ? 3 : -1)
    expect(request.replicaState).toEqual(v >= 15 ? { replicaId: 3, replicaEpoch: 17n } : { replicaId: -1, replicaEpoch: -1n })
    expect(request.isolationLevel).toBe(1)
    expect(request.sessionEpoch).toBe(v >= 7 ? 2 : -1)
    expect(request.forgottenTopicsData).toEqual(v >= 7 ? [{ topic: v <= 12 ? 'old' : '', topicId: v >= 13 ? TOPIC_ID : ZERO, partitions: [1, 2] }] : [])
    expect(request.rackId).toBe(v >= 11 ? 'rack-a' : '')
    const tp = request.topics[0]!
    expect(tp.topic).toBe(v <= 12 ? 'orders' : '')
    expect(tp.topicId).toBe(v >= 13 ? TOPIC_ID : ZERO)
    expect(tp.partitions[0]!.currentLeaderEpoch).toBe(v >= 9 ? 4 : -1)
    expect(tp.partitions[0]!.lastFetchedEpoch).toBe(v >= 12 ? 3 : -1)
    expect(tp.partitions[0]!.logStartOffset).toBe(v >= 5 ? 10n : -1n)
    expect(tp.partitions[0]!.replicaDirectoryId).toBe(v >= 17 ? DIR_ID : ZERO)
    expect(tp.partitions[0]!.highWatermark).toBe(v >= 18 ? 99n : 9223372036854775807n)
    expect(tp.partitions[1]!.currentLeaderEpoch).toBe(-1)
    expect(request.topics[1]!.partitions).toEqual([])

    expect(response.errorCode).toBe(0)
    expect(response.sessionId).toBe(v >= 7 ? 77 : 0)
    expect(response.responses[0]!.topicId).toBe(v >= 13 ? TOPIC_ID : ZERO)
    const p = response.responses[0]!.partitions[0]!
    expect(p.lastStableOffset).toBe(190n)
    expect(p.logStartOffset).toBe(v >= 5 ? 10n : -1n)
    expect(p.divergingEpoch).toEqual(v >= 12 ? { epoch: 2, endOffset: 80n } : { epoch: -1, endOffset: -1n })
    expect(p.currentLeader).toEqual(v >= 12 ? { leaderId: 1, leaderEpoch: 4 } : { leaderId: -1, leaderEpoch: -1 })
    expect(p.snapshotId).toEqual(v >= 12 ? { endOffset: 50n, epoch: 1 } : { endOffset: -1n, epoch: -1 })
    expect(p.abortedTransactions).toEqual([{ producerId: 9n, firstOffset: 150n }])
    expect(p.preferredReadReplica).toBe(v >= 11 ? 2 : -1)
    expect(p.records!.equals(batch)).toBe(true)
    const q = response.responses[0]!.partitions[1]!
    expect(q.abortedTransactions).toBeNull()
    expect(q.records).toBeNull()
    expect(response.nodeEndpoints).toEqual(v >= 16 ? [{ nodeId: 1, host: 'broker-1', port: 9092, rack: null }] : [])
  })

  it('fills defaults for a minimal consumer fetch', () => {
    const req = decodeAll(Fetch.request(4), encode(Fetch.request(4), { maxWaitMs: 100, topics: [] }))
    expect(req.replicaId).toBe(-1)
    expect(req.maxBytes).toBe(0x7fffffff)
    const res = decodeAll(Fetch.response(12), encode(Fetch.response(12), { responses: [{ topic: 't', partitions: [{ partitionIndex: 0 }] }] }))
    expect(res.responses[0]!.partitions[0]!.abortedTransactions).toEqual([])
    expect(res.responses[0]!.partitions[0]!.lastStableOffset).toBe(-1n)
  })
})

describe('Fetch golden frames', () => {
  const frames = goldenFrames('fetch')
  it.each(frames.map((f) => [f.file, f] as const))('%s decodes and re-encodes byte for byte', (_, frame) => {
    checkGolden(Fetch, frame)
  })
})
