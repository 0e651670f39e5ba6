// A broker over PostgreSQL (store.url) when PostgreSQL goes away and comes back: produce and
// fetch answer KAFKA_STORAGE_ERROR (retriable) rather than crash or hang, an offset commit made
// meanwhile is answered REQUEST_TIMED_OUT (retriable) and lands once the database is back,
// everything acknowledged before is still there, and the broker serves again without a restart.
// Also: a long-polling fetch is woken by a commit (it counts what the leader appended, never reads).
import { afterEach, expect, it } from 'vitest'
import { Fetch } from '../../protocol/apis/fetch.js'
import { OffsetCommit } from '../../protocol/apis/offset-commit.js'
import { OffsetFetch } from '../../protocol/apis/offset-fetch.js'
import { Produce } from '../../protocol/apis/produce.js'
import { ErrorCode } from '../../protocol/errors.js'
import { buildBatch, decodeBatchRecords, readHeaders } from '../../protocol/records/index.js'
import { startBroker, type RunningBroker } from '../../src/index.js'
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

const produce = (c: TestClient, topic: string, values: string[]) =>
  c.send(Produce, 9, { acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records: buildBatch({ records: values.map((v) => ({ key: null, value: Buffer.from(v) })) }) }] }] })

const fetch = (c: TestClient, topic: string, offset: number, maxWaitMs = 0) =>
  c.send(Fetch, 11, { maxWaitMs, minBytes: 1, maxBytes: 1 << 20, sessionEpoch: -1, topics: [{ topic, partitions: [{ partition: 0, fetchOffset: BigInt(offset), partitionMaxBytes: 1 << 20 }] }] })

function values(records: Buffer | null | undefined): string[] {
  if (!records || records.length === 0) return []
  return readHeaders(records).flatMap((h) => decodeBatchRecords(records.subarray(h.position, h.position + h.size)).map((r) => r.value!.toString()))
}

describePostgres('a broker over PostgreSQL, faults', (pg) => {
  it('answers KAFKA_STORAGE_ERROR while PostgreSQL is down, loses nothing acknowledged and serves again', async () => {
    const { b, c } = await setup(await pg.freshDatabase())
    b.broker.createTopic('f', 1, 1, {})
    expect((await produce(c, 'f', ['a', 'b'])).responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n })

    // The group's coordinator partition is loaded first (a client retries
    // COORDINATOR_LOAD_IN_PROGRESS while the broker takes its lease and loads it).
    const commitOffset = (offset: bigint) => c.send(OffsetCommit, 8, { groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'f', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null }] }] })
    for (let i = 0; ; i++) {
      const code = (await commitOffset(1n)).topics[0]!.partitions[0]!.errorCode
      if (code === 0) break
      expect(code).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
      expect(i).toBeLessThan(200)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }

    await pg.server.stop('immediate')
    const down = await produce(c, 'f', ['lost?'])
    expect(down.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR)
    const read = await fetch(c, 'f', 0)
    expect(read.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR)
    // A group's offset commit waits for the database, then tells the client to retry.
    const commit = await commitOffset(2n)
    expect(commit.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.REQUEST_TIMED_OUT)

    await pg.server.start()
    // The client's retry: stored once, after what was acknowledged.
    const again = await produce(c, 'f', ['c'])
    expect(again.responses[0]!.partitionResponses[0]!.errorCode).toBe(0)
    const all = await fetch(c, 'f', 0)
    expect(all.responses[0]!.partitions[0]!.errorCode).toBe(0)
    expect(values(all.responses[0]!.partitions[0]!.records as Buffer)).toEqual(['a', 'b', 'c'])
    // The commit made while the database was away is there now (committed behind, in order).
    const committed = await c.send(OffsetFetch, 8, { groups: [{ groupId: 'g', memberId: null, memberEpoch: -1, topics: [{ name: 'f', partitionIndexes: [0] }] }], requireStable: false })
    expect(committed.groups[0]!.topics[0]!.partitions[0]!.committedOffset).toBe(2n)
  }, 60_000)

  it('wakes a long-polling fetch when an append commits', async () => {
    const { b, c } = await setup(await pg.freshDatabase())
    b.broker.createTopic('lp', 1, 1, {})
    await produce(c, 'lp', ['x'])
    const other = await TestClient.connect(b.port)
    clients.push(other)
    const started = Date.now()
    const waiting = fetch(other, 'lp', 1, 20_000)
    await produce(c, 'lp', ['y'])
    const res = await waiting
    expect(values(res.responses[0]!.partitions[0]!.records as Buffer)).toEqual(['y'])
    expect(Date.now() - started).toBeLessThan(10_000)
  }, 60_000)
})
