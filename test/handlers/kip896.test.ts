// KIP-896: Kafka 4.0 removed the oldest versions of eight APIs we serve and of Produce. ApiVersions
// reports what a Kafka 4.4.0 broker reports (compared with the ApiVersions v5 answer a real Kafka
// 4.4.0 gave the Java 4.4.0 admin client, test/golden/api-versions/java-4.4.0-v5.json), and a
// request at a removed version closes its connection, as Kafka's SocketServer does (checked
// against Kafka 4.4.0 with a raw socket: Produce v0-2 and ListOffsets v0 were closed, Produce v3
// and ListOffsets v1 answered). Produce keeps minimum 0 in ApiVersions all the same (KAFKA-18659).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiVersions } from '../../protocol/apis/api-versions.js'
import { CreateTopics } from '../../protocol/apis/create-topics.js'
import { DeleteTopics } from '../../protocol/apis/delete-topics.js'
import { DescribeConfigs } from '../../protocol/apis/describe-configs.js'
import { DescribeLogDirs } from '../../protocol/apis/describe-log-dirs.js'
import { ListOffsets } from '../../protocol/apis/list-offsets.js'
import { Metadata } from '../../protocol/apis/metadata.js'
import { OffsetCommit } from '../../protocol/apis/offset-commit.js'
import { OffsetFetch } from '../../protocol/apis/offset-fetch.js'
import { OffsetForLeaderEpoch } from '../../protocol/apis/offset-for-leader-epoch.js'
import { Produce } from '../../protocol/apis/produce.js'
import { readResponseHeader } from '../../protocol/header.js'
import { Reader } from '../../protocol/primitives.js'
import { buildBatch } from '../../protocol/records/index.js'
import type { ApiDefinition, DeepPartial } from '../../protocol/schema.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { goldenFrames } from '../helpers/golden.js'

let broker: TestBroker
let client: TestClient

beforeAll(async () => {
  broker = await startTestBroker()
  broker.broker.createTopic('kip896', 1, 1, {})
  client = await TestClient.connect(broker.port)
})
afterAll(async () => {
  await client?.close()
  await broker?.cleanup()
})

// The ApiVersions table a real Kafka 4.4.0 answered, by API key.
function kafka44Table(): Map<number, [number, number]> {
  const golden = goldenFrames('api-versions').find((g) => g.client === 'java-4.4.0' && g.apiVersion === 5)!
  const r = new Reader(golden.response!)
  readResponseHeader(r, false) // ApiVersions responses always use header v0
  const res = ApiVersions.response(5).read(r)
  expect(res.errorCode).toBe(0)
  return new Map(res.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]))
}

describe('ApiVersions after KIP-896', () => {
  it('reports the same range as Kafka 4.4.0 for every API it serves', async () => {
    const kafka = kafka44Table()
    const ours = (await client.send(ApiVersions, 4, { clientSoftwareName: 'rivulet-test', clientSoftwareVersion: '1.0' })).apiKeys
    expect(ours.length).toBeGreaterThan(60)
    for (const k of ours) expect([k.apiKey, kafka.get(k.apiKey)]).toEqual([k.apiKey, [k.minVersion, k.maxVersion]])
  })

  it('still lists Produce from v0 and the others from their new baselines', async () => {
    const ours = new Map((await client.send(ApiVersions, 0, {})).apiKeys.map((k) => [k.apiKey, k.minVersion]))
    expect(Object.fromEntries([0, 2, 8, 9, 19, 20, 23, 32, 35].map((k) => [k, ours.get(k)]))).toEqual({ 0: 0, 2: 1, 8: 2, 9: 1, 19: 2, 20: 1, 23: 2, 32: 1, 35: 1 })
  })
})

// A well-formed Produce v2 (no transactionalId, a magic 1 message set): what a client pinned to
// Kafka 0.10 sends. The codec no longer writes v0-2, so the body is written here by hand.
function produceV2Frame(correlationId: number): Buffer {
  const value = Buffer.from('old')
  const message = Buffer.alloc(4 + 1 + 1 + 8 + 4 + 4 + value.length)
  let at = 4 // the CRC is not checked before the connection is refused
  message.writeInt8(1, at++) // magic
  message.writeInt8(0, at++) // attributes
  message.writeBigInt64BE(BigInt(Date.now()), at)
  message.writeInt32BE(-1, (at += 8)) // null key
  message.writeInt32BE(value.length, (at += 4))
  value.copy(message, at + 4)
  const entry = Buffer.alloc(12)
  entry.writeInt32BE(message.length, 8)
  const set = Buffer.concat([entry, message])
  const topic = Buffer.from('kip896')
  const body = Buffer.alloc(2 + 4 + 4 + 2 + topic.length + 4 + 4 + 4)
  let p = body.writeInt16BE(1, 0) // acks
  p = body.writeInt32BE(1000, p) // timeoutMs
  p = body.writeInt32BE(1, p) // one topic
  p = body.writeInt16BE(topic.length, p)
  p += topic.copy(body, p)
  p = body.writeInt32BE(1, p) // one partition
  p = body.writeInt32BE(0, p) // index 0
  body.writeInt32BE(set.length, p)
  const header = Buffer.alloc(2 + 2 + 4 + 2)
  header.writeInt16BE(0, 0)
  header.writeInt16BE(2, 2)
  header.writeInt32BE(correlationId, 4)
  header.writeInt16BE(-1, 8) // null client id
  const frame = Buffer.concat([header, body, set])
  const size = Buffer.alloc(4)
  size.writeInt32BE(frame.length)
  return Buffer.concat([size, frame])
}

async function expectClosed(frame: Buffer): Promise<void> {
  const c = await TestClient.connect(broker.port)
  c.writeRaw(frame)
  await c.closed
  // Only that connection: the broker serves the next one.
  expect((await client.send(Metadata, 12, { topics: null })).topics.map((t) => t.name)).toContain('kip896')
}

// A frame of `api` at its lowest served version with the version field set to `removed`: the
// broker refuses on the header, before reading the body (as Kafka's parseRequestHeader does).
function atVersion<Q>(c: TestClient, api: ApiDefinition<Q, unknown>, body: DeepPartial<Q>, removed: number): Buffer {
  const f = c.frame(api, api.valid.min, body)
  f.writeInt16BE(removed, 6)
  return f
}

describe('requests at removed versions', () => {
  it('closes the connection on a well-formed Produce v2, and appends nothing', async () => {
    await expectClosed(produceV2Frame(5))
    const res = await client.send(ListOffsets, 1, { replicaId: -1, topics: [{ name: 'kip896', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] })
    expect(res.topics[0]!.partitions[0]!.offset).toBe(0n)
  })

  it('closes the connection on Produce v0 and v1', async () => {
    for (const v of [0, 1]) {
      const f = produceV2Frame(6)
      f.writeInt16BE(v, 6)
      await expectClosed(f)
    }
  })

  const removed: [string, ApiDefinition<any, unknown>, object, number[]][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
    ['ListOffsets', ListOffsets, { replicaId: -1, topics: [] }, [0]],
    ['OffsetCommit', OffsetCommit, { groupId: 'g', topics: [] }, [0, 1]],
    ['OffsetFetch', OffsetFetch, { groupId: 'g', topics: [] }, [0]],
    ['CreateTopics', CreateTopics, { topics: [] }, [0, 1]],
    ['DeleteTopics', DeleteTopics, { topicNames: [] }, [0]],
    ['OffsetForLeaderEpoch', OffsetForLeaderEpoch, { topics: [] }, [0, 1]],
    ['DescribeConfigs', DescribeConfigs, { resources: [] }, [0]],
    ['DescribeLogDirs', DescribeLogDirs, { topics: [] }, [0]],
  ]
  it.each(removed)('closes the connection on %s below its new baseline, and answers the baseline', async (_name, api, body, versions) => {
    for (const v of versions) await expectClosed(atVersion(client, api, body, v))
    await expect(client.send(api, api.valid.min, body)).resolves.toBeTypeOf('object')
  })

  it('answers Produce v3, the new baseline', async () => {
    const res = await client.send(Produce, 3, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 'kip896', partitionData: [{ index: 0, records: buildBatch({ records: [{ key: null, value: Buffer.from('v3') }] }) }] }] })
    expect(res.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n })
  })
})
