// The KIP-932 share-group engine on a ManualClock, without sockets: membership and the simple
// assignor, share-partition start offsets, acquisition with locks and delivery counts,
// accept/release/reject/renew, lock expiry, delivery-count exhaustion, max in-flight records,
// read_committed, and the state that survives a restart.
import { afterEach, describe, expect, it } from 'vitest'
import { buildBatch } from '../../../protocol/records/index.js'
import { ErrorCode } from '../../../protocol/errors.js'
import { ManualClock } from '../../../src/clock.js'
import { AckType } from '../../../src/groups/share/share-partition.js'
import type { ShareHeartbeat } from '../../../src/groups/share/share-coordinator.js'
import { durationMs } from '../../../src/groups/share/share-partitions.js'
import { IMMEDIATE_ASSIGNMENT, startTestBroker, tempDir, type TestBroker } from '../../helpers/broker.js'
import fs from 'node:fs'
import type { ShareRead } from '../../../src/groups/share/share-partitions.js'

let clock: ManualClock
let b: TestBroker
let topicId: string
const dirs: string[] = []

async function start(o: { config?: Record<string, string | number>; dataDir?: string } = {}) {
  clock = new ManualClock()
  b = await startTestBroker({ clock, config: { ...IMMEDIATE_ASSIGNMENT, ...o.config } as Record<string, number>, ...(o.dataDir ? { disk: true, dataDir: o.dataDir } : {}) })
  topicId = b.broker.cluster.topic('jobs')?.id ?? b.broker.createTopic('jobs', 1, 1, {}).id
}
afterEach(async () => {
  await b.cleanup()
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

const share = () => b.broker.shareGroups
function hb(o: Partial<ShareHeartbeat> & { memberId: string }) {
  return share().coordinator.heartbeat({ groupId: 'q', memberEpoch: 0, rackId: null, subscribedTopicNames: o.memberEpoch ? null : ['jobs'], clientId: 'c', clientHost: '/127.0.0.1', ...o })
}
function produce(n: number, partition = 0, o: { producerId?: number; transactional?: boolean } = {}) {
  const batch = buildBatch({ records: Array.from({ length: n }, (_, i) => ({ key: null, value: `v${i}`, timestamp: clock.now() })), producerId: o.producerId ?? -1, producerEpoch: o.producerId === undefined ? -1 : 0, baseSequence: o.producerId === undefined ? -1 : 0, transactional: o.transactional ?? false })
  b.broker.partition('jobs', partition)!.append(batch, { nowMs: clock.now() })
}
function read(member: string, maxRecords = 500) {
  const r = share().partitions.read('q', member, topicId, 0, 1 << 20, maxRecords, true, undefined) as ShareRead // the local log answers at once
  return r.acquired.map((a) => [a.firstOffset, a.lastOffset, a.deliveryCount])
}
function ack(member: string, first: number, last: number, types: number[]) {
  return share().partitions.acknowledge('q', member, topicId, 0, [{ firstOffset: first, lastOffset: last, types }], false)
}
const earliest = { 'group.share.record.lock.duration.ms': 30000 }
function setEarliest() {
  b.broker.cluster.groupConfigs.set('q', { 'share.auto.offset.reset': 'earliest' })
}

describe('membership', () => {
  it('joins with the client member id, shares a partition between members, leaves', async () => {
    await start()
    const a = hb({ memberId: 'a' })
    expect(a).toMatchObject({ errorCode: 0, memberId: 'a', memberEpoch: 1, heartbeatIntervalMs: 5000, assignment: [{ topicId, partitions: [0] }] })
    const c = hb({ memberId: 'b' })
    expect(c).toMatchObject({ memberEpoch: 2, assignment: [{ topicId, partitions: [0] }] })
    // a is at epoch 1, the group at 2: its next heartbeat moves it with no assignment change.
    expect(hb({ memberId: 'a', memberEpoch: 1 })).toMatchObject({ errorCode: 0, memberEpoch: 2, assignment: null })
    expect(hb({ memberId: 'a', memberEpoch: 1 }).errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH)
    expect(hb({ memberId: 'x', memberEpoch: 3 }).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(hb({ memberId: '' }).errorMessage).toBe("MemberId can't be empty.")
    expect(hb({ memberId: 'z', subscribedTopicNames: [] }).errorMessage).toBe('SubscribedTopicNames must be set in first request.')
    expect(share().coordinator.describe('q')).toMatchObject({ state: 'Stable', groupEpoch: 2, assignorName: 'simple' })
    expect(share().coordinator.list([], ['share'])).toEqual([{ groupId: 'q', protocolType: 'share', state: 'Stable', type: 'share' }])
    expect(hb({ memberId: 'b', memberEpoch: -1 })).toMatchObject({ errorCode: 0, memberEpoch: -1 })
    expect(hb({ memberId: 'a', memberEpoch: -1 }).errorCode).toBe(0)
    expect(share().coordinator.describe('q')).toMatchObject({ state: 'Empty', groupEpoch: 4 })
  })

  it('deals partitions round robin when members are fewer, and expires silent members', async () => {
    await start()
    b.broker.createTopic('wide', 4, 1, {})
    const wide = b.broker.cluster.topic('wide')!.id
    hb({ memberId: 'a', subscribedTopicNames: ['wide'] })
    const r = hb({ memberId: 'b', subscribedTopicNames: ['wide'] })
    expect(r.assignment).toEqual([{ topicId: wide, partitions: [1, 3] }])
    clock.advance(45_001)
    expect(share().coordinator.describe('q')).toMatchObject({ state: 'Empty', members: [] })
  })

  it('refuses an id a classic or consumer group holds', async () => {
    await start()
    b.broker.groups.getOrCreate('q')
    expect(hb({ memberId: 'a' })).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Group q is not a share group.' })
  })
})

describe('share-partition', () => {
  it('starts at the latest offset by default and at the log start with earliest', async () => {
    await start()
    produce(3)
    hb({ memberId: 'a' })
    expect(read('a')).toEqual([])
    produce(2)
    expect(read('a')).toEqual([[3, 4, 1]])
    await b.cleanup()
    await start()
    setEarliest()
    produce(3)
    hb({ memberId: 'a' })
    expect(read('a')).toEqual([[0, 2, 1]])
  })

  it('starts by_duration: at the first record that recent', async () => {
    await start()
    produce(2)
    clock.advance(60_000)
    produce(1)
    b.broker.cluster.groupConfigs.set('q', { 'share.auto.offset.reset': 'by_duration:PT30S' })
    hb({ memberId: 'a' })
    expect(read('a')).toEqual([[2, 2, 1]])
    expect(durationMs('P1DT2H3M4.5S')).toBe(((24 + 2) * 60 + 3) * 60_000 + 4500)
    expect(durationMs('P')).toBeNull()
  })

  it('redelivers when a lock expires, with the delivery count raised, then archives at the limit', async () => {
    await start({ config: earliest })
    setEarliest()
    produce(2)
    expect(read('a')).toEqual([[0, 1, 1]])
    expect(read('b')).toEqual([])
    clock.advance(29_999)
    expect(read('b')).toEqual([])
    clock.advance(1)
    expect(read('b')).toEqual([[0, 1, 2]])
    for (let d = 3; d <= 5; d++) {
      clock.advance(30_000)
      expect(read('b')).toEqual([[0, 1, d]])
    }
    clock.advance(30_000)
    expect(read('b')).toEqual([])
    expect(share().partitions.get('q', topicId, 0)!.startOffset).toBe(2)
  })

  it('accepts, releases for redelivery, rejects; only the holder may acknowledge', async () => {
    await start()
    setEarliest()
    produce(4)
    expect(read('a')).toEqual([[0, 3, 1]])
    expect(ack('b', 0, 0, [AckType.ACCEPT])).toMatchObject({ code: 'INVALID_RECORD_STATE' })
    expect(ack('a', 0, 3, [AckType.ACCEPT, AckType.RELEASE, AckType.REJECT, AckType.ACCEPT])).toBeNull()
    // 2 was rejected (archived): not acquired any more. 0 lies below the start offset (1): done
    // already, so acknowledging it again is no error (Kafka 4.4 answers the same).
    expect(ack('a', 2, 2, [AckType.ACCEPT])).toMatchObject({ code: 'INVALID_RECORD_STATE' })
    expect(ack('a', 0, 0, [AckType.ACCEPT])).toBeNull()
    expect(read('b')).toEqual([[1, 1, 2]])
    expect(ack('b', 1, 1, [AckType.ACCEPT])).toBeNull()
    expect(share().partitions.get('q', topicId, 0)!.startOffset).toBe(4)
    expect(read('b')).toEqual([])
  })

  it('applies nothing of a partition when one offset is not acquired, and checks batches', async () => {
    await start()
    setEarliest()
    produce(3)
    read('a', 2)
    expect(ack('a', 0, 2, [AckType.ACCEPT])).toMatchObject({ code: 'INVALID_REQUEST' })
    expect(ack('b', 0, 1, [AckType.ACCEPT])).toMatchObject({ code: 'INVALID_RECORD_STATE' })
    expect(ack('a', 1, 0, [AckType.ACCEPT])).toMatchObject({ code: 'INVALID_REQUEST' })
    expect(ack('a', 0, 1, [1, 1, 1])).toMatchObject({ code: 'INVALID_REQUEST' })
    expect(ack('a', 0, 1, [9])).toMatchObject({ code: 'INVALID_REQUEST' })
    expect(ack('a', 0, 1, [AckType.RENEW])).toMatchObject({ code: 'INVALID_REQUEST' })
    expect(read('b')).toEqual([[2, 2, 1]])
  })

  it('renews a lock (acknowledge type 4)', async () => {
    await start()
    setEarliest()
    produce(1)
    read('a')
    clock.advance(20_000)
    expect(share().partitions.acknowledge('q', 'a', topicId, 0, [{ firstOffset: 0, lastOffset: 0, types: [AckType.RENEW] }], true)).toBeNull()
    clock.advance(20_000)
    expect(read('b')).toEqual([])
    clock.advance(10_000)
    expect(read('b')).toEqual([[0, 0, 2]])
  })

  it('keeps at most share.partition.max.record.locks records in flight', async () => {
    await start()
    // 100: the least group.share.min.partition.max.record.locks allows (a smaller stored value is
    // capped to it, as Kafka's GroupConfig.evaluate caps it).
    b.broker.cluster.groupConfigs.set('q', { 'share.auto.offset.reset': 'earliest', 'share.partition.max.record.locks': '100' })
    produce(105)
    expect(read('a')).toEqual([[0, 99, 1]])
    expect(read('b')).toEqual([])
    ack('a', 0, 0, [AckType.ACCEPT])
    expect(read('b')).toEqual([[100, 100, 1]])
  })

  it('releases a closed session member\'s records', async () => {
    await start()
    setEarliest()
    produce(2)
    read('a')
    expect(share().partitions.releaseMember('q', 'a', [{ topicId, partition: 0 }])).toBe(2)
    expect(read('b')).toEqual([[0, 1, 2]])
  })

  it('read_committed: stops at the last stable offset and never delivers aborted records or markers', async () => {
    await start()
    b.broker.cluster.groupConfigs.set('q', { 'share.auto.offset.reset': 'earliest', 'share.isolation.level': 'read_committed' })
    const log = b.broker.partition('jobs', 0)!
    produce(1)
    produce(2, 0, { producerId: 7, transactional: true })
    expect(read('a')).toEqual([[0, 0, 1]])
    log.appendMarker(7, 0, false, 0, clock.now())
    produce(1)
    expect(read('a')).toEqual([[4, 4, 1]])
    ack('a', 0, 0, [AckType.ACCEPT])
    // 1-2 (aborted) and 3 (the marker) were archived undelivered.
    expect(share().partitions.get('q', topicId, 0)!.startOffset).toBe(4)
  })
})

describe('topic deletion', () => {
  it('drops the share-partitions of a deleted topic', async () => {
    await start()
    hb({ memberId: 'a' })
    expect(share().partitions.get('q', topicId, 0)).toBeDefined()
    b.broker.deleteTopic('jobs')
    expect(share().partitions.get('q', topicId, 0)).toBeUndefined()
  })
})

describe('durability', () => {
  it('keeps acknowledged records done and redelivers acquired ones after a restart', async () => {
    const dir = tempDir()
    dirs.push(dir)
    await start({ dataDir: dir })
    setEarliest()
    b.broker.cluster.save()
    produce(5)
    expect(read('a')).toEqual([[0, 4, 1]])
    ack('a', 0, 1, [AckType.ACCEPT])
    ack('a', 3, 3, [AckType.REJECT])
    await b.stop()
    await start({ dataDir: dir })
    // Members are not kept, the group is: Empty until someone joins again.
    expect(share().coordinator.list([], [])).toEqual([{ groupId: 'q', protocolType: 'share', state: 'Empty', type: 'share' }])
    const sp = share().partitions.get('q', topicId, 0)!
    expect(sp.startOffset).toBe(2)
    // 2 and 4 were acquired: delivered again, their delivery count kept; 3 stays archived.
    expect(read('b')).toEqual([[2, 2, 2], [4, 4, 2]])
  })

  it('keeps the start offset an empty share-partition was given', async () => {
    const dir = tempDir()
    dirs.push(dir)
    await start({ dataDir: dir })
    produce(3)
    hb({ memberId: 'a' })
    await b.stop()
    await start({ dataDir: dir })
    produce(1)
    expect(read('a')).toEqual([[3, 3, 1]])
  })
})
