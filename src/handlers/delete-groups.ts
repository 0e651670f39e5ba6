// DeleteGroups 0–3 (KafkaApis.handleDeleteGroupsRequest, GroupCoordinatorShard.deleteGroups,
// ClassicGroup.validateDeleteGroup). Each distinct group is answered once: GROUP_ID_NOT_FOUND if
// unknown, NON_EMPTY_GROUP while it has members, else its committed offsets and the group itself
// are deleted (tombstones in __consumer_offsets). v2 is flexible; v3's errorMessage stays null,
// as Kafka 4.4.0 leaves it for classic groups (GroupCoordinatorService sets it only when the
// coordinator call itself fails or a streams topology is involved).
// With an authorizer each group needs DELETE, else GROUP_AUTHORIZATION_FAILED. A share group is
// deleted when empty, with its state in __share_group_state (NON_EMPTY_GROUP while it has members).

import { DeleteGroups } from '../../protocol/apis/delete-groups.js'
import { deleteGroup } from '../groups/offsets.js'
import { ErrorCode } from '../../protocol/errors.js'
import { authorize, Op, Res } from './auth.js'
import { defineHandler } from './handler.js'
import type { Broker } from '../broker.js'

// A share group (KIP-932) is deleted with its share-partition state; any other through the
// classic coordinator.
function deleteAnyGroup(broker: Broker, groupId: string): number {
  const share = broker.shareGroups.deleteGroup(groupId)
  if (share === null) return deleteGroup(broker.groups, groupId)
  return share === 0 ? 0 : ErrorCode[share]
}

export default defineHandler({
  api: DeleteGroups,
  handle(req, ctx) {
    const results = [...new Set(req.groupsNames)].map((groupId) => ({
      groupId,
      errorCode: authorize(ctx, Op.DELETE, Res.GROUP, groupId) ? deleteAnyGroup(ctx.broker, groupId) : ErrorCode.GROUP_AUTHORIZATION_FAILED,
    }))
    for (const r of results) if (r.errorCode === 0) ctx.broker.logger.info({ group: r.groupId }, 'group deleted with its committed offsets')
    return { throttleTimeMs: 0, results }
  },
  errorResponse: (req, errorCode) => ({ results: [...new Set(req.groupsNames)].map((groupId) => ({ groupId, errorCode })) }),
})
