// Produce through LogValidator's record checks, as Kafka answers them: keyless records on a
// compacted topic (INVALID_RECORD with one RecordError per keyless record, nothing written) and
// CreateTime timestamps outside message.timestamp.{before,after}.max.ms (INVALID_TIMESTAMP).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Produce } from '../../protocol/apis/produce.js'
import { Compression } from '../../protocol/compression.js'
import { ErrorCode } from '../../protocol/errors.js'
import { buildBatch, type BuildRecord } from '../../protocol/records/index.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

let broker: TestBroker
let client: TestClient

beforeAll(async () => {
  broker = await startTestBroker()
  client = await TestClient.connect(broker.port)
  broker.broker.createTopic('compacted', 1, 1, { 'cleanup.policy': 'compact' })
  broker.broker.createTopic('compact-delete', 1, 1, { 'cleanup.policy': 'compact,delete' })
  broker.broker.createTopic('plain', 1, 1, { 'message.timestamp.after.max.ms': '60000', 'message.timestamp.before.max.ms': '60000' })
})
afterAll(async () => {
  await client?.close()
  await broker?.cleanup()
})

async function produce(topic: string, records: BuildRecord[], version = 9, compression: number = Compression.none) {
  const res = await client.send(Produce, version, {
    transactionalId: null, acks: -1, timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records: buildBatch({ records, compression }) }] }],
  })
  return res.responses[0]!.partitionResponses[0]!
}

describe('keys on compacted topics (LogValidator.validateKey)', () => {
  const rejected = (topic: string, i: number) => ({ batchIndex: i, batchIndexErrorMessage: `Compacted topic cannot accept message without key in topic partition ${topic}-0.` })

  it.each([Compression.none, Compression.gzip, Compression.zstd])('rejects a batch with keyless records, naming each (codec %i)', async (codec) => {
    const p = await produce('compacted', [{ key: null, value: 'a' }, { key: 'k', value: 'b' }, { key: null, value: 'c' }], 9, codec)
    expect(p.errorCode).toBe(ErrorCode.INVALID_RECORD)
    expect(p.recordErrors).toEqual([rejected('compacted', 0), rejected('compacted', 2)])
    expect(p.errorMessage).toBe(
      `One or more records have been rejected due to 2 record errors in total, and only showing the first three errors at most: [RecordError(batchIndex=0, message='${rejected('compacted', 0).batchIndexErrorMessage}'), RecordError(batchIndex=2, message='${rejected('compacted', 2).batchIndexErrorMessage}')]`,
    )
    expect(broker.broker.partition('compacted', 0)!.logEndOffset).toBe(0)
  })

  it('applies to compact,delete topics too, and accepts keyed records and tombstones', async () => {
    expect((await produce('compact-delete', [{ key: null, value: 'a' }])).errorCode).toBe(ErrorCode.INVALID_RECORD)
    const ok = await produce('compacted', [{ key: 'k1', value: 'v' }, { key: 'k2', value: null }])
    expect([ok.errorCode, ok.baseOffset]).toEqual([0, 0n])
    expect((await produce('plain', [{ key: null, value: 'a' }])).errorCode).toBe(0)
  })

  it('old versions (no error message field) still get INVALID_RECORD', async () => {
    expect((await produce('compacted', [{ key: null, value: 'a' }], 3)).errorCode).toBe(ErrorCode.INVALID_RECORD)
  })
})

describe('timestamps (message.timestamp.before/after.max.ms)', () => {
  it('rejects a CreateTime batch too far ahead of or behind the broker clock, and writes nothing', async () => {
    const end = broker.broker.partition('plain', 0)!.logEndOffset
    const ahead = await produce('plain', [{ key: 'k', value: 'v', timestamp: Date.now() + 3_600_000 }])
    expect(ahead.errorCode).toBe(ErrorCode.INVALID_TIMESTAMP)
    expect(ahead.errorMessage).toBe('One or more records have been rejected due to invalid timestamp')
    expect(ahead.recordErrors[0]!.batchIndexErrorMessage).toMatch(/^Timestamp \d+ of message is out of range\. The timestamp should be within \[\d+, \d+\]$/)
    expect((await produce('plain', [{ key: 'k', value: 'v', timestamp: Date.now() - 3_600_000 }])).errorCode).toBe(ErrorCode.INVALID_TIMESTAMP)
    expect(broker.broker.partition('plain', 0)!.logEndOffset).toBe(end)
    expect((await produce('plain', [{ key: 'k', value: 'v' }])).errorCode).toBe(0)
  })
})
