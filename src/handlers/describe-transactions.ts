// DescribeTransactions 0 (TransactionCoordinator.handleDescribeTransactions): per transactional
// id its state (Kafka's names: Empty, Ongoing, CompleteCommit, ...), producer id and epoch,
// timeout, the start time of the open transaction (-1 when none) and its partitions. An unknown id
// answers TRANSACTIONAL_ID_NOT_FOUND, an empty one INVALID_REQUEST.
// With an authorizer: DESCRIBE on each transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
// partitions of topics the principal may not DESCRIBE are left out.

import { DescribeTransactions } from '../../protocol/apis/describe-transactions.js'
import { ErrorCode } from '../../protocol/errors.js'
import { authorize, Op, Res } from './auth.js'
import { defineHandler } from './handler.js'

export default defineHandler({
  api: DescribeTransactions,
  handle(req, ctx) {
    const { txns } = ctx.broker.txns
    return {
      throttleTimeMs: 0,
      transactionStates: req.transactionalIds.map((transactionalId) => {
        if (!authorize(ctx, Op.DESCRIBE, Res.TRANSACTIONAL_ID, transactionalId)) return { transactionalId, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED }
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
          topics: [...m.partitions].filter(([topic]) => authorize(ctx, Op.DESCRIBE, Res.TOPIC, topic)).map(([topic, ps]) => ({ topic, partitions: [...ps].sort((a, b) => a - b) })),
        }
      }),
    }
  },
  errorResponse: (req, errorCode) => ({
    transactionStates: req.transactionalIds.map((transactionalId) => ({ transactionalId, errorCode })),
  }),
})
