// kafkajs 2.2.4's admin client against the topic-admin handlers: CreateTopics v3, DeleteTopics v1,
// CreatePartitions v1, DeleteRecords v1 (with ListOffsets and Metadata around them).
import kafkajs from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'

const { Kafka, logLevel } = kafkajs

let b: TestBroker
let kafka: InstanceType<typeof Kafka>
let admin: ReturnType<InstanceType<typeof Kafka>['admin']>

beforeAll(async () => {
  b = await startTestBroker({ config: { 'auto.create.topics.enable': false } })
  kafka = new Kafka({ clientId: 'topic-admin-test', brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } })
  admin = kafka.admin()
  await admin.connect()
})
afterAll(async () => {
  await admin.disconnect()
  await b.cleanup()
})

describe('kafkajs admin: topics', () => {
  it('createTopics creates with partitions and configEntries, then reports an existing topic', async () => {
    const created = await admin.createTopics({
      topics: [{ topic: 'kj-orders', numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '60000' }, { name: 'cleanup.policy', value: 'delete' }] }],
    })
    expect(created).toBe(true)
    const t = b.broker.cluster.topic('kj-orders')!
    expect(t.partitions).toBe(3)
    expect(t.configs).toEqual({ 'retention.ms': '60000', 'cleanup.policy': 'delete' })
    const meta = await admin.fetchTopicMetadata({ topics: ['kj-orders'] })
    expect(meta.topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2])
    expect(await admin.createTopics({ topics: [{ topic: 'kj-orders' }] })).toBe(false)
  })

  it('createTopics with validateOnly creates nothing', async () => {
    expect(await admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic: 'kj-dry', numPartitions: 2 }] })).toBe(true)
    expect(b.broker.cluster.topic('kj-dry')).toBeUndefined()
    expect(await admin.listTopics()).not.toContain('kj-dry')
  })

  it('createTopics surfaces INVALID_CONFIG and INVALID_REPLICATION_FACTOR', async () => {
    await expect(admin.createTopics({ topics: [{ topic: 'kj-bad', configEntries: [{ name: 'retention.ms', value: 'forever' }] }] }))
      .rejects.toMatchObject({ errors: [expect.objectContaining({ type: 'INVALID_CONFIG' })] })
    await expect(admin.createTopics({ topics: [{ topic: 'kj-bad', replicationFactor: 3 }] }))
      .rejects.toMatchObject({ errors: [expect.objectContaining({ type: 'INVALID_REPLICATION_FACTOR' })] })
    expect(b.broker.cluster.topic('kj-bad')).toBeUndefined()
  })

  it('createPartitions grows a topic', async () => {
    await admin.createTopics({ topics: [{ topic: 'kj-grow', numPartitions: 1 }] })
    await admin.createPartitions({ topicPartitions: [{ topic: 'kj-grow', count: 4 }] })
    const meta = await admin.fetchTopicMetadata({ topics: ['kj-grow'] })
    expect(meta.topics[0]!.partitions).toHaveLength(4)
    await expect(admin.createPartitions({ topicPartitions: [{ topic: 'kj-grow', count: 2 }] })).rejects.toMatchObject({ type: 'INVALID_PARTITIONS' })
  })

  it('deleteTopicRecords moves the low watermark', async () => {
    await admin.createTopics({ topics: [{ topic: 'kj-records', numPartitions: 2 }] })
    const producer = kafka.producer()
    await producer.connect()
    try {
      const messages = Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` }))
      await producer.send({ topic: 'kj-records', messages: messages.map((m) => ({ ...m, partition: 0 })) })
      await producer.send({ topic: 'kj-records', messages: messages.slice(0, 3).map((m) => ({ ...m, partition: 1 })) })
    } finally {
      await producer.disconnect()
    }
    // kafkajs looks leaders up in the metadata it already holds, which covers only topics the admin
    // has asked about (the same against Kafka).
    await admin.fetchTopicMetadata({ topics: ['kj-records'] })
    await admin.deleteTopicRecords({ topic: 'kj-records', partitions: [{ partition: 0, offset: '4' }, { partition: 1, offset: '-1' }] })
    const offsets = await admin.fetchTopicOffsets('kj-records')
    const byPartition = Object.fromEntries(offsets.map((o) => [o.partition, { low: o.low, high: o.high }]))
    expect(byPartition).toEqual({ 0: { low: '4', high: '10' }, 1: { low: '3', high: '3' } })
    await expect(admin.deleteTopicRecords({ topic: 'kj-records', partitions: [{ partition: 0, offset: '11' }] }))
      .rejects.toMatchObject({ cause: { name: 'KafkaJSDeleteTopicRecordsError', partitions: [{ partition: 0, error: { type: 'OFFSET_OUT_OF_RANGE' } }] } })
  })

  it('deleteTopics removes topics', async () => {
    await admin.createTopics({ topics: [{ topic: 'kj-doomed', numPartitions: 2 }] })
    await admin.deleteTopics({ topics: ['kj-doomed'] })
    expect(b.broker.cluster.topic('kj-doomed')).toBeUndefined()
    expect(await admin.listTopics()).not.toContain('kj-doomed')
    // UNKNOWN_TOPIC_OR_PARTITION is retriable for kafkajs: with retries 0 it arrives as the cause.
    await expect(admin.deleteTopics({ topics: ['kj-doomed'] })).rejects.toMatchObject({ cause: { type: 'UNKNOWN_TOPIC_OR_PARTITION' } })
  })

  it('describeCluster reports this broker as the controller', async () => {
    const c = await admin.describeCluster()
    expect(c).toEqual({
      brokers: [{ nodeId: b.broker.nodeId, host: b.host, port: b.port }],
      controller: b.broker.nodeId,
      clusterId: b.broker.cluster.clusterId,
    })
  })
})
