// InitProducerId 0–5. Without a transactional id (an idempotent producer) every call gets a fresh
// producer id with epoch 0, whatever id and epoch a v3+ request carries: Kafka's
// TransactionCoordinator accepts such requests blindly, and idempotent clients bump their epoch
// themselves (KIP-360), coming back here only for a new id. With a transactional id the
// transaction coordinator (src/producers/transactions.ts) keeps the id stable and bumps its epoch,
// which fences the previous producer; an open transaction is aborted first. A v3+ caller that
// passes its id and epoch is checked (KIP-360: a stale one gets PRODUCER_FENCED, which v0–3
// clients read as INVALID_PRODUCER_EPOCH). The transaction timeout must lie in
// (0, transaction.max.timeout.ms]. v2+ is flexible. Not implemented: two-phase commit (v6, KIP-939).
// With an authorizer: WRITE on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED); an
// idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic (KIP-679), else
// CLUSTER_AUTHORIZATION_FAILED.

import { InitProducerId } from '../../protocol/apis/init-producer-id.js'
import { KafkaError } from '../../protocol/errors.js'
import { authorize, authorizeByResourceType, authorizeCluster, Op, Res } from './auth.js'
import { defineHandler } from './handler.js'

const NO_PRODUCER_ID = -1
const NO_PRODUCER_EPOCH = -1

export default defineHandler({
  api: InitProducerId,
  handle(req, ctx) {
    const { broker, version } = ctx
    const { cluster } = broker
    const pid = Number(req.producerId)
    const givenEpoch = req.producerEpoch
    if ((pid === NO_PRODUCER_ID) !== (givenEpoch === NO_PRODUCER_EPOCH)) {
      throw new KafkaError('INVALID_REQUEST', 'producerId and producerEpoch must both be set or both be -1')
    }
    const expected = pid === NO_PRODUCER_ID ? null : { producerId: pid, epoch: givenEpoch }
    const txnId = req.transactionalId
    if (txnId !== null && !authorize(ctx, Op.WRITE, Res.TRANSACTIONAL_ID, txnId)) throw new KafkaError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED')
    if (txnId === null && !authorizeCluster(ctx, Op.IDEMPOTENT_WRITE) && !authorizeByResourceType(ctx, Op.WRITE, Res.TOPIC)) throw new KafkaError('CLUSTER_AUTHORIZATION_FAILED')
    if (txnId === null) return { throttleTimeMs: 0, errorCode: 0, producerId: BigInt(cluster.allocateProducerId()), producerEpoch: 0 }
    if (txnId === '') throw new KafkaError('INVALID_REQUEST', 'transactionalId must not be empty')
    const maxTimeout = broker.config.int('transaction.max.timeout.ms')
    if (req.transactionTimeoutMs <= 0 || req.transactionTimeoutMs > maxTimeout) {
      throw new KafkaError('INVALID_TRANSACTION_TIMEOUT', `transaction timeout ${req.transactionTimeoutMs} ms is not in (0, ${maxTimeout}]`)
    }
    const result = broker.txns.initProducerId(txnId, req.transactionTimeoutMs, expected)
    if (typeof result === 'string') {
      // PRODUCER_FENCED is new in v4; older clients handle INVALID_PRODUCER_EPOCH the same way.
      throw new KafkaError(result === 'PRODUCER_FENCED' && version < 4 ? 'INVALID_PRODUCER_EPOCH' : result, `transactional id ${txnId}: producer ${pid} epoch ${givenEpoch} is fenced`)
    }
    return { throttleTimeMs: 0, errorCode: 0, producerId: BigInt(result.producerId), producerEpoch: result.epoch }
  },
  errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode, producerId: BigInt(NO_PRODUCER_ID), producerEpoch: NO_PRODUCER_EPOCH }),
})
