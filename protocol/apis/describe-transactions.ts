import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// DescribeTransactions (65, KIP-664): the coordinator's view of transactional ids — state,
// producer id and epoch, timeout, start time and the partitions of the open transaction.
export const DescribeTransactions = defineApi({
  key: 65,
  name: 'DescribeTransactions',
  valid: '0',
  flexible: '0+',
  request: {
    transactionalIds: t.array(t.string()),
  },
  response: {
    throttleTimeMs: t.int32(),
    transactionStates: t.array({
      errorCode: t.errorCode(),
      transactionalId: t.string(),
      transactionState: t.string(),
      transactionTimeoutMs: t.int32(),
      transactionStartTimeMs: t.int64(),
      producerId: t.int64(),
      producerEpoch: t.int16(),
      topics: t.array({
        topic: t.string(),
        partitions: t.array(t.int32()),
      }),
    }),
  },
})
export type DescribeTransactionsRequest = RequestOf<typeof DescribeTransactions>
export type DescribeTransactionsResponse = ResponseOf<typeof DescribeTransactions>
