// Fetch reads into reused buffers (src/log/read-pool.ts) that go back to the pool once the
// response is in the socket. What a client can see: many fetches in flight at once, on one
// connection and on several, each get exactly their own bytes, and the buffers are reused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Fetch } from '../../protocol/apis/fetch.js'
import { Produce } from '../../protocol/apis/produce.js'
import { buildBatch, decodeBatchRecords } from '../../protocol/records/index.js'
import { readPoolStats } from '../../src/log/read-pool.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

const BATCHES = 60
const PER_BATCH = 20
const VALUE = 1000

let broker: TestBroker
const clients: TestClient[] = []

function value(offset: number): Buffer {
  return Buffer.alloc(VALUE, `${offset}:`)
}

beforeAll(async () => {
  broker = await startTestBroker({ disk: true })
  broker.broker.createTopic('pooled', 1, 1, {})
  for (let i = 0; i < 3; i++) clients.push(await TestClient.connect(broker.port))
  for (let b = 0; b < BATCHES; b++) {
    const records = Array.from({ length: PER_BATCH }, (_, i) => ({ key: null, value: value(b * PER_BATCH + i) }))
    const res = await clients[0]!.send(Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'pooled', partitionData: [{ index: 0, records: buildBatch({ records }) }] }] })
    expect(res.responses[0]!.partitionResponses[0]!.errorCode).toBe(0)
  }
})
afterAll(async () => {
  for (const c of clients) await c.close()
  await broker?.cleanup()
})

function fetch(client: TestClient, offset: number, partitionMaxBytes: number) {
  return client.send(Fetch, 12, {
    maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionEpoch: -1,
    topics: [{ topic: 'pooled', partitions: [{ partition: 0, fetchOffset: BigInt(offset), partitionMaxBytes }] }],
  })
}

// The records a response holds from `offset` on, checked against what was produced.
function check(res: Awaited<ReturnType<typeof fetch>>, offset: number): number {
  const data = res.responses[0]!.partitions[0]!.records!
  let at = 0
  let next = offset
  while (at < data.length) {
    const size = 12 + data.readInt32BE(at + 8)
    for (const r of decodeBatchRecords(data.subarray(at, at + size))) {
      if (r.offset < offset) continue
      expect(r.offset).toBe(next)
      expect(r.value!.equals(value(r.offset))).toBe(true)
      next++
    }
    at += size
  }
  return next - offset
}

describe('Fetch with reused read buffers', () => {
  it('answers many overlapping fetches, on one connection and several, each with its own bytes', async () => {
    const end = BATCHES * PER_BATCH
    for (let round = 0; round < 5; round++) {
      const asks: { client: TestClient; offset: number; max: number }[] = []
      for (let i = 0; i < 24; i++) asks.push({ client: clients[i % clients.length]!, offset: (round * 97 + i * 53) % end, max: [30_000, 100_000, 300_000][i % 3]! })
      const responses = await Promise.all(asks.map((a) => fetch(a.client, a.offset, a.max)))
      responses.forEach((res, i) => {
        const got = check(res, asks[i]!.offset)
        expect(got).toBeGreaterThan(0)
        expect(res.responses[0]!.partitions[0]!.records!.length).toBeLessThanOrEqual(asks[i]!.max + PER_BATCH * (VALUE + 100))
      })
    }
    expect(readPoolStats().buffers).toBeGreaterThan(0)
  })

  it('reads from the batch after an indexed one without re-reading it, and stops at whole batches', async () => {
    const one = fetch(clients[0]!, 0, 1)
    const batchBytes = (await one).responses[0]!.partitions[0]!.records!.length
    for (const b of [1, 7, 30, BATCHES - 3]) {
      const res = await fetch(clients[1]!, b * PER_BATCH, 3 * batchBytes + 10)
      expect(res.responses[0]!.partitions[0]!.records!.length).toBe(3 * batchBytes)
      expect(check(res, b * PER_BATCH)).toBe(3 * PER_BATCH)
    }
  })
})
