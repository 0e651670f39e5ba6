// DescribeClientQuotas 0–1 and AlterClientQuotas 0–1 (KIP-546; kafka-configs --entity-type
// users/clients/ips), as Kafka's KRaft broker and controller answer them: Describe filters as
// ClientQuotasImage.describe (a bad filter is a top-level INVALID_REQUEST or, for an unknown entity
// type, UNSUPPORTED_VERSION, with Kafka's message and null entries); Alter validates each entity
// as ClientQuotaControlManager (INVALID_REQUEST with Kafka's messages for unknown keys, bad values,
// bad entities and duplicates), applies the valid ones durably unless validateOnly. With an
// authorizer: DESCRIBE_CONFIGS (Describe) and ALTER_CONFIGS (Alter) on the cluster, else
// CLUSTER_AUTHORIZATION_FAILED (every entry of an Alter). ip entities and connection_creation_rate
// are stored and described; Rivulet does not limit connection creation by them.

import { AlterClientQuotas } from '../../protocol/apis/alter-client-quotas.js'
import { DescribeClientQuotas } from '../../protocol/apis/describe-client-quotas.js'
import { ErrorCode } from '../../protocol/errors.js'
import { javaMapOrder } from '../quotas/entity.js'
import { QuotaFilterError } from '../quotas/quota-store.js'
import { authorizeCluster, Op } from './auth.js'
import { defineHandler } from './handler.js'

// Errors.message() of the codes these APIs answer request-wide.
const DEFAULT_MESSAGE: Readonly<Record<number, string>> = {
  [ErrorCode.CLUSTER_AUTHORIZATION_FAILED]: 'Cluster authorization failed.',
}

export const describeClientQuotas = defineHandler({
  api: DescribeClientQuotas,
  handle(req, ctx) {
    if (!authorizeCluster(ctx, Op.DESCRIBE_CONFIGS)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: DEFAULT_MESSAGE[ErrorCode.CLUSTER_AUTHORIZATION_FAILED], entries: null }
    }
    try {
      const found = ctx.broker.quotas.store.describe(req)
      const entries = found.map((q) => ({
        entity: javaMapOrder([...q.entity.keys()]).map((entityType) => ({ entityType, entityName: q.entity.get(entityType)! })),
        values: [...q.values].map(([key, value]) => ({ key, value })),
      }))
      // Kafka never sets the message on success: the field keeps its schema default, "".
      return { throttleTimeMs: 0, errorCode: 0, errorMessage: '', entries }
    } catch (err) {
      if (!(err instanceof QuotaFilterError)) throw err
      return { throttleTimeMs: 0, errorCode: ErrorCode[err.code], errorMessage: err.message, entries: null }
    }
  },
  errorResponse: (_req, errorCode) => ({ errorCode, errorMessage: DEFAULT_MESSAGE[errorCode] ?? null, entries: null }),
})

export const alterClientQuotas = defineHandler({
  api: AlterClientQuotas,
  handle(req, ctx) {
    if (!authorizeCluster(ctx, Op.ALTER_CONFIGS)) return alterError(req.entries, ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
    const results = ctx.broker.quotas.store.alter(
      req.entries.map((e) => ({ entity: e.entity.map((x): [string, string | null] => [x.entityType, x.entityName]), ops: e.ops })),
      req.validateOnly,
    )
    if (!req.validateOnly && results.some((r) => r.errorCode === 0)) {
      ctx.broker.logger.info({ entities: results.filter((r) => r.errorCode === 0).length }, 'client quotas changed')
    }
    return {
      throttleTimeMs: 0,
      entries: results.map((r) => ({
        errorCode: r.errorCode,
        errorMessage: r.errorMessage,
        entity: r.entity.map(([entityType, entityName]) => ({ entityType, entityName })),
      })),
    }
  },
  errorResponse: (req, errorCode) => alterError(req.entries, errorCode),
})

// AlterClientQuotasRequest.getErrorResponse: every entry with the code and its default message.
function alterError(entries: { entity: { entityType: string; entityName: string | null }[] }[], errorCode: number) {
  return {
    throttleTimeMs: 0,
    entries: entries.map((e) => ({ errorCode, errorMessage: DEFAULT_MESSAGE[errorCode] ?? null, entity: e.entity.map((x) => ({ entityType: x.entityType, entityName: x.entityName })) })),
  }
}
