// The share fetch's log read is sized by the records it may hand out, not by the request's
// maxBytes: the file log copies what it reads, and the Java share consumer asks for 50 MiB
// (fetch.max.bytes) per fetch while taking 500 records (max.poll.records), which read up to a whole
// partition per ShareFetch (bench/RESULTS.md, "Share-group throughput").
import { afterEach, describe, expect, it, vi } from 'vitest'
import { buildBatch } from '../../../protocol/records/index.js'
import { ManualClock } from '../../../src/clock.js'
import { startTestBroker, type TestBroker } from '../../helpers/broker.js'

let clock: ManualClock
let b: TestBroker
let topicId: string
afterEach(async () => {
  vi.restoreAllMocks()
  await b.cleanup()
})

async function start() {
  clock = new ManualClock()
  b = await startTestBroker({ clock })
  topicId = b.broker.createTopic('jobs', 1, 1, {}).id
  b.broker.cluster.groupConfigs.set('q', { 'share.auto.offset.reset': 'earliest' })
  b.broker.shareGroups.coordinator.heartbeat({ groupId: 'q', memberId: 'a', memberEpoch: 0, rackId: null, subscribedTopicNames: ['jobs'], clientId: 'c', clientHost: '/127.0.0.1' })
}
function produce(batches: number, perBatch: number, valueBytes: number) {
  for (let i = 0; i < batches; i++) {
    const records = Array.from({ length: perBatch }, () => ({ key: null, value: 'x'.repeat(valueBytes), timestamp: clock.now() }))
    b.broker.partition('jobs', 0)!.append(buildBatch({ records, producerId: -1, producerEpoch: -1, baseSequence: -1, transactional: false }), { nowMs: clock.now() })
  }
}
// The maxBytes of every read the share-partition makes of the log.
function spyReads(): number[] {
  const log = b.broker.partition('jobs', 0)!
  const read = log.read.bind(log)
  const asked: number[] = []
  vi.spyOn(log, 'read').mockImplementation((offset, maxBytes, o) => {
    asked.push(maxBytes)
    return read(offset, maxBytes, o)
  })
  return asked
}
const acquiredCount = (r: { acquired: { firstOffset: number; lastOffset: number }[] }) => r.acquired.reduce((n, a) => n + a.lastOffset - a.firstOffset + 1, 0)

describe('share fetch read size', () => {
  it('reads about maxRecords records of a 2 MB partition, not the 50 MiB the request allows', async () => {
    await start()
    produce(100, 20, 1000) // 2,000 records of ~1 KB
    const asked = spyReads()
    const first = (await b.broker.shareGroups.partitions.read('q', 'a', topicId, 0, 50 << 20, 100, true, undefined))!
    expect(acquiredCount(first)).toBe(100)
    expect(first.acquired[0]!.firstOffset).toBe(0)
    const next = (await b.broker.shareGroups.partitions.read('q', 'a', topicId, 0, 50 << 20, 100, true, undefined))!
    expect(next.acquired[0]!.firstOffset).toBe(100)
    expect(acquiredCount(next)).toBe(100)
    expect(asked.length).toBe(2)
    // 100 records of ~1 KB with room to spare, far below the partition's 2 MB.
    for (const n of asked) expect(n).toBeLessThan(256 * 1024)
  })

  it('still hands out a batch larger than the estimate when it is not the first partition read', async () => {
    await start()
    produce(1, 200, 1000) // one ~200 KB batch
    const asked = spyReads()
    const r = (await b.broker.shareGroups.partitions.read('q', 'a', topicId, 0, 1 << 20, 10, false, undefined))!
    expect(acquiredCount(r)).toBe(10)
    expect(asked).toEqual([64 * 1024, 1 << 20])
  })
})
