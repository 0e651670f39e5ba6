// DeleteRecords 0–2 (KafkaApis.handleDeleteRecordsRequest, ReplicaManager.deleteRecordsOnLocalLog,
// Partition.deleteRecordsOnLeader). Versions differ only in encoding (v2+ flexible). Offset -1
// means the high watermark; any other negative offset, or one above the high watermark, is
// OFFSET_OUT_OF_RANGE. An offset at or below the current log start changes nothing. The answer
// is the partition's new low watermark (its log start offset; -1 on error). Internal topics
// answer INVALID_TOPIC_EXCEPTION and topics whose cleanup.policy lacks "delete" POLICY_VIOLATION,
// as in Kafka. A moved log start offset is checkpointed before the response leaves, so it
// survives a restart. Partitions named twice are answered once (the last offset wins), grouped
// by topic, as Kafka's map-based response does.
// With an authorizer each topic needs DELETE, else TOPIC_AUTHORIZATION_FAILED (KafkaApis).

import { DeleteRecords, type DeleteRecordsResponse } from '../../protocol/apis/delete-records.js'
import { ErrorCode, type ErrorName } from '../../protocol/errors.js'
import type { DeepPartial } from '../../protocol/schema.js'
import { LogError } from '../log/types.js'
import { attempt, settle, settleAll, type MaybePromise } from '../store/async-partition-store.js'
import { allowed, authorizedNames, Op, Res } from './auth.js'
import { leaderError } from './cluster-view.js'
import { defineHandler, type RequestContext } from './handler.js'

type PartitionOut = DeepPartial<DeleteRecordsResponse['topics'][number]['partitions'][number]>

const HIGH_WATERMARK = -1n

function failed(partitionIndex: number, error: ErrorName): PartitionOut {
  return { partitionIndex, lowWatermark: -1n, errorCode: ErrorCode[error] }
}

// Returns the partition result and whether the log start offset moved.
function deletePartition(ctx: RequestContext, topic: string, partition: number, offset: bigint): MaybePromise<[PartitionOut, boolean]> {
  const { broker } = ctx
  const t = broker.cluster.topic(topic)
  const log = broker.partition(topic, partition)
  if (!t || !log) return [failed(partition, 'UNKNOWN_TOPIC_OR_PARTITION'), false]
  // Partition.deleteRecordsOnLeader: only the leader deletes.
  if (leaderError(ctx, topic, partition) !== 0) return [failed(partition, 'NOT_LEADER_OR_FOLLOWER'), false]
  if (t.internal) return [failed(partition, 'INVALID_TOPIC_EXCEPTION'), false]
  const policy = broker.config.resolveTopic('cleanup.policy', t.configs).value ?? ''
  if (!policy.split(',').some((p) => p.trim() === 'delete')) return [failed(partition, 'POLICY_VIOLATION'), false]
  const hw = log.highWatermark
  const target = offset === HIGH_WATERMARK ? BigInt(hw) : offset
  if (target < 0n || target > BigInt(hw)) return [failed(partition, 'OFFSET_OUT_OF_RANGE'), false]
  const before = log.logStartOffset
  return attempt(
    () => log.deleteRecordsBefore(Number(target)),
    (low): [PartitionOut, boolean] => [{ partitionIndex: partition, lowWatermark: BigInt(low), errorCode: 0 }, low !== before],
    (err): [PartitionOut, boolean] => {
      if (err instanceof LogError) return [failed(partition, err.code), false]
      throw err
    },
  )
}

export default defineHandler({
  api: DeleteRecords,
  handle(req, ctx) {
    const { broker } = ctx
    const wanted = new Map<string, Map<number, bigint>>()
    for (const t of req.topics) {
      let parts = wanted.get(t.name)
      if (!parts) wanted.set(t.name, (parts = new Map()))
      for (const p of t.partitions) parts.set(p.partitionIndex, p.offset)
    }
    let moved = false
    const deletable = authorizedNames(ctx, Op.DELETE, Res.TOPIC, wanted.keys())
    const topics = [...wanted].map(([name, parts]) => settle(settleAll(
      [...parts].map(([partition, offset]) => {
        if (!allowed(deletable, name)) return failed(partition, 'TOPIC_AUTHORIZATION_FAILED')
        return settle(deletePartition(ctx, name, partition, offset), ([out, changed]) => {
          moved ||= changed
          return out
        })
      }),
    ), (partitions) => ({ name, partitions })))
    return settle(settleAll(topics), (done) => {
      if (moved) broker.logs.checkpointLogStartOffsets()
      return { throttleTimeMs: 0, topics: done }
    })
  },
  errorResponse: (req, errorCode) => ({
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode })),
    })),
  }),
})
