// Server behaviour a client can see: pipelined requests are answered in order even when an
// earlier one (a long-polling Fetch) finishes last; LogAppendTime topics stamp the broker's time;
// SIGTERM shuts the CLI down cleanly, and the next start skips recovery.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Fetch } from '../../protocol/apis/fetch.js'
import { Metadata } from '../../protocol/apis/metadata.js'
import { Produce } from '../../protocol/apis/produce.js'
import { Reader } from '../../protocol/primitives.js'
import { buildBatch, decodeBatchRecords, getTimestampType, getMaxTimestamp } from '../../protocol/records/index.js'
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { startChildBroker, type ChildBroker } from '../helpers/process.js'

let broker: TestBroker
let client: TestClient

beforeAll(async () => {
  broker = await startTestBroker()
  client = await TestClient.connect(broker.port)
  broker.broker.createTopic('ordered', 1, 1, {})
  broker.broker.createTopic('appendtime', 1, 1, { 'message.timestamp.type': 'LogAppendTime' })
})
afterAll(async () => {
  await client?.close()
  await broker?.cleanup()
})

describe('server', () => {
  it('answers pipelined requests in request order', async () => {
    const order: number[] = []
    const ids = [101, 102, 103, 104]
    const pending = ids.map((id) => client.rawResponse(id).then((f) => order.push(new Reader(f).int32())))
    // 101 waits for data; 102-103 are answered at once but must leave after it; 104 produces
    // the data that completes 101.
    client.writeRaw(client.frame(Fetch, 11, { maxWaitMs: 5000, minBytes: 1, maxBytes: 1 << 20, sessionEpoch: -1, topics: [{ topic: 'ordered', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }] }, 101))
    client.writeRaw(client.frame(Metadata, 4, { topics: null }, 102))
    client.writeRaw(client.frame(Metadata, 12, { topics: null }, 103))
    client.writeRaw(client.frame(Produce, 7, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'ordered', partitionData: [{ index: 0, records: buildBatch({ records: [{ key: null, value: Buffer.from('x') }] }) }] }] }, 104))
    await Promise.all(pending)
    expect(order).toEqual(ids)
  })

  it('stamps LogAppendTime batches with the broker clock and reports it', async () => {
    const before = Date.now()
    const created = before - 3_600_000
    const res = await client.send(Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'appendtime', partitionData: [{ index: 0, records: buildBatch({ records: [{ key: null, value: Buffer.from('t'), timestamp: created }] }) }] }] })
    const p = res.responses[0]!.partitionResponses[0]!
    expect(Number(p.logAppendTimeMs)).toBeGreaterThanOrEqual(before)
    const fetched = await client.send(Fetch, 11, { maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, sessionEpoch: -1, topics: [{ topic: 'appendtime', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }] })
    const batch = fetched.responses[0]!.partitions[0]!.records!
    expect(getTimestampType(batch, 0)).toBe(1)
    expect(getMaxTimestamp(batch, 0)).toBe(Number(p.logAppendTimeMs))
    expect(decodeBatchRecords(batch)[0]!.timestamp).toBe(Number(p.logAppendTimeMs))
  })

  it('shuts down cleanly on SIGTERM and restarts without recovery', async () => {
    const dir = tempDir('rivulet-term-')
    const started: ChildBroker[] = []
    try {
      const first = await startChildBroker(['--data-dir', dir])
      started.push(first)
      expect(await first.kill('SIGTERM')).toBe(0)
      expect(fs.existsSync(path.join(dir, '.kafka_cleanshutdown'))).toBe(true)
      const second = await startChildBroker(['--data-dir', dir, '--log-level', 'info'])
      started.push(second)
      expect(second.output()).toMatch(/"clean":true/)
      expect(await second.kill('SIGINT')).toBe(0)
    } finally {
      // A failed expectation must not leave a broker running.
      for (const c of started) await c.kill('SIGKILL')
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
