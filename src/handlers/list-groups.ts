// ListGroups 0–5 (KafkaApis.handleListGroupsRequest, GroupMetadataManager.listGroups). Every group
// this coordinator knows, simple groups (created by a commit alone, protocolType "") included. In a
// cluster each broker lists the groups it coordinates (admin clients ask every broker and merge).
// v4+: statesFilter, matched case-insensitively after trimming, and groupState in the response
// (KIP-518); v5+: typesFilter, matched case-insensitively against "classic" or "consumer"
// (KIP-848 groups, whose states are Empty, Assigning, Reconciling and Stable) or "share" (KIP-932
// groups: Empty or Stable) or "streams" (KIP-1071 groups: Empty, NotReady, Assigning, Reconciling,
// Stable), and groupType.
// Empty filters match everything. With an authorizer: every group with DESCRIBE on the cluster,
// else only the groups the principal may DESCRIBE (KafkaApis.handleListGroupsRequest).

import { ListGroups } from '../../protocol/apis/list-groups.js'
import { listGroups } from '../groups/offsets.js'
import { authorize, authorizeCluster, hasAuthorizer, Op, Res } from './auth.js'
import { defineHandler } from './handler.js'

export default defineHandler({
  api: ListGroups,
  handle(req, ctx) {
    const { broker, version } = ctx
    const states = version >= 4 ? req.statesFilter : []
    const types = version >= 5 ? req.typesFilter : []
    const all = [...listGroups(broker.groups, states, types), ...broker.shareGroups.coordinator.list(states, types)]
    const groups = !hasAuthorizer(ctx) || authorizeCluster(ctx, Op.DESCRIBE) ? all : all.filter((g) => authorize(ctx, Op.DESCRIBE, Res.GROUP, g.groupId))
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      groups: (broker.nodes.size > 1 ? groups.filter((g) => broker.coordinatorOf(broker.offsetsTopic, g.groupId) === ctx.node.id) : groups).map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state, groupType: g.type })),
    }
  },
  errorResponse: (_req, errorCode) => ({ errorCode, groups: [] }),
})
