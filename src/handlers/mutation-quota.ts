// controller_mutation_rate for CreateTopics, CreatePartitions and DeleteTopics (KIP-599), as
// ControllerApis applies it: partitions created or deleted are taken from the quota's token bucket;
// from the version given (CreateTopics 6, CreatePartitions 3, DeleteTopics 5) the quota is strict
// and a topic asked for once the bucket is empty gets THROTTLING_QUOTA_EXCEEDED, below it the
// mutation goes through; either way the response carries the throttle time and the connection is
// muted for it (RequestHandlerHelper.sendResponseMaybeThrottleWithControllerQuota).

import { ErrorCode } from '../../protocol/errors.js'
import { quotaUser } from '../quotas/entity.js'
import type { MutationQuota } from '../quotas/quotas.js'
import type { RequestContext } from './handler.js'

export const THROTTLED = { errorCode: ErrorCode.THROTTLING_QUOTA_EXCEEDED, errorMessage: 'The throttling quota has been exceeded.' } as const

// Null when no entity sets controller_mutation_rate: the handlers then do nothing more.
export function mutationQuota(ctx: RequestContext, strictSinceVersion: number): MutationQuota | null {
  const quotas = ctx.broker.quotas
  if (!quotas.controllerMutation.enabled) return null
  return quotas.mutationQuota(quotaUser(ctx.connection.principal ?? 'User:ANONYMOUS'), ctx.header.clientId ?? '', ctx.version >= strictSinceVersion)
}

// The response's throttle time; mutes the connection for it.
export function mutationThrottle(ctx: RequestContext, quota: MutationQuota | null): number {
  const ms = quota?.throttleTimeMs() ?? 0
  if (ms > 0) ctx.connection.throttle?.(ms)
  return ms
}
