// FindCoordinator 0–6 (KafkaApis.handleFindCoordinatorRequest / getCoordinator). The coordinator of
// a group (keyType 0) or transactional id (keyType 1), whatever the key, including the empty one,
// is the leader of the key's partition of the internal topic, as Kafka hashes it (a single broker
// is every coordinator); COORDINATOR_NOT_AVAILABLE while that partition has no leader. Kafka
// answers COORDINATOR_NOT_AVAILABLE while it first creates an internal topic; here
// __consumer_offsets is created on the first group write, so the answer is immediate. v0 has no
// keyType (always 0); v1–3 add throttleTimeMs and errorMessage ("NONE" on success, as Kafka's
// Errors.NONE.message()); v4+ batch coordinatorKeys and answer one entry per key (errorMessage
// left empty, as Kafka does on that path). keyType 2 (share, KIP-932): this broker has no share
// coordinator, so INVALID_REQUEST (Kafka's answer before v6 too). Any other keyType fails the whole
// request with INVALID_REQUEST (CoordinatorType.forId throws), answered as
// FindCoordinatorRequest.getErrorResponse does: node -1, empty host, port -1 and the error's
// standard message, per key from v4. With an authorizer a key needs DESCRIBE on its group or
// transactional id (GROUP_/TRANSACTIONAL_ID_AUTHORIZATION_FAILED).

import { FindCoordinator } from '../../protocol/apis/find-coordinator.js'
import { ErrorCode, KafkaError, errorName } from '../../protocol/errors.js'
import type { Broker } from '../broker.js'
import { authorize, Op, Res } from './auth.js'
import { endpointOf } from './cluster-view.js'
import { defineHandler, type RequestContext } from './handler.js'

const CoordinatorType = { GROUP: 0, TRANSACTION: 1, SHARE: 2 } as const

// Errors.message() for the codes this API can answer.
const MESSAGES: Record<number, string> = {
  [ErrorCode.NONE]: 'NONE',
  [ErrorCode.UNKNOWN_SERVER_ERROR]: 'The server experienced an unexpected error when processing the request.',
  [ErrorCode.COORDINATOR_NOT_AVAILABLE]: 'The coordinator is not available.',
  [ErrorCode.GROUP_AUTHORIZATION_FAILED]: 'Group authorization failed.',
  [ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED]: 'The transactional id authorization failed.',
  [ErrorCode.INVALID_REQUEST]:
    'This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details.',
}

const message = (code: number): string => MESSAGES[code] ?? errorName(code)

// Kafka creates a coordinator's internal topic with offsets.topic.replication.factor /
// transaction.state.log.replication.factor replicas; above the broker count (1) the controller
// refuses (INVALID_REPLICATION_FACTOR) and FindCoordinator answers COORDINATOR_NOT_AVAILABLE for as
// long as the topic does not exist (AutoTopicCreationManager). Rivulet warns at start-up (config.ts).
const INTERNAL_TOPIC: Record<number, readonly [string, string]> = {
  [CoordinatorType.GROUP]: ['__consumer_offsets', 'offsets.topic.replication.factor'],
  [CoordinatorType.TRANSACTION]: ['__transaction_state', 'transaction.state.log.replication.factor'],
}

function coordinatorUnavailable(broker: Broker, keyType: number): boolean {
  const internal = INTERNAL_TOPIC[keyType]
  return internal !== undefined && broker.config.int(internal[1]) > broker.nodes.live().length && !broker.cluster.topic(internal[0])
}
const NO_NODE = { nodeId: -1, host: '', port: -1 }

// KafkaApis.getCoordinator: DESCRIBE on the group or transactional id the key names.
function keyDenied(ctx: RequestContext, keyType: number, key: string): number | null {
  if (keyType === CoordinatorType.GROUP && !authorize(ctx, Op.DESCRIBE, Res.GROUP, key)) return ErrorCode.GROUP_AUTHORIZATION_FAILED
  if (keyType === CoordinatorType.TRANSACTION && !authorize(ctx, Op.DESCRIBE, Res.TRANSACTIONAL_ID, key)) return ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
  return null
}

// The coordinator's node and endpoint on the request's listener, or null while it has none.
function coordinator(ctx: RequestContext, keyType: number, key: string): { nodeId: number; host: string; port: number } | null {
  const { broker } = ctx
  const id = broker.coordinatorOf(keyType === CoordinatorType.GROUP ? broker.offsetsTopic : broker.transactionStateTopic, key)
  // Over a shared store the coordinator may be another process's broker (its membership's endpoints).
  const node = broker.nodes.member(id)
  if (!node || !(broker.nodes.isLive(id) || broker.nodes.isRemoteLive(id))) return null
  const { nodeId, host, port } = endpointOf(ctx, node)
  return { nodeId, host, port }
}

export default defineHandler({
  api: FindCoordinator,
  handle(req, ctx) {
    const { broker, version } = ctx
    const keyType = version >= 1 ? req.keyType : CoordinatorType.GROUP
    if (keyType !== CoordinatorType.GROUP && keyType !== CoordinatorType.TRANSACTION && keyType !== CoordinatorType.SHARE) {
      throw new KafkaError('INVALID_REQUEST', `Unknown coordinator type received: ${keyType}`)
    }
    if (coordinatorUnavailable(broker, keyType)) throw new KafkaError('COORDINATOR_NOT_AVAILABLE', 'The coordinator is not available.')
    if (version >= 4) {
      return {
        throttleTimeMs: 0,
        coordinators: req.coordinatorKeys.map((key) => {
          const denied = keyDenied(ctx, keyType, key)
          if (denied !== null) return { key, ...NO_NODE, errorCode: denied, errorMessage: '' }
          if (keyType === CoordinatorType.SHARE) return { key, ...NO_NODE, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: '' }
          const node = coordinator(ctx, keyType, key)
          return node ? { key, ...node, errorCode: 0, errorMessage: '' } : { key, ...NO_NODE, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: message(ErrorCode.COORDINATOR_NOT_AVAILABLE) }
        }),
      }
    }
    const denied = keyDenied(ctx, keyType, req.key)
    if (denied === ErrorCode.GROUP_AUTHORIZATION_FAILED) throw new KafkaError('GROUP_AUTHORIZATION_FAILED')
    if (denied === ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED) throw new KafkaError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED')
    if (keyType === CoordinatorType.SHARE) throw new KafkaError('INVALID_REQUEST', 'share coordinator keys are not served')
    const node = coordinator(ctx, keyType, req.key)
    if (!node) throw new KafkaError('COORDINATOR_NOT_AVAILABLE', 'The coordinator is not available.')
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: message(ErrorCode.NONE), ...node }
  },
  errorResponse: (req, errorCode, ctx) =>
    ctx.version >= 4
      ? { coordinators: req.coordinatorKeys.map((key) => ({ key, ...NO_NODE, errorCode, errorMessage: message(errorCode) })) }
      : { errorCode, errorMessage: message(errorCode), ...NO_NODE },
})
