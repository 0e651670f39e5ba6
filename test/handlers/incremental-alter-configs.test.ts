// IncrementalAlterConfigs 0–1 over TCP: SET, DELETE, APPEND and SUBTRACT on topic and broker
// resources, validateOnly, Kafka's per-resource errors, and changes that reach the live partition
// logs (DescribeConfigs shows them, Produce enforces max.message.bytes, segments roll).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DescribeConfigs } from '../../protocol/apis/describe-configs.js'
import { IncrementalAlterConfigs } from '../../protocol/apis/incremental-alter-configs.js'
import { Produce } from '../../protocol/apis/produce.js'
import { ErrorCode } from '../../protocol/errors.js'
import { buildBatch } from '../../protocol/records/index.js'
import { ConfigSource } from '../../src/cluster/config-defs.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

// What Kafka 4.4 answers to bad topic config values (scripts/kafka-topic-config-errors.mjs). Rivulet
// deliberately accepts segment.bytes from 14 (Kafka: 1048576) so tests can roll segments.
const kafkaTopicConfigErrors = (JSON.parse(fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/kafka-topic-config-errors.json'), 'utf8')) as {
  cases: { name: string; value: string; error: string | null }[]
}).cases.map((c) => [c.name, c.value, c.name === 'segment.bytes' && Number(c.value) >= 14 ? null : c.error] as const)

const TOPIC = 2
const BROKER = 4
const SET = 0
const DELETE = 1
const APPEND = 2
const SUBTRACT = 3

let tb: TestBroker
let client: TestClient

beforeAll(async () => {
  tb = await startTestBroker()
  tb.broker.createTopic('iac', 1, 1, {})
  client = await TestClient.connect(tb.port)
})
afterAll(async () => {
  await client?.close()
  await tb?.cleanup()
})

type Op = { name: string; configOperation: number; value: string | null }
const topicConfigs = (t = 'iac') => tb.broker.cluster.topic(t)!.configs

function alter(version: number, resourceType: number, resourceName: string, configs: Op[], validateOnly = false) {
  return client.send(IncrementalAlterConfigs, version, { resources: [{ resourceType, resourceName, configs }], validateOnly })
}

async function describeTopic(keys: string[]) {
  const res = await client.send(DescribeConfigs, 4, { resources: [{ resourceType: TOPIC, resourceName: 'iac', configurationKeys: keys }] })
  return Object.fromEntries(res.results[0]!.configs.map((c) => [c.name, [c.value, c.configSource]]))
}

async function produce(value: Buffer) {
  const res = await client.send(Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'iac', partitionData: [{ index: 0, records: buildBatch({ records: [{ key: null, value }] }) }] }] })
  return res.responses[0]!.partitionResponses[0]!
}

describe('IncrementalAlterConfigs', () => {
  for (let v = 0; v <= 1; v++) {
    it(`v${v} sets and deletes topic configs key by key`, async () => {
      const set = await alter(v, TOPIC, 'iac', [{ name: 'retention.ms', configOperation: SET, value: '60000' }, { name: 'flush.ms', configOperation: SET, value: '1000' }])
      expect(set.responses).toEqual([{ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 'iac' }])
      expect(topicConfigs()).toEqual({ 'retention.ms': '60000', 'flush.ms': '1000' })
      const del = await alter(v, TOPIC, 'iac', [{ name: 'flush.ms', configOperation: DELETE, value: null }, { name: 'retention.ms', configOperation: SET, value: '70000' }])
      expect(del.responses[0]!.errorCode).toBe(0)
      expect(topicConfigs()).toEqual({ 'retention.ms': '70000' })
      await alter(v, TOPIC, 'iac', [{ name: 'retention.ms', configOperation: DELETE, value: null }])
      expect(topicConfigs()).toEqual({})
    })
  }

  it('appends to and subtracts from LIST configs, starting from the default', async () => {
    expect((await alter(1, TOPIC, 'iac', [{ name: 'cleanup.policy', configOperation: APPEND, value: 'compact' }])).responses[0]!.errorCode).toBe(0)
    expect(topicConfigs()['cleanup.policy']).toBe('delete,compact')
    await alter(1, TOPIC, 'iac', [{ name: 'cleanup.policy', configOperation: APPEND, value: 'delete,compact' }])
    expect(topicConfigs()['cleanup.policy']).toBe('delete,compact')
    await alter(1, TOPIC, 'iac', [{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete' }])
    expect(topicConfigs()['cleanup.policy']).toBe('compact')
    await alter(1, TOPIC, 'iac', [{ name: 'cleanup.policy', configOperation: DELETE, value: null }])
  })

  it('refuses APPEND/SUBTRACT on non-LIST configs with INVALID_CONFIG', async () => {
    const res = await alter(0, TOPIC, 'iac', [{ name: 'retention.ms', configOperation: APPEND, value: '1' }])
    expect(res.responses[0]).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: "Can't APPEND to key retention.ms because its type is not LIST." })
    const sub = await alter(0, TOPIC, 'iac', [{ name: 'segment.ms', configOperation: SUBTRACT, value: '1' }])
    expect(sub.responses[0]!.errorCode).toBe(ErrorCode.INVALID_CONFIG)
    expect(topicConfigs()).toEqual({})
  })

  it('validateOnly validates and changes nothing', async () => {
    const ok = await alter(1, TOPIC, 'iac', [{ name: 'retention.ms', configOperation: SET, value: '5' }], true)
    const bad = await alter(1, TOPIC, 'iac', [{ name: 'retention.ms', configOperation: SET, value: '-5' }], true)
    expect([ok.responses[0]!.errorCode, bad.responses[0]!.errorCode]).toEqual([0, ErrorCode.INVALID_CONFIG])
    expect(topicConfigs()).toEqual({})
  })

  it('answers per resource as Kafka: unknown topic, unknown key, null SET, unknown op, duplicates, unknown type', async () => {
    const res = await client.send(IncrementalAlterConfigs, 1, {
      resources: [
        { resourceType: TOPIC, resourceName: 'missing', configs: [{ name: 'retention.ms', configOperation: SET, value: '1' }] },
        { resourceType: TOPIC, resourceName: 'iac', configs: [{ name: 'nope', configOperation: SET, value: '1' }] },
        { resourceType: TOPIC, resourceName: 'iac', configs: [{ name: 'retention.ms', configOperation: SET, value: null }] },
        { resourceType: BROKER, resourceName: '', configs: [{ name: 'num.partitions', configOperation: 9, value: '1' }] },
        { resourceType: BROKER, resourceName: '', configs: [{ name: 'num.partitions', configOperation: SET, value: '1' }] },
        { resourceType: 3, resourceName: 'x', configs: [] },
        { resourceType: 8, resourceName: '1', configs: [] },
      ],
    })
    expect(res.responses.map((r) => [r.resourceType, r.resourceName, r.errorCode])).toEqual([
      [TOPIC, 'missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      [TOPIC, 'iac', ErrorCode.INVALID_REQUEST], // listed twice
      [TOPIC, 'iac', ErrorCode.INVALID_REQUEST],
      [BROKER, '', ErrorCode.INVALID_REQUEST], // listed twice
      [BROKER, '', ErrorCode.INVALID_REQUEST],
      [3, 'x', ErrorCode.INVALID_REQUEST],
      [8, '1', ErrorCode.INVALID_REQUEST],
    ])
    const single = await client.send(IncrementalAlterConfigs, 1, {
      resources: [
        { resourceType: TOPIC, resourceName: 'iac', configs: [{ name: 'nope', configOperation: SET, value: '1' }] },
        { resourceType: TOPIC, resourceName: 'missing', configs: [{ name: 'retention.ms', configOperation: SET, value: null }] },
        { resourceType: BROKER, resourceName: '1', configs: [{ name: 'num.partitions', configOperation: 9, value: '1' }] },
      ],
    })
    expect(single.responses.map((r) => r.errorCode)).toEqual([ErrorCode.INVALID_CONFIG, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST])
    expect(single.responses[2]!.errorMessage).toBe('Unknown operations type 9')
  })

  it('sets, appends to and deletes dynamic broker configs at both levels; refuses static ones', async () => {
    const id = String(tb.broker.nodeId)
    const set = await alter(1, BROKER, id, [{ name: 'log.retention.bytes', configOperation: SET, value: '999999' }, { name: 'log.cleanup.policy', configOperation: APPEND, value: 'compact' }])
    expect(set.responses[0]!.errorCode).toBe(0)
    expect(tb.broker.config.get('log.cleanup.policy')).toBe('delete,compact')
    expect(tb.broker.partition('iac', 0)!.config.retentionBytes).toBe(999999)
    expect((await describeTopic(['retention.bytes']))['retention.bytes']).toEqual(['999999', ConfigSource.DYNAMIC_BROKER_CONFIG])
    // The cluster-wide level sits below this broker's own: the per-broker value still wins.
    expect((await alter(1, BROKER, '', [{ name: 'log.retention.bytes', configOperation: SET, value: '777777' }])).responses[0]!.errorCode).toBe(0)
    const synonyms = await client.send(DescribeConfigs, 4, { resources: [{ resourceType: TOPIC, resourceName: 'iac', configurationKeys: ['retention.bytes'] }], includeSynonyms: true })
    expect(synonyms.results[0]!.configs[0]!.synonyms).toEqual([
      { name: 'log.retention.bytes', value: '999999', source: ConfigSource.DYNAMIC_BROKER_CONFIG },
      { name: 'log.retention.bytes', value: '777777', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG },
      { name: 'log.retention.bytes', value: '-1', source: ConfigSource.DEFAULT_CONFIG },
    ])
    const fixed = await alter(1, BROKER, '', [{ name: 'log.dirs', configOperation: SET, value: '/tmp' }])
    expect(fixed.responses[0]).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Cannot update these configs dynamically: Set(log.dirs)' })
    const wrongId = await alter(1, BROKER, '12', [])
    expect(wrongId.responses[0]!.errorCode).toBe(ErrorCode.INVALID_REQUEST)
    await alter(1, BROKER, id, [{ name: 'log.retention.bytes', configOperation: DELETE, value: null }, { name: 'log.cleanup.policy', configOperation: DELETE, value: null }])
    expect(tb.broker.config.dynamic.size).toBe(0)
    expect(tb.broker.partition('iac', 0)!.config.retentionBytes).toBe(777777)
    await alter(1, BROKER, '', [{ name: 'log.retention.bytes', configOperation: DELETE, value: null }])
    expect(tb.broker.partition('iac', 0)!.config.retentionBytes).toBe(-1)
    expect(Object.fromEntries(tb.broker.config.dynamicDefault)).toEqual({ 'min.insync.replicas': '1' })
  })

  it('accepts every dynamic broker config Kafka 4.4 knows, checks its value with Kafka\'s rules, refuses read-only ones', async () => {
    const id = String(tb.broker.nodeId)
    // Known to Kafka and dynamic, though Rivulet has no Kerberos: accepted, stored, reported.
    const kerberos = await alter(1, BROKER, id, [{ name: 'sasl.kerberos.min.time.before.relogin', configOperation: SET, value: '120000' }])
    expect(kerberos.responses[0]).toMatchObject({ errorCode: 0, errorMessage: null })
    const described = await client.send(DescribeConfigs, 4, { resources: [{ resourceType: BROKER, resourceName: id, configurationKeys: ['sasl.kerberos.min.time.before.relogin'] }], includeSynonyms: false })
    expect(described.results[0]!.configs[0]).toMatchObject({ value: '120000', configSource: ConfigSource.DYNAMIC_BROKER_CONFIG, readOnly: false })
    const bad = await alter(1, BROKER, id, [{ name: 'sasl.kerberos.min.time.before.relogin', configOperation: SET, value: 'soon' }])
    expect(bad.responses[0]).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Invalid value soon for configuration sasl.kerberos.min.time.before.relogin: Not a number of type LONG' })
    const range = await alter(1, BROKER, '', [{ name: 'message.max.bytes', configOperation: SET, value: '-3' }])
    expect(range.responses[0]).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Invalid value -3 for configuration message.max.bytes: Value must be at least 0' })
    // Kafka 4.4's DynamicBrokerConfig does not list num.partitions or process.roles.
    const fixed = await alter(1, BROKER, '', [{ name: 'num.partitions', configOperation: SET, value: '3' }, { name: 'process.roles', configOperation: SET, value: 'broker' }])
    expect(fixed.responses[0]).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Cannot update these configs dynamically: Set(num.partitions, process.roles)' })
    await alter(1, BROKER, id, [{ name: 'sasl.kerberos.min.time.before.relogin', configOperation: DELETE, value: null }])
    expect(tb.broker.config.dynamic.size).toBe(0)
  })

  it('changes the cluster-level min.insync.replicas but, as Kafka 4.1 with ELR, never deletes it or sets it per broker', async () => {
    const id = String(tb.broker.nodeId)
    const set = await alter(1, BROKER, '', [{ name: 'min.insync.replicas', configOperation: SET, value: '2' }])
    expect(set.responses[0]!.errorCode).toBe(0)
    expect((await describeTopic(['min.insync.replicas']))['min.insync.replicas']).toEqual(['2', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG])
    const removal = 'Cluster-level min.insync.replicas cannot be removed while ELR is enabled.'
    const perBroker = 'Broker-level min.insync.replicas cannot be altered while ELR is enabled.'
    const res = await client.send(IncrementalAlterConfigs, 1, {
      resources: [
        { resourceType: BROKER, resourceName: '', configs: [{ name: 'min.insync.replicas', configOperation: DELETE, value: null }] },
        { resourceType: BROKER, resourceName: id, configs: [{ name: 'min.insync.replicas', configOperation: SET, value: '1' }] },
      ],
      validateOnly: false,
    })
    expect(res.responses.map((r) => [r.resourceName, r.errorCode, r.errorMessage])).toEqual([
      ['', ErrorCode.INVALID_CONFIG, removal],
      [id, ErrorCode.INVALID_CONFIG, perBroker],
    ])
    // Refused even when nothing is set there and when only validating.
    expect((await alter(0, BROKER, id, [{ name: 'min.insync.replicas', configOperation: DELETE, value: null }])).responses[0]).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: perBroker })
    expect((await alter(1, BROKER, '', [{ name: 'min.insync.replicas', configOperation: DELETE, value: null }], true)).responses[0]).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: removal })
    expect((await alter(1, BROKER, '', [{ name: 'min.insync.replicas', configOperation: SET, value: '0' }])).responses[0]!.errorCode).toBe(ErrorCode.INVALID_REQUEST)
    expect(tb.broker.config.dynamic.size).toBe(0)
    expect(Object.fromEntries(tb.broker.config.dynamicDefault)).toEqual({ 'min.insync.replicas': '2' })
    await alter(1, BROKER, '', [{ name: 'min.insync.replicas', configOperation: SET, value: '1' }])
    expect((await describeTopic(['min.insync.replicas']))['min.insync.replicas']).toEqual(['1', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG])
  })

  it('changes retention.ms, segment.bytes and max.message.bytes on the live log', async () => {
    const log = tb.broker.localPartition('iac', 0)!
    const big = Buffer.alloc(2000, 1)
    expect((await produce(big)).errorCode).toBe(0)
    const res = await alter(1, TOPIC, 'iac', [
      { name: 'retention.ms', configOperation: SET, value: '3600000' },
      { name: 'segment.bytes', configOperation: SET, value: '1024' },
      { name: 'max.message.bytes', configOperation: SET, value: '1000' },
    ])
    expect(res.responses[0]!.errorCode).toBe(0)
    expect(await describeTopic(['retention.ms', 'segment.bytes', 'max.message.bytes'])).toEqual({
      'retention.ms': ['3600000', ConfigSource.TOPIC_CONFIG],
      'segment.bytes': ['1024', ConfigSource.TOPIC_CONFIG],
      'max.message.bytes': ['1000', ConfigSource.TOPIC_CONFIG],
    })
    expect(log.config).toMatchObject({ retentionMs: 3600000, segmentBytes: 1024, maxMessageBytes: 1000 })
    expect((await produce(big)).errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE)
    const segments = log.segmentCount
    const small = Buffer.alloc(600, 2)
    expect((await produce(small)).errorCode).toBe(0)
    expect((await produce(small)).errorCode).toBe(0)
    expect(log.segmentCount).toBeGreaterThan(segments)
    await alter(0, TOPIC, 'iac', [{ name: 'max.message.bytes', configOperation: DELETE, value: null }])
    expect((await produce(big)).errorCode).toBe(0)
  })
})

describe('IncrementalAlterConfigs: a bad topic config value', () => {
  it.each(kafkaTopicConfigErrors)('%s=%s gets Kafka 4.4\'s answer', async (name, value, error) => {
    const res = await alter(1, TOPIC, 'iac', [{ name, configOperation: SET, value }], true)
    expect(res.responses[0]).toMatchObject(error === null
      ? { errorCode: 0, errorMessage: null }
      : { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: error })
  })
})
