// A StreamsGroupHeartbeat as Kafka Streams sends it to the engine: a joining member (epoch 0) sends
// its topology, empty task lists, process id and tags; later heartbeats send only what changed.
import type { StreamsHeartbeat } from '../../src/groups/streams/streams-coordinator.js'
import type { StreamsTopology } from '../../src/groups/streams/streams-topology.js'

export function streamsHeartbeat(topology: StreamsTopology, o: Partial<StreamsHeartbeat> & { memberId: string }): StreamsHeartbeat {
  const joining = (o.memberEpoch ?? 0) === 0
  return {
    groupId: 'app', memberEpoch: 0, endpointInformationEpoch: -1, instanceId: null, rackId: null, rebalanceTimeoutMs: joining ? 30000 : -1,
    topology: joining ? topology : null, activeTasks: joining ? [] : null, standbyTasks: joining ? [] : null, warmupTasks: joining ? [] : null,
    processId: joining ? `p-${o.memberId}` : null, userEndpoint: null, clientTags: joining ? [] : null, taskOffsets: null, taskEndOffsets: null,
    shutdownApplication: false, clientId: 'c', clientHost: '/127.0.0.1', ...o,
  }
}
