// AlterShareGroupOffsets 0 (KIP-932; KafkaApis.handleAlterShareGroupOffsetsRequest,
// GroupCoordinatorService / GroupMetadataManager.alterShareGroupOffsets): sets the share-partition
// start offset of partitions of an empty share group, the way `kafka-share-groups.sh
// --reset-offsets` does. The group is created when it does not exist yet (as Kafka does); an id
// held by a classic or consumer group is GROUP_ID_NOT_FOUND; a group with members is refused as a
// whole with NON_EMPTY_GROUP. A topic the cluster does not have, or a partition past its partition
// count, answers UNKNOWN_TOPIC_OR_PARTITION in its own entry. An empty group id is
// INVALID_GROUP_ID. The new state is written to __share_group_state before the answer, so it
// survives a restart. With an authorizer: READ on the group, else GROUP_AUTHORIZATION_FAILED for the
// whole request; READ on each topic, else TOPIC_AUTHORIZATION_FAILED for its partitions.

import { AlterShareGroupOffsets, type AlterShareGroupOffsetsRequest, type AlterShareGroupOffsetsResponse } from '../../protocol/apis/alter-share-group-offsets.js'
import { ErrorCode } from '../../protocol/errors.js'
import { ZERO_UUID } from '../../protocol/primitives.js'
import { allowed, authorize, authorizedNames, Op, Res } from './auth.js'
import { defineHandler } from './handler.js'

const UNKNOWN_TOPIC_MESSAGE = 'This server does not host this topic-partition.'

type Response = Omit<AlterShareGroupOffsetsResponse, 'throttleTimeMs'>

// AlterShareGroupOffsetsRequest.getErrorResponse: the error at the top and on every partition.
function wholeError(req: AlterShareGroupOffsetsRequest, errorCode: number, errorMessage: string | null): Response {
  return {
    errorCode,
    errorMessage,
    responses: req.topics.map((t) => ({
      topicName: t.topicName,
      topicId: ZERO_UUID,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode, errorMessage })),
    })),
  }
}

export default defineHandler({
  api: AlterShareGroupOffsets,
  handle(req, ctx) {
    const { broker } = ctx
    if (!authorize(ctx, Op.READ, Res.GROUP, req.groupId)) return { throttleTimeMs: 0, ...wholeError(req, ErrorCode.GROUP_AUTHORIZATION_FAILED, 'Group authorization failed.') }
    if (req.groupId === '') return { throttleTimeMs: 0, ...wholeError(req, ErrorCode.INVALID_GROUP_ID, 'The group id is invalid.') }
    const readable = authorizedNames(ctx, Op.READ, Res.TOPIC, req.topics.map((t) => t.topicName))
    const offsets: { topicId: string; partition: number; startOffset: number }[] = []
    const responses = req.topics.map((t) => {
      const topic = broker.cluster.topic(t.topicName)
      const answer = (errorCode: number, errorMessage: string | null) => ({ topicName: t.topicName, topicId: topic?.id ?? ZERO_UUID, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode, errorMessage })) })
      if (!allowed(readable, t.topicName)) return answer(ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Topic authorization failed.')
      if (!topic) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_MESSAGE)
      return {
        topicName: t.topicName,
        topicId: topic.id,
        partitions: t.partitions.map((p) => {
          if (p.partitionIndex < 0 || p.partitionIndex >= topic.partitions) return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: UNKNOWN_TOPIC_MESSAGE }
          offsets.push({ topicId: topic.id, partition: p.partitionIndex, startOffset: Number(p.startOffset) })
          return { partitionIndex: p.partitionIndex, errorCode: 0, errorMessage: null }
        }),
      }
    })
    const err = broker.shareGroups.alterOffsets(req.groupId, offsets)
    if (err) return { throttleTimeMs: 0, ...wholeError(req, ErrorCode[err.code], err.message) }
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, responses }
  },
  errorResponse: (req, errorCode) => wholeError(req, errorCode, null),
})
