// The KIP-1071 streams group engine on a ManualClock, through a real (in-memory) broker: topology
// checks, internal topic creation with the topology's configs, MISSING_SOURCE_TOPICS, the sticky
// task assignor (active and standby), epoch-fenced reconciliation of tasks, timeouts, static
// members, offsets with member epochs and Kafka's error codes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../../protocol/errors.js'
import { ManualClock } from '../../../src/clock.js'
import { commitOffsets, listGroups } from '../../../src/groups/offsets.js'
import type { StreamsGroupCoordinator, StreamsHeartbeat, StreamsHeartbeatResult } from '../../../src/groups/streams/streams-coordinator.js'
import type { StreamsTopology } from '../../../src/groups/streams/streams-topology.js'
import { IMMEDIATE_ASSIGNMENT, startTestBroker, type TestBroker } from '../../helpers/broker.js'

let clock: ManualClock
let b: TestBroker
let c: StreamsGroupCoordinator

const REPARTITION = 'app-KSTREAM-REPARTITION-0000000003-repartition'
const CHANGELOG = 'app-counts-changelog'
// words → (re-key) → repartition → count store: Kafka Streams' word count shape.
const topology: StreamsTopology = {
  epoch: 0,
  subtopologies: [
    { subtopologyId: '0', sourceTopics: ['words'], sourceTopicRegex: [], stateChangelogTopics: [], repartitionSinkTopics: [REPARTITION], repartitionSourceTopics: [], copartitionGroups: [] },
    {
      subtopologyId: '1', sourceTopics: [], sourceTopicRegex: [], repartitionSinkTopics: [], copartitionGroups: [],
      stateChangelogTopics: [{ name: CHANGELOG, partitions: 0, replicationFactor: 0, topicConfigs: [{ key: 'cleanup.policy', value: 'compact' }] }],
      repartitionSourceTopics: [{ name: REPARTITION, partitions: 0, replicationFactor: 0, topicConfigs: [{ key: 'cleanup.policy', value: 'delete' }, { key: 'retention.ms', value: '-1' }] }],
    },
  ],
}

async function start(config: Record<string, number | string> = {}) {
  clock = new ManualClock()
  b = await startTestBroker({ clock, config: { ...IMMEDIATE_ASSIGNMENT, ...config } as Record<string, number> })
  c = b.broker.streamsGroups
}
beforeEach(() => start())
afterEach(() => b.cleanup())

type Owned = { active: number[][]; standby?: number[][] } // [subtopology, ...partitions]
const list = (x: number[][] | undefined) => (x ?? []).map(([s, ...ps]) => ({ subtopologyId: String(s), partitions: ps }))

function hb(o: Partial<StreamsHeartbeat> & { memberId: string }, owned?: Owned): StreamsHeartbeatResult {
  const joining = (o.memberEpoch ?? 0) === 0
  return c.heartbeat({
    groupId: 'app', memberEpoch: 0, endpointInformationEpoch: -1, instanceId: null, rackId: null,
    rebalanceTimeoutMs: joining ? 30000 : -1, topology: joining ? topology : null,
    activeTasks: owned ? list(owned.active) : joining ? [] : null, standbyTasks: owned ? list(owned.standby) : joining ? [] : null, warmupTasks: owned ? [] : joining ? [] : null,
    processId: joining ? `p-${o.memberId}` : null, userEndpoint: null, clientTags: joining ? [] : null, taskOffsets: null, taskEndOffsets: null,
    shutdownApplication: false, clientId: 'c', clientHost: '/127.0.0.1', ...o,
  })
}
const tasks = (l: { subtopologyId: string; partitions: number[] }[] | null) => (l ?? []).map((t) => [Number(t.subtopologyId), ...t.partitions])
const count = (l: { partitions: number[] }[] | null) => (l ?? []).reduce((n, t) => n + t.partitions.length, 0)
const state = () => b.broker.groups.group('app')!.streams!.state()
// The source topic and the internal topics a first run of the application left behind, so a
// join is assigned at once (a group that must create them answers MISSING_INTERNAL_TOPICS first).
const topics = (n: number) => {
  for (const t of ['words', REPARTITION, CHANGELOG]) b.broker.createTopic(t, n, 1, {})
}
const missing = { statusCode: 3, statusDetail: `Internal topics are missing: ${REPARTITION}, ${CHANGELOG}` }

describe('topology and internal topics', () => {
  it('reports MISSING_SOURCE_TOPICS and assigns nothing until the source topic exists', () => {
    const r = hb({ memberId: 'a' })
    expect(r).toMatchObject({ errorCode: 0, memberId: 'a', memberEpoch: 1, heartbeatIntervalMs: 5000, activeTasks: [] })
    expect(r.status).toEqual([{ statusCode: 1, statusDetail: 'Source topics words are missing.' }])
    expect(state()).toBe('NotReady')
    b.broker.createTopic('words', 3, 1, {})
    // Now the internal topics are missing: asked for, and answered as Kafka does while they are
    // being created; the next heartbeat finds them and gets its tasks.
    const r2 = hb({ memberId: 'a', memberEpoch: 1 }, { active: [] })
    expect(r2.status).toEqual([missing])
    expect(b.broker.cluster.topic(CHANGELOG)?.partitions).toBe(3)
    const r3 = hb({ memberId: 'a', memberEpoch: 2 }, { active: [] })
    expect(r3.status).toEqual([])
    expect(r3.memberEpoch).toBe(3)
    expect(tasks(r3.activeTasks)).toEqual([[0, 0, 1, 2], [1, 0, 1, 2]])
  })

  it('creates the repartition and changelog topics with the source partition count and the topology configs', () => {
    b.broker.createTopic('words', 4, 1, {})
    const r0 = hb({ memberId: 'a' })
    // Kafka 4.4 answers the heartbeat that asks for the topics before they exist.
    expect(r0).toMatchObject({ memberEpoch: 1, activeTasks: [], status: [missing] })
    expect(state()).toBe('NotReady')
    const r = hb({ memberId: 'a', memberEpoch: 1 }, { active: [] })
    expect(r.status).toEqual([])
    const rep = b.broker.cluster.topic(REPARTITION)!
    const log = b.broker.cluster.topic(CHANGELOG)!
    expect([rep.partitions, log.partitions]).toEqual([4, 4])
    expect(rep.configs).toMatchObject({ 'cleanup.policy': 'delete', 'retention.ms': '-1' })
    expect(log.configs).toMatchObject({ 'cleanup.policy': 'compact' })
    expect(count(r.activeTasks)).toBe(8)
    expect(state()).toBe('Stable')
    expect(listGroups(b.broker.groups, [], ['streams'])).toEqual([{ groupId: 'app', protocolType: 'streams', state: 'Stable', type: 'streams' }])
  })

  it('reports INCORRECTLY_PARTITIONED_TOPICS for an existing internal topic of the wrong size', () => {
    b.broker.createTopic('words', 2, 1, {})
    b.broker.createTopic(CHANGELOG, 5, 1, {})
    const r = hb({ memberId: 'a' })
    expect(r.status).toEqual([{ statusCode: 2, statusDetail: `Existing topic ${CHANGELOG} has different number of partitions: expected 2, found 5` }])
    expect(r.activeTasks).toEqual([])
  })

  it('refuses invalid topologies and requests with Kafka errors', () => {
    const bad = { ...topology, subtopologies: [{ ...topology.subtopologies[1]!, stateChangelogTopics: [{ name: CHANGELOG, partitions: 3, replicationFactor: 0, topicConfigs: [] }] }] }
    expect(hb({ memberId: 'a', topology: bad })).toMatchObject({ errorCode: ErrorCode.STREAMS_INVALID_TOPOLOGY, errorMessage: `Changelog topic ${CHANGELOG} must have an undefined partition count, but it is set to 3.` })
    expect(hb({ memberId: 'a', topology: null })).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Topology must be non-null when (re-)joining.' })
    expect(hb({ memberId: '' })).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: "MemberId can't be empty." })
    expect(hb({ memberId: 'a', memberEpoch: -3 })).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST })
    expect(hb({ memberId: 'a', memberEpoch: 3 })).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND })
    hb({ memberId: 'a' })
    expect(hb({ memberId: 'zz', memberEpoch: 1 })).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID })
    expect(hb({ memberId: 'a', memberEpoch: 1, topology })).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Topology can only be provided when (re-)joining.' })
    expect(hb({ memberId: 'a', memberEpoch: 9 })).toMatchObject({ errorCode: ErrorCode.FENCED_MEMBER_EPOCH })
    const other = { ...topology, subtopologies: [topology.subtopologies[0]!, { ...topology.subtopologies[1]!, subtopologyId: '2' }] }
    // Kafka 4.4.0 refuses any other topology this way (KAFKA-21370: STREAMS_INVALID_TOPOLOGY_EPOCH from 4.5).
    expect(hb({ memberId: 'b', topology: other })).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Topology updates are not supported yet.' })
    expect(hb({ memberId: 'b', topology: { ...other, epoch: 1 } })).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Topology updates are not supported yet.' })
    // An emptied group keeps its topology.
    expect(hb({ memberId: 'a', memberEpoch: -1 }).errorCode).toBe(0)
    expect(hb({ memberId: 'c', topology: other }).errorCode).toBe(ErrorCode.INVALID_REQUEST)
    expect(hb({ memberId: 'b', topology: { ...topology, subtopologies: [{ ...topology.subtopologies[0]!, sourceTopicRegex: ['w.*'] }] } }))
      .toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Regular expressions for source topics are not supported yet.' })
  })

  it('tells a member with an older topology epoch STALE_TOPOLOGY and gives it no tasks', () => {
    topics(2)
    hb({ memberId: 'a', topology: { ...topology, epoch: 2 } })
    const r = hb({ memberId: 'b', topology: { ...topology, epoch: 1 } })
    expect(r.status).toEqual([{ statusCode: 0, statusDetail: "The member's topology epoch 1 is behind the group's topology epoch 2." }])
    expect(r.activeTasks).toEqual([])
  })
})

describe('assignment and reconciliation', () => {
  beforeEach(() => topics(2))

  it('moves tasks to a second member only after the first one revoked them, then balances 2 and 2', () => {
    const a0 = hb({ memberId: 'a' })
    expect(tasks(a0.activeTasks)).toEqual([[0, 0, 1], [1, 0, 1]])
    const b0 = hb({ memberId: 'b' })
    expect(b0.memberEpoch).toBe(2)
    expect(b0.activeTasks).toEqual([])
    expect(state()).toBe('Reconciling')
    const a1 = hb({ memberId: 'a', memberEpoch: 1 }, { active: [[0, 0, 1], [1, 0, 1]] })
    expect(a1.memberEpoch).toBe(1) // revoking: stays at its epoch
    expect(count(a1.activeTasks)).toBe(2)
    const kept = tasks(a1.activeTasks)
    // b waits while a still reports the tasks to revoke.
    expect(hb({ memberId: 'b', memberEpoch: 2 }, { active: [] }).activeTasks).toBeNull()
    expect(hb({ memberId: 'a', memberEpoch: 1 }, { active: kept }).memberEpoch).toBe(2)
    const b2 = hb({ memberId: 'b', memberEpoch: 2 }, { active: [] })
    expect(count(b2.activeTasks)).toBe(2)
    // The sticky assignor keeps the same partition of both subtopologies on one member.
    expect(new Set(tasks(b2.activeTasks).map((t) => t[1]))).toHaveProperty('size', 1)
    expect(state()).toBe('Stable')
  })

  it('rebalances when the group\'s assignment configs change (num.standby.replicas altered)', () => {
    hb({ memberId: 'a' })
    const b1 = hb({ memberId: 'b' })
    const standbys = () => {
      const d = c.describe('app')
      if ('errorCode' in d) throw new Error('not described')
      return d.members.flatMap((m) => m.targetAssignment.standbyTasks.flatMap((t) => t.partitions))
    }
    expect(standbys()).toEqual([])
    b.broker.cluster.groupConfigs.set('app', { 'streams.num.standby.replicas': '1' })
    const next = hb({ memberId: 'b', memberEpoch: b1.memberEpoch })
    // A new group epoch, and the stateful task of each member gets a standby on the other.
    expect(next.memberEpoch).toBe(b1.memberEpoch + 1)
    expect(standbys()).toHaveLength(2)
  })

  it('places num.standby.replicas standbys of stateful tasks on other processes', async () => {
    b.cleanup()
    await start({ 'group.streams.num.standby.replicas': 1 })
    topics(2)
    hb({ memberId: 'a' })
    hb({ memberId: 'b' })
    const d = c.describe('app')
    if ('errorCode' in d) throw new Error('not described')
    const target = new Map(d.members.map((m) => [m.memberId, m.targetAssignment]))
    const statefulActive = (id: string) => target.get(id)!.activeTasks.filter((t) => t.subtopologyId === '1').flatMap((t) => t.partitions)
    const standby = (id: string) => target.get(id)!.standbyTasks.flatMap((t) => t.partitions)
    // Subtopology 1 (the count store) is stateful: each member holds the other's task as standby;
    // subtopology 0 is stateless and gets none.
    expect(statefulActive('a')).toHaveLength(1)
    expect(standby('a')).toEqual(statefulActive('b'))
    expect(standby('b')).toEqual(statefulActive('a'))
    expect(target.get('a')!.standbyTasks.every((t) => t.subtopologyId === '1')).toBe(true)
  })

  it('spreads standbys over the client tags named by rack.aware.assignment.tags', async () => {
    b.cleanup()
    await start({ 'group.streams.num.standby.replicas': 1, 'group.streams.rack.aware.assignment.tags': 'zone' })
    topics(1)
    const zones: Record<string, string> = { a: 'z1', b: 'z1', c: 'z2' }
    for (const id of ['a', 'b', 'c']) hb({ memberId: id, clientTags: [{ key: 'zone', value: zones[id]! }] })
    const d = c.describe('app')
    if ('errorCode' in d) throw new Error('not described')
    const holder = (kind: 'activeTasks' | 'standbyTasks') => d.members.find((m) => m.targetAssignment[kind].some((t) => t.subtopologyId === '1'))!.memberId
    // The stateful task's active owner is a (z1). Tag-blind, the standby would go to b, also in z1
    // (the same test with no tags); with the zone tag it goes to c, in z2.
    expect(holder('activeTasks')).toBe('a')
    expect(holder('standbyTasks')).toBe('c')
  })
  it('tells a member without a client tag rack.aware.assignment.tags names (MISSING_CLIENT_TAGS, v1+)', async () => {
    b.cleanup()
    await start({ 'group.streams.rack.aware.assignment.tags': 'zone, rack' })
    topics(1)
    const codes = (r: StreamsHeartbeatResult) => (r.status ?? []).map((s) => s.statusCode)
    const partial = hb({ memberId: 'a', clientTags: [{ key: 'zone', value: 'z1' }] })
    expect(partial.status).toContainEqual({ statusCode: 6, statusDetail: "Missing required client tags for rack-aware standby assignment: [rack]. Configure them via 'client.tag.<tagKey>' in your Streams config." })
    // Version 0 has no such status; a member with every tag gets none.
    expect(codes(hb({ memberId: 'b', clientTags: [], apiVersion: 0 }))).not.toContain(6)
    expect(codes(hb({ memberId: 'c', clientTags: [{ key: 'zone', value: 'z2' }, { key: 'rack', value: 'r1' }] }))).not.toContain(6)
  })
  it('gives no standby on the process that holds the active task', () => {
    b.cleanup()
    return start({ 'group.streams.num.standby.replicas': 1 }).then(() => {
      topics(2)
      hb({ memberId: 'a', processId: 'same' })
      hb({ memberId: 'b', processId: 'same' })
      const d = c.describe('app')
      if ('errorCode' in d) throw new Error('not described')
      expect(d.members.flatMap((m) => m.targetAssignment.standbyTasks)).toEqual([])
    })
  })

  it('fences a member that misses its session and gives its tasks to the others', () => {
    hb({ memberId: 'a' })
    hb({ memberId: 'b' })
    clock.advance(45_000)
    expect(b.broker.groups.group('app')!.streams!.members.size).toBe(0)
    const a = hb({ memberId: 'a', memberEpoch: 1 })
    expect(a.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('a leaving member (-1) frees its tasks; a static member (-2) keeps them for its next instance', () => {
    hb({ memberId: 'a', instanceId: 'i1' })
    expect(hb({ memberId: 'a', memberEpoch: -2, instanceId: 'i1' })).toMatchObject({ errorCode: 0, memberEpoch: -2 })
    expect(hb({ memberId: 'x', instanceId: 'i2' }).errorCode).toBe(0)
    const again = hb({ memberId: 'a2', instanceId: 'i1' })
    expect(again.errorCode).toBe(0)
    expect(hb({ memberId: 'a3', instanceId: 'i1' }).errorCode).toBe(ErrorCode.UNRELEASED_INSTANCE_ID)
    expect(hb({ memberId: 'x', memberEpoch: -1 })).toMatchObject({ errorCode: 0, memberEpoch: -1 })
    expect(b.broker.groups.group('app')!.streams!.members.has('x')).toBe(false)
  })

  it('checks member epochs on OffsetCommit as for consumer groups', () => {
    const a = hb({ memberId: 'a' })
    const commit = (memberId: string, generationId: number) => commitOffsets(b.broker.groups, {
      groupId: 'app', generationId, memberId, groupInstanceId: null, retentionTimeMs: -1, groupNotFoundError: ErrorCode.ILLEGAL_GENERATION, version: 9,
      offsets: [{ topic: 'words', partition: 0, offset: 5, leaderEpoch: -1, metadata: '', commitTimestamp: -1 }],
    })
    expect(commit('a', a.memberEpoch)).toEqual([0])
    expect(commit('a', a.memberEpoch + 1)).toEqual([ErrorCode.STALE_MEMBER_EPOCH])
    expect(commit('nobody', 1)).toEqual([ErrorCode.UNKNOWN_MEMBER_ID])
  })

  it('answers SHUTDOWN_APPLICATION to every member once one asks for it', () => {
    hb({ memberId: 'a' })
    hb({ memberId: 'b', shutdownApplication: true })
    expect(hb({ memberId: 'a', memberEpoch: 1 }).status).toContainEqual({ statusCode: 4, statusDetail: 'Streams group member b encountered a fatal error and requested a shutdown for the entire application.' })
  })
})

describe('initial rebalance delay', () => {
  it('answers ASSIGNMENT_DELAYED and assigns nothing until group.streams.initial.rebalance.delay.ms passed', async () => {
    b.cleanup()
    await start({ 'group.streams.initial.rebalance.delay.ms': 3000 })
    topics(2)
    const a = hb({ memberId: 'a' })
    expect(a.status).toEqual([{ statusCode: 5, statusDetail: 'Assignment delayed due to the configured initial rebalance delay.' }])
    expect(a.activeTasks).toEqual([])
    expect(a.memberEpoch).toBe(1)
    const b0 = hb({ memberId: 'b' })
    expect(b0).toMatchObject({ memberEpoch: 2, activeTasks: [] })
    clock.advance(3000)
    const a1 = hb({ memberId: 'a', memberEpoch: 1 }, { active: [] })
    expect(a1.status).toEqual([])
    const b1 = hb({ memberId: 'b', memberEpoch: 2 }, { active: [] })
    // Both members joined before the first assignment, so the tasks are split at once.
    expect([count(a1.activeTasks), count(b1.activeTasks)]).toEqual([2, 2])
  })

  it('does not delay by default (Rivulet: 0, Kafka: 3000)', () => {
    topics(2)
    expect(count(hb({ memberId: 'a' }).activeTasks)).toBe(4)
  })
})

describe('limits and timeouts', () => {
  it('refuses a member beyond group.streams.max.size', async () => {
    b.cleanup()
    await start({ 'group.streams.max.size': 1 })
    hb({ memberId: 'a' })
    expect(hb({ memberId: 'b' })).toMatchObject({ errorCode: ErrorCode.GROUP_MAX_SIZE_REACHED, errorMessage: 'The streams group has reached its maximum capacity of 1 members.' })
  })

  it('fences a member that does not revoke its tasks within its rebalance timeout', () => {
    topics(2)
    const a = hb({ memberId: 'a', rebalanceTimeoutMs: 5000 })
    hb({ memberId: 'b' })
    // a is asked to revoke half of its tasks and keeps reporting them.
    const a1 = hb({ memberId: 'a', memberEpoch: 1 }, { active: tasks(a.activeTasks) })
    expect(a1.memberEpoch).toBe(1)
    clock.advance(4000)
    hb({ memberId: 'b', memberEpoch: 2 }, { active: [] })
    clock.advance(1000)
    expect(b.broker.groups.group('app')!.streams!.members.has('a')).toBe(false)
    // b then gets every task.
    const b1 = hb({ memberId: 'b', memberEpoch: 2 }, { active: [] })
    expect(count(b1.activeTasks)).toBe(4)
  })
})
