// Broken framing, garbage, an unknown API key, an unsupported version and a corrupt batch: the
// offending connection gets a Kafka error code or is closed; other connections keep working and
// the log stays intact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiVersions } from '../../protocol/apis/api-versions.js'
import { Metadata } from '../../protocol/apis/metadata.js'
import { Produce } from '../../protocol/apis/produce.js'
import { ErrorCode } from '../../protocol/errors.js'
import { buildBatch } from '../../protocol/records/index.js'
import { Reader } from '../../protocol/primitives.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { readPartition } from '../helpers/read.js'

let broker: TestBroker
let healthy: TestClient

beforeAll(async () => {
  broker = await startTestBroker({ disk: true, config: { 'socket.request.max.bytes': 1 << 20 } })
  broker.broker.createTopic('intact', 1, 1, {})
  healthy = await TestClient.connect(broker.port)
})
afterAll(async () => {
  await healthy?.close()
  await broker?.cleanup()
})

const batchOf = (n: number, from: number) => buildBatch({ records: Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${from + i}`), value: Buffer.from(`v${from + i}`) })) })

async function produce(client: TestClient, records: Buffer, version = 9) {
  const res = await client.send(Produce, version, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'intact', partitionData: [{ index: 0, records }] }] })
  return res.responses[0]!.partitionResponses[0]!
}

async function expectClosed(write: (c: TestClient) => void): Promise<void> {
  const c = await TestClient.connect(broker.port)
  write(c)
  await c.closed
  const meta = await healthy.send(Metadata, 12, { topics: null })
  expect(meta.topics.map((t) => t.name)).toContain('intact')
}

describe('bad input', () => {
  it('writes a good batch first', async () => {
    expect((await produce(healthy, batchOf(3, 0))).errorCode).toBe(0)
  })

  it('closes a connection whose frame is larger than socket.request.max.bytes, before buffering it', async () => {
    const head = Buffer.alloc(4)
    head.writeInt32BE(64 * 1024 * 1024)
    await expectClosed((c) => c.writeRaw(head))
  })

  it('closes a connection that sends garbage', async () => {
    await expectClosed((c) => c.writeRaw(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')))
  })

  it('closes a connection that sends a negative or tiny frame size', async () => {
    await expectClosed((c) => c.writeRaw(Buffer.from([0xff, 0xff, 0xff, 0xf0])))
    await expectClosed((c) => c.writeRaw(Buffer.from([0, 0, 0, 2, 0, 1])))
  })

  it('closes a connection on an unknown API key', async () => {
    await expectClosed((c) => {
      const f = c.frame(ApiVersions, 0, {})
      f.writeInt16BE(9999, 4)
      c.writeRaw(f)
    })
  })

  it('closes a connection on an unsupported version of a non-ApiVersions API', async () => {
    await expectClosed((c) => {
      const f = c.frame(Metadata, 0, { topics: [] })
      f.writeInt16BE(99, 6)
      c.writeRaw(f)
    })
  })

  it('closes a connection whose request body is truncated inside its frame', async () => {
    await expectClosed((c) => {
      const f = c.frame(Metadata, 1, { topics: [{ name: 'intact' }] })
      const cut = f.subarray(0, f.length - 3)
      cut.writeInt32BE(cut.length - 4, 0)
      c.writeRaw(cut)
    })
  })

  it('answers a too-new ApiVersions with a v0 UNSUPPORTED_VERSION body and its own range', async () => {
    const c = await TestClient.connect(broker.port)
    const f = c.frame(ApiVersions, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' }, 77)
    f.writeInt16BE(127, 6)
    const pending = c.rawResponse(77)
    c.writeRaw(f)
    const r = new Reader(await pending)
    expect(r.int32()).toBe(77)
    const body = ApiVersions.response(0).read(r)
    expect(body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION)
    expect(body.apiKeys).toEqual([{ apiKey: 18, minVersion: 0, maxVersion: 5 }])
    // The connection stays usable, as for a Java client that retries with v4.
    expect((await c.send(ApiVersions, 4, { clientSoftwareName: 'x', clientSoftwareVersion: '1' })).errorCode).toBe(0)
    await c.close()
  })

  it('rejects a batch with a bad CRC with CORRUPT_MESSAGE and writes nothing', async () => {
    const bad = batchOf(2, 3)
    bad[bad.length - 1] ^= 0x55
    const r = await produce(healthy, bad)
    expect(r.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE)
  })

  it('rejects a truncated batch and trailing garbage', async () => {
    const b = batchOf(2, 3)
    expect((await produce(healthy, b.subarray(0, b.length - 5))).errorCode).not.toBe(0)
    expect((await produce(healthy, Buffer.concat([b, Buffer.from([1, 2, 3])]))).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE)
  })

  it('keeps the log intact: only the good batches are there, offsets continue', async () => {
    expect((await produce(healthy, batchOf(2, 3))).baseOffset).toBe(3n)
    const records = await readPartition(healthy, 'intact', 0)
    expect(records.map((r) => r.key!.toString())).toEqual(['k0', 'k1', 'k2', 'k3', 'k4'])
  })
})
