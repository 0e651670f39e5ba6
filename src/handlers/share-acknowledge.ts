// ShareAcknowledge 1–2 (KIP-932; KafkaApis.handleShareAcknowledgeRequest): a share-group member
// accepts (1), releases (2), rejects (3) or, from v2, renews (4) the records it acquired, in an
// existing share session: epoch 0 cannot open one (INVALID_SHARE_SESSION_EPOCH), -1 closes it
// after the acknowledgements and releases what the member still holds. Per partition:
// INVALID_RECORD_STATE (an offset not acquired by this member: nothing of that partition is
// applied), INVALID_REQUEST (bad batches), UNKNOWN_TOPIC_ID, TOPIC_AUTHORIZATION_FAILED (READ on
// the topic). v2: AcquisitionLockTimeoutMs in the response.

import { ShareAcknowledge } from '../../protocol/apis/share-acknowledge.js'
import { KafkaError } from '../../protocol/errors.js'
import { applyAcks, checkShareRequest, partitionErrors, partitionKey, sessionCall } from './share-common.js'
import { defineHandler } from './handler.js'

export default defineHandler({
  api: ShareAcknowledge,
  handle(req, ctx) {
    const share = ctx.broker.shareGroups
    const { groupId, memberId } = checkShareRequest(ctx, req.groupId, req.memberId)
    if (req.shareSessionEpoch === 0) throw new KafkaError('INVALID_SHARE_SESSION_EPOCH', 'A share session cannot be opened by ShareAcknowledge.')
    const session = sessionCall(() => share.sessions.use(groupId, memberId, req.shareSessionEpoch))
    const errors = partitionErrors(ctx, req.topics)
    const acks = applyAcks(ctx, session, req.topics, errors, ctx.version >= 2 && share.renewAllowed(groupId))
    if (req.shareSessionEpoch === -1) share.closeSession(session)
    const responses = req.topics.map((t) => ({
      topicId: t.topicId,
      partitions: t.partitions.map((p) => {
        const key = partitionKey(t.topicId, p.partitionIndex)
        const r = errors.get(key) ?? acks.get(key)
        return { partitionIndex: p.partitionIndex, errorCode: r?.code ?? 0, errorMessage: r?.message ?? null }
      }),
    }))
    return { throttleTimeMs: 0, errorCode: 0, acquisitionLockTimeoutMs: share.lockDurationMs(groupId), responses }
  },
  errorResponse: (_req, errorCode) => ({ errorCode, responses: [] }),
})
