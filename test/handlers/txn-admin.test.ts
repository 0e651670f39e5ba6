// DescribeProducers, DescribeTransactions and ListTransactions over TCP, as kafka-transactions
// and Admin.describeProducers / describeTransactions / listTransactions see them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AddPartitionsToTxn } from '../../protocol/apis/add-partitions-to-txn.js'
import { DescribeProducers } from '../../protocol/apis/describe-producers.js'
import { DescribeTransactions } from '../../protocol/apis/describe-transactions.js'
import { EndTxn } from '../../protocol/apis/end-txn.js'
import { InitProducerId } from '../../protocol/apis/init-producer-id.js'
import { ListTransactions } from '../../protocol/apis/list-transactions.js'
import { Produce } from '../../protocol/apis/produce.js'
import { ErrorCode } from '../../protocol/errors.js'
import { buildBatch } from '../../protocol/records/index.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

let tb: TestBroker
let client: TestClient

beforeAll(async () => {
  tb = await startTestBroker()
  tb.broker.createTopic('orders', 2, 1, {})
  client = await TestClient.connect(tb.port)
})
afterAll(async () => {
  await client?.close()
  await tb?.cleanup()
})

async function begin(transactionalId: string, partitions: number[]) {
  const init = await client.send(InitProducerId, 4, { transactionalId, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 })
  expect(init.errorCode).toBe(0)
  const add = await client.send(AddPartitionsToTxn, 3, {
    v3AndBelowTransactionalId: transactionalId, v3AndBelowProducerId: init.producerId, v3AndBelowProducerEpoch: init.producerEpoch,
    v3AndBelowTopics: [{ name: 'orders', partitions }],
  })
  expect(add.resultsByTopicV3AndBelow[0]!.resultsByPartition.map((r) => r.partitionErrorCode)).toEqual(partitions.map(() => 0))
  return { producerId: init.producerId, epoch: init.producerEpoch }
}

async function produceTxn(transactionalId: string, producerId: bigint, epoch: number, partition: number, seq: number, n: number) {
  const records = buildBatch({ producerId: Number(producerId), producerEpoch: epoch, baseSequence: seq, transactional: true, records: Array.from({ length: n }, (_, i) => ({ key: null, value: `v${i}` })) })
  const r = await client.send(Produce, 9, { transactionalId, acks: -1, timeoutMs: 1000, topicData: [{ name: 'orders', partitionData: [{ index: partition, records }] }] })
  expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(0)
  return Number(r.responses[0]!.partitionResponses[0]!.baseOffset)
}

describe('transaction admin APIs', () => {
  it('describe an open transaction, its producers, and list it with every filter', async () => {
    const a = await begin('app-a', [0, 1])
    const first = await produceTxn('app-a', a.producerId, a.epoch, 1, 0, 3)
    const b = await begin('app-b', [0])
    expect((await client.send(EndTxn, 3, { transactionalId: 'app-b', producerId: b.producerId, producerEpoch: b.epoch, committed: true })).errorCode).toBe(0)

    const d = await client.send(DescribeTransactions, 0, { transactionalIds: ['app-a', 'app-b', 'nobody', ''] })
    const [da, db, dn, de] = d.transactionStates
    expect(da).toMatchObject({ errorCode: 0, transactionalId: 'app-a', transactionState: 'Ongoing', transactionTimeoutMs: 60000, producerId: a.producerId, producerEpoch: a.epoch, topics: [{ topic: 'orders', partitions: [0, 1] }] })
    expect(Number(da!.transactionStartTimeMs)).toBeGreaterThan(0)
    expect(db).toMatchObject({ errorCode: 0, transactionState: 'CompleteCommit', topics: [] })
    expect(dn!.errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND)
    expect(de!.errorCode).toBe(ErrorCode.INVALID_REQUEST)

    const p = await client.send(DescribeProducers, 0, { topics: [{ name: 'orders', partitionIndexes: [1, 0, 7] }, { name: 'missing', partitionIndexes: [0] }] })
    const [p1, p0, p7] = p.topics[0]!.partitions
    expect(p1!.activeProducers).toEqual([{ producerId: a.producerId, producerEpoch: a.epoch, lastSequence: 2, lastTimestamp: expect.any(BigInt), coordinatorEpoch: 0, currentTxnStartOffset: BigInt(first) }])
    // app-b's commit marker is all partition 0 holds: a producer with no sequence and no open transaction.
    expect(p0!.activeProducers).toEqual([{ producerId: b.producerId, producerEpoch: b.epoch, lastSequence: -1, lastTimestamp: expect.any(BigInt), coordinatorEpoch: 0, currentTxnStartOffset: -1n }])
    expect(p7!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect(p.topics[1]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)

    const list = async (body: Partial<{ stateFilters: string[]; producerIdFilters: bigint[]; durationFilter: bigint; transactionalIdPattern: string | null }>, v = 2) => {
      const r = await client.send(ListTransactions, v, { stateFilters: [], producerIdFilters: [], ...body })
      return { ...r, ids: r.transactionStates.map((t) => `${t.transactionalId}:${t.transactionState}`).sort() }
    }
    expect((await list({})).ids).toEqual(['app-a:Ongoing', 'app-b:CompleteCommit'])
    const byState = await list({ stateFilters: ['Ongoing', 'Bogus'] })
    expect(byState.ids).toEqual(['app-a:Ongoing'])
    expect(byState.unknownStateFilters).toEqual(['Bogus'])
    expect((await list({ producerIdFilters: [b.producerId] })).ids).toEqual(['app-b:CompleteCommit'])
    expect((await list({ transactionalIdPattern: 'app-[b-z]' })).ids).toEqual(['app-b:CompleteCommit'])
    expect((await list({ transactionalIdPattern: 'app' })).ids).toEqual([]) // the whole id must match
    expect((await list({ durationFilter: 3_600_000n })).ids).toEqual([]) // nothing has run for an hour
    expect((await list({ transactionalIdPattern: '(' })).errorCode).toBe(ErrorCode.INVALID_REGULAR_EXPRESSION)
    expect((await list({ transactionalIdPattern: 'app-[b-z]' }, 1)).ids).toEqual(['app-a:Ongoing', 'app-b:CompleteCommit']) // v1 has no pattern
  })
})
