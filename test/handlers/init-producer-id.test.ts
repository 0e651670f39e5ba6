// InitProducerId 0–5 over TCP: fresh ids for idempotent producers, stable ids with bumped epochs
// for transactional ids (KIP-360 checks, fencing, epoch exhaustion), timeout validation; and the
// idempotent produce path it feeds: a kafkajs idempotent producer, a re-sent Produce answered with
// its original offset, stale epochs and sequence gaps refused, state kept across a restart.
import fs from 'node:fs'
import kafkajs from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InitProducerId } from '../../protocol/apis/init-producer-id.js'
import { Produce } from '../../protocol/apis/produce.js'
import { ErrorCode } from '../../protocol/errors.js'
import { readResponseHeader, responseHeaderFlexible } from '../../protocol/header.js'
import { Reader } from '../../protocol/primitives.js'
import { buildBatch, readHeader } from '../../protocol/records/index.js'
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

const { Kafka, logLevel } = kafkajs

let tb: TestBroker
let client: TestClient

beforeAll(async () => {
  tb = await startTestBroker()
  tb.broker.createTopic('idem', 1, 1, {})
  client = await TestClient.connect(tb.port)
})
afterAll(async () => {
  await client?.close()
  await tb?.cleanup()
})

function init(c: TestClient, version: number, body: { transactionalId?: string | null; transactionTimeoutMs?: number; producerId?: bigint; producerEpoch?: number }) {
  return c.send(InitProducerId, version, { transactionalId: null, transactionTimeoutMs: 60000, ...body })
}

const batch = (producerId: number, producerEpoch: number, baseSequence: number, n = 1) =>
  buildBatch({ producerId, producerEpoch, baseSequence, records: Array.from({ length: n }, (_, i) => ({ key: null, value: `s${baseSequence + i}` })) })

function produceFrame(c: TestClient, records: Buffer, correlationId: number, topic = 'idem') {
  return c.frame(Produce, 7, { acks: -1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] }, correlationId)
}

// Sends these exact bytes and decodes the answer (a retry re-sends the same frame).
async function sendFrame(c: TestClient, frame: Buffer, correlationId: number) {
  const pending = c.rawResponse(correlationId)
  c.writeRaw(frame)
  const r = new Reader(await pending)
  readResponseHeader(r, responseHeaderFlexible(Produce.key, Produce.isFlexible(7)))
  return Produce.response(7).read(r).responses[0]!.partitionResponses[0]!
}

let nextCorrelation = 1_000_000
const produce = (c: TestClient, records: Buffer, topic = 'idem') => {
  const id = nextCorrelation++
  return sendFrame(c, produceFrame(c, records, id, topic), id)
}

describe('InitProducerId', () => {
  for (let v = 0; v <= 5; v++) {
    it(`v${v} gives an idempotent producer a fresh id at epoch 0`, async () => {
      const a = await init(client, v, {})
      const b = await init(client, v, {})
      expect(a).toMatchObject({ errorCode: 0, producerEpoch: 0 })
      expect(b.producerId).toBeGreaterThan(a.producerId)
    })

    it(`v${v} keeps a transactional id's producer id and bumps its epoch`, async () => {
      const first = await init(client, v, { transactionalId: `txn-v${v}` })
      const second = await init(client, v, { transactionalId: `txn-v${v}` })
      expect(first).toMatchObject({ errorCode: 0, producerEpoch: 0 })
      expect(second).toMatchObject({ errorCode: 0, producerId: first.producerId, producerEpoch: 1 })
      expect(tb.broker.txns.txns.get(`txn-v${v}`)).toMatchObject({ producerId: Number(first.producerId), epoch: 1, state: 'Empty' })
    })
  }

  it('gives an idempotent producer passing its id and epoch (v3+) a fresh id, as Kafka does', async () => {
    const a = await init(client, 4, {})
    const b = await init(client, 4, { producerId: a.producerId, producerEpoch: 0 })
    expect(b.errorCode).toBe(0)
    expect(b.producerId).not.toBe(a.producerId)
    expect(b.producerEpoch).toBe(0)
  })

  it('refuses a producer id without an epoch (or the reverse) with INVALID_REQUEST', async () => {
    expect(await init(client, 3, { producerId: 5n, producerEpoch: -1 })).toEqual({ throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, producerId: -1n, producerEpoch: -1 })
    expect((await init(client, 5, { transactionalId: 't', producerId: -1n, producerEpoch: 2 })).errorCode).toBe(ErrorCode.INVALID_REQUEST)
  })

  it('checks a transactional caller\'s id and epoch (KIP-360): bump, retried bump, fenced', async () => {
    const t = 'txn-kip360'
    const a = await init(client, 5, { transactionalId: t })
    const b = await init(client, 5, { transactionalId: t, producerId: a.producerId, producerEpoch: 0 })
    expect(b).toMatchObject({ errorCode: 0, producerId: a.producerId, producerEpoch: 1 })
    const retry = await init(client, 5, { transactionalId: t, producerId: a.producerId, producerEpoch: 0 })
    expect(retry).toMatchObject({ errorCode: 0, producerId: a.producerId, producerEpoch: 1 })
    const other = await init(client, 5, { transactionalId: t }) // a new producer instance fences the old one
    expect(other.producerEpoch).toBe(2)
    expect(await init(client, 5, { transactionalId: t, producerId: a.producerId, producerEpoch: 1 })).toMatchObject({ errorCode: ErrorCode.PRODUCER_FENCED, producerId: -1n, producerEpoch: -1 })
    expect((await init(client, 3, { transactionalId: t, producerId: a.producerId, producerEpoch: 1 })).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect((await init(client, 4, { transactionalId: t, producerId: 999999n, producerEpoch: 2 })).errorCode).toBe(ErrorCode.PRODUCER_FENCED)
  })

  it('rotates to a new producer id when the epoch is exhausted, and recognises the retry', async () => {
    const t = 'txn-exhausted'
    const a = await init(client, 5, { transactionalId: t })
    tb.broker.txns.txns.get(t)!.epoch = 32765
    const b = await init(client, 5, { transactionalId: t })
    expect(b).toMatchObject({ errorCode: 0, producerId: a.producerId, producerEpoch: 32766 })
    const c = await init(client, 5, { transactionalId: t, producerId: a.producerId, producerEpoch: 32766 })
    expect(c.errorCode).toBe(0)
    expect(c.producerId).toBeGreaterThan(a.producerId)
    expect(c.producerEpoch).toBe(0)
    const retry = await init(client, 5, { transactionalId: t, producerId: a.producerId, producerEpoch: 32766 })
    expect(retry).toMatchObject({ errorCode: 0, producerId: c.producerId, producerEpoch: 0 })
  })

  it('validates the transaction timeout and the transactional id', async () => {
    expect((await init(client, 2, { transactionalId: 't', transactionTimeoutMs: 900001 })).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT)
    expect((await init(client, 2, { transactionalId: 't', transactionTimeoutMs: 0 })).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT)
    expect((await init(client, 2, { transactionalId: 't', transactionTimeoutMs: 900000 })).errorCode).toBe(0)
    expect((await init(client, 2, { transactionalId: '' })).errorCode).toBe(ErrorCode.INVALID_REQUEST)
    expect((await init(client, 2, { transactionTimeoutMs: -1 })).errorCode).toBe(0) // idempotent: not checked
  })
})

describe('idempotent produce', () => {
  it('serves a kafkajs idempotent producer', async () => {
    tb.broker.createTopic('idem-kafkajs', 1, 1, {})
    const kafka = new Kafka({ brokers: [tb.bootstrap], logLevel: logLevel.NOTHING })
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    try {
      for (let i = 0; i < 3; i++) {
        const [r] = await producer.send({ topic: 'idem-kafkajs', acks: -1, messages: [{ value: `m${i}a` }, { value: `m${i}b` }] })
        expect(r).toMatchObject({ errorCode: 0, baseOffset: String(i * 2) })
      }
    } finally {
      await producer.disconnect()
    }
    const log = tb.broker.localPartition('idem-kafkajs', 0)!
    expect(log.logEndOffset).toBe(6)
    const last = readHeader(log.read(4, 1 << 20, { minOneBatch: true }).records!, 0)
    expect(last.producerId).toBeGreaterThanOrEqual(0)
    expect([last.producerEpoch, last.baseSequence]).toEqual([0, 4])
  })

  it('answers a re-sent batch with its original offset and does not write it twice', async () => {
    const { producerId } = await init(client, 4, {})
    const pid = Number(producerId)
    expect((await produce(client, batch(pid, 0, 0, 2))).baseOffset).toBe(0n)
    const frame = produceFrame(client, batch(pid, 0, 2, 3), 77)
    const first = await sendFrame(client, frame, 77)
    const again = await sendFrame(client, frame, 77)
    expect(first).toMatchObject({ errorCode: 0, baseOffset: 2n })
    expect(again).toMatchObject({ errorCode: 0, baseOffset: 2n })
    expect(tb.broker.partition('idem', 0)!.logEndOffset).toBe(5)
    expect(await produce(client, batch(pid, 0, 5))).toMatchObject({ errorCode: 0, baseOffset: 5n })
  })

  it('refuses an older epoch with INVALID_PRODUCER_EPOCH and a sequence gap with OUT_OF_ORDER_SEQUENCE_NUMBER', async () => {
    const pid = Number((await init(client, 4, {})).producerId)
    expect((await produce(client, batch(pid, 1, 0))).errorCode).toBe(0)
    expect((await produce(client, batch(pid, 0, 1))).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect((await produce(client, batch(pid, 1, 5))).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
    expect((await produce(client, batch(pid, 1, 1))).errorCode).toBe(0)
    expect((await produce(client, batch(pid, 2, 3))).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER) // a new epoch starts at 0
    expect((await produce(client, batch(pid, 2, 0))).errorCode).toBe(0)
  })

  it('keeps producer state, producer ids and transactional ids across a restart', async () => {
    const dataDir = tempDir()
    try {
      const first = await startTestBroker({ disk: true, dataDir })
      first.broker.createTopic('durable', 1, 1, {})
      const c1 = await TestClient.connect(first.port)
      const { producerId } = await init(c1, 4, {})
      const txn = await init(c1, 4, { transactionalId: 'durable-txn' })
      const pid = Number(producerId)
      const frame = produceFrame(c1, batch(pid, 0, 0, 3), 5, 'durable')
      expect(await sendFrame(c1, frame, 5)).toMatchObject({ errorCode: 0, baseOffset: 0n })
      await c1.close()
      await first.stop()

      const second = await startTestBroker({ disk: true, dataDir })
      const c2 = await TestClient.connect(second.port)
      try {
        expect(await sendFrame(c2, frame, 5)).toMatchObject({ errorCode: 0, baseOffset: 0n })
        expect(second.broker.partition('durable', 0)!.logEndOffset).toBe(3)
        expect((await produce(c2, batch(pid, 0, 7), 'durable')).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
        expect(await produce(c2, batch(pid, 0, 3), 'durable')).toMatchObject({ errorCode: 0, baseOffset: 3n })
        expect((await init(c2, 4, {})).producerId).toBeGreaterThan(txn.producerId)
        expect(await init(c2, 4, { transactionalId: 'durable-txn' })).toMatchObject({ errorCode: 0, producerId: txn.producerId, producerEpoch: 1 })
      } finally {
        await c2.close()
        await second.stop()
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
