import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DescribeLogDirs } from '../../protocol/apis/describe-log-dirs.js'
import { buildBatch } from '../../protocol/records/index.js'
import type { Broker } from '../../src/broker.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

function setup(broker: Broker): number {
  broker.createTopic('dld-a', 2, 1, {})
  broker.createTopic('dld-b', 1, 1, {})
  const batch = buildBatch({ records: [{ key: 'k', value: 'hello' }] })
  broker.partition('dld-a', 1)!.append(Buffer.from(batch), { nowMs: Date.now() })
  broker.partition('dld-a', 1)!.append(Buffer.from(batch), { nowMs: Date.now() })
  return batch.length * 2
}

const sorted = <T extends { name: string }>(xs: T[]) => [...xs].sort((x, y) => x.name.localeCompare(y.name))

describe('DescribeLogDirs (memory)', () => {
  let b: TestBroker
  let client: TestClient
  let size: number
  beforeAll(async () => {
    b = await startTestBroker()
    client = await TestClient.connect(b.port)
    size = setup(b.broker)
  })
  afterAll(async () => {
    await client.close()
    await b.cleanup()
  })

  it.each([1, 2, 3, 4])('v%i describes every partition for null topics', async (v) => {
    const res = await client.send(DescribeLogDirs, v, { topics: null })
    expect(res.errorCode).toBe(0)
    expect(res.results).toHaveLength(1)
    const dir = res.results[0]!
    expect(dir.errorCode).toBe(0)
    expect(dir.logDir).toBe('/memory')
    expect(sorted(dir.topics)).toEqual([
      { name: 'dld-a', partitions: [{ partitionIndex: 0, partitionSize: 0n, offsetLag: 0n, isFutureKey: false }, { partitionIndex: 1, partitionSize: BigInt(size), offsetLag: 0n, isFutureKey: false }] },
      { name: 'dld-b', partitions: [{ partitionIndex: 0, partitionSize: 0n, offsetLag: 0n, isFutureKey: false }] },
    ])
    if (v >= 4) {
      expect(dir.totalBytes).toBe(-1n)
      expect(dir.usableBytes).toBe(-1n)
    }
  })

  it.each([1, 2, 4])('v%i describes only the named partitions that exist', async (v) => {
    const res = await client.send(DescribeLogDirs, v, {
      topics: [{ topic: 'dld-a', partitions: [1, 5] }, { topic: 'dld-missing', partitions: [0] }, { topic: 'dld-b', partitions: [3] }],
    })
    expect(res.results[0]!.topics).toEqual([
      { name: 'dld-a', partitions: [{ partitionIndex: 1, partitionSize: BigInt(size), offsetLag: 0n, isFutureKey: false }] },
    ])
  })

  it.each([4, 5])('v%i answers an empty topic list with the dir and no topics', async (v) => {
    const res = await client.send(DescribeLogDirs, v, { topics: [] })
    // v5 isCordoned (KIP-1066): dirs are never cordoned here (Kafka's log.dirs.cordoned is unset by default)
    expect(res.results).toEqual([{ errorCode: 0, logDir: '/memory', topics: [], totalBytes: -1n, usableBytes: -1n, isCordoned: false }])
  })
})

describe('DescribeLogDirs (disk)', () => {
  let b: TestBroker
  let client: TestClient
  let size: number
  beforeAll(async () => {
    b = await startTestBroker({ disk: true })
    client = await TestClient.connect(b.port)
    size = setup(b.broker)
  })
  afterAll(async () => {
    await client.close()
    await b.cleanup()
  })

  it.each([1, 2, 3, 4])('v%i reports the absolute data dir', async (v) => {
    const res = await client.send(DescribeLogDirs, v, { topics: [{ topic: 'dld-a', partitions: [0, 1] }] })
    const dir = res.results[0]!
    expect(dir.logDir).toBe(path.resolve(b.dataDir!))
    expect(path.isAbsolute(dir.logDir)).toBe(true)
    expect(dir.topics[0]!.partitions.map((p) => [p.partitionIndex, p.partitionSize])).toEqual([[0, 0n], [1, BigInt(size)]])
    if (v >= 4) {
      expect(dir.totalBytes).toBeGreaterThan(0n)
      expect(dir.usableBytes).toBeGreaterThanOrEqual(0n)
      expect(dir.usableBytes).toBeLessThanOrEqual(dir.totalBytes)
    }
  })
})
