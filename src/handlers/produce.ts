// Produce 3–13, advertised as 0–13. Each partition carries one record batch v2, stored as received
// (only BaseOffset and PartitionLeaderEpoch rewritten). v0–2 (legacy message sets) were removed in
// Kafka 4.0 (KIP-896): a request at those versions closes the connection, as Kafka's
// SocketServer does, yet ApiVersions still says 0–13 as Kafka 4.x does (KAFKA-18659: librdkafka
// enables compression only when Produce's minimum version is 0, librdkafka#4956; clients pick the
// highest version both sides know, so none sends v0–2). v7+ may use zstd; v8+ adds an error
// message; v13 names topics by id. acks=0 sends no response; acks=1 and acks=-1 are the same on a
// single replica: the response leaves once the data is in the OS. Transactional batches need the
// request's transactionalId (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED, as Kafka answers) and are
// verified against the open transaction first (KIP-890): v3–10 answer INVALID_TXN_STATE for a
// partition that was not added, v11 TRANSACTION_ABORTABLE, and v12+ (transactions v2) add it.
// The log runs LogValidator's record checks (protocol/records validateRecordContents): CreateTime
// timestamps bounded by the batch's first and largest ones, and keys on compacted topics, whose
// rejections come back as INVALID_RECORD with Kafka's recordErrors. A partition this broker does
// not lead answers NOT_LEADER_OR_FOLLOWER, with (v10+, KIP-951) the current leader and its
// endpoint in NodeEndpoints so the client retries there without a Metadata round trip. With an
// authorizer: a request carrying transactional batches needs WRITE on its transactional id (else
// the whole request is TRANSACTIONAL_ID_AUTHORIZATION_FAILED), each topic WRITE (else
// TOPIC_AUTHORIZATION_FAILED), as KafkaApis.handleProduceRequest. producer_byte_rate quotas:
// throttleTimeMs and the connection muted for it (KIP-219).

import { Produce, type ProduceRequest, type ProduceResponse } from '../../protocol/apis/produce.js'
import { ErrorCode, KafkaError, type ErrorName } from '../../protocol/errors.js'
import { leadsWithTransactionalBatch, validateRecordsForAppend } from '../../protocol/records/index.js'
import type { DeepPartial } from '../../protocol/schema.js'
import type { TopicInfo } from '../cluster/cluster.js'
import { LogError } from '../log/types.js'
import { attempt, settle, settleAll, type MaybePromise } from '../store/async-partition-store.js'
import { quotaUser } from '../quotas/entity.js'
import { allowed, authorize, authorizedNames, hasAuthorizer, Op, Res } from './auth.js'
import { currentLeader, leaderError, type BrokerEndpoint } from './cluster-view.js'
import { defineHandler, type RequestContext } from './handler.js'

type PartitionOut = DeepPartial<ProduceResponse['responses'][number]['partitionResponses'][number]>
type PartitionIn = ProduceRequest['topicData'][number]['partitionData'][number]

function failed(index: number, name: ErrorName, message: string | null = null, recordErrors: { batchIndex: number; message: string }[] = []): PartitionOut {
  return {
    index, errorCode: ErrorCode[name], baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, errorMessage: message,
    recordErrors: recordErrors.map((e) => ({ batchIndex: e.batchIndex, batchIndexErrorMessage: e.message })),
  }
}

function producePartition(ctx: RequestContext, topic: TopicInfo, pd: PartitionIn, now: number, transactionalId: string | null, leaders: Map<number, BrokerEndpoint>): MaybePromise<PartitionOut> {
  const { broker, version } = ctx
  const log = broker.partition(topic.name, pd.index)
  if (!log) return failed(pd.index, 'UNKNOWN_TOPIC_OR_PARTITION')
  if (leaderError(ctx, topic.name, pd.index) !== 0) return { ...failed(pd.index, 'NOT_LEADER_OR_FOLLOWER'), currentLeader: currentLeader(ctx, topic.name, pd.index, leaders) }
  const records = pd.records
  if (!records || records.length === 0) return failed(pd.index, 'INVALID_RECORD', 'Produce requests must have at least one record batch per partition')
  const cfg = log.config
  const v = validateRecordsForAppend(records, { apiVersion: version, maxMessageBytes: cfg.maxMessageBytes, logAppendTime: cfg.logAppendTime })
  if (!v.ok) return failed(pd.index, v.error, v.message)
  const batch = v.batches[0]!
  if (batch.isTransactional) {
    if (transactionalId === null) return failed(pd.index, 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'Transactional records need the request\'s transactionalId')
    const mode = version >= 12 ? 'add' : version === 11 ? 'generic' : 'default'
    const error = broker.txns.verifyAppend(transactionalId, batch.producerId, batch.producerEpoch, topic.name, pd.index, log, mode)
    if (error !== null) return failed(pd.index, error, error === 'INVALID_TXN_STATE' ? 'Partition was not added to the transaction' : null)
  }
  const bytes = records
  // A store that answers later (PostgreSQL) acknowledges after its commit: the response waits.
  return attempt(
    () => log.append(bytes, { nowMs: now }),
    (r): PartitionOut => {
      broker.metrics?.produced(topic.name, 0, batch.recordCount, bytes.length)
      return { index: pd.index, errorCode: 0, baseOffset: BigInt(r.baseOffset), logAppendTimeMs: BigInt(r.logAppendTime), logStartOffset: BigInt(r.logStartOffset), errorMessage: null }
    },
    (err) => {
      if (err instanceof LogError) return failed(pd.index, err.code, err.message, err.recordErrors)
      throw err
    },
  )
}

// v13 names topics by id: the name authorized is the one the id resolves to.
function topicName(ctx: RequestContext, td: { name: string; topicId: string }): string {
  return ctx.version >= 13 ? (ctx.broker.cluster.topicById(td.topicId)?.name ?? '') : td.name
}

function produceThrottle(ctx: RequestContext): number {
  const ms = ctx.broker.quotas.produce.record(quotaUser(ctx.connection.principal ?? 'User:ANONYMOUS'), ctx.header.clientId ?? '', ctx.requestBytes ?? 0)
  if (ms > 0) ctx.connection.throttle?.(ms)
  return ms
}

export default defineHandler({
  api: Produce,
  advertised: { min: 0, max: Produce.valid.max },
  handle(req, ctx) {
    const { broker, version } = ctx
    if (req.acks !== 0 && req.acks !== 1 && req.acks !== -1) throw new KafkaError('INVALID_REQUIRED_ACKS', `acks=${req.acks}`)
    if (hasAuthorizer(ctx) && req.topicData.some((td) => td.partitionData.some((pd) => leadsWithTransactionalBatch(pd.records)))) {
      if (req.transactionalId === null || !authorize(ctx, Op.WRITE, Res.TRANSACTIONAL_ID, req.transactionalId)) throw new KafkaError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED')
    }
    const now = broker.clock.now()
    // Without an authorizer nothing is computed here: produce is the hot path.
    const writable = hasAuthorizer(ctx) ? authorizedNames(ctx, Op.WRITE, Res.TOPIC, req.topicData.map((td) => topicName(ctx, td))) : null
    const leaders = new Map<number, BrokerEndpoint>()
    const responses = req.topicData.map((td) => {
      const topic = version >= 13 ? broker.cluster.topicById(td.topicId) : broker.cluster.topic(td.name)
      const mayWrite = writable === null || (version >= 13 && !topic) || allowed(writable, topic?.name ?? td.name)
      const partitionResponses = td.partitionData.map((pd) => {
        if (!mayWrite) return failed(pd.index, 'TOPIC_AUTHORIZATION_FAILED')
        if (!topic) return failed(pd.index, version >= 13 ? 'UNKNOWN_TOPIC_ID' : 'UNKNOWN_TOPIC_OR_PARTITION')
        if (topic.internal) return failed(pd.index, 'INVALID_TOPIC_EXCEPTION', `Cannot append to internal topic ${topic.name}`)
        return settle(producePartition(ctx, topic, pd, now, req.transactionalId, leaders), (out) => {
          if (out.errorCode !== 0) broker.metrics?.produced(topic.name, out.errorCode!, 0, 0)
          return out
        })
      })
      return settle(settleAll(partitionResponses), (done) => ({ name: td.name, topicId: td.topicId, partitionResponses: done }))
    })
    // producer_byte_rate (KafkaApis.handleProduceRequest): the request's size is recorded and over
    // the quota the connection is muted, even with acks=0 (which sends nothing to carry the time).
    const throttleTimeMs = broker.quotas.produce.enabled ? produceThrottle(ctx) : 0
    return settle(settleAll(responses), (done) => {
      if (req.acks === 0) return null
      return leaders.size === 0 ? { responses: done, throttleTimeMs } : { responses: done, throttleTimeMs, nodeEndpoints: [...leaders.values()] }
    })
  },
  errorResponse: (req, errorCode) => ({
    responses: req.topicData.map((td) => ({
      name: td.name,
      topicId: td.topicId,
      partitionResponses: td.partitionData.map((pd) => ({ index: pd.index, errorCode, baseOffset: -1n })),
    })),
  }),
})
