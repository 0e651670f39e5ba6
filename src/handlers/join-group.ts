// JoinGroup 0–9 (KafkaApis.handleJoinGroupRequest, GroupCoordinatorService.joinGroup,
// GroupMetadataManager.classicGroupJoin). The request parks until the join phase completes.
// v0: no rebalanceTimeoutMs, the session timeout serves (JoinGroupRequest.maybeOverrideRebalanceTimeout);
// v4+: an empty member id gets MEMBER_ID_REQUIRED with a generated id (KIP-394); v5+:
// groupInstanceId, static membership (KIP-345); v7+: protocolType in the response and a null
// protocolName where older versions have "" (JoinGroupResponse's constructor); v8 reason (logged
// by Kafka, ignored here); v9: skipAssignment for a restarted static leader (KIP-814).
// The member's clientId is the request header's, its clientHost "/" + the peer address, as Kafka's
// InetAddress.toString() prints it. Member metadata has no size limit but the request's
// (socket.request.max.bytes), as in Kafka; a group record too large for __consumer_offsets fails
// the leader's SyncGroup instead (see sync-group.ts). Not implemented: group.max.size.
// A live KIP-848 consumer group takes the member as a classic member (classicGroupJoinToConsumerGroup,
// src/groups/consumer-classic.ts): answered at once, generation = member epoch, no leader.
// With an authorizer the group needs READ (else GROUP_AUTHORIZATION_FAILED), as KafkaApis.

import { JoinGroup } from '../../protocol/apis/join-group.js'
import { Op, requireGroup } from './auth.js'
import { defineHandler } from './handler.js'

// "127.0.0.1:5000" → "/127.0.0.1"; an IPv4-mapped IPv6 peer prints as IPv4, as Java's
// Inet4Address does.
export function clientHost(remote: string): string {
  const at = remote.lastIndexOf(':')
  const ip = at < 0 ? remote : remote.slice(0, at)
  return `/${ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip}`
}

export default defineHandler({
  api: JoinGroup,
  async handle(req, ctx) {
    requireGroup(ctx, Op.READ, req.groupId)
    const { broker, version } = ctx
    const res = await broker.groups.join({
      groupId: req.groupId,
      memberId: req.memberId,
      groupInstanceId: version >= 5 ? req.groupInstanceId : null,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: version === 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs,
      protocolType: req.protocolType,
      // Copies: the decoded bytes may be views of a larger network buffer the group would pin.
      protocols: req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
      clientId: ctx.header.clientId ?? '',
      clientHost: clientHost(ctx.connection.remote),
      requireKnownMemberId: version >= 4,
      supportsSkipAssignment: version >= 9,
    })
    return {
      throttleTimeMs: 0,
      errorCode: res.errorCode,
      generationId: res.generationId,
      protocolType: res.protocolType,
      protocolName: version >= 7 ? res.protocolName || null : (res.protocolName ?? ''),
      leader: res.leader,
      skipAssignment: res.skipAssignment,
      memberId: res.memberId,
      members: res.members,
    }
  },
  errorResponse: (_req, errorCode, ctx) => ({
    errorCode,
    generationId: -1,
    protocolName: ctx.version >= 7 ? null : '',
    leader: '',
    memberId: '',
    members: [],
  }),
})
