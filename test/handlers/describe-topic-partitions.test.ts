import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DescribeTopicPartitions } from '../../protocol/apis/describe-topic-partitions.js'
import { ErrorCode } from '../../protocol/errors.js'
import { ZERO_UUID } from '../../protocol/primitives.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

let b: TestBroker
let client: TestClient

beforeAll(async () => {
  b = await startTestBroker()
  client = await TestClient.connect(b.port)
  b.broker.createTopic('dtp-a', 3, 1, {})
  b.broker.createTopic('dtp-b', 2, 1, {})
  b.broker.createTopic('dtp-c', 4, 1, {})
})
afterAll(async () => {
  await client.close()
  await b.cleanup()
})

// Kafka's bit field for a topic without an authorizer: READ, WRITE, CREATE, DELETE, ALTER,
// DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS.
const ALL_TOPIC_OPERATIONS = 3576

type Cursor = { topicName: string; partitionIndex: number } | null
const describeTopics = (names: string[], responsePartitionLimit = 2000, cursor: Cursor = null) =>
  client.send(DescribeTopicPartitions, 0, { topics: names.map((name) => ({ name })), responsePartitionLimit, cursor })
const summary = (topics: { name: string | null; errorCode: number; partitions: { partitionIndex: number }[] }[]) =>
  topics.map((t) => [t.name, t.errorCode, t.partitions.map((p) => p.partitionIndex)])

describe('DescribeTopicPartitions', () => {
  it('v0 describes every topic, sorted, for an empty list', async () => {
    const res = await describeTopics([])
    expect(summary(res.topics)).toEqual([['dtp-a', 0, [0, 1, 2]], ['dtp-b', 0, [0, 1]], ['dtp-c', 0, [0, 1, 2, 3]]])
    expect(res.nextCursor).toBeNull()
    const node = b.broker.nodeId
    const a = res.topics[0]!
    expect(a).toMatchObject({ topicId: b.broker.cluster.topic('dtp-a')!.id, isInternal: false, topicAuthorizedOperations: ALL_TOPIC_OPERATIONS })
    expect(a.partitions[1]).toEqual({
      errorCode: 0, partitionIndex: 1, leaderId: node, leaderEpoch: 0, replicaNodes: [node], isrNodes: [node],
      eligibleLeaderReplicas: [], lastKnownElr: [], offlineReplicas: [],
    })
  })

  it('v0 answers named topics, unknown and illegal ones included', async () => {
    const res = await describeTopics(['dtp-c', 'dtp-missing', 'dtp-a', 'bad name!', 'dtp-a'])
    expect(summary(res.topics)).toEqual([
      ['bad name!', ErrorCode.INVALID_TOPIC_EXCEPTION, []],
      ['dtp-a', 0, [0, 1, 2]],
      ['dtp-c', 0, [0, 1, 2, 3]],
      ['dtp-missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, []],
    ])
    expect(res.topics[3]!.topicId).toBe(ZERO_UUID)
    expect(res.nextCursor).toBeNull()
  })

  it('v0 pages through partitions with the cursor', async () => {
    const seen: string[] = []
    let cursor: Cursor = null
    const cursors: Cursor[] = []
    for (let page = 0; page < 10; page++) {
      const res = await describeTopics([], 2, cursor)
      for (const t of res.topics) for (const p of t.partitions) seen.push(`${t.name}-${p.partitionIndex}`)
      cursor = res.nextCursor
      cursors.push(cursor)
      if (!cursor) break
    }
    expect(seen).toEqual(['dtp-a-0', 'dtp-a-1', 'dtp-a-2', 'dtp-b-0', 'dtp-b-1', 'dtp-c-0', 'dtp-c-1', 'dtp-c-2', 'dtp-c-3'])
    expect(cursors).toEqual([
      { topicName: 'dtp-a', partitionIndex: 2 },
      { topicName: 'dtp-b', partitionIndex: 1 },
      { topicName: 'dtp-c', partitionIndex: 1 },
      { topicName: 'dtp-c', partitionIndex: 3 },
      null,
    ])
  })

  it('v0 points the cursor at the next topic when the limit ends on a topic boundary', async () => {
    const res = await describeTopics(['dtp-a', 'dtp-b'], 3)
    expect(summary(res.topics)).toEqual([['dtp-a', 0, [0, 1, 2]]])
    expect(res.nextCursor).toEqual({ topicName: 'dtp-b', partitionIndex: 0 })
    const rest = await describeTopics(['dtp-a', 'dtp-b'], 3, res.nextCursor)
    expect(summary(rest.topics)).toEqual([['dtp-b', 0, [0, 1]]])
    expect(rest.nextCursor).toBeNull()
  })

  it('v0 treats a limit below 1 as 1 and caps it at 2000', async () => {
    const res = await describeTopics(['dtp-b'], 0)
    expect(summary(res.topics)).toEqual([['dtp-b', 0, [0]]])
    expect(res.nextCursor).toEqual({ topicName: 'dtp-b', partitionIndex: 1 })
    b.broker.cluster.createTopic('dtp-wide', 2001, 1, {})
    const wide = await describeTopics(['dtp-wide'], 5000)
    expect(wide.topics[0]!.partitions).toHaveLength(2000)
    expect(wide.nextCursor).toEqual({ topicName: 'dtp-wide', partitionIndex: 2000 })
  })

  it('v0 rejects a cursor outside the topic list or with a negative partition (INVALID_REQUEST)', async () => {
    const outside = await describeTopics(['dtp-a', 'dtp-b'], 10, { topicName: 'dtp-c', partitionIndex: 0 })
    expect(summary(outside.topics)).toEqual([['dtp-a', ErrorCode.INVALID_REQUEST, []], ['dtp-b', ErrorCode.INVALID_REQUEST, []]])
    const negative = await describeTopics([], 10, { topicName: 'dtp-a', partitionIndex: -1 })
    expect(negative.topics).toEqual([])
    const negativeNamed = await describeTopics(['dtp-a'], 10, { topicName: 'dtp-a', partitionIndex: -1 })
    expect(summary(negativeNamed.topics)).toEqual([['dtp-a', ErrorCode.INVALID_REQUEST, []]])
  })
})
