// Fetch 4–18, sessionless: every response carries session id 0 (KIP-227 allows it; Java and
// franz-go then stay sessionless), and lists every requested partition. Long polling: with too
// few bytes for minBytes the response waits, up to maxWaitMs, for an append to any requested
// partition. Whole stored batches are returned as byte ranges; the first batch of the first
// partition with data is returned even when larger than the limits (KIP-74). v9+ leader-epoch
// fencing against the partition's epoch; a partition this broker does not lead answers
// NOT_LEADER_OR_FOLLOWER, with (v12+, KIP-951) its current leader, and (v16+) the leaders'
// endpoints in NodeEndpoints; v13+ topics by id. read_committed (isolation level 1)
// reads stop at the last stable offset and list the aborted transactions the data may hold (the
// LSO is reported at either level, as Kafka does). Not implemented: fetch sessions (answered
// sessionless), follower fetching (replicaId >= 0 is served like a consumer). With an authorizer
// each topic needs READ, else TOPIC_AUTHORIZATION_FAILED for its partitions (KafkaApis.handleFetchRequest).
// consumer_byte_rate quotas: the record bytes returned are counted (Kafka counts the whole
// response size; the records are nearly all of it); over the quota the answer is empty with
// throttleTimeMs and the connection is muted for it (KIP-219).

import type { Broker } from '../broker.js'
import { systemClock } from '../clock.js'
import { Fetch, type FetchRequest, type FetchResponse } from '../../protocol/apis/fetch.js'
import { ErrorCode, KafkaError } from '../../protocol/errors.js'
import type { DeepPartial } from '../../protocol/schema.js'
import { endOffsetOf } from '../../protocol/records/index.js'
import type { Isolation, PartitionStore } from '../log/partition-store.js'
import { ReadLease } from '../log/read-pool.js'
import { LogError } from '../log/types.js'
import { quotaUser } from '../quotas/entity.js'
import { allowed, authorizedNames, hasAuthorizer, Op, Res } from './auth.js'
import { currentLeader, leaderError, LEADER_HINT_ERRORS, type BrokerEndpoint } from './cluster-view.js'
import { defineHandler, type RequestContext } from './handler.js'

type TopicOut = DeepPartial<FetchResponse['responses'][number]>
type PartitionOut = DeepPartial<FetchResponse['responses'][number]['partitions'][number]>

const EMPTY = Buffer.alloc(0)

function partitionError(partitionIndex: number, errorCode: number, hw = -1, logStart = -1, lso = hw): PartitionOut {
  return { partitionIndex, errorCode, highWatermark: BigInt(hw), lastStableOffset: BigInt(lso), logStartOffset: BigInt(logStart), records: EMPTY }
}

// What a long-polling fetch waits on: each partition it read, and the offset its read ended at.
interface Watched {
  key: string
  store: PartitionStore
  nextOffset: number
  maxBytes: number
}

function read(ctx: RequestContext, req: FetchRequest, lease: ReadLease, leaders: Map<number, BrokerEndpoint>, readable: ReadonlySet<string> | null): { topics: TopicOut[]; bytes: number; watched: Watched[] } {
  const { broker, version } = ctx
  let bytes = 0
  const watched: Watched[] = []
  const responseMax = req.maxBytes > 0 ? req.maxBytes : 0x7fffffff
  const isolation: Isolation = req.isolationLevel === 1 ? 'committed' : 'uncommitted'
  const topics = req.topics.map((ft) => {
    const topic = version >= 13 ? broker.cluster.topicById(ft.topicId) : broker.cluster.topic(ft.topic)
    const partitions = ft.partitions.map((fp): PartitionOut => {
      if (!topic && version >= 13) return partitionError(fp.partition, ErrorCode.UNKNOWN_TOPIC_ID)
      if (!allowed(readable, topic?.name ?? ft.topic)) return partitionError(fp.partition, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
      if (!topic) return partitionError(fp.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      const log = broker.partition(topic.name, fp.partition)
      if (!log) return partitionError(fp.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      const hw = log.highWatermark
      const notServed = leaderError(ctx, topic.name, fp.partition, version >= 9 ? fp.currentLeaderEpoch : -1)
      if (notServed !== 0) {
        // ReplicaManager.readFromLog answers a failed read with unknown offsets (-1).
        const out = notServed === ErrorCode.NOT_LEADER_OR_FOLLOWER ? partitionError(fp.partition, notServed) : partitionError(fp.partition, notServed, hw, log.logStartOffset)
        if (LEADER_HINT_ERRORS.has(notServed)) out.currentLeader = currentLeader(ctx, topic.name, fp.partition, leaders)
        return out
      }
      const lso = log.lastStableOffset
      const fetchOffset = Number(fp.fetchOffset)
      let records: Buffer | null = null
      let aborted: { producerId: bigint; firstOffset: bigint }[] | null = null
      try {
        const limit = Math.min(fp.partitionMaxBytes, responseMax - bytes)
        if (limit > 0 || bytes === 0) {
          const r = log.read(fetchOffset, Math.max(limit, 0), { minOneBatch: bytes === 0, isolation, lease })
          records = r.records
          if (isolation === 'committed') aborted = r.aborted.map((a) => ({ producerId: BigInt(a.producerId), firstOffset: BigInt(a.firstOffset) }))
        } else if (isolation === 'committed') {
          aborted = []
        }
      } catch (err) {
        if (err instanceof LogError && err.code === 'OFFSET_OUT_OF_RANGE') return partitionError(fp.partition, ErrorCode.OFFSET_OUT_OF_RANGE, hw, log.logStartOffset, lso)
        throw err
      }
      if (records) bytes += records.length
      watched.push({ key: `${topic.name}-${fp.partition}`, store: log, nextOffset: records ? endOffsetOf(records, fetchOffset) : fetchOffset, maxBytes: fp.partitionMaxBytes })
      return {
        partitionIndex: fp.partition,
        errorCode: 0,
        highWatermark: BigInt(hw),
        lastStableOffset: BigInt(lso),
        logStartOffset: BigInt(log.logStartOffset),
        abortedTransactions: aborted,
        preferredReadReplica: -1,
        records: records ?? EMPTY,
      }
    })
    return { topic: ft.topic, topicId: ft.topicId, partitions }
  })
  return { topics, bytes, watched }
}

// Waits until the partitions read hold minBytes beyond what was returned, or maxWaitMs (Kafka's
// DelayedFetch, each partition counted up to its partitionMaxBytes). An append wakes it; the bytes
// are counted from positions (PartitionStore.mark / bytesAfter), never read.
function waitForData(ctx: RequestContext, req: FetchRequest, watched: Watched[], returned: number): Promise<void> {
  const { broker } = ctx
  const isolation: Isolation = req.isolationLevel === 1 ? 'committed' : 'uncommitted'
  const marks = watched.map((w) => w.store.mark(w.nextOffset))
  const enough = () => {
    let bytes = returned
    for (let i = 0; i < watched.length; i++) bytes += Math.min(watched[i]!.maxBytes, watched[i]!.store.bytesAfter(marks[i]!, isolation))
    return bytes >= req.minBytes
  }
  if (enough()) return Promise.resolve()
  return new Promise<void>((resolve) => {
    let done = false
    const finish = () => {
      if (done) return
      done = true
      unsubscribe()
      timer.cancel()
      resolve()
    }
    const unsubscribe = broker.logs.onAppend(watched.map((w) => w.key), () => {
      if (enough()) finish()
    })
    // Real time even under the test kit's manual clock: max_wait_ms is the client's network view
    // (Kafka's DelayedFetch), and an idle consumer must not hang until the test advances time.
    const timer = systemClock.schedule(req.maxWaitMs, finish)
    void ctx.connection.closed.then(finish)
  })
}

// /metrics: each partition of the answer, once (a long poll reads twice), as Kafka's
// ReplicaManager.readFromLog counts BytesOut and Total/FailedFetchRequests.
function countFetch(broker: Broker, req: FetchRequest, version: number, topics: TopicOut[]): void {
  for (let i = 0; i < topics.length; i++) {
    const name = version >= 13 ? broker.cluster.topicById(req.topics[i]!.topicId)?.name : req.topics[i]!.topic
    if (name === undefined || !broker.cluster.topic(name)) continue
    for (const p of topics[i]!.partitions ?? []) broker.metrics!.fetched(name, p!.errorCode ?? 0, (p!.records as Buffer | null)?.length ?? 0)
  }
}

interface FetchQuota {
  user: string
  clientId: string
}

function fetchQuota(ctx: RequestContext): FetchQuota {
  return { user: quotaUser(ctx.connection.principal ?? 'User:ANONYMOUS'), clientId: ctx.header.clientId ?? '' }
}

// KafkaApis.handleFetchRequest: a consumer's max bytes is capped to what its quota allows in one
// window (getMaxValueInQuotaWindow), and min bytes to that.
function capToQuota(req: FetchRequest, limit: number): FetchRequest {
  const asked = req.maxBytes > 0 ? req.maxBytes : 0x7fffffff
  if (asked <= limit) return req
  const maxBytes = Math.max(1, Math.floor(limit))
  return { ...req, maxBytes, minBytes: Math.min(req.minBytes, maxBytes) }
}

// consumer_byte_rate: the bytes returned are recorded; over the quota they are unrecorded and the
// response is empty (SessionlessFetchContext.getThrottledResponse) with the throttle time, and the
// connection is muted for it.
function recordFetch(ctx: RequestContext, q: FetchQuota, bytes: number): number {
  const fetch = ctx.broker.quotas.fetch
  const ms = fetch.record(q.user, q.clientId, bytes)
  if (ms <= 0) return 0
  fetch.unrecord(q.user, q.clientId, bytes)
  ctx.connection.throttle?.(ms)
  return ms
}

export default defineHandler({
  api: Fetch,
  async handle(request, ctx) {
    let req = request
    const { broker, version } = ctx
    if (version >= 7 && req.sessionId !== 0) throw new KafkaError('FETCH_SESSION_ID_NOT_FOUND', `fetch session ${req.sessionId} is unknown (sessions are not kept)`)
    if (version >= 7 && req.sessionEpoch > 0) throw new KafkaError('INVALID_FETCH_SESSION_EPOCH', `epoch ${req.sessionEpoch} without a session`)
    // The records in the response are views of the lease's buffers until the socket has them.
    const lease = new ReadLease()
    const quota = broker.quotas.fetch.enabled ? fetchQuota(ctx) : null
    if (quota) req = capToQuota(req, broker.quotas.fetch.maxValueInWindow(quota.user, quota.clientId))
    const readable = hasAuthorizer(ctx) ? authorizedNames(ctx, Op.READ, Res.TOPIC, req.topics.map((ft) => (version >= 13 ? broker.cluster.topicById(ft.topicId)?.name ?? '' : ft.topic))) : null
    const leaders = new Map<number, BrokerEndpoint>()
    let result = read(ctx, req, lease, leaders, readable)
    if (req.maxWaitMs > 0 && result.bytes < req.minBytes && result.watched.length > 0) {
      lease.release()
      await waitForData(ctx, req, result.watched, result.bytes)
      leaders.clear()
      result = read(ctx, req, lease, leaders, readable)
    }
    if (quota) {
      const throttleTimeMs = recordFetch(ctx, quota, result.bytes)
      if (throttleTimeMs > 0) {
        lease.release()
        return { throttleTimeMs, errorCode: 0, sessionId: 0, responses: [] }
      }
    }
    if (broker.metrics) countFetch(broker, req, version, result.topics)
    ctx.afterResponse?.(() => lease.release())
    const out: DeepPartial<FetchResponse> = { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: result.topics }
    if (leaders.size > 0) out.nodeEndpoints = [...leaders.values()]
    return out
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
