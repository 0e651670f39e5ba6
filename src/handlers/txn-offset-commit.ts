// TxnOffsetCommit 0–6 (KafkaApis.handleTxnOffsetCommitRequest, OffsetMetadataManager
// .commitTransactionalOffset): offsets committed inside the producer's transaction, pending
// (OffsetFetch with requireStable answers UNSTABLE_OFFSET_COMMIT for them) until its marker
// settles them. Unknown topics and partitions answer UNKNOWN_TOPIC_OR_PARTITION alone; the group's
// __consumer_offsets partition is verified as part of the transaction first (v0–3:
// INVALID_TXN_STATE when it was not added, v4: TRANSACTION_ABORTABLE; v5, transactions v2: it is
// added here), then the group checks apply: a commit naming a member (v3+) is fenced like a member
// commit, an anonymous one is accepted whatever the group's state. v6 (KIP-1319) names topics by
// id: an unknown id answers UNKNOWN_TOPIC_ID for its partitions, and the response echoes the ids.
// With an authorizer: WRITE on the transactional id, READ on the group (request-wide errors), READ
// on each topic (TOPIC_AUTHORIZATION_FAILED for its partitions), as KafkaApis.

import { TxnOffsetCommit, type TxnOffsetCommitRequest as Req } from '../../protocol/apis/txn-offset-commit.js'
import { ErrorCode, KafkaError } from '../../protocol/errors.js'
import { OFFSETS_TOPIC } from '../groups/group-store.js'
import { commitTxnOffsets, type TxnOffsetCommitRequest } from '../groups/offsets.js'
import { allowed, authorize, authorizedNames, Op, requireGroup, Res } from './auth.js'
import { defineHandler } from './handler.js'

const allPartitions = (req: Req, errorCode: number) =>
  req.topics.map((t) => ({ name: t.name, topicId: t.topicId, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) }))

export default defineHandler({
  api: TxnOffsetCommit,
  handle(req, ctx) {
    const { broker, version } = ctx
    if (!authorize(ctx, Op.WRITE, Res.TRANSACTIONAL_ID, req.transactionalId)) throw new KafkaError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED')
    requireGroup(ctx, Op.READ, req.groupId)
    if (req.groupId === '') throw new KafkaError('INVALID_GROUP_ID', 'the group id must not be empty')
    const readable = authorizedNames(ctx, Op.READ, Res.TOPIC, req.topics.map((t) => (version >= 6 ? broker.cluster.topicById(t.topicId)?.name ?? '' : t.name)))
    const producerId = Number(req.producerId)
    const offsetsPartition = broker.groups.store.partitionFor(req.groupId)
    const log = broker.partition(OFFSETS_TOPIC, offsetsPartition)!
    const mode = version >= 5 ? 'add' : version === 4 ? 'generic' : 'default'
    const offsets: TxnOffsetCommitRequest['offsets'] = []
    const slots = req.topics.map((t) => {
      const topic = version >= 6 ? broker.cluster.topicById(t.topicId) : broker.cluster.topic(t.name)
      return t.partitions.map((p) => {
        if (!topic && version >= 6) return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, at: -1 }
        if (!allowed(readable, topic?.name ?? t.name)) return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, at: -1 }
        if (!topic || p.partitionIndex < 0 || p.partitionIndex >= topic.partitions) return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, at: -1 }
        offsets.push({ topic: topic.name, partition: p.partitionIndex, offset: Number(p.committedOffset), leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata })
        return { partitionIndex: p.partitionIndex, errorCode: 0, at: offsets.length - 1 }
      })
    })
    const verified = offsets.length === 0 ? null : broker.txns.verifyAppend(req.transactionalId, producerId, req.producerEpoch, OFFSETS_TOPIC, offsetsPartition, log, mode)
    const codes = offsets.length === 0 ? [] : verified !== null ? offsets.map(() => ErrorCode[verified]) : commitTxnOffsets(broker.groups, {
      groupId: req.groupId,
      producerId,
      producerEpoch: req.producerEpoch,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      offsets,
    })
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t, i) => ({
        name: t.name,
        topicId: t.topicId,
        partitions: slots[i]!.map((s) => ({ partitionIndex: s.partitionIndex, errorCode: s.at >= 0 ? codes[s.at]! : s.errorCode })),
      })),
    }
  },
  errorResponse: (req, errorCode) => ({ throttleTimeMs: 0, topics: allPartitions(req, errorCode) }),
})
