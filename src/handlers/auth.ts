// Every authorization check a handler makes goes through here (Kafka's AuthHelper): with no
// authorizer configured each call is one null check and allows everything, as Kafka's
// `authorizer.forall`. Handlers call these thin helpers with Kafka's operation and resource type
// and answer the error Kafka answers (AclEntry.authorizationError for the resource type).

import { ErrorCode, KafkaError } from '../../protocol/errors.js'
import { AclOperation, CLUSTER_NAME, ResourceType, supportedOperations, toBitField } from '../security/authorizer/acl.js'
import type { Requestor } from '../security/authorizer/standard-authorizer.js'
import type { ConnectionInfo, RequestContext } from './handler.js'

export { AclOperation as Op, ResourceType as Res }

// The address Kafka's authorizer compares ACL hosts with (InetAddress.getHostAddress): the
// remote address without its port, an IPv4-mapped IPv6 address as plain IPv4.
export function clientHost(c: ConnectionInfo): string {
  const remote = c.remote
  const colon = remote.lastIndexOf(':')
  const host = colon > 0 ? remote.slice(0, colon) : remote
  return host.startsWith('::ffff:') && host.includes('.') ? host.slice(7) : host
}

export function requestor(ctx: RequestContext): Requestor {
  return { principal: ctx.connection.principal ?? 'User:ANONYMOUS', host: clientHost(ctx.connection) }
}

export function hasAuthorizer(ctx: RequestContext): boolean {
  return ctx.broker.authorizer !== null
}

export function authorize(ctx: RequestContext, operation: number, resourceType: number, name: string): boolean {
  const a = ctx.broker.authorizer
  return a === null || a.authorize(requestor(ctx), operation, resourceType, name)
}

export function authorizeCluster(ctx: RequestContext, operation: number): boolean {
  return authorize(ctx, operation, ResourceType.CLUSTER, CLUSTER_NAME)
}

// AuthHelper.authorizeClusterOperation: a request-wide CLUSTER_AUTHORIZATION_FAILED.
export function requireCluster(ctx: RequestContext, operation: number): void {
  if (!authorizeCluster(ctx, operation)) throw new KafkaError('CLUSTER_AUTHORIZATION_FAILED', `Request is not authorized.`)
}

export function authorizeByResourceType(ctx: RequestContext, operation: number, resourceType: number): boolean {
  const a = ctx.broker.authorizer
  return a === null || a.authorizeByResourceType(requestor(ctx), operation, resourceType)
}

// AuthHelper.filterByAuthorized: the names (each asked once) the principal may act on. Null means
// "everything" (no authorizer), so callers pay nothing without one.
export function authorizedNames(ctx: RequestContext, operation: number, resourceType: number, names: Iterable<string>): ReadonlySet<string> | null {
  const a = ctx.broker.authorizer
  if (a === null) return null
  const who = requestor(ctx)
  const out = new Set<string>()
  for (const n of new Set(names)) if (a.authorize(who, operation, resourceType, n)) out.add(n)
  return out
}

export function allowed(set: ReadonlySet<string> | null, name: string): boolean {
  return set === null || set.has(name)
}

// AuthHelper.authorizedOperations: the resource type's supported operations this principal holds,
// as a bit field of AclOperation codes (all of them without an authorizer).
export function authorizedOperations(ctx: RequestContext, resourceType: number, name: string): number {
  const ops = supportedOperations(resourceType)
  const a = ctx.broker.authorizer
  if (a === null) return toBitField(ops)
  const who = requestor(ctx)
  return toBitField(ops.filter((op) => a.authorize(who, op, resourceType, name)))
}

// A request-wide GROUP_AUTHORIZATION_FAILED (JoinGroup, SyncGroup, Heartbeat, LeaveGroup,
// OffsetCommit: READ on the group).
export function requireGroup(ctx: RequestContext, operation: number, groupId: string): void {
  if (!authorize(ctx, operation, ResourceType.GROUP, groupId)) throw new KafkaError('GROUP_AUTHORIZATION_FAILED')
}

// ConfigResource.Type ids ─▶ the ACL resource whose operation guards them (ConfigHelper,
// ControllerApis.authorizeAlterResource): broker-wide types are the cluster.
const CONFIG_RESOURCE: Readonly<Record<number, { type: number; error: 'TOPIC' | 'GROUP' | 'CLUSTER' }>> = {
  2: { type: ResourceType.TOPIC, error: 'TOPIC' },
  4: { type: ResourceType.CLUSTER, error: 'CLUSTER' },
  8: { type: ResourceType.CLUSTER, error: 'CLUSTER' },
  16: { type: ResourceType.CLUSTER, error: 'CLUSTER' },
  32: { type: ResourceType.GROUP, error: 'GROUP' },
}
const DENIED_MESSAGE = { TOPIC: 'Topic authorization failed.', GROUP: 'Group authorization failed.', CLUSTER: 'Cluster authorization failed.' } as const

// Null when allowed (or the type is not a config resource: the handler refuses it itself), else
// the error Kafka answers for that resource, with Errors.message() as its message.
export function configResourceDenied(ctx: RequestContext, operation: number, configType: number, name: string): { errorCode: number; errorMessage: string } | null {
  if (ctx.broker.authorizer === null) return null
  const r = CONFIG_RESOURCE[configType]
  if (!r || authorize(ctx, operation, r.type, r.type === ResourceType.CLUSTER ? CLUSTER_NAME : name)) return null
  return { errorCode: ErrorCode[`${r.error}_AUTHORIZATION_FAILED`], errorMessage: DENIED_MESSAGE[r.error] }
}

// KafkaApis.handleConsumerGroupDescribe / handleShareGroupDescribe: a group the principal may not
// DESCRIBE, or one whose members' topics it may not all DESCRIBE, is answered with this error
// (the group's members are then left out); null when it may be described.
export function describeGroupDenied(ctx: RequestContext, groupId: string): { errorCode: number; errorMessage: string } | null {
  return authorize(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, groupId) ? null : { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: 'Group authorization failed.' }
}

export function describedTopicsDenied(ctx: RequestContext, topics: readonly string[]): { errorCode: number; errorMessage: string } | null {
  const describable = authorizedNames(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, topics)
  if (topics.every((t) => allowed(describable, t))) return null
  return { errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'The group has described topic(s) that the client is not authorized to describe.' }
}
