// AddOffsetsToTxn 0–4 (KafkaApis.handleAddOffsetsToTxnRequest): adds the group's
// __consumer_offsets partition to the transaction, so a TxnOffsetCommit may follow and the
// transaction's marker settles it. The coordinator's rules are AddPartitionsToTxn's (transactions
// v1); v0–1 clients get INVALID_PRODUCER_EPOCH where newer ones get PRODUCER_FENCED.
// With an authorizer: WRITE on the transactional id, then READ on the group (KafkaApis).

import { AddOffsetsToTxn } from '../../protocol/apis/add-offsets-to-txn.js'
import { KafkaError } from '../../protocol/errors.js'
import { OFFSETS_TOPIC } from '../groups/group-store.js'
import { authorize, Op, requireGroup, Res } from './auth.js'
import { defineHandler } from './handler.js'

export default defineHandler({
  api: AddOffsetsToTxn,
  handle(req, ctx) {
    const { broker, version } = ctx
    if (!authorize(ctx, Op.WRITE, Res.TRANSACTIONAL_ID, req.transactionalId)) throw new KafkaError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED')
    requireGroup(ctx, Op.READ, req.groupId)
    if (req.transactionalId === '') throw new KafkaError('INVALID_REQUEST', 'transactionalId must not be empty')
    const partition = broker.groups.store.partitionFor(req.groupId)
    const error = broker.txns.addPartitions(req.transactionalId, Number(req.producerId), req.producerEpoch, [{ topic: OFFSETS_TOPIC, partition }], 0)
    if (error !== null) throw new KafkaError(error === 'PRODUCER_FENCED' && version < 2 ? 'INVALID_PRODUCER_EPOCH' : error, `transactional id ${req.transactionalId}: ${error}`)
    return { throttleTimeMs: 0, errorCode: 0 }
  },
  errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode }),
})
