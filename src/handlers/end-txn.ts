// EndTxn 0–5 (KafkaApis.handleEndTxnRequest, TransactionCoordinator.endTransaction*): commits or
// aborts the open transaction, writing its markers before answering. v0–4 follow transactions v1
// (the epoch stays; a retried end answers NONE); v5 follows transactions v2 (KIP-890): every end
// bumps the epoch and the response carries the producer id and epoch to continue with. v0–1
// clients get INVALID_PRODUCER_EPOCH where newer ones get PRODUCER_FENCED.
// With an authorizer: WRITE on the transactional id (KafkaApis).

import { EndTxn } from '../../protocol/apis/end-txn.js'
import { ErrorCode, KafkaError } from '../../protocol/errors.js'
import { authorize, Op, Res } from './auth.js'
import { defineHandler } from './handler.js'

export default defineHandler({
  api: EndTxn,
  handle(req, ctx) {
    const { broker, version } = ctx
    if (!authorize(ctx, Op.WRITE, Res.TRANSACTIONAL_ID, req.transactionalId)) throw new KafkaError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED')
    if (req.transactionalId === '') throw new KafkaError('INVALID_REQUEST', 'transactionalId must not be empty')
    const r = broker.txns.endTxn(req.transactionalId, Number(req.producerId), req.producerEpoch, req.committed, version >= 5)
    const error = r.error === 'PRODUCER_FENCED' && version < 2 ? 'INVALID_PRODUCER_EPOCH' : r.error
    return { throttleTimeMs: 0, errorCode: error === null ? 0 : ErrorCode[error], producerId: BigInt(r.producerId), producerEpoch: r.epoch }
  },
  errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 }),
})
