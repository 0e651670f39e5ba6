// ListTransactions 0–2 (TransactionStateManager.listTransactionStates): every transactional id
// (none Dead) matching all the filters given — states (unknown names are listed back in
// unknownStateFilters and match nothing), producer ids, v1+ a minimum running time (now minus the
// transaction's start), v2+ a regular expression the whole id must match (INVALID_REGULAR_EXPRESSION
// when it does not compile). Empty filters match everything.
// With an authorizer only transactional ids the principal may DESCRIBE are listed.

import { ListTransactions } from '../../protocol/apis/list-transactions.js'
import { KafkaError } from '../../protocol/errors.js'
import { TxnStatus, type TxnStatusName } from '../../protocol/txn-records.js'
import { authorize, Op, Res } from './auth.js'
import { defineHandler } from './handler.js'

const isState = (s: string): s is TxnStatusName => Object.prototype.hasOwnProperty.call(TxnStatus, s)

export default defineHandler({
  api: ListTransactions,
  handle(req, ctx) {
    const { broker } = ctx
    const states = new Set(req.stateFilters.filter(isState))
    const unknownStateFilters = req.stateFilters.filter((s) => !isState(s))
    const producerIds = new Set(req.producerIdFilters.map(Number))
    const duration = Number(req.durationFilter)
    let pattern: RegExp | null = null
    if (req.transactionalIdPattern) {
      try {
        pattern = new RegExp(`^(?:${req.transactionalIdPattern})$`)
      } catch (err) {
        throw new KafkaError('INVALID_REGULAR_EXPRESSION', `Transaction ID pattern \`${req.transactionalIdPattern}\` is not a valid regular expression: ${(err as Error).message}.`)
      }
    }
    const now = broker.clock.now()
    const transactionStates = []
    for (const m of broker.txns.txns.values()) {
      if (m.state === 'Dead') continue
      if (producerIds.size > 0 && !producerIds.has(m.producerId)) continue
      if (req.stateFilters.length > 0 && !states.has(m.state)) continue
      if (duration >= 0 && now - m.startTimestamp <= duration) continue
      if (pattern && !pattern.test(m.transactionalId)) continue
      if (!authorize(ctx, Op.DESCRIBE, Res.TRANSACTIONAL_ID, m.transactionalId)) continue
      // In a cluster each broker lists the transactional ids it coordinates (admin asks every broker).
      if (broker.nodes.size > 1 && broker.coordinatorOf(broker.transactionStateTopic, m.transactionalId) !== ctx.node.id) continue
      transactionStates.push({ transactionalId: m.transactionalId, producerId: BigInt(m.producerId), transactionState: m.state })
    }
    return { throttleTimeMs: 0, errorCode: 0, unknownStateFilters, transactionStates }
  },
  errorResponse: (_req, errorCode) => ({ errorCode }),
})
