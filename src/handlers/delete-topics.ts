// DeleteTopics 1–6, as Kafka's KRaft controller answers it (ControllerApis.deleteTopics); v0 was
// removed in Kafka 4.0 (KIP-896). v1–5 name topics in topicNames; v6 in topics, each by name or by id (name null), and every
// result carries the topic id. v5+ error messages. delete.topic.enable=false fails the whole
// request: INVALID_REQUEST before v3, TOPIC_DELETION_DISABLED from v3. Duplicate names or ids get
// INVALID_REQUEST; giving both or neither of name and id in one entry too. Unknown names get
// UNKNOWN_TOPIC_OR_PARTITION, unknown ids UNKNOWN_TOPIC_ID. Results come in a stable order (Kafka
// shuffles them so their positions reveal nothing; clients match by name or id).
// Deliberate difference: Kafka's controller deletes internal topics when asked (only the
// kafka-topics tool refuses, client-side); Rivulet's internal topics back its own coordinators, so
// deleting one answers INVALID_TOPIC_EXCEPTION, as Produce and DeleteRecords do for them.
// With an authorizer: DELETE on the cluster, or DESCRIBE and DELETE on each topic, else
// TOPIC_AUTHORIZATION_FAILED (an id's name is told only to who may describe it).
// controller_mutation_rate: each topic's partitions, strict (THROTTLING_QUOTA_EXCEEDED) from v5.
// Not implemented: timeoutMs (deletion is synchronous).

import { DeleteTopics, type DeleteTopicsResponse } from '../../protocol/apis/delete-topics.js'
import { ErrorCode, KafkaError, type ErrorName } from '../../protocol/errors.js'
import { ZERO_UUID } from '../../protocol/primitives.js'
import type { DeepPartial } from '../../protocol/schema.js'
import { allowed, authorizeCluster, authorizedNames, Op, Res } from './auth.js'
import { mutationQuota, mutationThrottle, THROTTLED } from './mutation-quota.js'
import { defineHandler } from './handler.js'

type Result = DeepPartial<DeleteTopicsResponse['responses'][number]>

// The default messages Kafka's ApiError(Errors) carries.
// Errors.TOPIC_AUTHORIZATION_FAILED.message(), what ApiError carries without a message.
const DENIED = 'Topic authorization failed.'
const UNKNOWN_TOPIC_MESSAGE = 'This server does not host this topic-partition.'
const UNKNOWN_ID_MESSAGE = 'This server does not host this topic ID.'

function result(name: string | null, topicId: string, error: ErrorName, message: string | null): Result {
  return { name, topicId, errorCode: ErrorCode[error], errorMessage: message }
}

export default defineHandler({
  api: DeleteTopics,
  handle(req, ctx) {
    const { broker, version } = ctx
    if (!broker.config.bool('delete.topic.enable')) {
      throw new KafkaError(version < 3 ? 'INVALID_REQUEST' : 'TOPIC_DELETION_DISABLED', 'Topic deletion is disabled.')
    }
    const entries = version >= 6 ? req.topics : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }))
    const out: Result[] = []

    // Names and ids given more than once are answered once each, then ignored.
    const names = new Map<string, number>()
    const ids = new Map<string, number>()
    for (const e of entries) {
      if (e.name === null) {
        if (e.topicId === ZERO_UUID) out.push(result(null, ZERO_UUID, 'INVALID_REQUEST', 'Neither topic name nor id were specified.'))
        else ids.set(e.topicId, (ids.get(e.topicId) ?? 0) + 1)
      } else if (e.topicId !== ZERO_UUID) {
        out.push(result(e.name, e.topicId, 'INVALID_REQUEST', 'You may not specify both topic name and topic id.'))
      } else {
        names.set(e.name, (names.get(e.name) ?? 0) + 1)
      }
    }
    for (const [name, n] of names) if (n > 1) out.push(result(name, ZERO_UUID, 'INVALID_REQUEST', 'Duplicate topic name.'))
    const duplicateIds = new Set<string>()
    for (const [id, n] of ids) {
      if (n > 1) {
        duplicateIds.add(id)
        out.push(result(null, id, 'INVALID_REQUEST', 'Duplicate topic id.'))
      }
    }

    // DESCRIBE and DELETE per topic unless the cluster allows DELETE (ControllerApis.deleteTopics).
    const all = [...names.keys(), ...[...ids.keys()].flatMap((id) => broker.cluster.topicById(id)?.name ?? [])]
    const clusterDelete = authorizeCluster(ctx, Op.DELETE)
    const describable = clusterDelete ? null : authorizedNames(ctx, Op.DESCRIBE, Res.TOPIC, all)
    const deletable = clusterDelete ? null : authorizedNames(ctx, Op.DELETE, Res.TOPIC, all)

    // id → name of every topic to delete, as the controller resolves them.
    const toDelete = new Map<string, string>()
    for (const id of ids.keys()) {
      if (duplicateIds.has(id)) continue
      const t = broker.cluster.topicById(id)
      if (!t) out.push(result(null, id, 'UNKNOWN_TOPIC_ID', UNKNOWN_ID_MESSAGE))
      else if (!allowed(deletable, t.name)) out.push(result(allowed(describable, t.name) ? t.name : null, id, 'TOPIC_AUTHORIZATION_FAILED', DENIED))
      else toDelete.set(id, t.name)
    }
    for (const [name, n] of names) {
      if (n > 1) continue
      const t = broker.cluster.topic(name)
      if (!allowed(describable, name)) {
        out.push(result(name, ZERO_UUID, 'TOPIC_AUTHORIZATION_FAILED', DENIED))
      } else if (!t) {
        out.push(result(name, ZERO_UUID, 'UNKNOWN_TOPIC_OR_PARTITION', UNKNOWN_TOPIC_MESSAGE))
      } else if (duplicateIds.has(t.id) || toDelete.has(t.id)) {
        // Kafka drops the id entry too and answers only this one.
        duplicateIds.add(t.id)
        toDelete.delete(t.id)
        out.push(result(name, t.id, 'INVALID_REQUEST', 'The provided topic name maps to an ID that was already supplied.'))
      } else if (!allowed(deletable, name)) {
        out.push(result(name, ZERO_UUID, 'TOPIC_AUTHORIZATION_FAILED', DENIED))
      } else {
        toDelete.set(t.id, name)
      }
    }

    const quota = mutationQuota(ctx, 5)
    for (const [id, name] of toDelete) {
      const t = broker.cluster.topicById(id)!
      if (t.internal) {
        out.push(result(name, id, 'INVALID_TOPIC_EXCEPTION', `Cannot delete internal topic ${name}`))
        continue
      }
      if (quota && !quota.record(t.partitions)) {
        out.push({ name, topicId: id, ...THROTTLED })
        continue
      }
      try {
        broker.deleteTopic(name)
        out.push(result(name, id, 'NONE', null))
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err
        out.push({ name, topicId: id, errorCode: err.errorCode, errorMessage: err.message })
      }
    }
    return { throttleTimeMs: mutationThrottle(ctx, quota), responses: out }
  },
  // DeleteTopicsRequest.getErrorResponse: every topic of the request, without a message.
  errorResponse: (req, errorCode, ctx) => ({
    responses: ctx.version >= 6
      ? req.topics.map((t) => ({ name: t.name, topicId: t.topicId, errorCode, errorMessage: null }))
      : req.topicNames.map((name) => ({ name, errorCode })),
  }),
})
