// DescribeAcls, CreateAcls and DeleteAcls 1–3 (Kafka's AclApis). DescribeAcls needs DESCRIBE on
// the cluster, CreateAcls and DeleteAcls ALTER (CLUSTER_AUTHORIZATION_FAILED otherwise), checked
// before anything else as Kafka does. Without an authorizer (authorizer.class.name empty):
// DescribeAcls answers SECURITY_DISABLED at the top level, CreateAcls and DeleteAcls in every
// result; Kafdrop and AKHQ call DescribeAcls on start and expect exactly this. With Kafka's
// StandardAuthorizer: bindings are created (INVALID_REQUEST per binding that Kafka's
// AclControlManager refuses), described by filter (ANY / MATCH / LITERAL / PREFIXED) grouped by
// resource pattern, and deleted by filter, each filter answering the bindings it removed.
// v1+ pattern types; v2+ flexible; v3 is v2 (KIP-896 removed v0).

import { CreateAcls } from '../../protocol/apis/create-acls.js'
import { DeleteAcls } from '../../protocol/apis/delete-acls.js'
import { DescribeAcls } from '../../protocol/apis/describe-acls.js'
import { ErrorCode, KafkaError } from '../../protocol/errors.js'
import { AclOperation, AclPermissionType, type AclBinding, type AclBindingFilter, filterError, known, PatternType, ResourceType } from '../security/authorizer/acl.js'
import { requireCluster } from './auth.js'
import { defineHandler } from './handler.js'

const NO_AUTHORIZER = 'No Authorizer is configured.'

interface WireFilter {
  resourceTypeFilter: number
  resourceNameFilter: string | null
  patternTypeFilter: number
  principalFilter: string | null
  hostFilter: string | null
  operation: number
  permissionType: number
}

function toFilter(w: WireFilter): AclBindingFilter {
  return {
    resourceType: known(ResourceType, w.resourceTypeFilter),
    resourceName: w.resourceNameFilter,
    patternType: known(PatternType, w.patternTypeFilter),
    principal: w.principalFilter,
    host: w.hostFilter,
    operation: known(AclOperation, w.operation),
    permissionType: known(AclPermissionType, w.permissionType),
  }
}

// DescribeAclsResponse.aclsResources: one entry per resource pattern, its ACL entries inside.
function byResource(bindings: AclBinding[]) {
  const out = new Map<string, { resourceType: number; resourceName: string; patternType: number; acls: { principal: string; host: string; operation: number; permissionType: number }[] }>()
  for (const b of bindings) {
    const k = `${b.resourceType}\u0000${b.patternType}\u0000${b.resourceName}`
    let r = out.get(k)
    if (!r) out.set(k, (r = { resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType, acls: [] }))
    r.acls.push({ principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permissionType })
  }
  return [...out.values()]
}

export const describeAcls = defineHandler({
  api: DescribeAcls,
  handle(req, ctx) {
    requireCluster(ctx, AclOperation.DESCRIBE)
    const authorizer = ctx.broker.authorizer
    if (authorizer === null) return { throttleTimeMs: 0, errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured on the broker', resources: [] }
    const filter = toFilter(req)
    const invalid = filterError(filter)
    if (invalid !== null) throw new KafkaError('INVALID_REQUEST', invalid)
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, resources: byResource(authorizer.describe(filter)) }
  },
  errorResponse: (_req, errorCode, ctx) => ({ errorCode, errorMessage: errorCode === ErrorCode.CLUSTER_AUTHORIZATION_FAILED ? clusterDenied(ctx.header.correlationId) : null, resources: [] }),
})

function clusterDenied(correlationId: number): string {
  return `Request with correlation id ${correlationId} is not authorized.`
}

export const createAcls = defineHandler({
  api: CreateAcls,
  handle(req, ctx) {
    requireCluster(ctx, AclOperation.ALTER)
    const authorizer = ctx.broker.authorizer
    if (authorizer === null) return { throttleTimeMs: 0, results: req.creations.map(() => ({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: NO_AUTHORIZER })) }
    const bindings = req.creations.map((c): AclBinding => ({
      resourceType: known(ResourceType, c.resourceType),
      resourceName: c.resourceName,
      patternType: known(PatternType, c.resourcePatternType),
      principal: c.principal,
      host: c.host,
      operation: known(AclOperation, c.operation),
      permissionType: known(AclPermissionType, c.permissionType),
    }))
    const results = authorizer.create(bindings)
    return {
      throttleTimeMs: 0,
      results: results.map((r) => (r.error === null ? { errorCode: 0, errorMessage: null } : { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: r.error })),
    }
  },
  errorResponse: (req, errorCode, ctx) => ({ results: req.creations.map(() => ({ errorCode, errorMessage: errorCode === ErrorCode.CLUSTER_AUTHORIZATION_FAILED ? clusterDenied(ctx.header.correlationId) : null })) }),
})

export const deleteAcls = defineHandler({
  api: DeleteAcls,
  handle(req, ctx) {
    requireCluster(ctx, AclOperation.ALTER)
    const authorizer = ctx.broker.authorizer
    if (authorizer === null) return { throttleTimeMs: 0, filterResults: req.filters.map(() => ({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: NO_AUTHORIZER, matchingAcls: [] })) }
    const results = authorizer.delete(req.filters.map(toFilter))
    return {
      throttleTimeMs: 0,
      filterResults: results.map((r) => ({
        errorCode: r.error === null ? 0 : ErrorCode.INVALID_REQUEST,
        errorMessage: r.error,
        matchingAcls: r.deleted.map((b) => ({ errorCode: 0, errorMessage: null, ...b })),
      })),
    }
  },
  errorResponse: (req, errorCode, ctx) => ({ filterResults: req.filters.map(() => ({ errorCode, errorMessage: errorCode === ErrorCode.CLUSTER_AUTHORIZATION_FAILED ? clusterDenied(ctx.header.correlationId) : null, matchingAcls: [] })) }),
})
