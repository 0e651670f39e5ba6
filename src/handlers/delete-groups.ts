// DeleteGroups 0–3 (KafkaApis.handleDeleteGroupsRequest, GroupCoordinatorShard.deleteGroups,
// ClassicGroup.validateDeleteGroup). Each distinct group is answered once: GROUP_ID_NOT_FOUND if
// unknown, NON_EMPTY_GROUP while it has members, else its committed offsets and the group itself
// are deleted (tombstones in __consumer_offsets). v2 is flexible; v3's errorMessage stays null,
// as Kafka 4.4.0 leaves it for classic groups (GroupCoordinatorService sets it only when the
// coordinator call itself fails or a streams topology is involved).
// With an authorizer each group needs DELETE, else GROUP_AUTHORIZATION_FAILED.

import { DeleteGroups } from '../../protocol/apis/delete-groups.js'
import { deleteGroup } from '../groups/offsets.js'
import { ErrorCode } from '../../protocol/errors.js'
import { authorize, Op, Res } from './auth.js'
import { defineHandler } from './handler.js'

export default defineHandler({
  api: DeleteGroups,
  handle(req, ctx) {
    const results = [...new Set(req.groupsNames)].map((groupId) => ({
      groupId,
      errorCode: authorize(ctx, Op.DELETE, Res.GROUP, groupId) ? deleteGroup(ctx.broker.groups, groupId) : ErrorCode.GROUP_AUTHORIZATION_FAILED,
    }))
    for (const r of results) if (r.errorCode === 0) ctx.broker.logger.info({ group: r.groupId }, 'group deleted with its committed offsets')
    return { throttleTimeMs: 0, results }
  },
  errorResponse: (req, errorCode) => ({ results: [...new Set(req.groupsNames)].map((groupId) => ({ groupId, errorCode })) }),
})
