import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// ListTransactions (66, KIP-664). v1+: durationFilter (KIP-994: only transactions running longer);
// v2+: transactionalIdPattern (KIP-1152, a regular expression the whole id must match).
export const ListTransactions = defineApi({
  key: 66,
  name: 'ListTransactions',
  valid: '0-2',
  flexible: '0+',
  request: {
    stateFilters: t.array(t.string()),
    producerIdFilters: t.array(t.int64()),
    durationFilter: t.int64({ versions: '1+', default: -1n }),
    transactionalIdPattern: t.nullableString({ versions: '2+', nullable: '2+', default: null }),
  },
  response: {
    throttleTimeMs: t.int32(),
    errorCode: t.errorCode(),
    unknownStateFilters: t.array(t.string()),
    transactionStates: t.array({
      transactionalId: t.string(),
      producerId: t.int64(),
      transactionState: t.string(),
    }),
  },
})
export type ListTransactionsRequest = RequestOf<typeof ListTransactions>
export type ListTransactionsResponse = ResponseOf<typeof ListTransactions>
