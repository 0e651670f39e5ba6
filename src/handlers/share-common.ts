// What ShareFetch and ShareAcknowledge share (KafkaApis.handleShareFetchRequest /
// handleShareAcknowledgeRequest): the group READ check, the member id check, share-session
// errors as top-level errors, topic resolution by id with READ on each topic, and applying a
// request's acknowledgement batches partition by partition.

import { KafkaError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/errors.js'
import { ShareSessionError, type ShareSession } from '../groups/share/share-sessions.js'
import { allowed, authorize, authorizedNames, Op, Res } from './auth.js'
import { leaderError } from './cluster-view.js'
import type { RequestContext } from './handler.js'

export interface AckPartitionIn {
  partitionIndex: number
  acknowledgementBatches: { firstOffset: bigint; lastOffset: bigint; acknowledgeTypes: number[] }[]
}
export interface AckTopicIn {
  topicId: string
  partitions: AckPartitionIn[]
}

export interface PartitionError {
  code: number
  message: string | null
}

export const partitionKey = (topicId: string, partition: number): string => `${topicId}:${partition}`

// Top-level checks both APIs make before touching a session: READ on the group, then a group id
// and member id (Kafka parses the member id as a Uuid; an empty one is INVALID_REQUEST).
export function checkShareRequest(ctx: RequestContext, groupId: string | null, memberId: string | null): { groupId: string; memberId: string } {
  if (!authorize(ctx, Op.READ, Res.GROUP, groupId ?? '')) throw new KafkaError('GROUP_AUTHORIZATION_FAILED')
  if (groupId === null || groupId.trim() === '') throw new KafkaError('INVALID_REQUEST', 'Group id is required.')
  if (memberId === null || memberId.trim() === '') throw new KafkaError('INVALID_REQUEST', 'Invalid member id.')
  return { groupId, memberId }
}

export function sessionCall<T>(fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof ShareSessionError) throw new KafkaError(err.code, err.message)
    throw err
  }
}

// Each requested partition's error (unknown topic id or partition, no READ on the topic, another
// broker of the cluster leads it), or absent when it may be served.
export function partitionErrors(ctx: RequestContext, topics: readonly { topicId: string; partitions: readonly { partitionIndex: number }[] }[]): Map<string, PartitionError> {
  const { cluster } = ctx.broker
  const readable = authorizedNames(ctx, Op.READ, Res.TOPIC, topics.map((t) => cluster.topicById(t.topicId)?.name ?? ''))
  const out = new Map<string, PartitionError>()
  for (const t of topics) {
    const topic = cluster.topicById(t.topicId)
    for (const p of t.partitions) {
      const key = partitionKey(t.topicId, p.partitionIndex)
      if (!topic) out.set(key, { code: ErrorCode.UNKNOWN_TOPIC_ID, message: null })
      else if (!allowed(readable, topic.name)) out.set(key, { code: ErrorCode.TOPIC_AUTHORIZATION_FAILED, message: null })
      else if (p.partitionIndex < 0 || p.partitionIndex >= topic.partitions) out.set(key, { code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message: null })
      else {
        // In a cluster, only the partition's leader serves it (SharePartitionManager on the leader).
        const notLeader = leaderError(ctx, topic.name, p.partitionIndex)
        if (notLeader !== 0) out.set(key, { code: notLeader, message: null })
      }
    }
  }
  return out
}

// Applies the acknowledgements of every partition that carries some; the result per partition
// (code 0 when applied). A partition with a request error answers that error for its
// acknowledgement too.
export function applyAcks(ctx: RequestContext, session: ShareSession, topics: readonly AckTopicIn[], errors: Map<string, PartitionError>, allowRenew: boolean): Map<string, PartitionError> {
  const out = new Map<string, PartitionError>()
  for (const t of topics) {
    for (const p of t.partitions) {
      if (p.acknowledgementBatches.length === 0) continue
      const key = partitionKey(t.topicId, p.partitionIndex)
      const e = errors.get(key)
      if (e) {
        out.set(key, e)
        continue
      }
      const batches = p.acknowledgementBatches.map((b) => ({ firstOffset: Number(b.firstOffset), lastOffset: Number(b.lastOffset), types: b.acknowledgeTypes }))
      const r = ctx.broker.shareGroups.partitions.acknowledge(session.groupId, session.memberId, t.topicId, p.partitionIndex, batches, allowRenew)
      out.set(key, r === null ? { code: 0, message: null } : { code: ErrorCode[r.code], message: r.message })
    }
  }
  return out
}
