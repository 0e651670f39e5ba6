// InitProducerId 0–5. Without a transactional id (an idempotent producer) every call gets a fresh
// producer id with epoch 0, whatever id and epoch a v3+ request carries: Kafka's
// TransactionCoordinator accepts such requests blindly, and idempotent clients bump their epoch
// themselves (KIP-360), coming back here only for a new id. With a transactional id the id stays
// stable per transactional id (persisted in cluster.json) and each call bumps its epoch, which
// fences the previous producer on every partition it writes next; a v3+ caller that passes its
// id and epoch is checked first (KIP-360: a stale one gets PRODUCER_FENCED, which v0–3 clients
// read as INVALID_PRODUCER_EPOCH; a retry of a completed bump gets the same answer again); an
// exhausted epoch (Short.MAX_VALUE - 1) rotates to a new producer id at epoch 0. The transaction
// timeout must lie in (0, transaction.max.timeout.ms]. Versions differ in encoding (v2+ flexible)
// and in the errors they may carry (v4+ PRODUCER_FENCED, v5+ TRANSACTION_ABORTABLE). Not
// implemented: transactions themselves (while EndTxn is not served, a transactional id gets
// UNSUPPORTED_VERSION so clients fail fast); two-phase commit (v6, KIP-939).

import { InitProducerId } from '../../protocol/apis/init-producer-id.js'
import { KafkaError, type ErrorName } from '../../protocol/errors.js'
import type { Cluster, TransactionalIdState } from '../cluster/cluster.js'
import { defineHandler } from './handler.js'
import { handlerMap } from './registry.js'

const END_TXN = 26

const NO_PRODUCER_ID = -1
const NO_PRODUCER_EPOCH = -1
const DEFAULT_MAX_TIMEOUT_MS = 900000 // transaction.max.timeout.ms

const isEpochExhausted = (epoch: number) => epoch >= 0x7fff - 1

interface Expected {
  producerId: number
  epoch: number
}

// Kafka's TransactionCoordinator.prepareInitProducerIdTransit with TransactionMetadata's
// prepareIncrementProducerEpoch / prepareProducerIdRotation, for a transactional id in a
// completed (or empty) state: the next state, or the error to answer.
function nextState(cluster: Cluster, m: TransactionalIdState, expected: Expected | null, timeoutMs: number): TransactionalIdState | ErrorName {
  const lastEpoch = m.lastEpoch ?? NO_PRODUCER_EPOCH
  if (expected) {
    const valid = m.epoch === NO_PRODUCER_EPOCH || expected.producerId === m.producerId ||
      (expected.producerId === m.prevProducerId && isEpochExhausted(expected.epoch))
    if (!valid) return 'PRODUCER_FENCED'
  }
  if (isEpochExhausted(m.epoch) && (!expected || expected.epoch === m.epoch)) {
    return { producerId: cluster.allocateProducerId(), epoch: 0, lastEpoch: expected ? m.epoch : NO_PRODUCER_EPOCH, prevProducerId: m.producerId, timeoutMs }
  }
  let epoch: number
  let last: number
  if (!expected) {
    epoch = m.epoch + 1
    last = NO_PRODUCER_EPOCH
  } else if (m.epoch === NO_PRODUCER_EPOCH || expected.epoch === m.epoch) {
    epoch = m.epoch + 1
    last = m.epoch
  } else if (expected.epoch === lastEpoch) {
    // A retry of a bump whose answer was lost: the same epoch again.
    epoch = m.epoch
    last = lastEpoch
  } else {
    return 'PRODUCER_FENCED'
  }
  return { producerId: m.producerId, epoch, lastEpoch: last, prevProducerId: m.producerId, timeoutMs }
}

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
    if (txnId === null) return { throttleTimeMs: 0, errorCode: 0, producerId: BigInt(cluster.allocateProducerId()), producerEpoch: 0 }
    if (txnId === '') throw new KafkaError('INVALID_REQUEST', 'transactionalId must not be empty')
    const maxTimeout = Number(broker.config.get('transaction.max.timeout.ms') ?? DEFAULT_MAX_TIMEOUT_MS)
    if (req.transactionTimeoutMs <= 0 || req.transactionTimeoutMs > maxTimeout) {
      throw new KafkaError('INVALID_TRANSACTION_TIMEOUT', `transaction timeout ${req.transactionTimeoutMs} ms is not in (0, ${maxTimeout}]`)
    }
    // Until the transaction APIs are served, a transactional producer must fail at
    // initTransactions() instead of stalling later on partitions it cannot register.
    if (!handlerMap.has(END_TXN)) throw new KafkaError('UNSUPPORTED_VERSION', 'transactions are not supported by this broker yet')
    let m = cluster.transactionalIds.get(txnId)
    if (!m) {
      m = { producerId: cluster.allocateProducerId(), epoch: NO_PRODUCER_EPOCH, lastEpoch: NO_PRODUCER_EPOCH, prevProducerId: NO_PRODUCER_ID, timeoutMs: req.transactionTimeoutMs }
      cluster.transactionalIds.set(txnId, m)
    }
    const next = nextState(cluster, m, expected, req.transactionTimeoutMs)
    if (typeof next === 'string') {
      cluster.save()
      // PRODUCER_FENCED is new in v4; older clients handle INVALID_PRODUCER_EPOCH the same way.
      throw new KafkaError(next === 'PRODUCER_FENCED' && version < 4 ? 'INVALID_PRODUCER_EPOCH' : next, `transactional id ${txnId}: producer ${pid} epoch ${givenEpoch} is fenced`)
    }
    cluster.transactionalIds.set(txnId, next)
    cluster.save()
    return { throttleTimeMs: 0, errorCode: 0, producerId: BigInt(next.producerId), producerEpoch: next.epoch }
  },
  errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode, producerId: BigInt(NO_PRODUCER_ID), producerEpoch: NO_PRODUCER_EPOCH }),
})
