// DescribeProducers (61), DescribeTransactions (65) and ListTransactions (66): round trips of every
// version and the frames Kafka 4.1.2's own tools exchanged with a real broker.
import { describe, expect, it } from 'vitest'
import { DescribeProducers } from '../../../protocol/apis/describe-producers.js'
import { DescribeTransactions } from '../../../protocol/apis/describe-transactions.js'
import { ListTransactions } from '../../../protocol/apis/list-transactions.js'
import { checkRoundTrip, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

describe('DescribeProducers', () => {
  it.each(versionsOf(DescribeProducers))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      DescribeProducers,
      v,
      { topics: [{ name: 't', partitionIndexes: [0, 2] }] },
      {
        throttleTimeMs: 0,
        topics: [{
          name: 't',
          partitions: [
            { partitionIndex: 0, errorCode: 0, errorMessage: null, activeProducers: [{ producerId: 7n, producerEpoch: 3, lastSequence: 41, lastTimestamp: 1700000000000n, coordinatorEpoch: 0, currentTxnStartOffset: 12n }] },
            { partitionIndex: 2, errorCode: 3, errorMessage: 'unknown', activeProducers: [] },
          ],
        }],
      },
    )
    expect(request.topics[0]!.partitionIndexes).toEqual([0, 2])
    expect(response.topics[0]!.partitions[0]!.activeProducers[0]).toEqual({ producerId: 7n, producerEpoch: 3, lastSequence: 41, lastTimestamp: 1700000000000n, coordinatorEpoch: 0, currentTxnStartOffset: 12n })
    expect(response.topics[0]!.partitions[1]!.errorMessage).toBe('unknown')
  })

  it.each(goldenFrames('describe-producers').map((f) => [f.file, f] as const))('golden %s', (_file, f) => {
    const { request, response } = checkGolden(DescribeProducers, f)
    expect(request.topics.length).toBeGreaterThan(0)
    expect(response!.topics.length).toBe(request.topics.length)
  })
})

describe('DescribeTransactions', () => {
  it.each(versionsOf(DescribeTransactions))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      DescribeTransactions,
      v,
      { transactionalIds: ['a', 'b'] },
      {
        throttleTimeMs: 0,
        transactionStates: [
          { errorCode: 0, transactionalId: 'a', transactionState: 'Ongoing', transactionTimeoutMs: 60000, transactionStartTimeMs: 1700000000000n, producerId: 5n, producerEpoch: 2, topics: [{ topic: 't', partitions: [0, 1] }] },
          { errorCode: 105, transactionalId: 'b', transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [] },
        ],
      },
    )
    expect(request.transactionalIds).toEqual(['a', 'b'])
    expect(response.transactionStates[0]!.topics).toEqual([{ topic: 't', partitions: [0, 1] }])
    expect(response.transactionStates[1]!.errorCode).toBe(105)
  })

  it.each(goldenFrames('describe-transactions').map((f) => [f.file, f] as const))('golden %s', (_file, f) => {
    checkGolden(DescribeTransactions, f)
  })
})

describe('ListTransactions', () => {
  it.each(versionsOf(ListTransactions))('v%i round-trips', (v) => {
    const { request, response } = checkRoundTrip(
      ListTransactions,
      v,
      { stateFilters: ['Ongoing', 'Nope'], producerIdFilters: [4n], durationFilter: 1000n, transactionalIdPattern: 'app-.*' },
      { throttleTimeMs: 0, errorCode: 0, unknownStateFilters: ['Nope'], transactionStates: [{ transactionalId: 'app-1', producerId: 4n, transactionState: 'Ongoing' }] },
    )
    expect(request.stateFilters).toEqual(['Ongoing', 'Nope'])
    expect(request.durationFilter).toBe(v >= 1 ? 1000n : -1n)
    expect(request.transactionalIdPattern).toBe(v >= 2 ? 'app-.*' : null)
    expect(response.transactionStates).toEqual([{ transactionalId: 'app-1', producerId: 4n, transactionState: 'Ongoing' }])
  })

  it.each(goldenFrames('list-transactions').map((f) => [f.file, f] as const))('golden %s', (_file, f) => {
    const { response } = checkGolden(ListTransactions, f)
    expect(response!.errorCode).toBe(0)
  })
})
