import { describe, it, expect } from 'vitest'
import { StreamsGroupHeartbeat } from '../../../protocol/apis/streams-group-heartbeat.js'
import { StreamsGroupDescribe } from '../../../protocol/apis/streams-group-describe.js'
import { Reader } from '../../../protocol/primitives.js'
import { checkRoundTrip, encode, versionsOf } from '../../helpers/codec.js'
import { checkGolden, goldenFrames } from '../../helpers/golden.js'

const topology = {
  epoch: 0,
  subtopologies: [
    {
      subtopologyId: '0',
      sourceTopics: ['words'],
      sourceTopicRegex: [],
      stateChangelogTopics: [],
      repartitionSinkTopics: ['app-KSTREAM-REPARTITION-0000000003-repartition'],
      repartitionSourceTopics: [],
      copartitionGroups: [],
    },
    {
      subtopologyId: '1',
      sourceTopics: [],
      sourceTopicRegex: [],
      stateChangelogTopics: [{ name: 'app-counts-changelog', partitions: 0, replicationFactor: 0, topicConfigs: [{ key: 'cleanup.policy', value: 'compact' }] }],
      repartitionSinkTopics: [],
      repartitionSourceTopics: [{ name: 'app-KSTREAM-REPARTITION-0000000003-repartition', partitions: 0, replicationFactor: 0, topicConfigs: [] }],
      copartitionGroups: [{ sourceTopics: [], sourceTopicRegex: [], repartitionSourceTopics: [0] }],
    },
  ],
}

describe('StreamsGroupHeartbeat', () => {
  it.each(versionsOf(StreamsGroupHeartbeat))('v%i round-trips a join with its topology', (v) => {
    const { request, response } = checkRoundTrip(
      StreamsGroupHeartbeat,
      v,
      {
        groupId: 'app', memberId: 'm-1', memberEpoch: 0, endpointInformationEpoch: -1, rebalanceTimeoutMs: 300000,
        topology, activeTasks: [], standbyTasks: [], warmupTasks: [], processId: 'p-1',
        userEndpoint: { host: 'localhost', port: 65535 }, clientTags: [], taskOffsets: [{ subtopologyId: '1', partition: 2, offset: 7n }], taskEndOffsets: [],
      },
      {
        memberId: 'm-1', memberEpoch: 2, heartbeatIntervalMs: 5000, acceptableRecoveryLagLegacy: 10000, taskOffsetIntervalMs: 60000,
        acceptableRecoveryLag: 10000n, status: [{ statusCode: 1, statusDetail: 'Source topics words are missing.' }],
        activeTasks: [{ subtopologyId: '0', partitions: [0, 1] }], standbyTasks: [], warmupTasks: [],
        topologyDescriptionRequired: false, endpointInformationEpoch: 1,
        partitionsByUserEndpoint: [{ userEndpoint: { host: 'h', port: 1 }, activePartitions: [{ topic: 'words', partitions: [0] }], standbyPartitions: [] }],
      },
    )
    expect(request.topology).toEqual(topology)
    expect(request.userEndpoint).toEqual({ host: 'localhost', port: 65535 })
    expect(request.instanceId).toBeNull()
    expect(request.taskOffsets![0]!.offset).toBe(7n)
    expect(response.acceptableRecoveryLagLegacy).toBe(v === 0 ? 10000 : 0)
    expect(response.acceptableRecoveryLag).toBe(v >= 1 ? 10000n : -1n)
    expect(response.status).toEqual([{ statusCode: 1, statusDetail: 'Source topics words are missing.' }])
  })

  it.each(versionsOf(StreamsGroupHeartbeat))('v%i round-trips null "unchanged" fields', (v) => {
    const { request, response } = checkRoundTrip(StreamsGroupHeartbeat, v, { groupId: 'g', memberId: 'm', memberEpoch: 3 }, { errorCode: 25, errorMessage: 'x' })
    expect(request.topology).toBeNull()
    expect(request.activeTasks).toBeNull()
    expect(request.userEndpoint).toBeNull()
    expect(request.rebalanceTimeoutMs).toBe(-1)
    expect(response.activeTasks).toBeNull()
    expect(response.status).toBeNull()
  })

  // Hand-assembled from StreamsGroupHeartbeatResponse.json (v0): an error answer with nulls, as
  // Kafka writes it (nullable arrays as compact length 0, nullable strings as 0).
  it('decodes a v0 error response byte by byte', () => {
    const hex = '00000000' + '0019' + '02' + '78' + '026d' + '00000000' + '00000000' + '00000000' + '00000000' + '00' + '00' + '00' + '00' + '00000000' + '00' + '00'
    const r = new Reader(Buffer.from(hex, 'hex'))
    const res = StreamsGroupHeartbeat.response(0).read(r)
    expect(r.remaining).toBe(0)
    expect(res).toMatchObject({ errorCode: 25, errorMessage: 'x', memberId: 'm', status: null, activeTasks: null, partitionsByUserEndpoint: null })
  })

  it('refuses every truncated prefix of a request', () => {
    const bytes = encode(StreamsGroupHeartbeat.request(1), { groupId: 'app', memberId: 'm', topology })
    for (let n = 0; n < bytes.length; n++) expect(() => StreamsGroupHeartbeat.request(1).read(new Reader(bytes.subarray(0, n)))).toThrow()
  })
})

describe('StreamsGroupDescribe', () => {
  it.each(versionsOf(StreamsGroupDescribe))('v%i round-trips', (v) => {
    const tasks = { activeTasks: [{ subtopologyId: '0', partitions: [0] }], standbyTasks: [], warmupTasks: [] }
    const { request, response } = checkRoundTrip(
      StreamsGroupDescribe,
      v,
      { groupIds: ['app'], includeAuthorizedOperations: true, includeTopologyDescription: true },
      {
        groups: [{
          groupId: 'app', groupState: 'Stable', groupEpoch: 3, assignmentEpoch: 3,
          topology: { epoch: 0, subtopologies: [{ subtopologyId: '0', sourceTopics: ['words'], repartitionSinkTopics: [], stateChangelogTopics: [], repartitionSourceTopics: [] }] },
          members: [{ memberId: 'm', memberEpoch: 3, clientId: 'c', clientHost: '/127.0.0.1', topologyEpoch: 0, processId: 'p', userEndpoint: null, assignment: tasks, targetAssignment: tasks }],
          topologyDescriptionStatus: 1, assignorName: 'sticky',
        }],
      },
    )
    expect(request.includeTopologyDescription).toBe(v >= 1)
    const g = response.groups[0]!
    expect(g.topology!.subtopologies![0]!.sourceTopics).toEqual(['words'])
    expect(g.members[0]!.assignment).toEqual(tasks)
    expect(g.authorizedOperations).toBe(-2147483648)
    expect(g.assignorName).toBe(v >= 1 ? 'sticky' : null)
    expect(g.topologyDescriptionStatus).toBe(v >= 1 ? 1 : 0)
  })
})

// Frames Kafka Streams 4.4.0 (group.protocol=streams) and Kafka 4.4.0 exchanged
// (compat/streams/capture-golden.mjs): every byte read, the same bytes written back, every
// truncated prefix refused.
describe('golden frames from Kafka Streams 4.4.0 and Kafka 4.4.0', () => {
  const heartbeats = goldenFrames('streams-group-heartbeat')
  const describes = goldenFrames('streams-group-describe')

  it('has the captured exchanges', () => {
    expect(heartbeats.map((f) => f.label).sort()).toEqual(['heartbeat', 'heartbeat-tasks', 'join', 'join-second', 'leave'])
    expect(describes.map((f) => f.label)).toEqual(['describe'])
  })

  it.each(heartbeats.map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { request, response } = checkGolden(StreamsGroupHeartbeat, f)
    if (f.label === 'join') {
      // The topology as the client sends it: the repartition topic between the two subtopologies,
      // the changelog of the store, partition counts left to the broker, the topic configs.
      expect(request.memberEpoch).toBe(0)
      expect(request.topology!.subtopologies.map((s) => s.subtopologyId)).toEqual(['0', '1'])
      const [s0, s1] = request.topology!.subtopologies
      expect(s1!.repartitionSourceTopics[0]!.name).toBe(s0!.repartitionSinkTopics[0])
      expect(s1!.stateChangelogTopics[0]).toMatchObject({ partitions: 0, topicConfigs: expect.arrayContaining([{ key: 'cleanup.policy', value: 'compact' }]) })
      // Kafka delays the first assignment (group.streams.initial.rebalance.delay.ms) and reports
      // the internal topics it is creating.
      expect(response!.status!.map((s) => s.statusCode)).toEqual([5, 3])
    }
    if (f.label === 'leave') expect(response).toMatchObject({ memberEpoch: -1, acceptableRecoveryLag: -1n, status: [] })
    if (f.label === 'heartbeat-tasks') expect(response!.activeTasks!.length).toBeGreaterThan(0)
  })

  it.each(describes.map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const { response } = checkGolden(StreamsGroupDescribe, f)
    const g = response!.groups[0]!
    expect(g).toMatchObject({ groupState: 'Stable', topologyDescriptionStatus: 0, assignorName: 'sticky' })
    // Internal topics are described with the partition count the coordinator decided.
    expect(g.topology!.subtopologies![1]!.stateChangelogTopics[0]!.partitions).toBe(4)
    expect(g.members).toHaveLength(2)
  })
})
