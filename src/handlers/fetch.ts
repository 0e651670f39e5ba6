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
import type { Isolation } from '../log/partition-store.js'
import type { TopicInfo } from '../cluster/cluster.js'
import { attempt, type AsyncPartitionStore, type MaybePromise } from '../store/async-partition-store.js'
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
  store: AsyncPartitionStore
  nextOffset: number
  maxBytes: number
}

interface ReadState {
  ctx: RequestContext
  req: FetchRequest
  lease: ReadLease
  leaders: Map<number, BrokerEndpoint>
  readable: ReadonlySet<string> | null
  isolation: Isolation
  responseMax: number
  bytes: number
  watched: Watched[]
}

interface ReadOut {
  topics: TopicOut[]
  bytes: number
  watched: Watched[]
}

// Reads the partitions in request order (each one's limit depends on the bytes before it). A
// store that answers later (PostgreSQL) continues from the partition it was reading once it
// answers; the local log runs the loop to the end at once, with no promise.
function read(ctx: RequestContext, req: FetchRequest, lease: ReadLease, leaders: Map<number, BrokerEndpoint>, readable: ReadonlySet<string> | null): MaybePromise<ReadOut> {
  const { broker, version } = ctx
  const st: ReadState = { ctx, req, lease, leaders, readable, isolation: req.isolationLevel === 1 ? 'committed' : 'uncommitted', responseMax: req.maxBytes > 0 ? req.maxBytes : 0x7fffffff, bytes: 0, watched: [] }
  const topics: TopicOut[] = req.topics.map((ft) => ({ topic: ft.topic, topicId: ft.topicId, partitions: new Array<PartitionOut>(ft.partitions.length) }))
  const infos = req.topics.map((ft) => (version >= 13 ? broker.cluster.topicById(ft.topicId) : broker.cluster.topic(ft.topic)))
  const step = (ti: number, pi: number): MaybePromise<ReadOut> => {
    for (; ti < req.topics.length; ti++, pi = 0) {
      const ft = req.topics[ti]!
      for (; pi < ft.partitions.length; pi++) {
        const out = readPartition(st, ft.topic, infos[ti], ft.partitions[pi]!)
        if (out instanceof Promise) {
          const t = ti
          const p = pi
          return out.then((o) => {
            topics[t]!.partitions![p] = o
            return step(t, p + 1)
          })
        }
        topics[ti]!.partitions![pi] = out
      }
    }
    return { topics, bytes: st.bytes, watched: st.watched }
  }
  return step(0, 0)
}

function readPartition(st: ReadState, name: string, topic: TopicInfo | undefined, fp: FetchRequest['topics'][number]['partitions'][number]): MaybePromise<PartitionOut> {
  const { ctx, isolation } = st
  const { broker, version } = ctx
  if (!topic && version >= 13) return partitionError(fp.partition, ErrorCode.UNKNOWN_TOPIC_ID)
  if (!allowed(st.readable, topic?.name ?? name)) return partitionError(fp.partition, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
  if (!topic) return partitionError(fp.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  const log = broker.partition(topic.name, fp.partition)
  if (!log) return partitionError(fp.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  const hw = log.highWatermark
  const notServed = leaderError(ctx, topic.name, fp.partition, version >= 9 ? fp.currentLeaderEpoch : -1)
  if (notServed !== 0) {
    // ReplicaManager.readFromLog answers a failed read with unknown offsets (-1).
    const out = notServed === ErrorCode.NOT_LEADER_OR_FOLLOWER ? partitionError(fp.partition, notServed) : partitionError(fp.partition, notServed, hw, log.logStartOffset)
    if (LEADER_HINT_ERRORS.has(notServed)) out.currentLeader = currentLeader(ctx, topic.name, fp.partition, st.leaders)
    return out
  }
  const lso = log.lastStableOffset
  const fetchOffset = Number(fp.fetchOffset)
  const limit = Math.min(fp.partitionMaxBytes, st.responseMax - st.bytes)
  const first = st.bytes === 0
  const done = (records: Buffer | null, aborted: { producerId: bigint; firstOffset: bigint }[] | null): PartitionOut => {
    if (records) st.bytes += records.length
    st.watched.push({ key: `${topic.name}-${fp.partition}`, store: log, nextOffset: records ? endOffsetOf(records, fetchOffset) : fetchOffset, maxBytes: fp.partitionMaxBytes })
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
  }
  if (!(limit > 0 || first)) return done(null, isolation === 'committed' ? [] : null)
  return attempt(
    () => log.read(fetchOffset, Math.max(limit, 0), { minOneBatch: first, isolation, lease: st.lease }),
    (r) => done(r.records, isolation === 'committed' ? r.aborted.map((a) => ({ producerId: BigInt(a.producerId), firstOffset: BigInt(a.firstOffset) })) : null),
    (err) => {
      if (err instanceof LogError && err.code === 'OFFSET_OUT_OF_RANGE') return partitionError(fp.partition, ErrorCode.OFFSET_OUT_OF_RANGE, hw, log.logStartOffset, lso)
      // The store failed (PostgreSQL away: KAFKA_STORAGE_ERROR, retriable) or the partition moved.
      if (err instanceof LogError) return partitionError(fp.partition, ErrorCode[err.code])
      throw err
    },
  )
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
    const firstRead = read(ctx, req, lease, leaders, readable)
    // Awaited only when it is a promise: no extra microtask per fetch on the local log.
    let result = firstRead instanceof Promise ? await firstRead : firstRead
    if (req.maxWaitMs > 0 && result.bytes < req.minBytes && result.watched.length > 0) {
      lease.release()
      await waitForData(ctx, req, result.watched, result.bytes)
      leaders.clear()
      const again = read(ctx, req, lease, leaders, readable)
      result = again instanceof Promise ? await again : again
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
