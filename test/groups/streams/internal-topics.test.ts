// MISSING_INTERNAL_TOPICS as Kafka 4.4.0 answers it (GroupMetadataManager.streamsGroupHeartbeat,
// KafkaApis.handleStreamsGroupHeartbeat, DefaultAutoTopicCreationManager): every heartbeat while
// the repartition or changelog topics are missing says so and asks for them; the heartbeat that
// asks is answered before they exist; a refused creation is reported by the heartbeats after it,
// with no new attempt for twice the heartbeat interval; a principal without CREATE gets nothing
// created and is told so.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/clock.js'
import type { StreamsHeartbeat, StreamsHeartbeatResult } from '../../../src/groups/streams/streams-coordinator.js'
import type { StreamsTopology } from '../../../src/groups/streams/streams-topology.js'
import { IMMEDIATE_ASSIGNMENT, startTestBroker, type TestBroker } from '../../helpers/broker.js'
import { streamsHeartbeat } from '../../helpers/streams.js'

let clock: ManualClock
let b: TestBroker

const STORE = 'app-store-changelog'
const OTHER = 'app-other-changelog'
const changelog = (name: string, configs: Record<string, string> = { 'cleanup.policy': 'compact' }) =>
  ({ name, partitions: 0, replicationFactor: 0, topicConfigs: Object.entries(configs).map(([key, value]) => ({ key, value })) })
const topologyWith = (...changelogs: ReturnType<typeof changelog>[]): StreamsTopology => ({
  epoch: 0,
  subtopologies: [{ subtopologyId: '0', sourceTopics: ['words'], sourceTopicRegex: [], repartitionSinkTopics: [], repartitionSourceTopics: [], copartitionGroups: [], stateChangelogTopics: changelogs }],
})

beforeEach(async () => {
  clock = new ManualClock()
  b = await startTestBroker({ clock, config: IMMEDIATE_ASSIGNMENT })
  b.broker.createTopic('words', 2, 1, {})
})
afterEach(() => b.cleanup())

function hb(topology: StreamsTopology, o: Partial<StreamsHeartbeat> & { memberId: string }): StreamsHeartbeatResult {
  return b.broker.streamsGroups.heartbeat(streamsHeartbeat(topology, o))
}
const missing = (detail: string) => [{ statusCode: 3, statusDetail: `Internal topics are missing: ${detail}` }]

describe('MISSING_INTERNAL_TOPICS', () => {
  it('is answered while the topics are being created, and clears once they exist', () => {
    const t = topologyWith(changelog(STORE))
    const r0 = hb(t, { memberId: 'a' })
    expect(r0).toMatchObject({ memberEpoch: 1, activeTasks: [], status: missing(STORE) })
    expect(b.broker.cluster.topic(STORE)).toMatchObject({ partitions: 2, configs: { 'cleanup.policy': 'compact' } })
    const r1 = hb(t, { memberId: 'a', memberEpoch: 1, activeTasks: [], standbyTasks: [], warmupTasks: [] })
    expect(r1).toMatchObject({ memberEpoch: 2, status: [] })
    expect(r1.activeTasks).toEqual([{ subtopologyId: '0', partitions: [0, 1] }])
  })

  it('reports a refused creation from the next heartbeat on, and tries again after twice the heartbeat interval', () => {
    // An invalid topic config in the topology: CreateTopics refuses the topic (INVALID_CONFIG).
    const t = topologyWith(changelog(STORE, { 'cleanup.policy': 'bogus' }))
    expect(hb(t, { memberId: 'a' }).status).toEqual(missing(STORE))
    expect(b.broker.cluster.topic(STORE)).toBeUndefined()
    const again = () => hb(t, { memberId: 'a', memberEpoch: 1 })
    const r1 = again()
    expect(r1.status).toHaveLength(1)
    expect(r1.status![0]!.statusDetail).toMatch(new RegExp(`^Internal topics are missing: ${STORE}; Creation failed: ${STORE} \\(.*bogus.*\\)\\.$`))
    // Remembered for 2 x 5000 ms: no new attempt, the same answer.
    clock.advance(9_999)
    expect(again().status).toEqual(r1.status)
    clock.advance(1)
    // Forgotten: this heartbeat tries again (and fails again), answered with the bare status.
    expect(again().status).toEqual(missing(STORE))
    expect(again().status).toEqual(r1.status)
  })

  it('creates nothing for a principal that may not CREATE one of the topics, and says which', () => {
    const t = topologyWith(changelog(STORE), changelog(OTHER))
    const mayCreateTopic = (name: string) => name === STORE
    const r = hb(t, { memberId: 'a', mayCreateTopic })
    expect(r.status).toEqual([{ statusCode: 3, statusDetail: `Internal topics are missing: ${STORE}, ${OTHER}; Unauthorized to CREATE on topics ${OTHER}.` }])
    expect(b.broker.cluster.topic(STORE)).toBeUndefined()
    const none = hb(t, { memberId: 'a', memberEpoch: 1, mayCreateTopic: () => false })
    expect(none.status![0]!.statusDetail).toBe(`Internal topics are missing: ${STORE}, ${OTHER}; Unauthorized to CREATE on topics ${STORE},${OTHER}.`)
    // Allowed now: created, answered as in progress, then gone.
    expect(hb(t, { memberId: 'a', memberEpoch: 1 }).status).toEqual(missing(`${STORE}, ${OTHER}`))
    expect(hb(t, { memberId: 'a', memberEpoch: 1 }).status).toEqual([])
  })
})
