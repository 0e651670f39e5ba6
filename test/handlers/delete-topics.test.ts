import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DeleteTopics } from '../../protocol/apis/delete-topics.js'
import { ErrorCode } from '../../protocol/errors.js'
import { ZERO_UUID } from '../../protocol/primitives.js'
import { randomUuid } from '../../src/cluster/cluster.js'
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
const byName = <T extends { name: string | null }>(xs: T[]) => [...xs].sort((x, y) => String(x.name).localeCompare(String(y.name)))

describe('DeleteTopics', () => {
  it.each([1, 2, 3, 4, 5])('v%i deletes by name and answers unknown names', async (v) => {
    const name = `dt-v${v}`
    create(name, 2)
    const res = await client.send(DeleteTopics, v, { topicNames: [name, `${name}-missing`], timeoutMs: 5000 })
    expect(byName(res.responses).map((r) => [r.name, r.errorCode])).toEqual([
      [name, 0],
      [`${name}-missing`, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ])
    const missing = res.responses.find((r) => r.name === `${name}-missing`)!
    const ok = res.responses.find((r) => r.name === name)!
    if (v >= 5) {
      expect(missing.errorMessage).toBe('This server does not host this topic-partition.')
      expect(ok.errorMessage).toBeNull()
    }
    expect(b.broker.cluster.topic(name)).toBeUndefined()
    expect(b.broker.partition(name, 0)).toBeUndefined()
  })

  it('v6 deletes by name and by id, returning both', async () => {
    const a = create('dt-v6-name')
    const c = create('dt-v6-id')
    const unknownId = randomUuid()
    const res = await client.send(DeleteTopics, 6, {
      topics: [{ name: 'dt-v6-name' }, { name: null, topicId: c.id }, { name: null, topicId: unknownId }, { name: 'dt-v6-missing' }],
      timeoutMs: 5000,
    })
    const out = res.responses.map((r) => ({ name: r.name, topicId: r.topicId, errorCode: r.errorCode, errorMessage: r.errorMessage }))
    expect(out).toEqual(expect.arrayContaining([
      { name: 'dt-v6-name', topicId: a.id, errorCode: 0, errorMessage: null },
      { name: 'dt-v6-id', topicId: c.id, errorCode: 0, errorMessage: null },
      { name: null, topicId: unknownId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: 'This server does not host this topic ID.' },
      { name: 'dt-v6-missing', topicId: ZERO_UUID, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic-partition.' },
    ]))
    expect(out).toHaveLength(4)
    expect(b.broker.cluster.topic('dt-v6-name')).toBeUndefined()
    expect(b.broker.cluster.topicById(c.id)).toBeUndefined()
  })

  it('v6 rejects entries with both or neither of name and id, and duplicates', async () => {
    const t = create('dt-v6-bad')
    const other = create('dt-v6-other')
    const res = await client.send(DeleteTopics, 6, {
      topics: [
        { name: 'dt-v6-bad', topicId: t.id },
        { name: null, topicId: ZERO_UUID },
        { name: 'dt-v6-dup' },
        { name: 'dt-v6-dup' },
        { name: null, topicId: other.id },
        { name: null, topicId: other.id },
      ],
      timeoutMs: 5000,
    })
    expect(res.responses.map((r) => [r.name, r.topicId, r.errorCode, r.errorMessage])).toEqual(expect.arrayContaining([
      ['dt-v6-bad', t.id, ErrorCode.INVALID_REQUEST, 'You may not specify both topic name and topic id.'],
      [null, ZERO_UUID, ErrorCode.INVALID_REQUEST, 'Neither topic name nor id were specified.'],
      ['dt-v6-dup', ZERO_UUID, ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'],
      [null, other.id, ErrorCode.INVALID_REQUEST, 'Duplicate topic id.'],
    ]))
    expect(res.responses).toHaveLength(4)
    expect(b.broker.cluster.topic('dt-v6-bad')).toBeDefined()
    expect(b.broker.cluster.topic('dt-v6-other')).toBeDefined()
  })

  it('v6 answers a name that maps to an id given in the same request with INVALID_REQUEST', async () => {
    const t = create('dt-v6-both')
    const res = await client.send(DeleteTopics, 6, { topics: [{ name: null, topicId: t.id }, { name: 'dt-v6-both' }], timeoutMs: 5000 })
    expect(res.responses.map((r) => [r.name, r.topicId, r.errorCode])).toEqual([['dt-v6-both', t.id, ErrorCode.INVALID_REQUEST]])
    expect(b.broker.cluster.topic('dt-v6-both')).toBeDefined()
  })

  it('v1–5 answer duplicate names once with INVALID_REQUEST', async () => {
    create('dt-dup')
    const res = await client.send(DeleteTopics, 5, { topicNames: ['dt-dup', 'dt-dup'], timeoutMs: 5000 })
    expect(res.responses.map((r) => [r.name, r.errorCode, r.errorMessage])).toEqual([['dt-dup', ErrorCode.INVALID_REQUEST, 'Duplicate topic name.']])
    expect(b.broker.cluster.topic('dt-dup')).toBeDefined()
  })

  it('keeps internal topics', async () => {
    const t = b.broker.cluster.createTopic('__consumer_offsets', 1, 1, {}, false, true)
    const res = await client.send(DeleteTopics, 6, { topics: [{ name: '__consumer_offsets' }], timeoutMs: 5000 })
    expect(res.responses.map((r) => [r.name, r.topicId, r.errorCode])).toEqual([['__consumer_offsets', t.id, ErrorCode.INVALID_TOPIC_EXCEPTION]])
    expect(b.broker.cluster.topic('__consumer_offsets')).toBeDefined()
  })
})

describe('DeleteTopics with delete.topic.enable=false', () => {
  let d: TestBroker
  let c: TestClient
  beforeAll(async () => {
    d = await startTestBroker({ config: { 'delete.topic.enable': false } })
    c = await TestClient.connect(d.port)
    d.broker.createTopic('keep', 1, 1, {})
  })
  afterEach(() => expect(d.broker.cluster.topic('keep')).toBeDefined())
  afterAll(async () => {
    await c.close()
    await d.cleanup()
  })

  it.each([1, 2])('v%i answers INVALID_REQUEST', async (v) => {
    const res = await c.send(DeleteTopics, v, { topicNames: ['keep'], timeoutMs: 5000 })
    expect(res.responses.map((r) => [r.name, r.errorCode])).toEqual([['keep', ErrorCode.INVALID_REQUEST]])
  })

  it.each([3, 4, 5])('v%i answers TOPIC_DELETION_DISABLED', async (v) => {
    const res = await c.send(DeleteTopics, v, { topicNames: ['keep'], timeoutMs: 5000 })
    expect(res.responses.map((r) => [r.name, r.errorCode])).toEqual([['keep', ErrorCode.TOPIC_DELETION_DISABLED]])
  })

  it('v6 answers TOPIC_DELETION_DISABLED for names and ids', async () => {
    const id = d.broker.cluster.topic('keep')!.id
    const res = await c.send(DeleteTopics, 6, { topics: [{ name: 'keep' }, { name: null, topicId: id }], timeoutMs: 5000 })
    expect(res.responses.map((r) => [r.name, r.topicId, r.errorCode])).toEqual([
      ['keep', ZERO_UUID, ErrorCode.TOPIC_DELETION_DISABLED],
      [null, id, ErrorCode.TOPIC_DELETION_DISABLED],
    ])
  })
})
