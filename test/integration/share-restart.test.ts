// Share-group in-flight state survives a broker killed with SIGKILL (the built CLI, replaying
// __share_group_state): acknowledged and rejected records are never delivered again, records
// acquired but not acknowledged are, with their delivery count kept, and the share-partition start
// offset stays where it was.
import fs from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { CreateTopics } from '../../protocol/apis/create-topics.js'
import { Produce } from '../../protocol/apis/produce.js'
import { ShareAcknowledge } from '../../protocol/apis/share-acknowledge.js'
import { ShareFetch } from '../../protocol/apis/share-fetch.js'
import { ShareGroupHeartbeat } from '../../protocol/apis/share-group-heartbeat.js'
import { buildBatch } from '../../protocol/records/index.js'
import { tempDir } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { startChildBroker, type ChildBroker } from '../helpers/process.js'

const dir = tempDir('rivulet-share-crash-')
const children: ChildBroker[] = []
afterAll(async () => {
  for (const c of children) await c.kill('SIGKILL')
  fs.rmSync(dir, { recursive: true, force: true })
})

const fetchAll = (c: TestClient, memberId: string, topicId: string) =>
  c.send(ShareFetch, 2, { groupId: 'durable', memberId, shareSessionEpoch: 0, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, maxRecords: 100, batchSize: 100, topics: [{ topicId, partitions: [{ partitionIndex: 0 }] }] })

describe('share-group state across kill -9', () => {
  it('never redelivers acknowledged records and redelivers acquired ones', async () => {
    const first = await startChildBroker(['--data-dir', dir])
    children.push(first)
    const c1 = await TestClient.connect(first.port)
    const created = await c1.send(CreateTopics, 7, { topics: [{ name: 'jobs', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 5000 })
    const topicId = created.topics[0]!.topicId
    // The join fixes the start offset at the (empty) log's end: share.auto.offset.reset=latest.
    expect((await c1.send(ShareGroupHeartbeat, 1, { groupId: 'durable', memberId: 'm1', memberEpoch: 0, subscribedTopicNames: ['jobs'] })).errorCode).toBe(0)
    const batch = buildBatch({ records: ['a', 'b', 'c', 'd', 'e'].map((value) => ({ key: null, value })) })
    await c1.send(Produce, 9, { acks: -1, timeoutMs: 5000, topicData: [{ name: 'jobs', partitionData: [{ index: 0, records: batch }] }] })
    const got = await fetchAll(c1, 'm1', topicId)
    expect(got.responses[0]!.partitions[0]!.acquiredRecords).toEqual([{ firstOffset: 0n, lastOffset: 4n, deliveryCount: 1 }])
    const ack = (first: number, last: number, t: number) => ({ firstOffset: BigInt(first), lastOffset: BigInt(last), acknowledgeTypes: [t] })
    const acked = await c1.send(ShareAcknowledge, 1, { groupId: 'durable', memberId: 'm1', shareSessionEpoch: 1, topics: [{ topicId, partitions: [{ partitionIndex: 0, acknowledgementBatches: [ack(0, 1, 1), ack(3, 3, 3)] }] }] })
    expect(acked.responses[0]!.partitions[0]!.errorCode).toBe(0)
    await c1.close()
    await first.kill('SIGKILL')

    const second = await startChildBroker(['--data-dir', dir])
    children.push(second)
    const c2 = await TestClient.connect(second.port)
    const again = await fetchAll(c2, 'm2', topicId)
    expect(again.responses[0]!.partitions[0]!.acquiredRecords).toEqual([
      { firstOffset: 2n, lastOffset: 2n, deliveryCount: 2 },
      { firstOffset: 4n, lastOffset: 4n, deliveryCount: 2 },
    ])
    await c2.close()
  }, 60_000)
})
