import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// InitProducerId (22). Null transactionalId: an idempotent producer. v3+ a producer may pass its
// current id and epoch to bump the epoch instead of getting a new id; v4+ PRODUCER_FENCED; v5+
// TRANSACTION_ABORTABLE.
export const InitProducerId = defineApi({
  key: 22,
  name: 'InitProducerId',
  valid: '0-5',
  flexible: '2+',
  request: {
    transactionalId: t.nullableString({ default: '' }),
    transactionTimeoutMs: t.int32(),
    producerId: t.int64({ versions: '3+', default: -1n }),
    producerEpoch: t.int16({ versions: '3+', default: -1 }),
  },
  response: {
    throttleTimeMs: t.int32(),
    errorCode: t.errorCode(),
    producerId: t.int64({ default: -1n }),
    producerEpoch: t.int16(),
  },
})
export type InitProducerIdRequest = RequestOf<typeof InitProducerId>
export type InitProducerIdResponse = ResponseOf<typeof InitProducerId>
