import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CreateTopics, type CreateTopicsRequest } from '../../protocol/apis/create-topics.js'
import { ErrorCode } from '../../protocol/errors.js'
import { ZERO_UUID } from '../../protocol/primitives.js'
import type { DeepPartial } from '../../protocol/schema.js'
import { ConfigSource } from '../../src/cluster/config-defs.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

// What Kafka 4.4 answers to bad topic config values (scripts/kafka-topic-config-errors.mjs). Rivulet
// deliberately accepts segment.bytes from 14 (Kafka: 1048576) so tests can roll segments.
const kafkaTopicConfigErrors = (JSON.parse(fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/kafka-topic-config-errors.json'), 'utf8')) as {
  cases: { name: string; value: string; error: string | null }[]
}).cases.map((c) => [c.name, c.value, c.name === 'segment.bytes' && Number(c.value) >= 14 ? null : c.error] as const)

type TopicIn = DeepPartial<CreateTopicsRequest['topics'][number]>

let b: TestBroker
let client: TestClient

beforeAll(async () => {
  b = await startTestBroker({ config: { 'num.partitions': 2, 'log.retention.ms': 3600000 } })
  client = await TestClient.connect(b.port)
})
afterAll(async () => {
  await client.close()
  await b.cleanup()
})

const topic = (name: string, o: TopicIn = {}): TopicIn => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [], ...o })

async function createOne(version: number, t: TopicIn, validateOnly = false) {
  const res = await client.send(CreateTopics, version, { topics: [t], timeoutMs: 5000, validateOnly })
  expect(res.topics).toHaveLength(1)
  return res.topics[0]!
}

describe('CreateTopics', () => {
  it.each([2, 3, 4, 5, 6, 7])('v%i creates a topic', async (v) => {
    const name = `ct-v${v}`
    const r = await createOne(v, topic(name, { numPartitions: 3 }))
    expect(r.name).toBe(name)
    expect(r.errorCode).toBe(0)
    const t = b.broker.cluster.topic(name)!
    expect(t.partitions).toBe(3)
    expect(b.broker.partition(name, 2)).toBeDefined()
    expect(r.errorMessage).toBeNull()
    if (v >= 5) {
      expect(r.numPartitions).toBe(3)
      expect(r.replicationFactor).toBe(1)
      expect(r.topicConfigErrorCode).toBe(0)
      const names = r.configs!.map((c) => c.name)
      expect(names).toEqual([...names].sort())
      expect(names).toContain('cleanup.policy')
    } else {
      expect(r.numPartitions).toBe(-1)
    }
    expect(r.topicId).toBe(v >= 7 ? t.id : ZERO_UUID)
  })

  it.each([2, 3, 4, 5, 6, 7])('v%i answers TOPIC_ALREADY_EXISTS', async (v) => {
    const r = await createOne(v, topic('ct-v2'))
    expect(r.errorCode).toBe(ErrorCode.TOPIC_ALREADY_EXISTS)
    expect(r.errorMessage).toBe("Topic 'ct-v2' already exists.")
    if (v >= 5) expect(r.configs).toEqual([])
  })

  it('takes num.partitions and the default replication factor for -1', async () => {
    const r = await createOne(5, topic('ct-defaults', { numPartitions: -1, replicationFactor: -1 }))
    expect(r.errorCode).toBe(0)
    expect(r.numPartitions).toBe(2)
    expect(r.replicationFactor).toBe(1)
    expect(b.broker.cluster.topic('ct-defaults')!.partitions).toBe(2)
  })

  it('reports configs with their sources (v5+)', async () => {
    const r = await createOne(7, topic('ct-configs', { configs: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: '1048576' }] }))
    expect(r.errorCode).toBe(0)
    const byName = new Map(r.configs!.map((c) => [c.name, c]))
    expect(byName.get('segment.bytes')).toEqual({ name: 'segment.bytes', value: '1048576', readOnly: false, configSource: ConfigSource.TOPIC_CONFIG, isSensitive: false })
    expect(byName.get('cleanup.policy')!.value).toBe('compact')
    expect(byName.get('retention.ms')).toMatchObject({ value: '3600000', configSource: ConfigSource.STATIC_BROKER_CONFIG })
    expect(byName.get('max.message.bytes')).toMatchObject({ value: '1048588', configSource: ConfigSource.DEFAULT_CONFIG })
    expect(b.broker.cluster.topic('ct-configs')!.configs).toEqual({ 'cleanup.policy': 'compact', 'segment.bytes': '1048576' })
  })

  it.each([2, 4, 5, 7])('v%i validateOnly checks without creating', async (v) => {
    const name = `ct-validate-${v}`
    const r = await createOne(v, topic(name, { numPartitions: 4, configs: [{ name: 'retention.ms', value: '1000' }] }), true)
    expect(r.errorCode).toBe(0)
    expect(b.broker.cluster.topic(name)).toBeUndefined()
    if (v >= 5) {
      expect(r.numPartitions).toBe(4)
      expect(r.configs!.find((c) => c.name === 'retention.ms')).toMatchObject({ value: '1000', configSource: ConfigSource.TOPIC_CONFIG })
    }
    if (v >= 7) expect(r.topicId).not.toBe(ZERO_UUID)
    const bad = await createOne(v, topic(name, { numPartitions: 0 }), true)
    expect(bad.errorCode).toBe(ErrorCode.INVALID_PARTITIONS)
    const exists = await createOne(v, topic('ct-v2'), true)
    expect(exists.errorCode).toBe(ErrorCode.TOPIC_ALREADY_EXISTS)
  })

  it('rejects invalid configs with INVALID_CONFIG', async () => {
    const unknown = await createOne(5, topic('ct-cfg-a', { configs: [{ name: 'no.such.config', value: '1' }] }))
    expect(unknown).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: 'Unknown topic config name: no.such.config' })
    const badValue = await createOne(5, topic('ct-cfg-b', { configs: [{ name: 'retention.ms', value: 'soon' }] }))
    expect(badValue.errorCode).toBe(ErrorCode.INVALID_CONFIG)
    expect(badValue.errorMessage).toContain('retention.ms')
    const nullValue = await createOne(2, topic('ct-cfg-c', { configs: [{ name: 'retention.ms', value: null }] }))
    expect(nullValue).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: 'Null value not supported for topic configs: retention.ms' })
    for (const n of ['ct-cfg-a', 'ct-cfg-b', 'ct-cfg-c']) expect(b.broker.cluster.topic(n)).toBeUndefined()
  })

  it('rejects illegal and colliding names with INVALID_TOPIC_EXCEPTION', async () => {
    for (const name of ['', '.', '..', 'bad name!', 'x'.repeat(250)]) {
      const r = await createOne(2, topic(name))
      expect(r.errorCode, name).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION)
      expect(r.errorMessage).toBeTruthy()
    }
    expect((await createOne(2, topic('ct.dot'))).errorCode).toBe(0)
    expect(await createOne(2, topic('ct_dot'))).toMatchObject({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: "Topic 'ct_dot' collides with existing topic: ct.dot" })
  })

  it('rejects bad partition counts and replication factors', async () => {
    expect((await createOne(4, topic('ct-p0', { numPartitions: 0 }))).errorCode).toBe(ErrorCode.INVALID_PARTITIONS)
    expect((await createOne(4, topic('ct-p-2', { numPartitions: -2 }))).errorCode).toBe(ErrorCode.INVALID_PARTITIONS)
    expect((await createOne(4, topic('ct-rf0', { replicationFactor: 0 }))).errorCode).toBe(ErrorCode.INVALID_REPLICATION_FACTOR)
    const rf3 = await createOne(4, topic('ct-rf3', { replicationFactor: 3 }))
    expect(rf3.errorCode).toBe(ErrorCode.INVALID_REPLICATION_FACTOR)
    expect(rf3.errorMessage).toContain('only 1 broker(s) are registered')
  })

  it('creates from an explicit assignment naming this broker only', async () => {
    const node = b.broker.nodeId
    const assignments = [{ partitionIndex: 1, brokerIds: [node] }, { partitionIndex: 0, brokerIds: [node] }]
    const ok = await createOne(5, topic('ct-assign', { numPartitions: -1, replicationFactor: -1, assignments }))
    expect(ok).toMatchObject({ errorCode: 0, numPartitions: 2, replicationFactor: 1 })
    expect(b.broker.cluster.topic('ct-assign')!.partitions).toBe(2)

    const bad = async (o: TopicIn) => createOne(5, topic('ct-assign-bad', { numPartitions: -1, replicationFactor: -1, ...o }))
    expect(await bad({ assignments: [{ partitionIndex: 0, brokerIds: [node + 1] }] })).toMatchObject({
      errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      errorMessage: `The manual partition assignment includes broker ${node + 1}, but no such broker is registered.`,
    })
    expect((await bad({ assignments: [{ partitionIndex: 0, brokerIds: [node, node] }] })).errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT)
    expect((await bad({ assignments: [{ partitionIndex: 0, brokerIds: [] }] })).errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT)
    expect((await bad({ assignments: [{ partitionIndex: 1, brokerIds: [node] }] })).errorMessage).toBe('partitions should be a consecutive 0-based integer sequence')
    expect((await bad({ assignments: [{ partitionIndex: 0, brokerIds: [node] }, { partitionIndex: 0, brokerIds: [node] }] })).errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT)
    expect((await bad({ numPartitions: 1, assignments: [{ partitionIndex: 0, brokerIds: [node] }] })).errorCode).toBe(ErrorCode.INVALID_REQUEST)
    expect((await bad({ replicationFactor: 1, assignments: [{ partitionIndex: 0, brokerIds: [node] }] })).errorCode).toBe(ErrorCode.INVALID_REQUEST)
    expect(b.broker.cluster.topic('ct-assign-bad')).toBeUndefined()
  })

  it('answers duplicate names with INVALID_REQUEST once, after the other results', async () => {
    const res = await client.send(CreateTopics, 7, { topics: [topic('ct-dup'), topic('ct-nodup'), topic('ct-dup', { numPartitions: 5 })] })
    expect(res.topics.map((t) => [t.name, t.errorCode, t.errorMessage])).toEqual([
      ['ct-nodup', 0, null],
      ['ct-dup', ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'],
    ])
    expect(b.broker.cluster.topic('ct-dup')).toBeUndefined()
    expect(b.broker.cluster.topic('ct-nodup')).toBeDefined()
  })

  it('refuses to create __cluster_metadata', async () => {
    const r = await createOne(5, topic('__cluster_metadata'))
    expect(r).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Creation of internal topic __cluster_metadata is prohibited.' })
  })

  it('fails an excessively large request as a whole with POLICY_VIOLATION', async () => {
    const res = await client.send(CreateTopics, 5, { topics: [topic('ct-huge-a', { numPartitions: 6000 }), topic('ct-huge-b', { numPartitions: 6000 })] })
    expect(res.topics.map((t) => [t.name, t.errorCode])).toEqual([['ct-huge-a', ErrorCode.POLICY_VIOLATION], ['ct-huge-b', ErrorCode.POLICY_VIOLATION]])
    expect(b.broker.cluster.topic('ct-huge-a')).toBeUndefined()
  })

  it('persists created topics across a restart (disk)', async () => {
    const d = await startTestBroker({ disk: true })
    const c = await TestClient.connect(d.port)
    try {
      const r = (await c.send(CreateTopics, 7, { topics: [topic('ct-durable', { numPartitions: 2, configs: [{ name: 'retention.ms', value: '5000' }] })] })).topics[0]!
      expect(r.errorCode).toBe(0)
      await c.close()
      await d.stop()
      const again = await startTestBroker({ disk: true, dataDir: d.dataDir! })
      try {
        const t = again.broker.cluster.topic('ct-durable')!
        expect(t).toMatchObject({ id: r.topicId, partitions: 2, configs: { 'retention.ms': '5000' } })
      } finally {
        await again.cleanup()
      }
    } finally {
      await c.close()
      await d.cleanup()
    }
  })
})

describe('CreateTopics: a bad topic config value', () => {
  it.each(kafkaTopicConfigErrors)('%s=%s gets Kafka 4.4\'s answer', async (name, value, error) => {
    const r = await createOne(7, topic('ct-kafka-config', { configs: [{ name, value }] }), true)
    expect({ errorCode: r.errorCode, errorMessage: r.errorMessage }).toEqual(error === null
      ? { errorCode: 0, errorMessage: null }
      : { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: error })
  })
})
