// ElectLeaders 0–2 (ControllerApis.handleElectLeaders, ReplicationControlManager.electLeaders), as
// kafka-leader-election sends it. v0 always elects the preferred replica; v1+ carries the election
// type (0 preferred, 1 unclean; anything else INVALID_REQUEST) and a top-level error code; v2 is
// flexible. Named partitions each get a result: none on success, ELECTION_NOT_NEEDED when the
// wanted leader already leads, PREFERRED_LEADER_NOT_AVAILABLE / ELIGIBLE_LEADERS_NOT_AVAILABLE when
// no live broker can lead, UNKNOWN_TOPIC_OR_PARTITION for what does not exist. Null partitions
// (every partition) answer only the partitions that needed an election, as Kafka does. With an
// authorizer: ALTER on the cluster, else CLUSTER_AUTHORIZATION_FAILED (ControllerApis).

import { ElectLeaders, type ElectLeadersResponse } from '../../protocol/apis/elect-leaders.js'
import { ErrorCode, KafkaError } from '../../protocol/errors.js'
import type { DeepPartial } from '../../protocol/schema.js'
import type { Broker } from '../broker.js'
import { Op, requireCluster } from './auth.js'
import { defineHandler } from './handler.js'

type Result = DeepPartial<ElectLeadersResponse['replicaElectionResults'][number]['partitionResult'][number]>

function elect(broker: Broker, topic: string, partition: number, unclean: boolean): Result {
  try {
    broker.controller.electLeader(topic, partition, unclean)
    return { partitionId: partition, errorCode: 0, errorMessage: null }
  } catch (err) {
    if (!(err instanceof KafkaError)) throw err
    return { partitionId: partition, errorCode: err.errorCode, errorMessage: err.message }
  }
}

export default defineHandler({
  api: ElectLeaders,
  handle(req, ctx) {
    const { broker, version } = ctx
    requireCluster(ctx, Op.ALTER)
    const type = version >= 1 ? req.electionType : 0
    if (type !== 0 && type !== 1) throw new KafkaError('INVALID_REQUEST', `Unknown election type ${type}`)
    const unclean = type === 1
    const wanted = req.topicPartitions ?? [...broker.cluster.topics.values()].map((t) => ({ topic: t.name, partitionId: Array.from({ length: t.partitions }, (_, i) => i) }))
    const results = new Map<string, Result[]>()
    for (const t of wanted) {
      for (const p of t.partitionId) {
        const r = elect(broker, t.topic, p, unclean)
        if (req.topicPartitions === null && r.errorCode === ErrorCode.ELECTION_NOT_NEEDED) continue
        let list = results.get(t.topic)
        if (!list) results.set(t.topic, (list = []))
        list.push(r)
      }
    }
    broker.controller.save()
    return { throttleTimeMs: 0, errorCode: 0, replicaElectionResults: [...results].map(([topic, partitionResult]) => ({ topic, partitionResult })) }
  },
  errorResponse: (req, errorCode) => ({
    errorCode,
    replicaElectionResults: (req.topicPartitions ?? []).map((t) => ({ topic: t.topic, partitionResult: t.partitionId.map((partitionId) => ({ partitionId, errorCode, errorMessage: null })) })),
  }),
})
