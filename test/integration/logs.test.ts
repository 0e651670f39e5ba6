// What the CLI logs at INFO (issue 15 item 10): the story of the broker (topics, groups and their
// rebalances, config changes by key name, offset resets and deletions, refused requests), and
// nothing per client connection.
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OffsetCommit } from '../../protocol/apis/offset-commit.js'
import { TestClient } from '../helpers/client.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'
import { startChildBroker, type ChildBroker } from '../helpers/process.js'

let broker: ChildBroker
let lines: { msg: string; level: number; [k: string]: unknown }[]

// Sends Metadata v99 with client id "probe": a version no broker serves.
function unsupportedVersion(port: number): Promise<void> {
  return new Promise((resolve) => {
    const id = Buffer.from('probe')
    const frame = Buffer.alloc(4 + 10 + id.length)
    frame.writeInt32BE(frame.length - 4, 0)
    frame.writeInt16BE(3, 4)
    frame.writeInt16BE(99, 6)
    frame.writeInt32BE(7, 8)
    frame.writeInt16BE(id.length, 12)
    id.copy(frame, 14)
    const s = net.connect(port, '127.0.0.1', () => s.write(frame))
    s.on('error', () => {})
    s.once('close', () => resolve())
  })
}

beforeAll(async () => {
  broker = await startChildBroker(['--memory', '--log-level', 'info'])
  const kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'story', logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic: 'story', numPartitions: 1 }] })
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({ topic: 'story', messages: [{ value: 'a' }, { value: 'b' }] })
  await producer.disconnect()
  const consumer = kafka.consumer({ groupId: 'g-story' })
  await consumer.connect()
  await consumer.subscribe({ topic: 'story', fromBeginning: true })
  let seen = 0
  await new Promise<void>((resolve) => void consumer.run({ eachMessage: async () => void (++seen === 2 && resolve()) }))
  await consumer.disconnect()
  // What kafka-consumer-groups --reset-offsets sends (Admin.alterConsumerGroupOffsets): a commit
  // outside any generation. kafkajs's admin.setOffsets joins the group instead.
  const client = await TestClient.connect(broker.port)
  await client.send(OffsetCommit, 8, { groupId: 'g-story', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 'story', partitions: [{ partitionIndex: 0, committedOffset: 0n }] }] })
  await client.close()
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: 'story', configEntries: [{ name: 'retention.ms', value: '60000' }] }] })
  await admin.deleteGroups(['g-story'])
  await admin.deleteTopics({ topics: ['story'] })
  await admin.disconnect()
  await unsupportedVersion(broker.port)
  await broker.kill('SIGTERM')
  lines = broker
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as (typeof lines)[number])
}, 60_000)
afterAll(async () => {
  await broker?.kill('SIGKILL')
})

function find(msg: string): (typeof lines)[number] | undefined {
  return lines.find((l) => l.msg === msg)
}

describe('logs at INFO', () => {
  it('has no line per client connection', () => {
    expect(lines.filter((l) => l.level <= 30 && ('conn' in l || l.msg === 'client connected'))).toEqual([])
  })

  it('tells the story: topics, rebalances, members, configs, offsets, refused versions', () => {
    expect(find('topic created')).toMatchObject({ topic: 'story', partitions: 1 })
    expect(find('preparing to rebalance group')).toMatchObject({ group: 'g-story', generation: 0, members: 1 })
    expect(find('stabilized group')).toMatchObject({ group: 'g-story', generation: 1, members: 1 })
    expect(find('member left the group')).toMatchObject({ group: 'g-story' })
    expect(find('group is empty')).toMatchObject({ group: 'g-story' })
    expect(find('committed offsets reset')).toMatchObject({ group: 'g-story', offsets: [{ partition: 'story-0', from: 2, to: 0 }] })
    expect(find('topic configs changed')).toMatchObject({ topic: 'story', keys: ['retention.ms'] })
    expect(find('group deleted with its committed offsets')).toMatchObject({ group: 'g-story' })
    expect(find('topic deleted')).toMatchObject({ topic: 'story' })
    expect(find('closing connection: unsupported version 99 of Metadata (serving 0-13)')).toMatchObject({ level: 40, apiKey: 3, apiVersion: 99, clientId: 'probe' })
  })

  it('logs config changes by key name, never their values', () => {
    expect(JSON.stringify(lines)).not.toContain('60000')
  })
})
