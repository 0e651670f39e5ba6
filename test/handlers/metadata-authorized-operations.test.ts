// Metadata v8+ without an authorizer reports every operation a topic supports (READ, WRITE,
// CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS: 8 operations, bit field 3576)
// when asked, and v8–10 every cluster operation, as Kafka's AuthHelper.authorizedOperations does
// with authorizer = None. Not asked: Integer.MIN_VALUE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Metadata } from '../../protocol/apis/metadata.js'
import { ZERO_UUID } from '../../protocol/primitives.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

const ALL_TOPIC_OPERATIONS = 3576
const ALL_CLUSTER_OPERATIONS = (1 << 5) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12)
const NOT_REQUESTED = -2147483648

let b: TestBroker
let client: TestClient

beforeAll(async () => {
  b = await startTestBroker()
  b.broker.createTopic('mao-a', 2, 1, {})
  client = await TestClient.connect(b.port)
})
afterAll(async () => {
  await client.close()
  await b.cleanup()
})

describe('Metadata authorized operations without an authorizer', () => {
  it.each([8, 9, 10, 11, 12])('v%i reports all 8 topic operations when asked', async (v) => {
    const res = await client.send(Metadata, v, { topics: [{ name: 'mao-a', topicId: ZERO_UUID }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: true, includeClusterAuthorizedOperations: true })
    expect(res.topics.map((t) => [t.name, t.errorCode, t.topicAuthorizedOperations])).toEqual([['mao-a', 0, ALL_TOPIC_OPERATIONS]])
    if (v <= 10) expect(res.clusterAuthorizedOperations).toBe(ALL_CLUSTER_OPERATIONS)
  })

  it('reports them for every topic of an all-topics request, and not when not asked', async () => {
    const asked = await client.send(Metadata, 12, { topics: null, includeTopicAuthorizedOperations: true })
    expect(asked.topics.find((t) => t.name === 'mao-a')!.topicAuthorizedOperations).toBe(ALL_TOPIC_OPERATIONS)
    const notAsked = await client.send(Metadata, 10, { topics: null, includeTopicAuthorizedOperations: false, includeClusterAuthorizedOperations: false })
    expect(notAsked.topics.find((t) => t.name === 'mao-a')!.topicAuthorizedOperations).toBe(NOT_REQUESTED)
    expect(notAsked.clusterAuthorizedOperations).toBe(NOT_REQUESTED)
  })
})
