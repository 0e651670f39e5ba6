import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeleteRecords } from '../../protocol/apis/delete-records.js'
import { ErrorCode } from '../../protocol/errors.js'
import { buildBatch } from '../../protocol/records/index.js'
import type { Broker } from '../../src/broker.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

let b: TestBroker
let client: TestClient

beforeAll(async () => {
  b = await startTestBroker()
  client = await TestClient.connect(b.port)
})
afterAll(async () => {
  await client.close()
  await b.cleanup()
})

// A topic whose partitions each hold `records` records, one batch per record.
function fill(broker: Broker, name: string, partitions: number, records: number, configs: Record<string, string> = {}) {
  broker.createTopic(name, partitions, 1, configs)
  for (let p = 0; p < partitions; p++) {
    const log = broker.partition(name, p)!
    for (let i = 0; i < records; i++) log.append(buildBatch({ records: [{ key: `k${i}`, value: `v${i}` }] }), { nowMs: Date.now() })
  }
}

async function del(version: number, name: string, partitions: { partitionIndex: number; offset: bigint }[]) {
  const res = await client.send(DeleteRecords, version, { topics: [{ name, partitions }], timeoutMs: 5000 })
  expect(res.topics.map((t) => t.name)).toEqual([name])
  return res.topics[0]!.partitions
}

describe('DeleteRecords', () => {
  it.each([0, 1, 2])('v%i moves the log start offset and returns the low watermark', async (v) => {
    const name = `dr-v${v}`
    fill(b.broker, name, 2, 10)
    const out = await del(v, name, [{ partitionIndex: 0, offset: 4n }, { partitionIndex: 1, offset: -1n }])
    expect(out).toEqual([
      { partitionIndex: 0, lowWatermark: 4n, errorCode: 0 },
      { partitionIndex: 1, lowWatermark: 10n, errorCode: 0 },
    ])
    expect(b.broker.partition(name, 0)!.logStartOffset).toBe(4)
    expect(b.broker.partition(name, 1)!.logStartOffset).toBe(10)
  })

  it.each([0, 1, 2])('v%i answers OFFSET_OUT_OF_RANGE above the high watermark and for negative offsets', async (v) => {
    const name = `dr-range-v${v}`
    fill(b.broker, name, 1, 3)
    expect(await del(v, name, [{ partitionIndex: 0, offset: 4n }])).toEqual([{ partitionIndex: 0, lowWatermark: -1n, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE }])
    expect(await del(v, name, [{ partitionIndex: 0, offset: -2n }])).toEqual([{ partitionIndex: 0, lowWatermark: -1n, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE }])
    expect(b.broker.partition(name, 0)!.logStartOffset).toBe(0)
  })

  it.each([0, 2])('v%i answers unknown topics and partitions with UNKNOWN_TOPIC_OR_PARTITION', async (v) => {
    fill(b.broker, `dr-known-v${v}`, 1, 1)
    expect(await del(v, 'dr-missing', [{ partitionIndex: 0, offset: 0n }])).toEqual([{ partitionIndex: 0, lowWatermark: -1n, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }])
    expect(await del(v, `dr-known-v${v}`, [{ partitionIndex: 1, offset: 0n }])).toEqual([{ partitionIndex: 1, lowWatermark: -1n, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }])
  })

  it('never moves the log start offset backwards', async () => {
    fill(b.broker, 'dr-back', 1, 5)
    expect((await del(1, 'dr-back', [{ partitionIndex: 0, offset: 3n }]))[0]!.lowWatermark).toBe(3n)
    expect(await del(1, 'dr-back', [{ partitionIndex: 0, offset: 1n }])).toEqual([{ partitionIndex: 0, lowWatermark: 3n, errorCode: 0 }])
  })

  it('refuses compacted-only topics (POLICY_VIOLATION) and internal topics (INVALID_TOPIC_EXCEPTION)', async () => {
    fill(b.broker, 'dr-compact', 1, 2, { 'cleanup.policy': 'compact' })
    expect((await del(2, 'dr-compact', [{ partitionIndex: 0, offset: 1n }]))[0]!.errorCode).toBe(ErrorCode.POLICY_VIOLATION)
    fill(b.broker, 'dr-both', 1, 2, { 'cleanup.policy': 'compact,delete' })
    expect((await del(2, 'dr-both', [{ partitionIndex: 0, offset: 1n }]))[0]).toEqual({ partitionIndex: 0, lowWatermark: 1n, errorCode: 0 })
    b.broker.cluster.createTopic('__transaction_state', 1, 1, {}, false, true)
    expect((await del(2, '__transaction_state', [{ partitionIndex: 0, offset: 0n }]))[0]!.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION)
  })

  it('groups repeated topics and answers a repeated partition once', async () => {
    fill(b.broker, 'dr-group', 2, 4)
    const res = await client.send(DeleteRecords, 2, {
      topics: [
        { name: 'dr-group', partitions: [{ partitionIndex: 0, offset: 1n }] },
        { name: 'dr-group', partitions: [{ partitionIndex: 1, offset: 2n }, { partitionIndex: 0, offset: 3n }] },
      ],
      timeoutMs: 5000,
    })
    expect(res.topics).toEqual([{ name: 'dr-group', partitions: [{ partitionIndex: 0, lowWatermark: 3n, errorCode: 0 }, { partitionIndex: 1, lowWatermark: 2n, errorCode: 0 }] }])
  })

  it('checkpoints the new log start offset before answering (disk)', async () => {
    const d = await startTestBroker({ disk: true, config: { 'log.segment.bytes': 200 } })
    const c = await TestClient.connect(d.port)
    try {
      fill(d.broker, 'dr-disk', 1, 12)
      const segments = d.broker.localPartition('dr-disk', 0)!.segmentCount
      expect(segments).toBeGreaterThan(2)
      const res = await c.send(DeleteRecords, 2, { topics: [{ name: 'dr-disk', partitions: [{ partitionIndex: 0, offset: 9n }] }], timeoutMs: 5000 })
      expect(res.topics[0]!.partitions[0]).toEqual({ partitionIndex: 0, lowWatermark: 9n, errorCode: 0 })
      expect(d.broker.localPartition('dr-disk', 0)!.segmentCount).toBeLessThan(segments)
      const checkpoint = fs.readFileSync(path.join(d.dataDir!, 'log-start-offset-checkpoint'), 'utf8')
      expect(checkpoint.split('\n')).toContain('dr-disk 0 9')
    } finally {
      await c.close()
      await d.cleanup()
    }
  })
})
