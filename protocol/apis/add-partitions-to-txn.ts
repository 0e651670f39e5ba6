import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// AddPartitionsToTxn (24). v0–3: one transaction (the v3AndBelow* fields), per-topic results;
// v4+: a batch of transactions, sent by brokers only, with verifyOnly (KIP-890) and a top-level
// errorCode plus results per transaction.
const topic = {
  name: t.string(),
  partitions: t.array(t.int32()),
}
const topicResult = {
  name: t.string(),
  resultsByPartition: t.array({
    partitionIndex: t.int32(),
    partitionErrorCode: t.errorCode(),
  }),
}

export const AddPartitionsToTxn = defineApi({
  key: 24,
  name: 'AddPartitionsToTxn',
  valid: '0-5',
  flexible: '3+',
  request: {
    transactions: t.array(
      {
        transactionalId: t.string(),
        producerId: t.int64(),
        producerEpoch: t.int16(),
        verifyOnly: t.bool(),
        topics: t.array(topic),
      },
      { versions: '4+' },
    ),
    v3AndBelowTransactionalId: t.string({ versions: '0-3' }),
    v3AndBelowProducerId: t.int64({ versions: '0-3' }),
    v3AndBelowProducerEpoch: t.int16({ versions: '0-3' }),
    v3AndBelowTopics: t.array(topic, { versions: '0-3' }),
  },
  response: {
    throttleTimeMs: t.int32(),
    errorCode: t.errorCode({ versions: '4+' }),
    resultsByTransaction: t.array(
      {
        transactionalId: t.string(),
        topicResults: t.array(topicResult),
      },
      { versions: '4+' },
    ),
    resultsByTopicV3AndBelow: t.array(topicResult, { versions: '0-3' }),
  },
})
export type AddPartitionsToTxnRequest = RequestOf<typeof AddPartitionsToTxn>
export type AddPartitionsToTxnResponse = ResponseOf<typeof AddPartitionsToTxn>
