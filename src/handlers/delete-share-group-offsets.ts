// DeleteShareGroupOffsets 0 (KIP-932; KafkaApis.handleDeleteShareGroupOffsetsRequest,
// GroupCoordinatorShard.initiateDeleteShareGroupOffsets): the share-partition state of whole topics
// of an empty share group is deleted (tombstones in __share_group_state), so a later fetch starts
// again from share.auto.offset.reset. Group-wide refusals are top-level errors: GROUP_ID_NOT_FOUND
// (no such share group, or the id is a classic or consumer group), NON_EMPTY_GROUP (it has
// members), INVALID_GROUP_ID (empty id). Per topic: UNKNOWN_TOPIC_OR_PARTITION when the topic does
// not exist, or (with "There is no offset information to delete.") when the group has no state for
// it. Answers list the deleted topics first and the failed ones after them, as Kafka appends them.
// With an authorizer: DELETE on the group, else GROUP_AUTHORIZATION_FAILED; READ on each topic,
// else TOPIC_AUTHORIZATION_FAILED for it (listed first).

import { DeleteShareGroupOffsets } from '../../protocol/apis/delete-share-group-offsets.js'
import { ErrorCode } from '../../protocol/errors.js'
import { ZERO_UUID } from '../../protocol/primitives.js'
import { allowed, authorize, authorizedNames, Op, Res } from './auth.js'
import { defineHandler } from './handler.js'

type TopicAnswer = { topicName: string; topicId: string; errorCode: number; errorMessage: string | null }

export default defineHandler({
  api: DeleteShareGroupOffsets,
  handle(req, ctx) {
    const { broker } = ctx
    const top = (errorCode: number, errorMessage: string) => ({ throttleTimeMs: 0, errorCode, errorMessage, responses: [] })
    if (!authorize(ctx, Op.DELETE, Res.GROUP, req.groupId)) return top(ErrorCode.GROUP_AUTHORIZATION_FAILED, 'Group authorization failed.')
    if (req.groupId === '') return top(ErrorCode.INVALID_GROUP_ID, 'The group id is invalid.')
    const readable = authorizedNames(ctx, Op.READ, Res.TOPIC, req.topics.map((t) => t.topicName))
    const denied: TopicAnswer[] = []
    const unknown: TopicAnswer[] = []
    const known: { topicName: string; topicId: string }[] = []
    for (const t of req.topics) {
      const topic = broker.cluster.topic(t.topicName)
      if (!allowed(readable, t.topicName)) denied.push({ topicName: t.topicName, topicId: ZERO_UUID, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'Topic authorization failed.' })
      else if (!topic) unknown.push({ topicName: t.topicName, topicId: ZERO_UUID, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic-partition.' })
      else known.push({ topicName: t.topicName, topicId: topic.id })
    }
    if (denied.length === req.topics.length && req.topics.length > 0) return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, responses: denied }
    const r = broker.shareGroups.deleteOffsets(req.groupId, known.map((t) => t.topicId))
    if (!(r instanceof Map)) return top(ErrorCode[r.code], r.message)
    const deleted: TopicAnswer[] = []
    const noState: TopicAnswer[] = []
    for (const t of known) {
      if (r.get(t.topicId)) deleted.push({ ...t, errorCode: 0, errorMessage: null })
      else noState.push({ topicName: t.topicName, topicId: ZERO_UUID, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'There is no offset information to delete.' })
    }
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, responses: [...denied, ...deleted, ...noState, ...unknown] }
  },
  errorResponse: (_req, errorCode) => ({ errorCode, responses: [] }),
})
