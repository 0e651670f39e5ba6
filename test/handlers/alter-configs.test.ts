// AlterConfigs 0–2 over TCP: a topic's whole override set is replaced (left-out keys revert),
// validateOnly changes nothing, broker resources accept dynamic configs only, and Kafka's
// per-resource errors; kafkajs admin.alterConfigs.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import kafkajs from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AlterConfigs } from '../../protocol/apis/alter-configs.js'
import { ErrorCode } from '../../protocol/errors.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

// What Kafka 4.4 answers to bad topic config values (scripts/kafka-topic-config-errors.mjs). Rivulet
// deliberately accepts segment.bytes from 14 (Kafka: 1048576) so tests can roll segments.
const kafkaTopicConfigErrors = (JSON.parse(fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/kafka-topic-config-errors.json'), 'utf8')) as {
  cases: { name: string; value: string; error: string | null }[]
}).cases.map((c) => [c.name, c.value, c.name === 'segment.bytes' && Number(c.value) >= 14 ? null : c.error] as const)

const { Kafka, logLevel, ConfigResourceTypes } = kafkajs
const TOPIC = 2
const BROKER = 4

let tb: TestBroker
let client: TestClient

beforeAll(async () => {
  tb = await startTestBroker()
  tb.broker.createTopic('ac', 2, 1, { 'cleanup.policy': 'delete', 'retention.ms': '5000' })
  client = await TestClient.connect(tb.port)
})
afterAll(async () => {
  await client?.close()
  await tb?.cleanup()
})

const topicConfigs = () => tb.broker.cluster.topic('ac')!.configs
const logConfig = (p = 0) => tb.broker.partition('ac', p)!.config

function alterTopic(version: number, configs: { name: string; value: string | null }[], validateOnly = false, name = 'ac') {
  return client.send(AlterConfigs, version, { resources: [{ resourceType: TOPIC, resourceName: name, configs }], validateOnly })
}

describe('AlterConfigs', () => {
  for (let v = 0; v <= 2; v++) {
    it(`v${v} replaces the topic's overrides and reconfigures its partition logs`, async () => {
      const bytes = String(100000 + v)
      const res = await alterTopic(v, [{ name: 'segment.bytes', value: bytes }, { name: 'retention.ms', value: '7000' }])
      expect(res.responses).toEqual([{ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 'ac' }])
      expect(topicConfigs()).toEqual({ 'segment.bytes': bytes, 'retention.ms': '7000' }) // cleanup.policy reverted
      expect(logConfig(0).segmentBytes).toBe(Number(bytes))
      expect(logConfig(1).retentionMs).toBe(7000)
    })
  }

  it('validateOnly validates and changes nothing', async () => {
    const before = { ...topicConfigs() }
    const ok = await alterTopic(1, [{ name: 'retention.ms', value: '1' }], true)
    expect(ok.responses[0]!.errorCode).toBe(0)
    const bad = await alterTopic(1, [{ name: 'retention.ms', value: 'soon' }], true)
    expect(bad.responses[0]!.errorCode).toBe(ErrorCode.INVALID_CONFIG)
    expect(topicConfigs()).toEqual(before)
  })

  it('rejects unknown or invalid topic configs with INVALID_CONFIG and keeps the old set', async () => {
    const before = { ...topicConfigs() }
    const unknown = await alterTopic(0, [{ name: 'no.such.config', value: '1' }])
    expect(unknown.responses[0]).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: expect.stringMatching(/no.such.config/) })
    const invalid = await alterTopic(0, [{ name: 'segment.bytes', value: '1' }])
    expect(invalid.responses[0]!.errorCode).toBe(ErrorCode.INVALID_CONFIG)
    expect(topicConfigs()).toEqual(before)
  })

  it('answers per resource: unknown topic, bad name, empty name, null value, duplicate key', async () => {
    const res = await client.send(AlterConfigs, 2, {
      resources: [
        { resourceType: TOPIC, resourceName: 'missing', configs: [{ name: 'retention.ms', value: '1' }] },
        { resourceType: TOPIC, resourceName: 'bad name', configs: [] },
        { resourceType: TOPIC, resourceName: '', configs: [] },
        { resourceType: TOPIC, resourceName: 'ac', configs: [{ name: 'retention.ms', value: null }] },
        { resourceType: TOPIC, resourceName: 'ac2', configs: [{ name: 'retention.ms', value: '1' }, { name: 'retention.ms', value: '2' }] },
      ],
    })
    expect(res.responses.map((r) => [r.resourceName, r.errorCode])).toEqual([
      ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ['bad name', ErrorCode.INVALID_TOPIC_EXCEPTION],
      ['', ErrorCode.INVALID_REQUEST],
      ['ac', ErrorCode.INVALID_REQUEST],
      ['ac2', ErrorCode.INVALID_REQUEST],
    ])
  })

  it('answers INVALID_REQUEST for both copies of a resource listed twice', async () => {
    const r = { resourceType: TOPIC, resourceName: 'ac', configs: [] }
    const res = await client.send(AlterConfigs, 1, { resources: [r, r] })
    expect(res.responses.map((x) => x.errorCode)).toEqual([ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST])
  })

  it('replaces one level of dynamic broker configs at a time, and they reach the logs', async () => {
    const id = String(tb.broker.nodeId)
    tb.broker.setTopicConfigs('ac', {})
    const first = await client.send(AlterConfigs, 1, { resources: [{ resourceType: BROKER, resourceName: id, configs: [{ name: 'log.retention.bytes', value: '123456' }, { name: 'message.max.bytes', value: '2000000' }] }] })
    expect(first.responses[0]!.errorCode).toBe(0)
    expect(logConfig().retentionBytes).toBe(123456)
    expect(logConfig().maxMessageBytes).toBe(2000000)
    // The cluster-wide level ("") is replaced on its own; this broker's level stays.
    const second = await client.send(AlterConfigs, 1, { resources: [{ resourceType: BROKER, resourceName: '', configs: [{ name: 'log.segment.bytes', value: '2000000' }, { name: 'min.insync.replicas', value: '1' }] }] })
    expect(second.responses[0]!.errorCode).toBe(0)
    expect(Object.fromEntries(tb.broker.config.dynamicDefault)).toEqual({ 'log.segment.bytes': '2000000', 'min.insync.replicas': '1' })
    expect(Object.fromEntries(tb.broker.config.dynamic)).toEqual({ 'log.retention.bytes': '123456', 'message.max.bytes': '2000000' })
    expect(logConfig().retentionBytes).toBe(123456)
    expect(logConfig().segmentBytes).toBe(2000000)
    await client.send(AlterConfigs, 1, { resources: [{ resourceType: BROKER, resourceName: id, configs: [] }] })
    expect(tb.broker.config.dynamic.size).toBe(0)
    expect(logConfig().retentionBytes).toBe(-1)
    await client.send(AlterConfigs, 1, { resources: [{ resourceType: BROKER, resourceName: '', configs: [{ name: 'min.insync.replicas', value: '1' }] }] })
    expect(Object.fromEntries(tb.broker.config.dynamicDefault)).toEqual({ 'min.insync.replicas': '1' })
    expect(logConfig().segmentBytes).toBe(1073741824)
  })

  it('keeps the cluster-level min.insync.replicas (ELR): never removed, never per broker', async () => {
    const res = await client.send(AlterConfigs, 2, {
      resources: [
        { resourceType: BROKER, resourceName: '', configs: [{ name: 'message.max.bytes', value: '2000000' }] },
        { resourceType: BROKER, resourceName: '1', configs: [{ name: 'min.insync.replicas', value: '1' }] },
      ],
    })
    expect(res.responses.map((r) => [r.resourceName, r.errorCode, r.errorMessage])).toEqual([
      ['', ErrorCode.INVALID_CONFIG, 'Cluster-level min.insync.replicas cannot be removed while ELR is enabled.'],
      ['1', ErrorCode.INVALID_CONFIG, 'Broker-level min.insync.replicas cannot be altered while ELR is enabled.'],
    ])
    expect(Object.fromEntries(tb.broker.config.dynamicDefault)).toEqual({ 'min.insync.replicas': '1' })
    expect(tb.broker.config.dynamic.size).toBe(0)
  })

  it('refuses static broker configs, bad values, unknown names and other broker ids', async () => {
    const res = await client.send(AlterConfigs, 0, {
      resources: [
        { resourceType: BROKER, resourceName: '1', configs: [{ name: 'listeners', value: 'PLAINTEXT://:1' }] },
        { resourceType: BROKER, resourceName: '', configs: [{ name: 'message.max.bytes', value: 'big' }, { name: 'min.insync.replicas', value: '1' }] },
        { resourceType: BROKER, resourceName: '7', configs: [] },
        { resourceType: BROKER, resourceName: 'x', configs: [] },
      ],
    })
    expect(res.responses.map((r) => r.errorCode)).toEqual([ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST])
    expect(res.responses[0]!.errorMessage).toBe('Cannot update these configs dynamically: Set(listeners)')
    const unknown = await client.send(AlterConfigs, 0, { resources: [{ resourceType: BROKER, resourceName: '', configs: [{ name: 'no.such.thing', value: '1' }] }] })
    expect(unknown.responses[0]!.errorCode).toBe(ErrorCode.INVALID_CONFIG)
    expect(tb.broker.config.dynamic.size).toBe(0)
    expect(Object.fromEntries(tb.broker.config.dynamicDefault)).toEqual({ 'min.insync.replicas': '1' })
  })

  it('calls BROKER_LOGGER and unknown resource types unknown (INVALID_REQUEST)', async () => {
    const res = await client.send(AlterConfigs, 2, {
      resources: [
        { resourceType: 8, resourceName: '1', configs: [] },
        { resourceType: 99, resourceName: 'z', configs: [] },
      ],
    })
    expect(res.responses.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      [ErrorCode.INVALID_REQUEST, 'Unknown resource type 8'],
      [ErrorCode.INVALID_REQUEST, 'Unknown resource type 99'],
    ])
  })

  it('serves kafkajs admin.alterConfigs', async () => {
    const kafka = new Kafka({ brokers: [tb.bootstrap], logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    try {
      const res = await admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: 'ac', configEntries: [{ name: 'retention.ms', value: '86400000' }] }],
      })
      expect(res.resources).toEqual([expect.objectContaining({ errorCode: 0, resourceName: 'ac' })])
      expect(topicConfigs()).toEqual({ 'retention.ms': '86400000' })
      const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'ac', configNames: ['retention.ms'] }] })
      expect(described.resources[0]!.configEntries[0]!.configValue).toBe('86400000')
      await expect(admin.alterConfigs({
        validateOnly: true,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: 'ac', configEntries: [{ name: 'retention.ms', value: 'x' }] }],
      })).rejects.toMatchObject({ type: 'INVALID_CONFIG' })
    } finally {
      await admin.disconnect()
    }
  })
})

describe('AlterConfigs: a bad topic config value', () => {
  it.each(kafkaTopicConfigErrors)('%s=%s gets Kafka 4.4\'s answer', async (name, value, error) => {
    const res = await alterTopic(2, [{ name, value }], true)
    expect(res.responses[0]).toMatchObject(error === null
      ? { errorCode: 0, errorMessage: null }
      : { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: error })
  })
})
