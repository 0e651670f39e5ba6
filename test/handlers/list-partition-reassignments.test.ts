import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ListPartitionReassignments } from '../../protocol/apis/list-partition-reassignments.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

let b: TestBroker
let client: TestClient

beforeAll(async () => {
  b = await startTestBroker()
  client = await TestClient.connect(b.port)
  b.broker.createTopic('lpr', 3, 1, {})
})
afterAll(async () => {
  await client.close()
  await b.cleanup()
})

describe('ListPartitionReassignments', () => {
  it('v0 lists no reassignments for all topics (null)', async () => {
    const res = await client.send(ListPartitionReassignments, 0, { timeoutMs: 5000, topics: null })
    expect(res).toEqual({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, topics: [] })
  })

  it('v0 lists no reassignments for named topics, and omits unknown ones', async () => {
    const res = await client.send(ListPartitionReassignments, 0, {
      timeoutMs: 5000,
      topics: [{ name: 'lpr', partitionIndexes: [0, 1, 2, 9] }, { name: 'lpr-missing', partitionIndexes: [0] }],
    })
    expect(res).toEqual({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, topics: [] })
  })
})
