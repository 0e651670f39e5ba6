import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CreatePartitions } from '../../protocol/apis/create-partitions.js'
import { ErrorCode } from '../../protocol/errors.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

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

const create = (name: string, partitions = 1) => b.broker.createTopic(name, partitions, 1, {})
const count = (name: string) => b.broker.cluster.topic(name)!.partitions

async function one(version: number, name: string, n: number, o: { assignments?: { brokerIds: number[] }[] | null; validateOnly?: boolean } = {}) {
  const res = await client.send(CreatePartitions, version, { topics: [{ name, count: n, assignments: o.assignments ?? null }], timeoutMs: 5000, validateOnly: o.validateOnly ?? false })
  expect(res.results).toHaveLength(1)
  return res.results[0]!
}

describe('CreatePartitions', () => {
  it.each([0, 1, 2, 3])('v%i adds partitions', async (v) => {
    const name = `cp-v${v}`
    create(name, 1)
    expect(await one(v, name, 3)).toEqual({ name, errorCode: 0, errorMessage: null })
    expect(count(name)).toBe(3)
    expect(b.broker.partition(name, 2)).toBeDefined()
  })

  it.each([0, 1, 2, 3])('v%i rejects counts that are not an increase', async (v) => {
    const name = `cp-same-v${v}`
    create(name, 2)
    expect(await one(v, name, 2)).toEqual({ name, errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: 'Topic already has 2 partition(s).' })
    expect(await one(v, name, 1)).toEqual({ name, errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `The topic ${name} currently has 2 partition(s); 1 would not be an increase.` })
    expect(count(name)).toBe(2)
  })

  it.each([0, 3])('v%i answers unknown topics with UNKNOWN_TOPIC_OR_PARTITION', async (v) => {
    expect(await one(v, 'cp-missing', 2)).toEqual({ name: 'cp-missing', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null })
  })

  it.each([0, 1, 2, 3])('v%i validateOnly changes nothing', async (v) => {
    const name = `cp-validate-v${v}`
    create(name, 1)
    expect((await one(v, name, 4, { validateOnly: true })).errorCode).toBe(0)
    expect(count(name)).toBe(1)
    expect((await one(v, name, 1, { validateOnly: true })).errorCode).toBe(ErrorCode.INVALID_PARTITIONS)
  })

  it('accepts assignments naming this broker and validates them', async () => {
    const node = b.broker.nodeId
    create('cp-assign', 1)
    expect((await one(2, 'cp-assign', 3, { assignments: [{ brokerIds: [node] }, { brokerIds: [node] }] })).errorCode).toBe(0)
    expect(count('cp-assign')).toBe(3)

    expect(await one(2, 'cp-assign', 5, { assignments: [{ brokerIds: [node] }] })).toMatchObject({
      errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      errorMessage: 'Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.',
    })
    expect(await one(2, 'cp-assign', 4, { assignments: [{ brokerIds: [node + 7] }] })).toMatchObject({
      errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      errorMessage: `The manual partition assignment includes broker ${node + 7}, but no such broker is registered.`,
    })
    expect((await one(2, 'cp-assign', 4, { assignments: [{ brokerIds: [] }] })).errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT)
    expect((await one(2, 'cp-assign', 4, { assignments: [{ brokerIds: [node, node] }] })).errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT)
    expect(count('cp-assign')).toBe(3)
  })

  it('answers duplicate names first with INVALID_REQUEST and handles the rest', async () => {
    create('cp-dup', 1)
    create('cp-single', 1)
    const res = await client.send(CreatePartitions, 3, {
      topics: [{ name: 'cp-dup', count: 2, assignments: null }, { name: 'cp-single', count: 2, assignments: null }, { name: 'cp-dup', count: 3, assignments: null }],
      timeoutMs: 5000,
      validateOnly: false,
    })
    expect(res.results.map((r) => [r.name, r.errorCode, r.errorMessage])).toEqual([
      ['cp-dup', ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'],
      ['cp-single', 0, null],
    ])
    expect(count('cp-dup')).toBe(1)
    expect(count('cp-single')).toBe(2)
  })

  it('fails an excessively large request as a whole with POLICY_VIOLATION', async () => {
    create('cp-huge', 1)
    expect((await one(3, 'cp-huge', 20000)).errorCode).toBe(ErrorCode.POLICY_VIOLATION)
    expect(count('cp-huge')).toBe(1)
  })
})
