// Fetch 4–18, sessionless: every response carries session id 0 (KIP-227 allows it; Java and
// franz-go then stay sessionless), and lists every requested partition. Long polling: with too
// few bytes for minBytes the response waits, up to maxWaitMs, for an append to any requested
// partition. Whole stored batches are returned as byte ranges; the first batch of the first
// partition with data is returned even when larger than the limits (KIP-74). v9+ leader-epoch
// fencing against our constant epoch 0; v13+ topics by id. read_committed (isolation level 1)
// reads stop at the last stable offset and list the aborted transactions the data may hold (the
// LSO is reported at either level, as Kafka does). Not implemented: fetch sessions (answered
// sessionless), follower fetching (replicaId >= 0 is served like a consumer).

import { Fetch, type FetchRequest, type FetchResponse } from '../../protocol/apis/fetch.js'
import { ErrorCode, KafkaError } from '../../protocol/errors.js'
import type { DeepPartial } from '../../protocol/schema.js'
import type { Broker } from '../broker.js'
import type { PartitionLog } from '../log/partition-log.js'
import { int64At } from '../log/batches.js'
import { ReadLease } from '../log/read-pool.js'
import { LogError } from '../log/types.js'
import { defineHandler, type RequestContext } from './handler.js'

type TopicOut = DeepPartial<FetchResponse['responses'][number]>
type PartitionOut = DeepPartial<FetchResponse['responses'][number]['partitions'][number]>

const EMPTY = Buffer.alloc(0)
const LEADER_EPOCH = 0

function partitionError(partitionIndex: number, errorCode: number, hw = -1, logStart = -1, lso = hw): PartitionOut {
  return { partitionIndex, errorCode, highWatermark: BigInt(hw), lastStableOffset: BigInt(lso), logStartOffset: BigInt(logStart), records: EMPTY }
}

// The aborted transactions that may have records in what was read: from the fetch offset up to
// the end of the last batch returned.
function abortedIn(log: PartitionLog, fetchOffset: number, records: Buffer | null) {
  if (!records || records.length === 0) return []
  let at = 0
  let end = fetchOffset
  while (at + 61 <= records.length) {
    end = int64At(records, at) + records.readInt32BE(at + 23) + 1
    at += 12 + records.readInt32BE(at + 8)
  }
  return log.abortedTransactions(fetchOffset, end).map((a) => ({ producerId: BigInt(a.producerId), firstOffset: BigInt(a.firstOffset) }))
}

function read(broker: Broker, req: FetchRequest, version: number, lease: ReadLease): { topics: TopicOut[]; bytes: number; keys: string[] } {
  let bytes = 0
  const keys: string[] = []
  const responseMax = req.maxBytes > 0 ? req.maxBytes : 0x7fffffff
  const committed = req.isolationLevel === 1
  const topics = req.topics.map((ft) => {
    const topic = version >= 13 ? broker.cluster.topicById(ft.topicId) : broker.cluster.topic(ft.topic)
    const partitions = ft.partitions.map((fp): PartitionOut => {
      if (!topic) return partitionError(fp.partition, version >= 13 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      const log = broker.partition(topic.name, fp.partition)
      if (!log) return partitionError(fp.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      keys.push(`${topic.name}-${fp.partition}`)
      const hw = log.highWatermark
      if (fp.currentLeaderEpoch > LEADER_EPOCH) return partitionError(fp.partition, ErrorCode.UNKNOWN_LEADER_EPOCH, hw, log.logStartOffset)
      if (fp.currentLeaderEpoch >= 0 && fp.currentLeaderEpoch < LEADER_EPOCH) return partitionError(fp.partition, ErrorCode.FENCED_LEADER_EPOCH, hw, log.logStartOffset)
      const lso = log.lastStableOffset
      const fetchOffset = Number(fp.fetchOffset)
      let records: Buffer | null = null
      try {
        const limit = Math.min(fp.partitionMaxBytes, responseMax - bytes)
        if (limit > 0 || bytes === 0) records = log.read(fetchOffset, Math.max(limit, 0), bytes === 0, committed ? lso : hw, lease)
      } catch (err) {
        if (err instanceof LogError && err.code === 'OFFSET_OUT_OF_RANGE') return partitionError(fp.partition, ErrorCode.OFFSET_OUT_OF_RANGE, hw, log.logStartOffset, lso)
        throw err
      }
      if (records) bytes += records.length
      return {
        partitionIndex: fp.partition,
        errorCode: 0,
        highWatermark: BigInt(hw),
        lastStableOffset: BigInt(lso),
        logStartOffset: BigInt(log.logStartOffset),
        abortedTransactions: committed ? abortedIn(log, fetchOffset, records) : null,
        preferredReadReplica: -1,
        records: records ?? EMPTY,
      }
    })
    return { topic: ft.topic, topicId: ft.topicId, partitions }
  })
  return { topics, bytes, keys }
}

function waitForData(ctx: RequestContext, req: FetchRequest, keys: string[]): Promise<void> {
  const { broker } = ctx
  return new Promise<void>((resolve) => {
    let done = false
    const finish = () => {
      if (done) return
      done = true
      unsubscribe()
      timer.cancel()
      resolve()
    }
    let seen = 0
    const unsubscribe = broker.onAppend(keys, () => {
      // Each append may or may not reach minBytes; re-reading is cheap next to the wait.
      seen++
      const probe = new ReadLease()
      const enough = read(broker, req, ctx.version, probe).bytes >= req.minBytes
      probe.release()
      if (enough || seen > 1000) finish()
    })
    const timer = broker.clock.schedule(req.maxWaitMs, finish)
    void ctx.connection.closed.then(finish)
  })
}

export default defineHandler({
  api: Fetch,
  async handle(req, ctx) {
    const { broker, version } = ctx
    if (version >= 7 && req.sessionId !== 0) throw new KafkaError('FETCH_SESSION_ID_NOT_FOUND', `fetch session ${req.sessionId} is unknown (sessions are not kept)`)
    if (version >= 7 && req.sessionEpoch > 0) throw new KafkaError('INVALID_FETCH_SESSION_EPOCH', `epoch ${req.sessionEpoch} without a session`)
    // The records in the response are views of the lease's buffers until the socket has them.
    const lease = new ReadLease()
    let result = read(broker, req, version, lease)
    if (req.maxWaitMs > 0 && result.bytes < req.minBytes && result.keys.length > 0) {
      lease.release()
      await waitForData(ctx, req, result.keys)
      result = read(broker, req, version, lease)
    }
    ctx.afterResponse?.(() => lease.release())
    return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: result.topics }
  },
  errorResponse: (req, errorCode) => ({
    errorCode,
    sessionId: 0,
    responses: req.topics.map((t) => ({
      topic: t.topic,
      topicId: t.topicId,
      partitions: t.partitions.map((p) => partitionError(p.partition, errorCode)),
    })),
  }),
})
