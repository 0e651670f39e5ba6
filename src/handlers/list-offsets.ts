// ListOffsets 1–11 (v0 was removed in Kafka 4.0, KIP-896: the connection is closed). Special timestamps: -1 latest (the high watermark; for a consumer with
// READ_COMMITTED, v2+, the last stable offset), -2 earliest (log start offset),
// -3 max timestamp (v7+: the first record carrying the largest timestamp, found by decoding its
// batch, as Kafka 4 does), -4 earliest local (v8+: the log start, no tiered storage), -5 latest
// tiered (v9+: offset -1, nothing is tiered), -6 earliest pending upload (v11+, KIP-1023: offset -1
// with no error, as Kafka answers for a topic without remote storage). A real timestamp finds the first record at or after
// it, decoding only the candidate batches the time index points at; none: offset and timestamp -1
// (also when what it finds lies at or past the offset latest would answer, as Kafka's Partition.fetchOffsetForTimestamp).
// A negative timestamp the version cannot carry gets UNSUPPORTED_VERSION on its partition. v4+
// leader epoch 0 and currentLeaderEpoch fencing (as Fetch); a partition
// listed twice gets one INVALID_REQUEST answer and topics are merged by name, as Kafka's
// ReplicaManager.fetchOffset does. v10's timeoutMs only matters for tiered storage: ignored.
// With an authorizer each topic needs DESCRIBE, else TOPIC_AUTHORIZATION_FAILED.

import { ListOffsets, type ListOffsetsRequest, type ListOffsetsResponse } from '../../protocol/apis/list-offsets.js'
import { ErrorCode } from '../../protocol/errors.js'
import type { DeepPartial } from '../../protocol/schema.js'
import { LogError } from '../log/types.js'
import type { TimestampHit } from '../log/partition-store.js'
import { attempt, settle, settleAll, type MaybePromise } from '../store/async-partition-store.js'
import { allowed, authorizedNames, Op, Res } from './auth.js'
import { leaderError } from './cluster-view.js'
import { defineHandler, type RequestContext } from './handler.js'

type PartitionIn = ListOffsetsRequest['topics'][number]['partitions'][number]
type PartitionOut = DeepPartial<ListOffsetsResponse['topics'][number]['partitions'][number]>

const LATEST = -1
const EARLIEST = -2
const MAX_TIMESTAMP = -3
const EARLIEST_LOCAL = -4
const LATEST_TIERED = -5
const EARLIEST_PENDING_UPLOAD = -6
const LEADER_EPOCH = 0
const UNKNOWN_EPOCH = -1

// ReplicaManager.timestampMinSupportedVersion.
const MIN_VERSION: ReadonlyMap<number, number> = new Map([[LATEST, 1], [EARLIEST, 1], [MAX_TIMESTAMP, 7], [EARLIEST_LOCAL, 8], [LATEST_TIERED, 9], [EARLIEST_PENDING_UPLOAD, 11]])

interface Found {
  timestamp: number
  offset: number
  leaderEpoch: number
}

const NOT_FOUND: Found = { timestamp: -1, offset: -1, leaderEpoch: -1 }

function failed(partitionIndex: number, errorCode: number): PartitionOut {
  return { partitionIndex, errorCode, timestamp: -1n, offset: -1n, leaderEpoch: -1 }
}

function answer(partitionIndex: number, f: Found): PartitionOut {
  return { partitionIndex, errorCode: 0, timestamp: BigInt(f.timestamp), offset: BigInt(f.offset), leaderEpoch: f.leaderEpoch }
}

function lookup(ctx: RequestContext, topic: string, p: PartitionIn, committed: boolean): MaybePromise<PartitionOut> {
  const { broker, version } = ctx
  const ts = Number(p.timestamp)
  if (ts < 0 && (!MIN_VERSION.has(ts) || version < MIN_VERSION.get(ts)!)) return failed(p.partitionIndex, ErrorCode.UNSUPPORTED_VERSION)
  const log = broker.partition(topic, p.partitionIndex)
  if (!log) return failed(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  // v4+ fences on currentLeaderEpoch; every version needs the leader.
  const fenced = leaderError(ctx, topic, p.partitionIndex, version >= 4 ? p.currentLeaderEpoch : -1)
  if (fenced !== 0) return failed(p.partitionIndex, fenced)
  const state = broker.cluster.leadership.get(topic, p.partitionIndex)
  const latestEpoch = state?.leaderEpoch ?? 0
  const lastFetchable = committed ? log.lastStableOffset : log.highWatermark
  const fetchable = (f: TimestampHit | null): PartitionOut => answer(p.partitionIndex, !f || f.offset >= lastFetchable ? NOT_FOUND : f)
  switch (ts) {
    case LATEST:
      return answer(p.partitionIndex, { timestamp: -1, offset: lastFetchable, leaderEpoch: latestEpoch })
    case EARLIEST:
    case EARLIEST_LOCAL:
      return answer(p.partitionIndex, { timestamp: -1, offset: log.logStartOffset, leaderEpoch: state ? broker.cluster.leadership.epochForOffset(state, log.logStartOffset) : 0 })
    case LATEST_TIERED:
    case EARLIEST_PENDING_UPLOAD:
      return answer(p.partitionIndex, NOT_FOUND)
  }
  // A batch that does not decode (CORRUPT_MESSAGE, INVALID_RECORD, UNSUPPORTED_COMPRESSION_TYPE),
  // or a store that failed (KAFKA_STORAGE_ERROR).
  const fail = (err: unknown): PartitionOut => {
    if (err instanceof LogError) return failed(p.partitionIndex, ErrorCode[err.code])
    throw err
  }
  return attempt(() => (ts === MAX_TIMESTAMP ? log.offsetOfMaxTimestamp() : log.offsetForTimestamp(ts)), fetchable, fail)
}

export default defineHandler({
  api: ListOffsets,
  handle(req, ctx) {
    const { broker, version } = ctx
    const describable = authorizedNames(ctx, Op.DESCRIBE, Res.TOPIC, req.topics.map((t) => t.name))
    const denied = (p: PartitionIn) => failed(p.partitionIndex, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
    // Kafka bounds answers by isolation level only for consumers (replicaId -1).
    const committed = version >= 2 && req.isolationLevel === 1 && req.replicaId === -1
    const seen = new Set<string>()
    const duplicates = new Set<string>()
    for (const t of req.topics) {
      for (const p of t.partitions) {
        const key = `${p.partitionIndex}:${t.name}`
        if (seen.has(key)) duplicates.add(key)
        seen.add(key)
      }
    }
    const byTopic = new Map<string, MaybePromise<PartitionOut>[]>()
    const answered = new Set<string>()
    for (const t of req.topics) {
      let out = byTopic.get(t.name)
      if (!out) byTopic.set(t.name, (out = []))
      for (const p of t.partitions) {
        const key = `${p.partitionIndex}:${t.name}`
        if (answered.has(key)) continue
        answered.add(key)
        if (!allowed(describable, t.name)) {
          out.push(denied(p))
          continue
        }
        out.push(duplicates.has(key) ? failed(p.partitionIndex, ErrorCode.INVALID_REQUEST) : lookup(ctx, t.name, p, committed))
      }
    }
    const topics = [...byTopic].map(([name, partitions]) => settle(settleAll(partitions), (done) => ({ name, partitions: done })))
    return settle(settleAll(topics), (done) => ({ throttleTimeMs: 0, topics: done }))
  },
  errorResponse: (req, errorCode) => ({
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => failed(p.partitionIndex, errorCode)) })),
  }),
})
