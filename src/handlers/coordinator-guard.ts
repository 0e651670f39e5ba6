// NOT_COORDINATOR for group and transaction requests that reach a broker of the cluster that does
// not coordinate their key (Kafka: GroupCoordinator / TransactionCoordinator answer
// NOT_COORDINATOR when the key's internal-topic partition is not led by this broker; clients then
// look the coordinator up again with FindCoordinator). The check wraps each keyed handler once,
// at start-up; a single broker coordinates every key, so it costs nothing there. Batched requests
// that name several keys (OffsetFetch v8+ with more than one group, DescribeGroups,
// ConsumerGroupDescribe, DeleteGroups, broker-to-broker AddPartitionsToTxn v4+) are served
// wherever they arrive.

import { KafkaError } from '../../protocol/errors.js'
import type { InternalTopic } from '../log/internal-topic.js'
import type { Broker } from '../broker.js'
import type { AnyHandler, RequestContext } from './handler.js'

type Keyed = { groupId?: string; transactionalId?: string | null; v3AndBelowTransactionalId?: string; groups?: { groupId: string }[] }

// API key ─▶ [which coordinator, the request's key (null: not keyed, serve here)].
const KEYS: ReadonlyMap<number, ['group' | 'txn', (req: Keyed, version: number) => string | null | undefined]> = new Map([
  [8, ['group', (r) => r.groupId]], // OffsetCommit
  [9, ['group', (r, v) => (v < 8 ? r.groupId : r.groups?.length === 1 ? r.groups[0]!.groupId : null)]], // OffsetFetch
  [11, ['group', (r) => r.groupId]], // JoinGroup
  [12, ['group', (r) => r.groupId]], // Heartbeat
  [13, ['group', (r) => r.groupId]], // LeaveGroup
  [14, ['group', (r) => r.groupId]], // SyncGroup
  [28, ['group', (r) => r.groupId]], // TxnOffsetCommit
  [47, ['group', (r) => r.groupId]], // OffsetDelete
  [68, ['group', (r) => r.groupId]], // ConsumerGroupHeartbeat (KIP-848)
  [76, ['group', (r) => r.groupId]], // ShareGroupHeartbeat (KIP-932)
  [88, ['group', (r) => r.groupId]], // StreamsGroupHeartbeat (KIP-1071)
  [91, ['group', (r) => r.groupId]], // AlterShareGroupOffsets (KIP-932)
  [92, ['group', (r) => r.groupId]], // DeleteShareGroupOffsets (KIP-932)
  [22, ['txn', (r) => r.transactionalId]], // InitProducerId (null: an idempotent producer)
  [24, ['txn', (r, v) => (v < 4 ? r.v3AndBelowTransactionalId : null)]], // AddPartitionsToTxn
  [25, ['txn', (r) => r.transactionalId]], // AddOffsetsToTxn
  [26, ['txn', (r) => r.transactionalId]], // EndTxn
])

function topicOf(broker: Broker, kind: 'group' | 'txn'): InternalTopic {
  return kind === 'group' ? broker.offsetsTopic : broker.transactionStateTopic
}

export function guardCoordinator(h: AnyHandler): AnyHandler {
  const keyed = KEYS.get(h.api.key)
  if (!keyed) return h
  const [kind, keyOf] = keyed
  return {
    ...h,
    handle(req: Keyed, ctx: RequestContext) {
      const { broker } = ctx
      const loads = broker.coordinatorLoads
      if (loads) {
        // Over a shared store: served only where the key's partition is loaded (its lease held).
        const key = keyOf(req, ctx.version)
        if (key !== null && key !== undefined) {
          const topic = topicOf(broker, kind)
          loads.check(topic.name, topic.partitionFor(key), `${kind === 'group' ? 'group' : 'transactional id'} ${key}`)
        }
      } else if (broker.nodes.size > 1) {
        const key = keyOf(req, ctx.version)
        if (key !== null && key !== undefined && broker.coordinatorOf(topicOf(broker, kind), key) !== ctx.node.id) {
          throw new KafkaError('NOT_COORDINATOR', `broker ${ctx.node.id} is not the coordinator of ${kind === 'group' ? 'group' : 'transactional id'} ${key}`)
        }
      }
      return h.handle(req, ctx)
    },
  }
}
