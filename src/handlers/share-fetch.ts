// ShareFetch 1–2 (KIP-932; KafkaApis.handleShareFetchRequest, SharePartitionManager): acquires
// records for a share-group member and applies the acknowledgements it piggybacks. The share
// session (epoch 0 opens, -1 closes, else the expected epoch: SHARE_SESSION_NOT_FOUND,
// INVALID_SHARE_SESSION_EPOCH) remembers the partitions; a full request (epoch 0) answers every
// session partition, later ones only partitions with records, errors or acknowledgements.
// Records are whole stored batches; AcquiredRecords says which offsets the member holds and with
// what delivery count; AcquisitionLockTimeoutMs is the group's share.record.lock.duration.ms.
// With no record to acquire the request waits up to maxWaitMs for an append (real time, as Fetch).
// v2: isRenewAck (acknowledgements only, no fetch) and the renew (4) type unless the group turns
// share.renew.acknowledge.enable off; shareAcquireMode is served as
// record-limit in both modes (maxRecords is never exceeded, which batch-optimized also allows).
// Errors: top-level GROUP_AUTHORIZATION_FAILED, INVALID_REQUEST (acknowledgements on epoch 0, no
// member id); per partition UNKNOWN_TOPIC_ID, UNKNOWN_TOPIC_OR_PARTITION, TOPIC_AUTHORIZATION_FAILED
// (READ on the topic); acknowledgeErrorCode INVALID_RECORD_STATE, INVALID_REQUEST.

import { systemClock } from '../clock.js'
import { ShareFetch, type ShareFetchRequest, type ShareFetchResponse } from '../../protocol/apis/share-fetch.js'
import { ErrorCode, KafkaError } from '../../protocol/errors.js'
import type { DeepPartial } from '../../protocol/schema.js'
import { ReadLease } from '../log/read-pool.js'
import type { ShareSession } from '../groups/share/share-sessions.js'
import type { ShareRead } from '../groups/share/share-partitions.js'
import { LogError } from '../log/types.js'
import { applyAcks, checkShareRequest, partitionErrors, partitionKey, sessionCall, type PartitionError } from './share-common.js'
import { defineHandler, type RequestContext } from './handler.js'

type PartitionOut = DeepPartial<ShareFetchResponse['responses'][number]['partitions'][number]>

const EMPTY = Buffer.alloc(0)
const DEFAULT_MAX_RECORDS = 500 // the Java client's max.poll.records default, when a request says 0

interface Reads {
  parts: Map<string, PartitionOut>
  acquired: number
}

// A partition whose store answers later (PostgreSQL) is awaited in turn (the limits carry over);
// a store that failed answers its error code for that partition.
async function readSession(ctx: RequestContext, req: ShareFetchRequest, session: ShareSession, lease: ReadLease): Promise<Reads> {
  const parts = new Map<string, PartitionOut>()
  let bytes = req.maxBytes > 0 ? req.maxBytes : 0x7fffffff
  let records = req.maxRecords > 0 ? req.maxRecords : DEFAULT_MAX_RECORDS
  let acquired = 0
  for (const ref of session.partitions.values()) {
    let r: ShareRead | null
    try {
      const read = ctx.broker.shareGroups.partitions.read(session.groupId, session.memberId, ref.topicId, ref.partition, bytes, records, acquired === 0, lease)
      r = read instanceof Promise ? await read : read
    } catch (err) {
      if (!(err instanceof LogError)) throw err
      parts.set(partitionKey(ref.topicId, ref.partition), { partitionIndex: ref.partition, errorCode: ErrorCode[err.code], errorMessage: err.message, records: EMPTY, acquiredRecords: [] })
      continue
    }
    if (r === null) continue
    const n = r.acquired.reduce((s, a) => s + a.lastOffset - a.firstOffset + 1, 0)
    acquired += n
    records -= n
    bytes -= r.bytes
    parts.set(partitionKey(ref.topicId, ref.partition), {
      partitionIndex: ref.partition,
      records: r.records ?? EMPTY,
      acquiredRecords: r.acquired.map((a) => ({ firstOffset: BigInt(a.firstOffset), lastOffset: BigInt(a.lastOffset), deliveryCount: a.deliveryCount })),
    })
    if (records <= 0 || bytes <= 0) break
  }
  return { parts, acquired }
}

// Waits for an append to any session partition, or maxWaitMs, or the connection to close.
function waitForAppend(ctx: RequestContext, session: ShareSession, maxWaitMs: number): Promise<void> {
  const keys: string[] = []
  for (const ref of session.partitions.values()) {
    const name = ctx.broker.cluster.topicById(ref.topicId)?.name
    if (name !== undefined) keys.push(`${name}-${ref.partition}`)
  }
  return new Promise<void>((resolve) => {
    let done = false
    const finish = () => {
      if (done) return
      done = true
      unsubscribe()
      timer.cancel()
      resolve()
    }
    const unsubscribe = ctx.broker.logs.onAppend(keys, finish)
    const timer = systemClock.schedule(maxWaitMs, finish)
    void ctx.connection.closed.then(finish)
  })
}

function respond(ctx: RequestContext, req: ShareFetchRequest, session: ShareSession, full: boolean, reads: Reads | null, errors: Map<string, PartitionError>, acks: Map<string, PartitionError>): DeepPartial<ShareFetchResponse> {
  const byTopic = new Map<string, PartitionOut[]>()
  const seen = new Set<string>()
  const add = (topicId: string, partition: number) => {
    const key = partitionKey(topicId, partition)
    if (seen.has(key)) return
    const read = reads?.parts.get(key)
    const error = errors.get(key)
    const ack = acks.get(key)
    if (!full && !read?.acquiredRecords?.length && !error && !ack) return
    seen.add(key)
    let list = byTopic.get(topicId)
    if (!list) byTopic.set(topicId, (list = []))
    list.push({
      partitionIndex: partition,
      errorCode: error?.code ?? 0,
      errorMessage: error?.message ?? null,
      acknowledgeErrorCode: ack?.code ?? 0,
      acknowledgeErrorMessage: ack?.message ?? null,
      records: read?.records ?? EMPTY,
      acquiredRecords: read?.acquiredRecords ?? [],
    })
  }
  for (const t of req.topics) for (const p of t.partitions) add(t.topicId, p.partitionIndex)
  if (reads) for (const ref of session.partitions.values()) add(ref.topicId, ref.partition)
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    acquisitionLockTimeoutMs: ctx.broker.shareGroups.lockDurationMs(session.groupId),
    responses: [...byTopic].map(([topicId, partitions]) => ({ topicId, partitions })),
  }
}

export default defineHandler({
  api: ShareFetch,
  async handle(req, ctx) {
    const share = ctx.broker.shareGroups
    const { groupId, memberId } = checkShareRequest(ctx, req.groupId, req.memberId)
    const epoch = req.shareSessionEpoch
    const acking = req.topics.some((t) => t.partitions.some((p) => p.acknowledgementBatches.length > 0))
    if (epoch === 0 && acking) throw new KafkaError('INVALID_REQUEST', 'Acknowledge data present on initial fetch request.')
    const session = sessionCall(() => (epoch === 0 ? share.sessions.open(groupId, memberId, ctx.connection.id) : share.sessions.use(groupId, memberId, epoch)))
    share.watchConnection(ctx.connection.id, ctx.connection.closed)
    const errors = partitionErrors(ctx, req.topics)
    session.forget(req.forgottenTopicsData.flatMap((t) => t.partitions.map((partition) => ({ topicId: t.topicId, partition }))))
    session.add(req.topics.flatMap((t) => t.partitions.filter((p) => !errors.has(partitionKey(t.topicId, p.partitionIndex))).map((p) => ({ topicId: t.topicId, partition: p.partitionIndex }))))
    const renewOnly = ctx.version >= 2 && req.isRenewAck
    const acks = applyAcks(ctx, session, req.topics, errors, ctx.version >= 2 && share.renewAllowed(groupId))
    if (epoch === -1) {
      share.closeSession(session)
      return respond(ctx, req, session, false, null, errors, acks)
    }
    if (renewOnly) return respond(ctx, req, session, false, null, errors, acks)
    const lease = new ReadLease()
    let reads = await readSession(ctx, req, session, lease)
    if (reads.acquired === 0 && req.maxWaitMs > 0 && session.partitions.size > 0) {
      await waitForAppend(ctx, session, req.maxWaitMs)
      reads = await readSession(ctx, req, session, lease)
    }
    ctx.afterResponse?.(() => lease.release())
    return respond(ctx, req, session, epoch === 0, reads, errors, acks)
  },
  errorResponse: (_req, errorCode) => ({ errorCode, responses: [] }),
})
