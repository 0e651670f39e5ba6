import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FindCoordinator } from '../../protocol/apis/find-coordinator.js'
import { ErrorCode } from '../../protocol/errors.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'

let b: TestBroker
let client: TestClient

beforeAll(async () => {
  b = await startTestBroker()
  client = await TestClient.connect(b.port)
})
afterAll(async () => {
  await client.close()
  await b.cleanup()
})

const INVALID_REQUEST_MESSAGE =
  'This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details.'

describe('FindCoordinator', () => {
  it('v0 answers this broker for a group', async () => {
    const res = await client.send(FindCoordinator, 0, { key: 'g' })
    expect(res).toMatchObject({ errorCode: 0, nodeId: b.broker.nodeId, host: '127.0.0.1', port: b.port })
  })

  it.each([1, 2, 3])('v%i answers this broker for groups and transactional ids, errorMessage "NONE"', async (v) => {
    for (const keyType of [0, 1]) {
      const res = await client.send(FindCoordinator, v, { key: `k${keyType}`, keyType })
      expect(res).toEqual({ throttleTimeMs: 0, errorCode: 0, errorMessage: 'NONE', nodeId: b.broker.nodeId, host: '127.0.0.1', port: b.port, coordinators: [] })
    }
    // Kafka hashes any key, the empty one included, to a partition and answers its leader.
    expect((await client.send(FindCoordinator, v, { key: '' })).errorCode).toBe(0)
  })

  it.each([4, 5, 6])('v%i answers one coordinator per key', async (v) => {
    const res = await client.send(FindCoordinator, v, { keyType: 0, coordinatorKeys: ['a', 'b', ''] })
    const node = { nodeId: b.broker.nodeId, host: '127.0.0.1', port: b.port, errorCode: 0, errorMessage: '' }
    expect(res.coordinators).toEqual([{ key: 'a', ...node }, { key: 'b', ...node }, { key: '', ...node }])
    expect((await client.send(FindCoordinator, v, { keyType: 1, coordinatorKeys: ['tx'] })).coordinators[0]).toMatchObject({ key: 'tx', errorCode: 0 })
    expect((await client.send(FindCoordinator, v, { keyType: 0, coordinatorKeys: [] })).coordinators).toEqual([])
  })

  it('answers share keys (keyType 2) with INVALID_REQUEST: no share coordinator here', async () => {
    expect(await client.send(FindCoordinator, 6, { keyType: 2, coordinatorKeys: ['g:topic-id:0'] })).toMatchObject({
      coordinators: [{ key: 'g:topic-id:0', nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST }],
    })
    expect(await client.send(FindCoordinator, 3, { key: 'g', keyType: 2 })).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, nodeId: -1, host: '', port: -1 })
  })

  it('fails the whole request for an unknown key type, as FindCoordinatorRequest.getErrorResponse does', async () => {
    expect(await client.send(FindCoordinator, 2, { key: 'g', keyType: 7 })).toEqual({
      throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: INVALID_REQUEST_MESSAGE, nodeId: -1, host: '', port: -1, coordinators: [],
    })
    expect((await client.send(FindCoordinator, 5, { keyType: 7, coordinatorKeys: ['x', 'y'] })).coordinators).toEqual([
      { key: 'x', nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: INVALID_REQUEST_MESSAGE },
      { key: 'y', nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: INVALID_REQUEST_MESSAGE },
    ])
  })

  it('creates __consumer_offsets and __transaction_state on the first lookup, as KafkaApis.getCoordinator does', async () => {
    const fresh = await startTestBroker()
    const c = await TestClient.connect(fresh.port)
    try {
      expect(fresh.broker.cluster.topic('__consumer_offsets')).toBeUndefined()
      expect((await c.send(FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['g'] })).coordinators[0]!.errorCode).toBe(0)
      expect(fresh.broker.cluster.topic('__consumer_offsets')?.internal).toBe(true)
      expect(fresh.broker.cluster.topic('__transaction_state')).toBeUndefined()
      expect((await c.send(FindCoordinator, 4, { keyType: 1, coordinatorKeys: ['tx'] })).coordinators[0]!.errorCode).toBe(0)
      expect(fresh.broker.cluster.topic('__transaction_state')?.internal).toBe(true)
    } finally {
      await c.close()
      await fresh.cleanup()
    }
  })

  it('is what kafkajs uses to find a group coordinator', async () => {
    const kafka = new Kafka({ brokers: [b.bootstrap], logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    try {
      expect(await admin.describeGroups(['kafkajs-find'])).toMatchObject({ groups: [{ groupId: 'kafkajs-find', state: 'Dead', errorCode: 0 }] })
    } finally {
      await admin.disconnect()
    }
  })
})
