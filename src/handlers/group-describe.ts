// The per-group steps that ConsumerGroupDescribe (KIP-848), ShareGroupDescribe (KIP-932) and
// StreamsGroupDescribe (KIP-1071) share, as KafkaApis.handleConsumerGroupDescribe and its share
// and streams twins take them: DESCRIBE on the group (else GROUP_AUTHORIZATION_FAILED), the
// coordinator's answer (GROUP_ID_NOT_FOUND for a missing group or one of another type), DESCRIBE on
// every topic the group names (else TOPIC_AUTHORIZATION_FAILED without its members), then the
// group as the API shapes it, with authorizedOperations only when the request asked for them.

import { authorizedOperations, describedTopicsDenied, describeGroupDenied, Res } from './auth.js'
import type { RequestContext } from './handler.js'

// Kafka's Integer.MIN_VALUE: authorized operations not requested (or not reported on an error).
export const NOT_REQUESTED = -2147483648

export interface GroupError {
  errorCode: number
  errorMessage: string | null
}

// `describe` answers the coordinator's description of the group or its error (U is their union).
export interface GroupDescriber<U extends object, R> {
  describe(groupId: string): U
  // The topics the group names (subscriptions, assignments, a topology), checked for DESCRIBE.
  topics(d: Exclude<U, GroupError>): readonly string[]
  shape(d: Exclude<U, GroupError>): R
}

const isError = <U extends object>(d: U): d is Extract<U, GroupError> => 'errorCode' in d

export function describeGroups<U extends object, R extends object>(ctx: RequestContext, groupIds: readonly string[], includeAuthorizedOperations: boolean, g: GroupDescriber<U, R>) {
  return groupIds.map((groupId) => {
    const failed = (e: GroupError) => ({ groupId, errorCode: e.errorCode, errorMessage: e.errorMessage, authorizedOperations: NOT_REQUESTED })
    const groupDenied = describeGroupDenied(ctx, groupId)
    if (groupDenied) return failed(groupDenied)
    const d = g.describe(groupId)
    if (isError(d)) return failed(d)
    const found = d as Exclude<U, GroupError>
    const topicsDenied = describedTopicsDenied(ctx, g.topics(found))
    if (topicsDenied) return failed(topicsDenied)
    return {
      groupId,
      errorCode: 0,
      errorMessage: null,
      ...g.shape(found),
      authorizedOperations: includeAuthorizedOperations ? authorizedOperations(ctx, Res.GROUP, groupId) : NOT_REQUESTED,
    }
  })
}
