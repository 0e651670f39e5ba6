import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// DescribeProducers (61, KIP-664): the producers a partition's log knows, with their epoch, last
// sequence and timestamp, and the start of any open transaction (kafka-transactions
// describe-producers, Admin.describeProducers).
export const DescribeProducers = defineApi({
  key: 61,
  name: 'DescribeProducers',
  valid: '0',
  flexible: '0+',
  request: {
    topics: t.array({
      name: t.string(),
      partitionIndexes: t.array(t.int32()),
    }),
  },
  response: {
    throttleTimeMs: t.int32(),
    topics: t.array({
      name: t.string(),
      partitions: t.array({
        partitionIndex: t.int32(),
        errorCode: t.errorCode(),
        errorMessage: t.nullableString({ nullable: '0+', default: null }),
        activeProducers: t.array({
          producerId: t.int64(),
          producerEpoch: t.int32(),
          lastSequence: t.int32({ default: -1 }),
          lastTimestamp: t.int64({ default: -1n }),
          coordinatorEpoch: t.int32(),
          currentTxnStartOffset: t.int64({ default: -1n }),
        }),
      }),
    }),
  },
})
export type DescribeProducersRequest = RequestOf<typeof DescribeProducers>
export type DescribeProducersResponse = ResponseOf<typeof DescribeProducers>
