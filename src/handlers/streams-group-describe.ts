// StreamsGroupDescribe 0–1 (KIP-1071; GroupMetadataManager.streamsGroupDescribe): each streams
// group's state, epochs, topology and members with their current and target tasks. A group that
// does not exist answers GROUP_ID_NOT_FOUND "Group <id> not found.", a group of another type
// GROUP_ID_NOT_FOUND "Group <id> is not a streams group.". v1 (KIP-1331, KIP-1357): AssignorName
// ("sticky"), and TopologyDescriptionStatus NOT_STORED (1) when the description was asked for: no
// client is asked to send one here (no topology description plugin), as on a Kafka without one.
// With an authorizer (KafkaApis.handleStreamsGroupDescribe): DESCRIBE on each group, else
// GROUP_AUTHORIZATION_FAILED; a group whose topology names a topic the principal may not DESCRIBE
// answers TOPIC_AUTHORIZATION_FAILED without its members.

import { StreamsGroupDescribe } from '../../protocol/apis/streams-group-describe.js'
import { describeGroups } from './group-describe.js'
import { defineHandler } from './handler.js'

const DESCRIPTION_NOT_REQUESTED = 0
const DESCRIPTION_NOT_STORED = 1

export default defineHandler({
  api: StreamsGroupDescribe,
  handle(req, ctx) {
    const groups = describeGroups(ctx, req.groupIds, req.includeAuthorizedOperations, {
      describe: (groupId) => ctx.broker.streamsGroups.describe(groupId),
      topics: (d) => (d.topology?.subtopologies ?? []).flatMap((s) => [...s.sourceTopics, ...s.repartitionSinkTopics, ...s.stateChangelogTopics.map((t) => t.name), ...s.repartitionSourceTopics.map((t) => t.name)]),
      shape: (d) => ({
        groupState: d.state,
        groupEpoch: d.groupEpoch,
        assignmentEpoch: d.assignmentEpoch,
        topology: d.topology,
        members: d.members,
        topologyDescription: null,
        topologyDescriptionStatus: req.includeTopologyDescription ? DESCRIPTION_NOT_STORED : DESCRIPTION_NOT_REQUESTED,
        assignorName: d.assignorName,
      }),
    })
    return { throttleTimeMs: 0, groups }
  },
  errorResponse: (req, errorCode) => ({ groups: req.groupIds.map((groupId) => ({ groupId, errorCode })) }),
})
