// DescribeConfigs 0–4 over TCP: topic configs with values, sources, synonyms, types and docs;
// broker configs by node id and at the cluster-default level; Kafka's per-resource and
// request-wide errors; kafkajs admin.describeConfigs.
import fs from 'node:fs'
import path from 'node:path'
import kafkajs from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiVersions } from '../../protocol/apis/api-versions.js'
import { DescribeConfigs } from '../../protocol/apis/describe-configs.js'
import { ErrorCode } from '../../protocol/errors.js'
import { ConfigSource } from '../../src/cluster/config-defs.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

const { Kafka, logLevel, ConfigResourceTypes } = kafkajs
const TOPIC = 2
const BROKER = 4

let tb: TestBroker
let client: TestClient

beforeAll(async () => {
  tb = await startTestBroker({ config: { 'log.segment.bytes': 1048576 } })
  tb.broker.createTopic('dc', 1, 1, { 'retention.ms': '1000' })
  client = await TestClient.connect(tb.port)
})
afterAll(async () => {
  await client?.close()
  await tb?.cleanup()
})

const topicRequest = (keys: string[] | null, extra = {}) => ({ resources: [{ resourceType: TOPIC, resourceName: 'dc', configurationKeys: keys }], ...extra })

describe('DescribeConfigs', () => {
  for (let v = 1; v <= 4; v++) {
    it(`v${v} describes every topic config with its value and source`, async () => {
      const res = await client.send(DescribeConfigs, v, topicRequest(null, { includeSynonyms: true, includeDocumentation: true }))
      const r = res.results[0]!
      expect(r).toMatchObject({ errorCode: 0, resourceType: TOPIC, resourceName: 'dc' })
      const byName = new Map(r.configs.map((c) => [c.name, c]))
      expect(byName.size).toBeGreaterThan(20)
      const retention = byName.get('retention.ms')!
      const segment = byName.get('segment.bytes')!
      const policy = byName.get('cleanup.policy')!
      expect(retention).toMatchObject({ value: '1000', readOnly: false, isSensitive: false })
      expect(segment.value).toBe('1048576')
      expect(policy.value).toBe('delete')
      expect(retention.configSource).toBe(ConfigSource.TOPIC_CONFIG)
      expect(segment.configSource).toBe(ConfigSource.STATIC_BROKER_CONFIG)
      expect(policy.configSource).toBe(ConfigSource.DEFAULT_CONFIG)
      expect(retention.synonyms[0]).toEqual({ name: 'retention.ms', value: '1000', source: ConfigSource.TOPIC_CONFIG })
      expect(segment.synonyms.map((s) => [s.name, s.source])).toEqual([['log.segment.bytes', ConfigSource.STATIC_BROKER_CONFIG], ['log.segment.bytes', ConfigSource.DEFAULT_CONFIG]])
      if (v >= 3) {
        expect(retention.configType).toBe(5) // LONG
        expect(policy.configType).toBe(7) // LIST
        expect(retention.documentation).toMatch(/\w/)
      }
    })
  }

  it('leaves synonyms and documentation out unless asked', async () => {
    const res = await client.send(DescribeConfigs, 4, topicRequest(['retention.ms']))
    expect(res.results[0]!.configs).toEqual([expect.objectContaining({ name: 'retention.ms', value: '1000', synonyms: [], documentation: null, configType: 5 })])
  })

  it('filters by configurationKeys (null and empty mean all; unknown keys are skipped)', async () => {
    const some = await client.send(DescribeConfigs, 2, topicRequest(['segment.bytes', 'retention.ms', 'no.such.key']))
    expect(some.results[0]!.configs.map((c) => c.name).sort()).toEqual(['retention.ms', 'segment.bytes'])
    const empty = await client.send(DescribeConfigs, 2, topicRequest([]))
    const all = await client.send(DescribeConfigs, 2, topicRequest(null))
    expect(empty.results[0]!.configs.length).toBe(all.results[0]!.configs.length)
  })

  it('answers UNKNOWN_TOPIC_OR_PARTITION for an unknown topic and INVALID_TOPIC_EXCEPTION for a bad name', async () => {
    const res = await client.send(DescribeConfigs, 4, {
      resources: [
        { resourceType: TOPIC, resourceName: 'nope', configurationKeys: null },
        { resourceType: TOPIC, resourceName: 'bad name!', configurationKeys: null },
        { resourceType: TOPIC, resourceName: 'dc', configurationKeys: ['retention.ms'] },
      ],
    })
    expect(res.results.map((r) => [r.resourceName, r.errorCode, r.configs.length])).toEqual([
      ['nope', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0],
      ['bad name!', ErrorCode.INVALID_TOPIC_EXCEPTION, 0],
      ['dc', 0, 1],
    ])
  })

  it('describes the broker by node id: every broker config, static ones read-only', async () => {
    const res = await client.send(DescribeConfigs, 4, { resources: [{ resourceType: BROKER, resourceName: String(tb.broker.nodeId), configurationKeys: null }], includeSynonyms: true })
    const byName = new Map(res.results[0]!.configs.map((c) => [c.name, c]))
    expect(res.results[0]!.errorCode).toBe(0)
    expect(byName.get('log.segment.bytes')).toMatchObject({ value: '1048576', configSource: ConfigSource.STATIC_BROKER_CONFIG, readOnly: false })
    expect(byName.get('node.id')).toMatchObject({ readOnly: true, configSource: ConfigSource.DEFAULT_CONFIG })
    expect(byName.get('message.max.bytes')).toMatchObject({ value: '1048588', configSource: ConfigSource.DEFAULT_CONFIG })
  })

  // Kafbat (kafka-ui) takes the Kafka version from a broker config whose name contains
  // inter.broker.protocol.version and falls back to the finalized metadata.version of
  // ApiVersions; it also reads delete.topic.enable. Kafka 4.0 removed inter.broker.protocol.version
  // (metadata.version replaced it): a Kafka 4.4.0 broker lists neither it nor
  // log.message.format.version, so the tool lands on metadata.version 33 (4.4-IV2) for both.
  it('answers the version lookups of UI tools as Kafka 4.4.0: no inter.broker.protocol.version, metadata.version finalized', async () => {
    const res = await client.send(DescribeConfigs, 4, { resources: [{ resourceType: BROKER, resourceName: String(tb.broker.nodeId), configurationKeys: null }] })
    const names = res.results[0]!.configs.map((c) => c.name)
    expect(names.filter((n) => n.includes('inter.broker.protocol.version') || n.includes('message.format.version'))).toEqual([])
    expect(res.results[0]!.configs.find((c) => c.name === 'delete.topic.enable')).toMatchObject({ value: 'true' })
    const versions = await client.send(ApiVersions, 4, { clientSoftwareName: 'kafbat', clientSoftwareVersion: '1.0' })
    expect(versions.finalizedFeatures).toContainEqual({ name: 'metadata.version', minVersionLevel: 33, maxVersionLevel: 33 })
  })

  it('describes the cluster-default level (empty name) as the dynamic configs set there', async () => {
    tb.broker.setBrokerConfigs(new Map([['log.retention.bytes', '5000']]), '')
    try {
      const res = await client.send(DescribeConfigs, 4, { resources: [{ resourceType: BROKER, resourceName: '', configurationKeys: null }], includeSynonyms: true })
      expect(res.results[0]!.configs.map((c) => [c.name, c.value, c.configSource, c.synonyms.map((s) => s.source)]).sort()).toEqual([
        ['log.retention.bytes', '5000', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, [ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG]],
        ['min.insync.replicas', '1', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, [ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG]],
      ])
    } finally {
      tb.broker.setBrokerConfigs(new Map([['log.retention.bytes', null]]), '')
    }
  })

  // Kafka 4.1 writes min.insync.replicas at the cluster-wide level when its controller first
  // starts on a freshly formatted, ELR-enabled log; a new Rivulet data directory does the same.
  describe('min.insync.replicas on a new data directory, as on a fresh Kafka 4.1', () => {
    const dyn = ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG
    const def = ConfigSource.DEFAULT_CONFIG
    const mir = (keys = ['min.insync.replicas']) => ({ configurationKeys: keys })

    it('is a dynamic default for topics (source 3), with its default synonym', async () => {
      for (let v = 1; v <= 4; v++) {
        const res = await client.send(DescribeConfigs, v, { resources: [{ resourceType: TOPIC, resourceName: 'dc', ...mir() }], includeSynonyms: true })
        const c = res.results[0]!.configs[0]!
        expect(c).toMatchObject({ name: 'min.insync.replicas', value: '1', readOnly: false })
        expect(c.configSource).toBe(dyn)
        expect(c.synonyms).toEqual([{ name: 'min.insync.replicas', value: '1', source: dyn }, { name: 'min.insync.replicas', value: '1', source: def }])
      }
    })

    it('is a dynamic default on the broker by node id and on the default broker resource', async () => {
      const res = await client.send(DescribeConfigs, 4, {
        resources: [
          { resourceType: BROKER, resourceName: String(tb.broker.nodeId), ...mir() },
          { resourceType: BROKER, resourceName: '', ...mir() },
        ],
        includeSynonyms: true,
      })
      const [node, cluster] = res.results.map((r) => r.configs[0]!)
      expect(node).toMatchObject({ value: '1', configSource: dyn, readOnly: false, synonyms: [{ name: 'min.insync.replicas', value: '1', source: dyn }, { name: 'min.insync.replicas', value: '1', source: def }] })
      expect(cluster).toMatchObject({ value: '1', configSource: dyn, readOnly: false, synonyms: [{ name: 'min.insync.replicas', value: '1', source: dyn }] })
    })

    it('takes the static value at creation, and a later static value does not replace it', async () => {
      const b = await startTestBroker({ disk: true, config: { 'min.insync.replicas': 2 } })
      try {
        expect(b.broker.config.describeTopic({}).find((c) => c.name === 'min.insync.replicas')).toMatchObject({ value: '2', source: dyn })
        await b.stop()
        const again = await startTestBroker({ disk: true, dataDir: b.dataDir!, config: { 'min.insync.replicas': 3 } })
        try {
          expect(Object.fromEntries(again.broker.config.dynamicDefault)).toEqual({ 'min.insync.replicas': '2' })
          expect(again.broker.config.describeTopic({}).find((c) => c.name === 'min.insync.replicas')!.synonyms.map((s) => [s.value, s.source])).toEqual([
            ['2', dyn], ['3', ConfigSource.STATIC_BROKER_CONFIG], ['1', def],
          ])
        } finally {
          await again.stop()
        }
      } finally {
        await b.cleanup()
      }
    })

    it('persists changes at both levels across a restart', async () => {
      const b = await startTestBroker({ disk: true })
      try {
        b.broker.setBrokerConfigs(new Map([['min.insync.replicas', '2'], ['log.retention.bytes', '5000']]), '')
        b.broker.setBrokerConfigs(new Map([['log.retention.bytes', '6000']]), String(b.broker.nodeId))
        await b.stop()
        const again = await startTestBroker({ disk: true, dataDir: b.dataDir! })
        try {
          expect(Object.fromEntries(again.broker.config.dynamicDefault)).toEqual({ 'min.insync.replicas': '2', 'log.retention.bytes': '5000' })
          expect(Object.fromEntries(again.broker.config.dynamic)).toEqual({ 'log.retention.bytes': '6000' })
        } finally {
          await again.stop()
        }
      } finally {
        await b.cleanup()
      }
    })

    it('is added once to a data directory written before Rivulet kept two levels, whose one level becomes cluster-wide', async () => {
      const b = await startTestBroker({ disk: true })
      await b.stop()
      const file = path.join(b.dataDir!, 'cluster.json')
      const v1 = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>
      delete v1.defaultBrokerConfigs
      fs.writeFileSync(file, JSON.stringify({ ...v1, version: 1, brokerConfigs: { 'log.retention.bytes': '5000' } }))
      try {
        const again = await startTestBroker({ disk: true, dataDir: b.dataDir! })
        try {
          expect(Object.fromEntries(again.broker.config.dynamicDefault)).toEqual({ 'log.retention.bytes': '5000', 'min.insync.replicas': '1' })
          expect(again.broker.config.dynamic.size).toBe(0)
        } finally {
          await again.stop()
        }
        expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ version: 2, brokerConfigs: {}, defaultBrokerConfigs: { 'log.retention.bytes': '5000', 'min.insync.replicas': '1' } })
      } finally {
        await b.cleanup()
      }
    })
  })

  it('rejects another broker id or a non-numeric name with INVALID_REQUEST on that resource', async () => {
    const res = await client.send(DescribeConfigs, 1, {
      resources: [
        { resourceType: BROKER, resourceName: '42', configurationKeys: null },
        { resourceType: BROKER, resourceName: 'one', configurationKeys: null },
      ],
    })
    expect(res.results.map((r) => r.errorCode)).toEqual([ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST])
    expect(res.results[0]!.errorMessage).toMatch(/expected 1 or empty string/)
  })

  it('answers a BROKER_LOGGER resource with INVALID_REQUEST and serves the others', async () => {
    const res = await client.send(DescribeConfigs, 3, {
      resources: [
        { resourceType: 8, resourceName: '1', configurationKeys: null },
        { resourceType: TOPIC, resourceName: 'dc', configurationKeys: ['retention.ms'] },
      ],
    })
    expect(res.results.map((r) => r.errorCode)).toEqual([ErrorCode.INVALID_REQUEST, 0])
  })

  it('fails the whole request for a resource type Kafka does not know', async () => {
    const res = await client.send(DescribeConfigs, 4, {
      resources: [
        { resourceType: 7, resourceName: 'x', configurationKeys: null },
        { resourceType: TOPIC, resourceName: 'dc', configurationKeys: null },
      ],
    })
    expect(res.results.map((r) => [r.resourceName, r.errorCode, r.configs.length])).toEqual([
      ['x', ErrorCode.INVALID_REQUEST, 0],
      ['dc', ErrorCode.INVALID_REQUEST, 0],
    ])
  })

  it('serves kafkajs admin.describeConfigs', async () => {
    const kafka = new Kafka({ brokers: [tb.bootstrap], logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    try {
      const res = await admin.describeConfigs({
        includeSynonyms: true,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: 'dc', configNames: ['retention.ms', 'cleanup.policy'] }],
      })
      const entries = res.resources[0]!.configEntries
      expect(entries.find((e) => e.configName === 'retention.ms')).toMatchObject({ configValue: '1000', isDefault: false, configSource: ConfigSource.TOPIC_CONFIG })
      expect(entries.find((e) => e.configName === 'cleanup.policy')).toMatchObject({ configValue: 'delete', configSource: ConfigSource.DEFAULT_CONFIG })
      await expect(admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'missing' }] })).rejects.toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' })
    } finally {
      await admin.disconnect()
    }
  })
})
