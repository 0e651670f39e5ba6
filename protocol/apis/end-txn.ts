import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// EndTxn (26). v5+ (KIP-890 transactions v2): the response carries the producer id and the
// epoch bumped at the end of every transaction, which the client adopts.
export const EndTxn = defineApi({
  key: 26,
  name: 'EndTxn',
  valid: '0-5',
  flexible: '3+',
  request: {
    transactionalId: t.string(),
    producerId: t.int64(),
    producerEpoch: t.int16(),
    committed: t.bool(),
  },
  response: {
    throttleTimeMs: t.int32(),
    errorCode: t.errorCode(),
    producerId: t.int64({ versions: '5+', default: -1n }),
    producerEpoch: t.int16({ versions: '5+', default: -1 }),
  },
})
export type EndTxnRequest = RequestOf<typeof EndTxn>
export type EndTxnResponse = ResponseOf<typeof EndTxn>
