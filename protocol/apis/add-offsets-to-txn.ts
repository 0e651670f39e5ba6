import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// AddOffsetsToTxn (25). The same fields in every version; v3+ is flexible.
export const AddOffsetsToTxn = defineApi({
  key: 25,
  name: 'AddOffsetsToTxn',
  valid: '0-4',
  flexible: '3+',
  request: {
    transactionalId: t.string(),
    producerId: t.int64(),
    producerEpoch: t.int16(),
    groupId: t.string(),
  },
  response: {
    throttleTimeMs: t.int32(),
    errorCode: t.errorCode(),
  },
})
export type AddOffsetsToTxnRequest = RequestOf<typeof AddOffsetsToTxn>
export type AddOffsetsToTxnResponse = ResponseOf<typeof AddOffsetsToTxn>
