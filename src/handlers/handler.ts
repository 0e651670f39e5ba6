// The contract between dispatch and one API's handler. Each handler file registers its API
// definition and the versions it serves beside its code, so ApiVersions is derived from what is
// actually handled and can never advertise more.

import type { ApiDefinition, DeepPartial, Range } from '../../protocol/schema.js'
import type { RequestHeader } from '../../protocol/header.js'
import type { Broker } from '../broker.js'
import type { ClusterNode } from '../cluster/nodes.js'
import type { SaslSession } from '../security/sasl/session.js'

// One row of ApiVersions' table: an API key and the versions served.
export interface ApiVersionRange {
  apiKey: number
  minVersion: number
  maxVersion: number
}

export interface RequestContext {
  readonly broker: Broker
  // The broker of the cluster this request reached ("who am I": its node id, leaderships,
  // coordinators); with one broker, the only node.
  readonly node: ClusterNode
  // What ApiVersions reports: derived from the registered handlers by the server, once.
  readonly apiVersions: ApiVersionRange[]
  readonly header: RequestHeader
  readonly version: number
  readonly connection: ConnectionInfo
  // Runs `fn` once the response has been handed to the socket, so that buffers the response
  // points into can be reused. Not run when the connection closes first.
  readonly afterResponse?: (fn: () => void) => void
  // The request's size in bytes without its length prefix (Kafka's request.sizeInBytes, what
  // producer_byte_rate counts).
  readonly requestBytes?: number
}

export interface ConnectionInfo {
  readonly id: number
  readonly remote: string
  clientSoftwareName: string | null
  clientSoftwareVersion: string | null
  // Resolves when the connection closes, so long-polling handlers stop waiting.
  readonly closed: Promise<void>
  // The listener the connection came in on, with its advertised endpoint: Kafka answers Metadata,
  // DescribeCluster and FindCoordinator with the endpoints of the request's listener.
  readonly listener?: ListenerEndpoint
  // The SASL state on a SASL listener (SaslHandshake, SaslAuthenticate), else absent.
  readonly sasl?: SaslSession | null
  // Kafka's principal of the connection (User:ANONYMOUS before or without authentication).
  readonly principal?: string
  // Closes the connection now (after a failed authentication's response was written).
  destroy?(): void
  // A quota was violated: read no further request from this connection for `ms` (Kafka mutes
  // the channel until its ThrottledChannel expires, KIP-219).
  throttle?(ms: number): void
}

export interface ListenerEndpoint {
  name: string
  securityProtocol: string
  host: string
  port: number
}

export interface Handler<Q, S> {
  readonly api: ApiDefinition<Q, S>
  // Versions served; the definition's full range when absent.
  readonly versions?: Range
  // What ApiVersions reports, when it is not what is served. Only Produce: Kafka 4.x advertises
  // Produce 0-13 although it serves 3-13 and closes the connection on v0-2 (KAFKA-18659,
  // ApiKeys.PRODUCE_API_VERSIONS_RESPONSE_MIN_VERSION), because librdkafka decides from Produce's
  // minimum version whether the broker takes compressed batches (librdkafka#4956).
  readonly advertised?: Range
  // null: send no response (Produce with acks=0).
  handle(req: Q, ctx: RequestContext): DeepPartial<S> | null | Promise<DeepPartial<S> | null>
  // The response for a request-wide error, with the code wherever Kafka's getErrorResponse
  // puts it (every topic and partition of the request, or the top-level error code).
  errorResponse(req: Q, errorCode: number, ctx: RequestContext): DeepPartial<S>
}

export type AnyHandler = Handler<any, any> // eslint-disable-line @typescript-eslint/no-explicit-any

export function defineHandler<Q, S>(h: Handler<Q, S>): Handler<Q, S> {
  return h
}

export function servedRange(h: AnyHandler): Range {
  return h.versions ?? h.api.valid
}

export function advertisedRange(h: AnyHandler): Range {
  return h.advertised ?? servedRange(h)
}

// The ApiVersions table of a set of handlers, by API key.
export function versionsTable(handlers: Iterable<AnyHandler>): ApiVersionRange[] {
  return [...handlers]
    .sort((a, b) => a.api.key - b.api.key)
    .map((h) => {
      const r = advertisedRange(h)
      return { apiKey: h.api.key, minVersion: r.min, maxVersion: r.max }
    })
}
