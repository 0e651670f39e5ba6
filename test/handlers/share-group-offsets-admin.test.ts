// AlterShareGroupOffsets and DeleteShareGroupOffsets through the wire, on a broker with a manual
// clock and a data directory: an empty (or new) share group takes the start offsets and keeps them
// across a restart; a group with members, a classic group, unknown topics and partitions get the
// errors Kafka 4.4 answers; deleting a topic's state makes the next read start from
// share.auto.offset.reset.
import fs from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { AlterShareGroupOffsets } from '../../protocol/apis/alter-share-group-offsets.js'
import { DeleteShareGroupOffsets } from '../../protocol/apis/delete-share-group-offsets.js'
import { DescribeShareGroupOffsets } from '../../protocol/apis/describe-share-group-offsets.js'
import { OffsetCommit } from '../../protocol/apis/offset-commit.js'
import { ErrorCode } from '../../protocol/errors.js'
import { ZERO_UUID } from '../../protocol/primitives.js'
import { buildBatch } from '../../protocol/records/index.js'
import { ManualClock } from '../../src/clock.js'
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import type { ShareRead } from '../../src/groups/share/share-partitions.js'

let b: TestBroker | null = null
let c: TestClient | null = null
let clock: ManualClock
const dirs: string[] = []

async function start(dataDir: string): Promise<{ b: TestBroker; c: TestClient; topicId: string }> {
  clock = new ManualClock()
  b = await startTestBroker({ clock, disk: true, dataDir })
  c = await TestClient.connect(b.port)
  const existing = b.broker.cluster.topic('jobs')
  const topicId = existing?.id ?? b.broker.createTopic('jobs', 2, 1, {}).id
  if (!existing) b.broker.partition('jobs', 0)!.append(buildBatch({ records: Array.from({ length: 20 }, (_, i) => ({ key: null, value: `v${i}`, timestamp: clock.now() })) }), { nowMs: clock.now() })
  return { b, c, topicId }
}
async function stop() {
  await c?.close()
  await b?.cleanup()
  c = null
  b = null
}
afterEach(async () => {
  await stop()
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})
function dir() {
  const d = tempDir('rivulet-share-admin-')
  dirs.push(d)
  return d
}
async function startOffset(client: TestClient, groupId: string, partition = 0) {
  const r = await client.send(DescribeShareGroupOffsets, 1, { groups: [{ groupId, topics: [{ topicName: 'jobs', partitions: [partition] }] }] })
  return r.groups[0]!.topics[0]!.partitions[0]!.startOffset
}

describe('AlterShareGroupOffsets', () => {
  it('creates the group, sets the start offsets, and they survive a restart', async () => {
    const d = dir()
    const { c: client, topicId } = await start(d)
    const r = await client.send(AlterShareGroupOffsets, 0, { groupId: 'q', topics: [{ topicName: 'jobs', partitions: [{ partitionIndex: 0, startOffset: 8n }, { partitionIndex: 1, startOffset: 0n }, { partitionIndex: 5, startOffset: 1n }] }, { topicName: 'nope', partitions: [{ partitionIndex: 0, startOffset: 1n }] }] })
    expect(r).toEqual({
      throttleTimeMs: 0, errorCode: 0, errorMessage: null,
      responses: [
        { topicName: 'jobs', topicId, partitions: [
          { partitionIndex: 0, errorCode: 0, errorMessage: null },
          { partitionIndex: 1, errorCode: 0, errorMessage: null },
          { partitionIndex: 5, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic-partition.' },
        ] },
        { topicName: 'nope', topicId: ZERO_UUID, partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic-partition.' }] },
      ],
    })
    expect(await startOffset(client, 'q')).toBe(8n)
    expect(b!.broker.shareGroups.coordinator.group('q')?.state).toBe('Empty')
    // The next read starts at the altered offset.
    const read = b!.broker.shareGroups.partitions.read('q', 'm', topicId, 0, 1 << 20, 100, true, undefined) as ShareRead // the local log answers at once
    expect(read.acquired[0]!.firstOffset).toBe(8)
    b!.broker.shareGroups.partitions.releaseMember('q', 'm', [{ topicId, partition: 0 }])
    // Altering again replaces the state (in-flight records dropped), and is durable.
    expect((await client.send(AlterShareGroupOffsets, 0, { groupId: 'q', topics: [{ topicName: 'jobs', partitions: [{ partitionIndex: 0, startOffset: 3n }] }] })).errorCode).toBe(0)
    await stop()
    const again = await start(d)
    expect(await startOffset(again.c, 'q')).toBe(3n)
    expect(await startOffset(again.c, 'q', 1)).toBe(0n)
    expect(again.b.broker.shareGroups.coordinator.group('q')?.state).toBe('Empty')
  })

  it('refuses a group with members (NON_EMPTY_GROUP) and a classic group (GROUP_ID_NOT_FOUND)', async () => {
    const { b: broker, c: client } = await start(dir())
    broker.broker.shareGroups.coordinator.heartbeat({ groupId: 'busy', memberId: 'm1', memberEpoch: 0, rackId: null, subscribedTopicNames: ['jobs'], clientId: 'c', clientHost: '/127.0.0.1' })
    const before = await startOffset(client, 'busy')
    const busy = await client.send(AlterShareGroupOffsets, 0, { groupId: 'busy', topics: [{ topicName: 'jobs', partitions: [{ partitionIndex: 0, startOffset: 5n }] }] })
    expect(busy.errorCode).toBe(ErrorCode.NON_EMPTY_GROUP)
    expect(busy.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NON_EMPTY_GROUP)
    expect(await startOffset(client, 'busy')).toBe(before)

    await client.send(OffsetCommit, 2, { groupId: 'classic', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 'jobs', partitions: [{ partitionIndex: 0, committedOffset: 1n }] }] })
    const classic = await client.send(AlterShareGroupOffsets, 0, { groupId: 'classic', topics: [{ topicName: 'jobs', partitions: [{ partitionIndex: 0, startOffset: 5n }] }] })
    expect(classic).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Group classic is not a share group.' })

    expect((await client.send(AlterShareGroupOffsets, 0, { groupId: '', topics: [] })).errorCode).toBe(ErrorCode.INVALID_GROUP_ID)
  })
})

describe('DeleteShareGroupOffsets', () => {
  it('deletes a topic’s state so the next read starts from share.auto.offset.reset', async () => {
    const d = dir()
    const { b: broker, c: client, topicId } = await start(d)
    broker.broker.createTopic('other', 1, 1, {})
    await client.send(AlterShareGroupOffsets, 0, { groupId: 'q', topics: [{ topicName: 'jobs', partitions: [{ partitionIndex: 0, startOffset: 8n }, { partitionIndex: 1, startOffset: 0n }] }] })
    const r = await client.send(DeleteShareGroupOffsets, 0, { groupId: 'q', topics: [{ topicName: 'nope' }, { topicName: 'other' }, { topicName: 'jobs' }] })
    expect(r).toEqual({
      throttleTimeMs: 0, errorCode: 0, errorMessage: null,
      responses: [
        { topicName: 'jobs', topicId, errorCode: 0, errorMessage: null },
        { topicName: 'other', topicId: ZERO_UUID, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'There is no offset information to delete.' },
        { topicName: 'nope', topicId: ZERO_UUID, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic-partition.' },
      ],
    })
    expect(await startOffset(client, 'q')).toBe(-1n)
    // The group is still there (Empty); with the default reset (latest) a new read starts at the end.
    expect(broker.broker.shareGroups.coordinator.group('q')?.state).toBe('Empty')
    await stop()
    const again = await start(d)
    expect(await startOffset(again.c, 'q')).toBe(-1n)
    expect(await startOffset(again.c, 'q', 1)).toBe(-1n)
    again.b.broker.cluster.groupConfigs.set('q', { 'share.auto.offset.reset': 'earliest' })
    const read = again.b.broker.shareGroups.partitions.read('q', 'm', topicId, 0, 1 << 20, 100, true, undefined) as ShareRead
    expect(read.acquired[0]!.firstOffset).toBe(0)
  })

  it('answers GROUP_ID_NOT_FOUND for an unknown or classic group and NON_EMPTY_GROUP with members', async () => {
    const { b: broker, c: client } = await start(dir())
    expect(await client.send(DeleteShareGroupOffsets, 0, { groupId: 'none', topics: [{ topicName: 'jobs' }] })).toEqual({ throttleTimeMs: 0, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Group none not found.', responses: [] })
    await client.send(OffsetCommit, 2, { groupId: 'classic', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 'jobs', partitions: [{ partitionIndex: 0, committedOffset: 1n }] }] })
    expect((await client.send(DeleteShareGroupOffsets, 0, { groupId: 'classic', topics: [{ topicName: 'jobs' }] })).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND)
    broker.broker.shareGroups.coordinator.heartbeat({ groupId: 'busy', memberId: 'm1', memberEpoch: 0, rackId: null, subscribedTopicNames: ['jobs'], clientId: 'c', clientHost: '/127.0.0.1' })
    const busy = await client.send(DeleteShareGroupOffsets, 0, { groupId: 'busy', topics: [{ topicName: 'jobs' }] })
    expect(busy).toMatchObject({ errorCode: ErrorCode.NON_EMPTY_GROUP, responses: [] })
    expect(await startOffset(client, 'busy')).not.toBe(-1n)
  })
})
