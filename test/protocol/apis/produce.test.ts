import { describe, it, expect } from 'vitest'
import { Produce } from '../../../protocol/apis/produce.js'
import { goldenFrames, checkGolden } from '../../helpers/golden.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../../helpers/codec.js'

const TOPIC_ID = Buffer.from('0123456789abcdef0123456789abcdef', 'hex').toString('base64url')
const batch = Buffer.alloc(700, 7)

describe('Produce', () => {
  it.each(versionsOf(Produce))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      Produce,
      v,
      {
        transactionalId: 'txn-1',
        acks: -1,
        timeoutMs: 30000,
        topicData: [
          {
            name: 'orders',
            topicId: TOPIC_ID,
            partitionData: [
              { index: 0, records: batch },
              { index: 3, records: null },
            ],
          },
          { name: 'empty', topicId: TOPIC_ID, partitionData: [] },
        ],
      },
      {
        responses: [
          {
            name: 'orders',
            topicId: TOPIC_ID,
            partitionResponses: [
              {
                index: 0,
                errorCode: 0,
                baseOffset: 42n,
                logAppendTimeMs: 1700000000000n,
                logStartOffset: 5n,
                recordErrors: [{ batchIndex: 2, batchIndexErrorMessage: null }, { batchIndex: 4, batchIndexErrorMessage: 'bad key' }],
                errorMessage: 'batch dropped',
                currentLeader: { leaderId: 2, leaderEpoch: 9 },
              },
              { index: 3, errorCode: 6, baseOffset: -1n, recordErrors: [], errorMessage: null },
            ],
          },
        ],
        throttleTimeMs: 12,
        nodeEndpoints: [
          { nodeId: 2, host: 'broker-2', port: 9093, rack: null },
          { nodeId: 3, host: 'broker-3', port: 9094, rack: 'rack-b' },
        ],
      },
    )
    expect(request.transactionalId).toBe(v >= 3 ? 'txn-1' : null)
    expect(request.acks).toBe(-1)
    expect(request.topicData[0]!.name).toBe(v <= 12 ? 'orders' : '')
    expect(request.topicData[0]!.topicId).toBe(v >= 13 ? TOPIC_ID : 'AAAAAAAAAAAAAAAAAAAAAA')
    expect(request.topicData[0]!.partitionData[0]!.records!.equals(batch)).toBe(true)
    expect(request.topicData[0]!.partitionData[1]!.records).toBeNull()
    expect(request.topicData[1]!.partitionData).toEqual([])

    const p = response.responses[0]!.partitionResponses[0]!
    expect(p.baseOffset).toBe(42n)
    expect(response.throttleTimeMs).toBe(v >= 1 ? 12 : 0)
    expect(p.logAppendTimeMs).toBe(v >= 2 ? 1700000000000n : -1n)
    expect(p.logStartOffset).toBe(v >= 5 ? 5n : -1n)
    expect(p.recordErrors).toEqual(v >= 8 ? [{ batchIndex: 2, batchIndexErrorMessage: null }, { batchIndex: 4, batchIndexErrorMessage: 'bad key' }] : [])
    expect(p.errorMessage).toBe(v >= 8 ? 'batch dropped' : null)
    expect(p.currentLeader).toEqual(v >= 10 ? { leaderId: 2, leaderEpoch: 9 } : { leaderId: -1, leaderEpoch: -1 })
    expect(response.responses[0]!.partitionResponses[1]!.errorMessage).toBeNull()
    expect(response.nodeEndpoints).toEqual(
      v >= 10
        ? [
            { nodeId: 2, host: 'broker-2', port: 9093, rack: null },
            { nodeId: 3, host: 'broker-3', port: 9094, rack: 'rack-b' },
          ]
        : [],
    )
  })

  it('writes v10+ leader hints only when set', () => {
    const plain = { responses: [{ name: 't', partitionResponses: [{ index: 0, baseOffset: 1n }] }] }
    const withLeader = { responses: [{ name: 't', partitionResponses: [{ index: 0, baseOffset: 1n, currentLeader: { leaderId: 1, leaderEpoch: 0 } }] }] }
    const a = encode(Produce.response(10), plain)
    const b = encode(Produce.response(10), withLeader)
    // tag (1) + size (1) + two int32s (8) + the struct's own empty tagged-field count (1)
    expect(b.length - a.length).toBe(11)
    expect(decodeAll(Produce.response(10), a).responses[0]!.partitionResponses[0]!.currentLeader).toEqual({ leaderId: -1, leaderEpoch: -1 })
  })

  it('keeps record data as a view of the frame', () => {
    const bytes = encode(Produce.request(9), { acks: 1, topicData: [{ name: 't', partitionData: [{ index: 0, records: batch }] }] })
    const req = decodeAll(Produce.request(9), bytes)
    const records = req.topicData[0]!.partitionData[0]!.records!
    expect(records.buffer).toBe(bytes.buffer)
  })
})

describe('Produce golden frames', () => {
  const frames = goldenFrames('produce')
  it.each(frames.map((f) => [f.file, f] as const))('%s decodes and re-encodes byte for byte', (_, frame) => {
    checkGolden(Produce, frame)
  })
})
