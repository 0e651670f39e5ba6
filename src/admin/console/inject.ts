// The console's actions run the broker's own Kafka handlers in-process, so that creating a topic,
// adding partitions, altering configs, committing offsets or producing from the console checks and
// answers exactly as CreateTopics, CreatePartitions, IncrementalAlterConfigs, OffsetCommit and
// Produce do for a client (Kafka's validation, error codes and messages, the authorizer as
// User:ANONYMOUS from loopback, the log lines and metrics). A request is encoded and decoded once
// with the API's codec, which fills every field the caller left out with the definition's default.

import { errorName, KafkaError } from '../../../protocol/errors.js'
import { Reader, Writer } from '../../../protocol/primitives.js'
import type { ApiDefinition, DeepPartial } from '../../../protocol/schema.js'
import type { Broker } from '../../broker.js'
import type { AnyHandler, RequestContext } from '../../handlers/handler.js'
import { AdminError } from '../routes.js'

const NEVER_CLOSED: Promise<void> = new Promise(() => {})
let correlationId = 0

// The API definition types the request and answer (a handler's own type is only as wide as what it builds).
export async function inject<Q, S>(broker: Broker, api: ApiDefinition<Q, S>, handler: AnyHandler, version: number, partial: DeepPartial<Q>): Promise<S> {
  const w = new Writer(64)
  api.request(version).write(w, partial)
  const req = api.request(version).read(new Reader(w.toBuffer()))
  const ctx: RequestContext = {
    broker,
    // A cluster's first broker (its controller); requests for partitions another broker leads
    // answer NOT_LEADER_OR_FOLLOWER, as they would to a client connected there.
    node: broker.nodes.list[0]!,
    apiVersions: [],
    header: { apiKey: api.key, apiVersion: version, correlationId: ++correlationId, clientId: 'rivulet-console' },
    version,
    connection: { id: -1, remote: '127.0.0.1:0', clientSoftwareName: 'rivulet-console', clientSoftwareVersion: null, closed: NEVER_CLOSED, principal: 'User:ANONYMOUS' },
  }
  try {
    const out = (await handler.handle(req, ctx)) as DeepPartial<S> | null
    if (out === null) throw new Error(`${api.name} answered nothing`)
    // Round-trip the response too: the handler answers a partial object, a client sees defaults.
    const rw = new Writer(64)
    api.response(version).write(rw, out)
    return api.response(version).read(new Reader(rw.toBuffer()))
  } catch (err) {
    if (err instanceof KafkaError) throw new AdminError(kafkaStatus(err.errorCode), `${errorName(err.errorCode)}: ${err.message || errorName(err.errorCode)}`)
    throw err
  }
}

// Kafka's per-resource error as an HTTP answer: 404 for what does not exist, 409 for a state
// conflict, 403 for authorization, 400 for the rest (bad names, configs, counts).
export function kafkaStatus(code: number): number {
  const name = errorName(code)
  if (name === 'UNKNOWN_TOPIC_OR_PARTITION' || name === 'UNKNOWN_TOPIC_ID' || name === 'GROUP_ID_NOT_FOUND') return 404
  if (name === 'TOPIC_ALREADY_EXISTS' || name === 'NON_EMPTY_GROUP' || name === 'UNKNOWN_MEMBER_ID' || name === 'ILLEGAL_GENERATION' || name === 'REBALANCE_IN_PROGRESS' || name === 'COORDINATOR_LOAD_IN_PROGRESS') return 409
  if (name.endsWith('_AUTHORIZATION_FAILED')) return 403
  return 400
}

// A per-topic or per-partition error of an answer, as the same AdminError a request-wide one gets.
export function check(errorCode: number, message?: string | null): void {
  if (errorCode === 0) return
  throw new AdminError(kafkaStatus(errorCode), `${errorName(errorCode)}${message ? `: ${message}` : ''}`)
}
