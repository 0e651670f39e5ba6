// The partition APIs of a broker over PostgreSQL (store.url), byte for byte through the wire:
// ListOffsets by timestamp, earliest, latest and max timestamp; DeleteRecords moving the log start;
// leader epochs (the store's lease epoch is the partition's leader epoch: Metadata, the stored
// batches and OffsetForLeaderEpoch agree, and a restart moves it on); a database from a newer
// Rivulet refused at start-up; share groups reading the store.
import { afterEach, expect, it } from 'vitest'
import { DeleteRecords } from '../../protocol/apis/delete-records.js'
import { Fetch } from '../../protocol/apis/fetch.js'
import { ListOffsets } from '../../protocol/apis/list-offsets.js'
import { Metadata } from '../../protocol/apis/metadata.js'
import { OffsetForLeaderEpoch } from '../../protocol/apis/offset-for-leader-epoch.js'
import { Produce } from '../../protocol/apis/produce.js'
import { ErrorCode } from '../../protocol/errors.js'
import { buildBatch, readHeaders } from '../../protocol/records/index.js'
import { startBroker, type RunningBroker } from '../../src/index.js'
import { connect } from '../../src/store/postgres/db.js'
import { SCHEMA_VERSION } from '../../src/store/postgres/schema.js'
import { TestClient } from '../helpers/client.js'
import { describePostgres } from '../helpers/postgres.js'

const brokers: RunningBroker[] = []
const clients: TestClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  for (const b of brokers.splice(0)) await b.stop().catch(() => {})
})

async function setup(url: string): Promise<{ b: RunningBroker; c: TestClient }> {
  const b = await startBroker({ port: 0, store: url })
  brokers.push(b)
  const c = await TestClient.connect(b.port)
  clients.push(c)
  return { b, c }
}

const T0 = Date.now() - 60_000

function produce(c: TestClient, timestamp: number) {
  return c.send(Produce, 9, { acks: -1, timeoutMs: 5000, topicData: [{ name: 'a', partitionData: [{ index: 0, records: buildBatch({ records: [{ key: null, value: Buffer.from('x'), timestamp }] }) }] }] })
}

async function listOffset(c: TestClient, timestamp: number) {
  const res = await c.send(ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'a', partitions: [{ partitionIndex: 0, timestamp: BigInt(timestamp), currentLeaderEpoch: -1 }] }] })
  const p = res.topics[0]!.partitions[0]!
  return { errorCode: p.errorCode, offset: Number(p.offset), leaderEpoch: p.leaderEpoch }
}

async function leaderEpoch(c: TestClient): Promise<number> {
  const res = await c.send(Metadata, 12, { topics: [{ name: 'a', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
  return res.topics[0]!.partitions[0]!.leaderEpoch
}

async function batchEpochs(c: TestClient, from = 0): Promise<number[]> {
  const res = await c.send(Fetch, 11, { maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, sessionEpoch: -1, topics: [{ topic: 'a', partitions: [{ partition: 0, fetchOffset: BigInt(from), partitionMaxBytes: 1 << 20 }] }] })
  return readHeaders(res.responses[0]!.partitions[0]!.records as Buffer).map((h) => h.partitionLeaderEpoch)
}

describePostgres('a broker over PostgreSQL, partition APIs', (pg) => {
  it('answers ListOffsets, DeleteRecords and leader epochs from the store, across a restart', async () => {
    const url = await pg.freshDatabase()
    let { b, c } = await setup(url)
    b.broker.createTopic('a', 1, 1, { 'cleanup.policy': 'delete' })
    for (const t of [T0 + 1000, T0 + 3000, T0 + 2000]) expect((await produce(c, t)).responses[0]!.partitionResponses[0]!.errorCode).toBe(0)
    const epoch = await leaderEpoch(c)
    expect(epoch).toBeGreaterThan(0)
    expect(await batchEpochs(c)).toEqual([epoch, epoch, epoch])
    expect(await listOffset(c, T0 + 1500)).toEqual({ errorCode: 0, offset: 1, leaderEpoch: epoch })
    expect(await listOffset(c, -3)).toMatchObject({ errorCode: 0, offset: 1 }) // max timestamp
    expect(await listOffset(c, -1)).toMatchObject({ errorCode: 0, offset: 3 })

    const del = await c.send(DeleteRecords, 2, { topics: [{ name: 'a', partitions: [{ partitionIndex: 0, offset: 1n }] }], timeoutMs: 5000 })
    expect(del.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, lowWatermark: 1n })
    expect(await listOffset(c, -2)).toMatchObject({ errorCode: 0, offset: 1 })
    const beyond = await c.send(DeleteRecords, 2, { topics: [{ name: 'a', partitions: [{ partitionIndex: 0, offset: 9n }] }], timeoutMs: 5000 })
    expect(beyond.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE)

    await brokers.pop()!.stop()
    ;({ b, c } = await setup(url))
    const next = await leaderEpoch(c)
    expect(next).toBeGreaterThan(epoch)
    expect(await listOffset(c, -2)).toMatchObject({ errorCode: 0, offset: 1 })
    expect((await produce(c, T0 + 4000)).responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 3n })
    expect(await batchEpochs(c, 1)).toEqual([epoch, epoch, next])
    // The old epoch ended where the new one began (Kafka's LeaderEpochFileCache.endOffsetFor).
    const ole = await c.send(OffsetForLeaderEpoch, 4, { replicaId: -1, topics: [{ topic: 'a', partitions: [{ partition: 0, currentLeaderEpoch: next, leaderEpoch: epoch }] }] })
    expect(ole.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, leaderEpoch: epoch, endOffset: 3n })
  }, 60_000)

  it('refuses to start on a database from a newer Rivulet', async () => {
    const url = await pg.freshDatabase()
    await (await setup(url)).b.stop()
    brokers.pop()
    const db = connect(url)
    await db.query('UPDATE rivulet_schema SET version = $1', [SCHEMA_VERSION + 1])
    await db.end()
    await expect(startBroker({ port: 0, store: url })).rejects.toThrow(`schema version ${SCHEMA_VERSION + 1}, newer than this Rivulet's ${SCHEMA_VERSION}`)
  }, 60_000)

  it('refuses a second broker process over the same database unless store.multi.process.enable is set', async () => {
    const url = await pg.freshDatabase()
    await setup(url)
    await expect(startBroker({ port: 0, store: url, config: { 'node.id': 2 } })).rejects.toThrow('off unless store.multi.process.enable=true')
  }, 60_000)

  it('serves share groups from the store: records acquired once, released ones again', async () => {
    const { b, c } = await setup(await pg.freshDatabase())
    const topicId = b.broker.createTopic('a', 1, 1, {}).id
    for (const t of [T0, T0 + 1, T0 + 2]) await produce(c, t)
    b.broker.cluster.groupConfigs.set('q', { 'share.auto.offset.reset': 'earliest' })
    const share = b.broker.shareGroups.partitions
    const acquired = async (member: string) => ((await share.read('q', member, topicId, 0, 1 << 20, 500, true, undefined))?.acquired ?? []).map((a) => [a.firstOffset, a.lastOffset])
    expect(await acquired('m1')).toEqual([[0, 2]])
    expect(await acquired('m2')).toEqual([])
    share.releaseMember('q', 'm1', [{ topicId, partition: 0 }])
    expect(await acquired('m2')).toEqual([[0, 2]])
  }, 60_000)
})
