// The checks a ConsumerGroupHeartbeat passes before it reaches a group, with Kafka's messages, and
// the error a heartbeat fails with (its code and message go to the client).

import { ErrorCode } from '../../protocol/errors.js'
import { LEAVE_GROUP_MEMBER_EPOCH, LEAVE_GROUP_STATIC_MEMBER_EPOCH } from './consumer-group.js'
import { compileTopicRegex } from './topic-regex.js'

export type OwnedPartitions = { topicId: string; partitions: number[] }[] | null

export interface ConsumerHeartbeat {
  groupId: string
  memberId: string
  memberEpoch: number
  instanceId: string | null
  rackId: string | null
  rebalanceTimeoutMs: number
  subscribedTopicNames: string[] | null
  subscribedTopicRegex: string | null
  serverAssignor: string | null
  topicPartitions: OwnedPartitions
  clientId: string
  clientHost: string
  version: number
}

export class HeartbeatError extends Error {
  constructor(readonly code: number, message: string) {
    super(message)
  }
}

export const fail = (code: keyof typeof ErrorCode, message: string): never => {
  throw new HeartbeatError(ErrorCode[code], message)
}

// GroupCoordinatorService.throwIfConsumerGroupHeartbeatRequestIsInvalid, then the regex check of
// GroupMetadataManager.maybeUpdateRegularExpressions.
export function validateHeartbeat(req: ConsumerHeartbeat, assignors: string[]): void {
  if (req.version >= 1 || req.memberEpoch > 0 || req.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH) {
    if (req.memberId === '') fail('INVALID_REQUEST', "MemberId can't be empty.")
  }
  if (req.groupId === '') fail('INVALID_REQUEST', "GroupId can't be empty.")
  if (req.instanceId === '') fail('INVALID_REQUEST', "InstanceId can't be empty.")
  if (req.rackId === '') fail('INVALID_REQUEST', "RackId can't be empty.")
  if (req.memberEpoch === 0) {
    if (req.rebalanceTimeoutMs === -1) fail('INVALID_REQUEST', 'RebalanceTimeoutMs must be provided in first request.')
    if (req.topicPartitions === null || req.topicPartitions.length > 0) fail('INVALID_REQUEST', 'TopicPartitions must be empty when (re-)joining.')
    if (req.subscribedTopicNames === null && req.subscribedTopicRegex === null) {
      fail('INVALID_REQUEST', 'Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.')
    }
  } else if (req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    if (req.instanceId === null) fail('INVALID_REQUEST', "InstanceId can't be null.")
  } else if (req.memberEpoch < LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    fail('INVALID_REQUEST', 'MemberEpoch is invalid.')
  }
  if (req.serverAssignor !== null && !assignors.includes(req.serverAssignor)) {
    fail('UNSUPPORTED_ASSIGNOR', `ServerAssignor ${req.serverAssignor} is not supported. Supported assignors: ${assignors.join(', ')}.`)
  }
  if (req.subscribedTopicRegex !== null && req.subscribedTopicRegex !== '') {
    const compiled = compileTopicRegex(req.subscribedTopicRegex)
    if (typeof compiled === 'string') fail('INVALID_REGULAR_EXPRESSION', `SubscribedTopicRegex \`${req.subscribedTopicRegex}\` is not a valid regular expression: ${compiled}.`)
  }
}

