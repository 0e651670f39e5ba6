// The assignment interval of consumer, share and streams groups (Kafka 4.4's
// group.{consumer,share,streams}.assignment.interval.ms, default 1000, and the group configs
// {consumer,share,streams}.assignment.interval.ms): after a target assignment, the next one is
// computed only by the first heartbeat once the interval passed, so a burst of joins costs one
// assignor run; 0 turns it off; a new or emptied group never waits. On a ManualClock, Kafka's
// default everywhere except where a test overrides it.
import { afterEach, describe, expect, it } from 'vitest'
import { consumerGroupRecords, decodeConsumerGroupRecord } from '../../protocol/consumer-group-records.js'
import { ErrorCode, KafkaError } from '../../protocol/errors.js'
import { Reader } from '../../protocol/primitives.js'
import { ManualClock } from '../../src/clock.js'
import { validateGroupConfigs } from '../../src/cluster/group-configs.js'
import { ConfigError, validateStartupConfig } from '../../src/config.js'
import type { ConsumerHeartbeat, ConsumerHeartbeatResult } from '../../src/groups/consumer-coordinator.js'
import type { ShareHeartbeat } from '../../src/groups/share/share-coordinator.js'
import type { StreamsHeartbeat } from '../../src/groups/streams/streams-coordinator.js'
import { scratchDirs, startTestBroker, type TestBroker } from '../helpers/broker.js'
import { streamsHeartbeat } from '../helpers/streams.js'

const T0 = 1_700_000_000_000
let clock: ManualClock
let b: TestBroker
let topicId: string
const scratch = scratchDirs('rivulet-interval-')

async function start(config: Record<string, number> = {}, o: { dataDir?: string; at?: number } = {}) {
  clock = new ManualClock(o.at ?? T0)
  b = await startTestBroker({ clock, config, ...(o.dataDir ? { disk: true, dataDir: o.dataDir } : {}) })
  topicId = b.broker.cluster.topic('orders')?.id ?? b.broker.createTopic('orders', 6, 1, {}).id
}
afterEach(async () => {
  await b.cleanup()
})

function hb(o: Partial<ConsumerHeartbeat> & { memberId: string }): ConsumerHeartbeatResult {
  const joining = !o.memberEpoch
  return b.broker.consumerGroups.heartbeat({
    groupId: 'g', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: joining ? 30000 : -1,
    subscribedTopicNames: joining ? ['orders'] : null, subscribedTopicRegex: null, serverAssignor: null,
    topicPartitions: joining ? [] : null, clientId: 'c', clientHost: '/127.0.0.1', version: 1, ...o,
  })
}
const parts = (r: { assignment: { partitions: number[] }[] | null }) => (r.assignment ?? []).flatMap((t) => t.partitions)
const owned = (ps: number[]) => [{ topicId, partitions: ps }]
const consumer = () => b.broker.groups.group('g')!.consumer!

describe('consumer groups', () => {
  it('computes one target for a burst of joins, at the first heartbeat after the interval', async () => {
    await start()
    expect(parts(hb({ memberId: 'a' }))).toEqual([0, 1, 2, 3, 4, 5]) // a new group never waits
    clock.advance(10)
    // b and c join within the interval: the group epoch moves, the target does not; they join at
    // the last target's epoch with nothing, as Kafka's fromLastTargetAssignment gives them.
    expect(hb({ memberId: 'b' })).toMatchObject({ memberEpoch: 1, assignment: [] })
    clock.advance(10)
    expect(hb({ memberId: 'c' })).toMatchObject({ memberEpoch: 1, assignment: [] })
    expect(consumer()).toMatchObject({ groupEpoch: 3, assignmentEpoch: 1 })
    expect(consumer().state()).toBe('Assigning')
    clock.advance(979) // 999 ms after the first target
    expect(hb({ memberId: 'a', memberEpoch: 1 })).toMatchObject({ memberEpoch: 1, assignment: null })
    expect(consumer().assignmentEpoch).toBe(1)
    clock.advance(1)
    // One assignor run for both joins: epoch 3's target gives a two partitions to keep.
    const a = hb({ memberId: 'a', memberEpoch: 1 })
    expect(consumer()).toMatchObject({ groupEpoch: 3, assignmentEpoch: 3, assignmentTimestamp: T0 + 1000 })
    expect(parts(a)).toHaveLength(2)
    expect(b.broker.consumerGroups.describe('g')).toMatchObject({ groupEpoch: 3, assignmentEpoch: 3 })
  })

  it('follows the group config over the broker one, and 0 computes every epoch at once', async () => {
    await start({ 'group.consumer.assignment.interval.ms': 5000 })
    hb({ memberId: 'a' })
    clock.advance(1000)
    expect(hb({ memberId: 'b' }).memberEpoch).toBe(1) // the broker's 5000 ms hold it back
    b.broker.cluster.groupConfigs.set('g', { 'consumer.assignment.interval.ms': '0' })
    expect(hb({ memberId: 'a', memberEpoch: 1 }).memberEpoch).toBe(1) // a now revokes towards epoch 2
    expect(consumer().assignmentEpoch).toBe(2)
    expect(hb({ memberId: 'c' }).memberEpoch).toBe(3)
  })

  it('lets the first member of an emptied group get its target at once', async () => {
    await start()
    hb({ memberId: 'a' })
    clock.advance(10)
    hb({ memberId: 'a', memberEpoch: -1 })
    expect(consumer()).toMatchObject({ groupEpoch: 2, assignmentEpoch: 2, assignmentTimestamp: 0 })
    expect(hb({ memberId: 'b' })).toMatchObject({ memberEpoch: 3 })
  })

  it('keeps the assignment timestamp across a restart (tagged field 0 of the target metadata)', async () => {
    const dir = scratch()
    await start({}, { dataDir: dir })
    hb({ memberId: 'a' })
    await b.stop()
    await start({}, { dataDir: dir, at: T0 + 500 })
    expect(consumer()).toMatchObject({ assignmentEpoch: 1, assignmentTimestamp: T0 })
    expect(hb({ memberId: 'b' }).memberEpoch).toBe(1)
    clock.advance(500)
    expect(hb({ memberId: 'b', memberEpoch: 1, topicPartitions: owned([]) }).memberEpoch).toBe(2)
  })
})

describe('share groups', () => {
  const share = (o: Partial<ShareHeartbeat> & { memberId: string }) =>
    b.broker.shareGroups.coordinator.heartbeat({ groupId: 'q', memberEpoch: 0, rackId: null, subscribedTopicNames: o.memberEpoch ? null : ['orders'], clientId: 'c', clientHost: '/127.0.0.1', ...o })

  it('holds a new target back for share.assignment.interval.ms', async () => {
    await start()
    expect(parts(share({ memberId: 'a' }))).toEqual([0, 1, 2, 3, 4, 5])
    clock.advance(10)
    expect(share({ memberId: 'b' })).toMatchObject({ memberEpoch: 1, assignment: [] })
    clock.advance(990)
    const r = share({ memberId: 'b', memberEpoch: 1 })
    expect(r.memberEpoch).toBe(2)
    expect(parts(r)).toHaveLength(3)
    b.broker.cluster.groupConfigs.set('q', { 'share.assignment.interval.ms': '0' })
    expect(share({ memberId: 'c' }).memberEpoch).toBe(3)
    // The last member leaving resets the timestamp: the next join is assigned at once.
    b.broker.cluster.groupConfigs.delete('q')
    for (const id of ['a', 'b', 'c']) share({ memberId: id, memberEpoch: -1 })
    expect(parts(share({ memberId: 'd' }))).toEqual([0, 1, 2, 3, 4, 5])
  })
})

describe('streams groups', () => {
  const topology = { epoch: 0, subtopologies: [{ subtopologyId: '0', sourceTopics: ['orders'], sourceTopicRegex: [], stateChangelogTopics: [], repartitionSinkTopics: [], repartitionSourceTopics: [], copartitionGroups: [] }] }
  const streams = (o: Partial<StreamsHeartbeat> & { memberId: string }) => b.broker.streamsGroups.heartbeat(streamsHeartbeat(topology, o))
  const delayed = [{ statusCode: 5, statusDetail: 'Assignment delayed due to the configured assignment interval.' }]

  it('answers ASSIGNMENT_DELAYED while streams.assignment.interval.ms holds the target back', async () => {
    await start()
    const a = streams({ memberId: 'a' })
    expect(a.status).toEqual([])
    expect(a.activeTasks?.[0]?.partitions).toEqual([0, 1, 2, 3, 4, 5])
    clock.advance(10)
    const b1 = streams({ memberId: 'b' })
    expect(b1).toMatchObject({ memberEpoch: 1, activeTasks: [], status: delayed })
    expect(b.broker.streamsGroups.describe('app')).toMatchObject({ groupEpoch: 2, assignmentEpoch: 1 })
    clock.advance(990)
    const b2 = streams({ memberId: 'b', memberEpoch: 1, activeTasks: [], standbyTasks: [], warmupTasks: [] })
    expect(b2.status).toEqual([])
    expect(b.broker.streamsGroups.describe('app')).toMatchObject({ groupEpoch: 2, assignmentEpoch: 2 })
    expect(streams({ memberId: 'a', memberEpoch: 1 }).activeTasks?.[0]?.partitions).toHaveLength(3)
  })

  it('never delays the first member of an emptied group', async () => {
    await start()
    streams({ memberId: 'a' })
    clock.advance(10)
    expect(streams({ memberId: 'a', memberEpoch: -1 }).errorCode).toBe(0)
    const r = streams({ memberId: 'b' })
    expect(r.status).toEqual([])
    expect(r.activeTasks?.[0]?.partitions).toEqual([0, 1, 2, 3, 4, 5])
  })
})

describe('configs', () => {
  it('refuses group values outside the broker min/max bounds, as Kafka 4.4 GroupConfig.validate', async () => {
    await start({ 'group.share.max.assignment.interval.ms': 2000, 'group.streams.min.assignment.interval.ms': 100 })
    const check = (name: string, value: string) => {
      try {
        validateGroupConfigs(b.broker.config, { [name]: value })
        return null
      } catch (err) {
        return err instanceof KafkaError ? [err.errorCode, err.message] : err
      }
    }
    expect(check('consumer.assignment.interval.ms', '15001')).toEqual([ErrorCode.INVALID_CONFIG, 'consumer.assignment.interval.ms must be in the range 0 to 15000 inclusive.'])
    expect(check('consumer.assignment.interval.ms', '0')).toBeNull()
    expect(check('share.assignment.interval.ms', '2001')).toEqual([ErrorCode.INVALID_CONFIG, 'share.assignment.interval.ms must be in the range 0 to 2000 inclusive.'])
    expect(check('streams.assignment.interval.ms', '99')).toEqual([ErrorCode.INVALID_CONFIG, 'streams.assignment.interval.ms must be in the range 100 to 15000 inclusive.'])
  })

  it('checks the streams group configs as Kafka 4.4 GroupConfig.validate does', async () => {
    await start()
    const check = (o: Record<string, string>) => {
      try {
        validateGroupConfigs(b.broker.config, o)
        return null
      } catch (err) {
        return err instanceof KafkaError ? err.message : err
      }
    }
    expect(check({ 'streams.heartbeat.interval.ms': '4999' })).toBe('streams.heartbeat.interval.ms must be in the range 5000 to 15000 inclusive.')
    expect(check({ 'streams.session.timeout.ms': '60001' })).toBe('streams.session.timeout.ms must be in the range 45000 to 60000 inclusive.')
    expect(check({ 'streams.num.standby.replicas': '3' })).toBe('streams.num.standby.replicas must be less than or equal to 2')
    expect(check({ 'streams.num.standby.replicas': '2' })).toBeNull()
    expect(check({ 'errors.deadletterqueue.topic.name': '__dlq' })).toBe("errors.deadletterqueue.topic.name: DLQ topic name must not start with '__'")
    expect(check({ 'errors.deadletterqueue.topic.name': 'dlq' })).toBeNull()
    expect(check({ 'streams.assignor.name': 'nope' })).toBe("streams.assignor.name 'nope' is not a registered task assignor. Registered assignors are: [sticky].")
    expect(check({ 'streams.assignor.name': 'sticky' })).toBeNull()
  })

  it('caps a stored group value to bounds the broker was restarted with, as GroupConfig.evaluate', async () => {
    const dir = scratch()
    await start({}, { dataDir: dir })
    b.broker.cluster.groupConfigs.set('g', { 'consumer.assignment.interval.ms': '10000' })
    b.broker.cluster.save()
    await b.stop()
    await start({ 'group.consumer.max.assignment.interval.ms': 2000 }, { dataDir: dir })
    hb({ memberId: 'a' })
    clock.advance(10)
    expect(hb({ memberId: 'b' }).memberEpoch).toBe(1)
    clock.advance(1990) // 2000 ms, not 10000, after the first target
    expect(hb({ memberId: 'b', memberEpoch: 1, topicPartitions: owned([]) }).memberEpoch).toBe(2)
  })

  it('refuses to start on broker intervals outside their own bounds, as Kafka 4.4 GroupCoordinatorConfig', () => {
    const start = (o: Record<string, string>) => () => validateStartupConfig(new Map(Object.entries(o)))
    expect(start({ 'group.consumer.assignment.interval.ms': '15001' })).toThrow(new ConfigError('group.consumer.assignment.interval.ms must be less than or equal to group.consumer.max.assignment.interval.ms'))
    expect(start({ 'group.share.min.assignment.interval.ms': '2000' })).toThrow(new ConfigError('group.share.assignment.interval.ms must be greater than or equal to group.share.min.assignment.interval.ms'))
    expect(start({ 'group.streams.min.assignment.interval.ms': '20', 'group.streams.max.assignment.interval.ms': '10' })).toThrow(new ConfigError('group.streams.max.assignment.interval.ms must be greater than or equal to group.streams.min.assignment.interval.ms'))
    expect(start({ 'group.streams.assignment.interval.ms': '0', 'group.consumer.max.assignment.interval.ms': '1000' })).not.toThrow()
  })

  it('writes the timestamp as tagged field 0 only when it is set, as Kafka writes it', () => {
    const decode = (rec: { key: Buffer; value: Buffer | null }) => {
      const r = new Reader(rec.key)
      return decodeConsumerGroupRecord(r.int16(), r, rec.value)
    }
    const withTs = consumerGroupRecords.targetEpoch('g', 4, T0)
    expect(decode(withTs)).toEqual({ type: 'targetEpoch', group: 'g', value: { assignmentEpoch: 4, assignmentTimestamp: BigInt(T0) } })
    // version 0, epoch 4, one tagged field: tag 0, size 8, the int64.
    expect(withTs.value!.toString('hex')).toBe('0000' + '00000004' + '01' + '00' + '08' + BigInt(T0).toString(16).padStart(16, '0'))
    expect(consumerGroupRecords.targetEpoch('g', 4).value!.toString('hex')).toBe('0000' + '00000004' + '00')
  })
})
