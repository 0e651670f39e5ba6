import { describe, it, expect } from 'vitest'
import { AddPartitionsToTxn } from '../../../protocol/apis/add-partitions-to-txn.js'
import { checkRoundTrip, decodeAll, encode, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

const topics = [
  { name: 'orders', partitions: [0, 1, 7] },
  { name: 'empty', partitions: [] },
]
const topicResults = [
  { name: 'orders', resultsByPartition: [{ partitionIndex: 0, partitionErrorCode: 0 }, { partitionIndex: 7, partitionErrorCode: 48 }] },
  { name: 'empty', resultsByPartition: [] },
]

describe('AddPartitionsToTxn', () => {
  it.each(versionsOf(AddPartitionsToTxn))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      AddPartitionsToTxn,
      v,
      {
        transactions: [
          { transactionalId: 'tx-1', producerId: 1000n, producerEpoch: 2, verifyOnly: true, topics },
          { transactionalId: 'tx-2', producerId: 2n ** 62n, producerEpoch: 0, verifyOnly: false, topics: [] },
        ],
        v3AndBelowTransactionalId: 'tx-1',
        v3AndBelowProducerId: 1000n,
        v3AndBelowProducerEpoch: 2,
        v3AndBelowTopics: topics,
      },
      {
        throttleTimeMs: 5,
        errorCode: 47,
        resultsByTransaction: [
          { transactionalId: 'tx-1', topicResults },
          { transactionalId: 'tx-2', topicResults: [] },
        ],
        resultsByTopicV3AndBelow: topicResults,
      },
    )
    expect(response.throttleTimeMs).toBe(5)
    if (v >= 4) {
      expect(request.v3AndBelowTransactionalId).toBe('')
      expect(request.v3AndBelowProducerId).toBe(0n)
      expect(request.v3AndBelowTopics).toEqual([])
      expect(request.transactions[0]).toEqual({ transactionalId: 'tx-1', producerId: 1000n, producerEpoch: 2, verifyOnly: true, topics })
      expect(request.transactions[1]!.producerId).toBe(2n ** 62n)
      expect(response.errorCode).toBe(47)
      expect(response.resultsByTransaction[0]!.topicResults).toEqual(topicResults)
      expect(response.resultsByTopicV3AndBelow).toEqual([])
    } else {
      expect(request.transactions).toEqual([])
      expect(request.v3AndBelowTransactionalId).toBe('tx-1')
      expect(request.v3AndBelowProducerEpoch).toBe(2)
      expect(request.v3AndBelowTopics).toEqual(topics)
      expect(response.errorCode).toBe(0)
      expect(response.resultsByTransaction).toEqual([])
      expect(response.resultsByTopicV3AndBelow).toEqual(topicResults)
    }
  })

  it.each(versionsOf(AddPartitionsToTxn))('v%i round-trips empty lists', (v) => {
    const { request } = checkRoundTrip(AddPartitionsToTxn, v, { transactions: [], v3AndBelowTopics: [] }, {})
    expect(request.transactions).toEqual([])
    expect(request.v3AndBelowTopics).toEqual([])
  })

  it('skips unknown tagged fields in flexible versions', () => {
    for (let v = 3; v <= 5; v++) {
      const bytes = encode(AddPartitionsToTxn.response(v), { resultsByTransaction: [{ transactionalId: 't' }], resultsByTopicV3AndBelow: [{ name: 'x' }] })
      const tagged = Buffer.concat([bytes.subarray(0, -1), Buffer.from([1, 9, 2, 0xab, 0xcd])])
      expect(decodeAll(AddPartitionsToTxn.response(v), tagged)).toEqual(decodeAll(AddPartitionsToTxn.response(v), bytes))
    }
  })
})

describe('AddPartitionsToTxn golden frames', () => {
  it.each(goldenFrames('add-partitions-to-txn').map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request } = checkGolden(AddPartitionsToTxn, f)
    if (f.apiVersion <= 3) expect(request.v3AndBelowTransactionalId).not.toBe('')
    else expect(request.transactions.length).toBeGreaterThan(0)
  })
})
