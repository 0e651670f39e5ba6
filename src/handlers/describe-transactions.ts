// DescribeTransactions 0 (TransactionCoordinator.handleDescribeTransactions): per transactional
// id its state (Kafka's names: Empty, Ongoing, CompleteCommit, ...), producer id and epoch,
// timeout, the start time of the open transaction (-1 when none) and its partitions. An unknown id
// answers TRANSACTIONAL_ID_NOT_FOUND, an empty one INVALID_REQUEST.

import { DescribeTransactions } from '../../protocol/apis/describe-transactions.js'
import { ErrorCode } from '../../protocol/errors.js'
import { defineHandler } from './handler.js'

export default defineHandler({
  api: DescribeTransactions,
  handle(req, ctx) {
    const { txns } = ctx.broker.txns
    return {
      throttleTimeMs: 0,
      transactionStates: req.transactionalIds.map((transactionalId) => {
        if (transactionalId === '') return { transactionalId, errorCode: ErrorCode.INVALID_REQUEST }
        const m = txns.get(transactionalId)
        if (!m || m.state === 'Dead') return { transactionalId, errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND }
        return {
          errorCode: 0,
          transactionalId,
          transactionState: m.state,
          transactionTimeoutMs: m.timeoutMs,
          transactionStartTimeMs: BigInt(m.startTimestamp),
          producerId: BigInt(m.producerId),
          producerEpoch: m.epoch,
          topics: [...m.partitions].map(([topic, ps]) => ({ topic, partitions: [...ps].sort((a, b) => a - b) })),
        }
      }),
    }
  },
  errorResponse: (req, errorCode) => ({
    transactionStates: req.transactionalIds.map((transactionalId) => ({ transactionalId, errorCode })),
  }),
})
