import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'
import { acknowledgementBatch, nodeEndpoints, shareLeader } from './share-fetch.js'

// ShareAcknowledge (79, KIP-932). Kafka 4.4 serves v1-2. v2 (KIP-1222): IsRenewAck in the request,
// the renew (4) acknowledge type, and AcquisitionLockTimeoutMs in the response.
export const ShareAcknowledge = defineApi({
  key: 79,
  name: 'ShareAcknowledge',
  valid: '1-2',
  flexible: '0+',
  request: {
    groupId: t.nullableString({ nullable: '0+', default: null }),
    memberId: t.nullableString({ nullable: '0+', default: null }),
    shareSessionEpoch: t.int32(),
    isRenewAck: t.bool({ versions: '2+' }),
    topics: t.array({
      topicId: t.uuid(),
      partitions: t.array({
        partitionIndex: t.int32(),
        acknowledgementBatches: t.array(acknowledgementBatch),
      }),
    }),
  },
  response: {
    throttleTimeMs: t.int32(),
    errorCode: t.errorCode(),
    errorMessage: t.nullableString({ nullable: '0+', default: null }),
    acquisitionLockTimeoutMs: t.int32({ versions: '2+' }),
    responses: t.array({
      topicId: t.uuid(),
      partitions: t.array({
        partitionIndex: t.int32(),
        errorCode: t.errorCode(),
        errorMessage: t.nullableString({ nullable: '0+', default: null }),
        currentLeader: shareLeader,
      }),
    }),
    nodeEndpoints,
  },
})
export type ShareAcknowledgeRequest = RequestOf<typeof ShareAcknowledge>
export type ShareAcknowledgeResponse = ResponseOf<typeof ShareAcknowledge>
