// DescribeProducers 0 (KafkaApis.handleDescribeProducersRequest, ProducerStateManager
// .activeProducers): every producer a partition's log remembers, with its epoch, last sequence
// (-1 when only markers were seen), last timestamp, coordinator epoch (always 0 here) and the
// first offset of its open transaction (-1 when none). Unknown topics and partitions answer
// UNKNOWN_TOPIC_OR_PARTITION.
// With an authorizer each topic needs READ, else TOPIC_AUTHORIZATION_FAILED.

import { DescribeProducers } from '../../protocol/apis/describe-producers.js'
import { ErrorCode } from '../../protocol/errors.js'
import { authorize, Op, Res } from './auth.js'
import { defineHandler } from './handler.js'

export default defineHandler({
  api: DescribeProducers,
  handle(req, ctx) {
    const { broker } = ctx
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((p) => {
          if (!authorize(ctx, Op.READ, Res.TOPIC, t.name)) return { partitionIndex: p, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'Topic authorization failed.', activeProducers: [] }
          const log = broker.cluster.topic(t.name) ? broker.partition(t.name, p) : undefined
          if (!log) return { partitionIndex: p, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null, activeProducers: [] }
          const activeProducers = log.activeProducers().map((e) => ({
            producerId: BigInt(e.producerId),
            producerEpoch: e.epoch,
            lastSequence: e.lastSequence,
            lastTimestamp: BigInt(e.lastTimestamp),
            coordinatorEpoch: 0,
            currentTxnStartOffset: BigInt(e.currentTxnStartOffset),
          }))
          return { partitionIndex: p, errorCode: 0, errorMessage: null, activeProducers }
        }),
      })),
    }
  },
  errorResponse: (req, errorCode) => ({
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, errorCode })) })),
  }),
})
