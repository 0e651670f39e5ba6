// AddPartitionsToTxn 0–5 (KafkaApis.handleAddPartitionsToTxnRequest,
// TransactionCoordinator.handleAddPartitionsToTransaction). v0–3 (clients): one transaction, an
// error per partition. Partitions of unknown topics, partitions that do not exist, and internal
// topics (which Kafka leaves out before authorising, so they fail its WRITE check) fail alone and
// every other partition answers OPERATION_NOT_ATTEMPTED; otherwise the coordinator's verdict applies
// to them all. v0–1 clients get INVALID_PRODUCER_EPOCH where newer ones get PRODUCER_FENCED.
// v4+ (sent by brokers; KIP-890): a batch of transactions, each either added (transactions v2) or,
// with verifyOnly, checked: a partition outside the open transaction answers TRANSACTION_ABORTABLE.
// With an authorizer: v0–3 need WRITE on the transactional id (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED
// everywhere) and on each topic (TOPIC_AUTHORIZATION_FAILED, the rest OPERATION_NOT_ATTEMPTED);
// v4+ come from brokers and need CLUSTER_ACTION.

import { AddPartitionsToTxn } from '../../protocol/apis/add-partitions-to-txn.js'
import { ErrorCode, KafkaError, type ErrorName } from '../../protocol/errors.js'
import type { Broker } from '../broker.js'
import { allowed, authorize, authorizedNames, Op, requireCluster, Res } from './auth.js'
import { defineHandler } from './handler.js'

interface TopicIn {
  name: string
  partitions: number[]
}

function perPartition(topics: TopicIn[], code: (topic: string, partition: number) => number) {
  return topics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: code(t.name, p) })) }))
}

function addToTransaction(broker: Broker, txn: { transactionalId: string; producerId: bigint; producerEpoch: number; verifyOnly: boolean; topics: TopicIn[] }, version: number, writable: ReadonlySet<string> | null = null) {
  const { topics } = txn
  if (txn.transactionalId === '') return perPartition(topics, () => ErrorCode.INVALID_REQUEST)
  const failures = new Map<string, number>()
  for (const t of topics) {
    const info = broker.cluster.topic(t.name)
    for (const p of t.partitions) {
      if (info?.internal || !allowed(writable, t.name)) failures.set(`${t.name}:${p}`, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
      else if (!info || p < 0 || p >= info.partitions) failures.set(`${t.name}:${p}`, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    }
  }
  if (failures.size > 0) return perPartition(topics, (t, p) => failures.get(`${t}:${p}`) ?? ErrorCode.OPERATION_NOT_ATTEMPTED)
  const pid = Number(txn.producerId)
  if (txn.verifyOnly) {
    return perPartition(topics, (t, p) => {
      const e = broker.txns.verifyPartition(txn.transactionalId, pid, txn.producerEpoch, t, p)
      return e === null ? 0 : ErrorCode[e]
    })
  }
  const list = topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })))
  let error: ErrorName | null = broker.txns.addPartitions(txn.transactionalId, pid, txn.producerEpoch, list, version >= 4 ? 2 : 0)
  if (error === 'PRODUCER_FENCED' && version < 2) error = 'INVALID_PRODUCER_EPOCH'
  return perPartition(topics, () => (error === null ? 0 : ErrorCode[error]))
}

export default defineHandler({
  api: AddPartitionsToTxn,
  handle(req, ctx) {
    const { broker, version } = ctx
    if (version <= 3) {
      if (!authorize(ctx, Op.WRITE, Res.TRANSACTIONAL_ID, req.v3AndBelowTransactionalId)) throw new KafkaError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED')
      const writable = authorizedNames(ctx, Op.WRITE, Res.TOPIC, req.v3AndBelowTopics.map((t) => t.name))
      const txn = { transactionalId: req.v3AndBelowTransactionalId, producerId: req.v3AndBelowProducerId, producerEpoch: req.v3AndBelowProducerEpoch, verifyOnly: false, topics: req.v3AndBelowTopics }
      return { throttleTimeMs: 0, resultsByTopicV3AndBelow: addToTransaction(broker, txn, version, writable) }
    }
    requireCluster(ctx, Op.CLUSTER_ACTION)
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      resultsByTransaction: req.transactions.map((t) => ({ transactionalId: t.transactionalId, topicResults: addToTransaction(broker, t, version) })),
    }
  },
  // AddPartitionsToTxnRequest.getErrorResponse: every partition before v4, the top-level code after.
  errorResponse: (req, errorCode, ctx) => {
    if (ctx.version >= 4) return { errorCode, resultsByTransaction: [] }
    return { resultsByTopicV3AndBelow: perPartition(req.v3AndBelowTopics, () => errorCode) }
  },
})
