// AlterPartitionReassignments 0–1 (ReplicationControlManager.alterPartitionReassignments), as
// kafka-reassign-partitions --execute sends it. The brokers share the store, so a reassignment has
// nothing to copy: it completes at once (the new replicas are in sync, the leader moves only when
// it left the replica set), and ListPartitionReassignments never shows one in progress. A null
// replica list cancels a reassignment: NO_REASSIGNMENT_IN_PROGRESS, as none ever is. Replica lists
// are checked as CreateTopics' manual assignments (empty, duplicates, unknown brokers:
// INVALID_REPLICA_ASSIGNMENT); v1's allowReplicationFactorChange=false refuses a list of another
// length with INVALID_REPLICATION_FACTOR (KIP-860). With an authorizer: ALTER on the cluster,
// else CLUSTER_AUTHORIZATION_FAILED (ControllerApis.handleAlterPartitionReassignments).

import { AlterPartitionReassignments, type AlterPartitionReassignmentsResponse } from '../../protocol/apis/alter-partition-reassignments.js'
import { KafkaError } from '../../protocol/errors.js'
import type { DeepPartial } from '../../protocol/schema.js'
import type { Broker } from '../broker.js'
import { validateManualAssignment } from './create-topics.js'
import { Op, requireCluster } from './auth.js'
import { defineHandler } from './handler.js'

type Result = DeepPartial<AlterPartitionReassignmentsResponse['responses'][number]['partitions'][number]>

function reassign(broker: Broker, topic: string, partition: number, replicas: number[] | null, allowRfChange: boolean): Result {
  try {
    const state = broker.cluster.leadership.get(topic, partition)
    if (!state) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.')
    if (replicas === null) throw new KafkaError('NO_REASSIGNMENT_IN_PROGRESS', `Unable to find a reassignment to cancel for ${topic}-${partition}.`)
    validateManualAssignment(replicas, (id) => broker.nodes.get(id) !== undefined, undefined)
    if (!allowRfChange && replicas.length !== state.replicas.length) {
      throw new KafkaError('INVALID_REPLICATION_FACTOR', `The replication factor is changed from ${state.replicas.length} to ${replicas.length} but allowReplicationFactorChange is false`)
    }
    broker.controller.reassign(topic, partition, replicas)
    return { partitionIndex: partition, errorCode: 0, errorMessage: null }
  } catch (err) {
    if (!(err instanceof KafkaError)) throw err
    return { partitionIndex: partition, errorCode: err.errorCode, errorMessage: err.message }
  }
}

export default defineHandler({
  api: AlterPartitionReassignments,
  handle(req, ctx) {
    const { broker, version } = ctx
    requireCluster(ctx, Op.ALTER)
    const allow = version < 1 || req.allowReplicationFactorChange
    const responses = req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => reassign(broker, t.name, p.partitionIndex, p.replicas, allow)) }))
    broker.controller.save()
    return { throttleTimeMs: 0, allowReplicationFactorChange: allow, errorCode: 0, errorMessage: null, responses }
  },
  errorResponse: (req, errorCode) => ({
    errorCode,
    errorMessage: null,
    responses: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode, errorMessage: null })) })),
  }),
})
