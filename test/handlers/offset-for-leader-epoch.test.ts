// OffsetForLeaderEpoch 0–4 over TCP: epoch 0 ends at the log end offset, larger epochs (and -1)
// are undefined, unknown partitions and leader-epoch fencing (v2+) answer per partition.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OffsetForLeaderEpoch } from '../../protocol/apis/offset-for-leader-epoch.js'
import { Produce } from '../../protocol/apis/produce.js'
import { ErrorCode } from '../../protocol/errors.js'
import { buildBatch } from '../../protocol/records/index.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

let tb: TestBroker
let client: TestClient

beforeAll(async () => {
  tb = await startTestBroker()
  tb.broker.createTopic('ole', 2, 1, {})
  client = await TestClient.connect(tb.port)
  const records = buildBatch({ records: [{ key: null, value: 'a' }, { key: null, value: 'b' }, { key: null, value: 'c' }] })
  await client.send(Produce, 8, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'ole', partitionData: [{ index: 0, records }] }] })
})
afterAll(async () => {
  await client?.close()
  await tb?.cleanup()
})

async function query(version: number, partitions: { partition: number; leaderEpoch: number; currentLeaderEpoch?: number }[], topic = 'ole') {
  const res = await client.send(OffsetForLeaderEpoch, version, { replicaId: -1, topics: [{ topic, partitions }] })
  expect(res.topics.map((t) => t.topic)).toEqual([topic])
  return res.topics[0]!.partitions
}

describe('OffsetForLeaderEpoch', () => {
  for (let v = 2; v <= 4; v++) {
    it(`v${v} ends epoch 0 at the log end offset and leaves later epochs undefined`, async () => {
      const current = 0
      const parts = await query(v, [
        { partition: 0, leaderEpoch: 0, currentLeaderEpoch: current },
        { partition: 1, leaderEpoch: 0, currentLeaderEpoch: current },
        { partition: 0, leaderEpoch: 3, currentLeaderEpoch: current },
        { partition: 0, leaderEpoch: -1, currentLeaderEpoch: current },
      ])
      expect(parts).toEqual([
        { errorCode: 0, partition: 0, leaderEpoch: 0, endOffset: 3n },
        { errorCode: 0, partition: 1, leaderEpoch: 0, endOffset: 0n },
        { errorCode: 0, partition: 0, leaderEpoch: -1, endOffset: -1n },
        { errorCode: 0, partition: 0, leaderEpoch: -1, endOffset: -1n },
      ])
    })
  }

  it('answers UNKNOWN_TOPIC_OR_PARTITION for an unknown topic or partition', async () => {
    expect(await query(4, [{ partition: 0, leaderEpoch: 0 }], 'nope')).toEqual([{ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, partition: 0, leaderEpoch: -1, endOffset: -1n }])
    expect((await query(3, [{ partition: 5, leaderEpoch: 0 }]))[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  })

  it('fences on currentLeaderEpoch (v2+): newer is unknown, older is fenced, -1 skips the check', async () => {
    const parts = await query(2, [
      { partition: 0, leaderEpoch: 0, currentLeaderEpoch: 1 },
      { partition: 0, leaderEpoch: 0, currentLeaderEpoch: -3 },
      { partition: 0, leaderEpoch: 0, currentLeaderEpoch: -1 },
    ])
    expect(parts.map((p) => [p.errorCode, p.endOffset])).toEqual([
      [ErrorCode.UNKNOWN_LEADER_EPOCH, -1n],
      [ErrorCode.FENCED_LEADER_EPOCH, -1n],
      [0, 3n],
    ])
  })

  it('answers an epoch below every known one with the start of epoch 0 (the log start)', async () => {
    tb.broker.partition('ole', 0)!.deleteRecordsBefore(1)
    expect(await query(4, [{ partition: 0, leaderEpoch: -2 }])).toEqual([{ errorCode: 0, partition: 0, leaderEpoch: -2, endOffset: 1n }])
  })
})
