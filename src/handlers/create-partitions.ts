// CreatePartitions 0–3, as Kafka's KRaft controller answers it (ControllerApis.createPartitions,
// ReplicationControlManager.createPartitions). Versions differ only in encoding (v2+ flexible) and
// in quota behaviour: controller_mutation_rate counts the partitions added, strict
// (THROTTLING_QUOTA_EXCEEDED) from v3 (mutation-quota.ts). A count must increase the partition count
// (INVALID_PARTITIONS otherwise); explicit assignments must give one replica list per new
// partition, naming only this broker, as many times as the topic's replication factor (1).
// validateOnly checks everything and changes nothing. Duplicate names get INVALID_REQUEST (first,
// as Kafka lists them). More than Kafka's 10,000 new partitions in one request fail it as a whole
// with POLICY_VIOLATION. Not implemented: timeoutMs.
// With an authorizer each topic needs ALTER, else TOPIC_AUTHORIZATION_FAILED (ControllerApis).

import { CreatePartitions, type CreatePartitionsRequest, type CreatePartitionsResponse } from '../../protocol/apis/create-partitions.js'
import { ErrorCode, KafkaError } from '../../protocol/errors.js'
import type { DeepPartial } from '../../protocol/schema.js'
import type { Broker } from '../broker.js'
import { MAX_RECORDS_PER_USER_OP, TOO_LARGE_MESSAGE, validateManualAssignment } from './create-topics.js'
import { allowed, authorizedNames, Op, Res } from './auth.js'
import { mutationQuota, mutationThrottle, THROTTLED } from './mutation-quota.js'
import { defineHandler } from './handler.js'

type TopicIn = CreatePartitionsRequest['topics'][number]
type Result = DeepPartial<CreatePartitionsResponse['results'][number]>

// Returns how many partitions the topic gains; throws the controller's error otherwise.
function check(broker: Broker, t: TopicIn): number {
  const topic = broker.cluster.topic(t.name)
  // Kafka's UnknownTopicOrPartitionException() carries no message of its own.
  if (!topic) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', '')
  const current = topic.partitions
  if (t.count === current) throw new KafkaError('INVALID_PARTITIONS', `Topic already has ${current} partition(s).`)
  if (t.count < current) throw new KafkaError('INVALID_PARTITIONS', `The topic ${t.name} currently has ${current} partition(s); ${t.count} would not be an increase.`)
  const additional = t.count - current
  if (t.assignments !== null) {
    if (t.assignments.length !== additional) {
      throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `Attempted to add ${additional} additional partition(s), but only ${t.assignments.length} assignment(s) were specified.`)
    }
    for (const a of t.assignments) validateManualAssignment(a.brokerIds, (id) => broker.nodes.get(id) !== undefined, broker.cluster.leadership.get(t.name, 0)?.replicas.length)
  }
  return additional
}

export default defineHandler({
  api: CreatePartitions,
  handle(req, ctx) {
    const { broker } = ctx
    const counts = new Map<string, number>()
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1)
    const results: Result[] = []
    for (const [name, n] of counts) {
      if (n > 1) results.push({ name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' })
    }

    const alterable = authorizedNames(ctx, Op.ALTER, Res.TOPIC, counts.keys())
    const planned: { t: TopicIn; result: Result }[] = []
    let added = 0
    for (const t of req.topics) {
      if (counts.get(t.name)! > 1) continue
      if (!allowed(alterable, t.name)) {
        results.push({ name: t.name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null })
        continue
      }
      try {
        added += check(broker, t)
        planned.push({ t, result: { name: t.name, errorCode: 0, errorMessage: null } })
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err
        planned.push({ t, result: { name: t.name, errorCode: err.errorCode, errorMessage: err.message === '' ? null : err.message } })
      }
    }
    if (added > MAX_RECORDS_PER_USER_OP) throw new KafkaError('POLICY_VIOLATION', TOO_LARGE_MESSAGE)

    const quota = mutationQuota(ctx, 3)
    for (const { t, result } of planned) {
      if (result.errorCode === 0 && quota && !quota.record(t.count - broker.cluster.topic(t.name)!.partitions)) {
        results.push({ name: t.name, ...THROTTLED })
        continue
      }
      if (result.errorCode === 0 && !req.validateOnly) {
        const from = broker.cluster.topic(t.name)!.partitions
        broker.addPartitions(t.name, t.count)
        if (t.assignments) broker.controller.assignReplicas(t.name, t.assignments.map((a) => a.brokerIds), from)
      }
      results.push(result)
    }
    return { throttleTimeMs: mutationThrottle(ctx, quota), results }
  },
  errorResponse: (req, errorCode) => ({
    results: req.topics.map((t) => ({ name: t.name, errorCode, errorMessage: errorCode === ErrorCode.POLICY_VIOLATION ? TOO_LARGE_MESSAGE : null })),
  }),
})
