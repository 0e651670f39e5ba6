// ListPartitionReassignments 0 (ControllerApis.handleListPartitionReassignments,
// ReplicationControlManager.listPartitionReassignments). Brokers over one store never have a
// reassignment in progress (AlterPartitionReassignments completes at once), so the answer is always an empty list: for null topics (all), and
// for named topics, where Kafka lists only partitions being reassigned and silently omits topics
// and partitions that do not exist. With an authorizer: DESCRIBE on the cluster, else
// CLUSTER_AUTHORIZATION_FAILED.

import { ListPartitionReassignments } from '../../protocol/apis/list-partition-reassignments.js'
import { Op, requireCluster } from './auth.js'
import { defineHandler } from './handler.js'

export default defineHandler({
  api: ListPartitionReassignments,
  handle: (_req, ctx) => {
    requireCluster(ctx, Op.DESCRIBE)
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, topics: [] }
  },
  // ListPartitionReassignmentsRequest.getErrorResponse echoes the requested partitions.
  errorResponse: (req, errorCode) => ({
    errorCode,
    errorMessage: null,
    topics: (req.topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex })) })),
  }),
})
