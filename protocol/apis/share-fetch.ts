import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

const NO_LEADER = Object.freeze({ leaderId: -1, leaderEpoch: -1 })

// Acknowledgement batches, shared with ShareAcknowledge: acknowledgeTypes holds one type for the
// whole range or one per offset (0 gap, 1 accept, 2 release, 3 reject, 4 renew from v2).
export const acknowledgementBatch = {
  firstOffset: t.int64(),
  lastOffset: t.int64(),
  acknowledgeTypes: t.array(t.int8()),
}

export const shareLeader = t.struct({ leaderId: t.int32({ default: -1 }), leaderEpoch: t.int32({ default: -1 }) }, { default: NO_LEADER })

export const nodeEndpoints = t.array({
  nodeId: t.int32(),
  host: t.string(),
  port: t.int32(),
  rack: t.nullableString({ nullable: '0+', default: null }),
})

// ShareFetch (78, KIP-932). Kafka 4.4 serves v1-2 (v0 was 4.0's early access). v2 (KIP-1206,
// KIP-1222): ShareAcquireMode (0 batch-optimized, 1 record-limit), IsRenewAck and the renew (4)
// acknowledge type. The share session epoch: 0 opens a session, -1 closes it.
export const ShareFetch = defineApi({
  key: 78,
  name: 'ShareFetch',
  valid: '1-2',
  flexible: '0+',
  request: {
    groupId: t.nullableString({ nullable: '0+', default: null }),
    memberId: t.nullableString({ nullable: '0+', default: null }),
    shareSessionEpoch: t.int32(),
    maxWaitMs: t.int32(),
    minBytes: t.int32(),
    maxBytes: t.int32({ default: 0x7fffffff }),
    maxRecords: t.int32(),
    batchSize: t.int32(),
    shareAcquireMode: t.int8({ versions: '2+' }),
    isRenewAck: t.bool({ versions: '2+' }),
    topics: t.array({
      topicId: t.uuid(),
      partitions: t.array({
        partitionIndex: t.int32(),
        acknowledgementBatches: t.array(acknowledgementBatch),
      }),
    }),
    forgottenTopicsData: t.array({
      topicId: t.uuid(),
      partitions: t.array(t.int32()),
    }),
  },
  response: {
    throttleTimeMs: t.int32(),
    errorCode: t.errorCode(),
    errorMessage: t.nullableString({ nullable: '0+', default: null }),
    acquisitionLockTimeoutMs: t.int32(),
    responses: t.array({
      topicId: t.uuid(),
      partitions: t.array({
        partitionIndex: t.int32(),
        errorCode: t.errorCode(),
        errorMessage: t.nullableString({ nullable: '0+', default: null }),
        acknowledgeErrorCode: t.errorCode(),
        acknowledgeErrorMessage: t.nullableString({ nullable: '0+', default: null }),
        currentLeader: shareLeader,
        // Unlike Fetch's, ShareFetchResponse's Records is not nullable (none: a zero-length set).
        records: t.records({ nullable: 'none', default: Buffer.alloc(0) }),
        acquiredRecords: t.array({
          firstOffset: t.int64(),
          lastOffset: t.int64(),
          deliveryCount: t.int16(),
        }),
      }),
    }),
    nodeEndpoints,
  },
})
export type ShareFetchRequest = RequestOf<typeof ShareFetch>
export type ShareFetchResponse = ResponseOf<typeof ShareFetch>
