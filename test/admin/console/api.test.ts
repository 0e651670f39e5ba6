// The console's JSON API over real HTTP on the admin port: what it reports matches what kafkajs
// wrote and sees; its actions change the broker as a kafkajs client then observes; bad input gets
// a 4xx JSON error naming the problem and changes nothing; actions without a JSON content type are
// refused (a cross-site form cannot send one).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestBroker, type TestBroker } from '../../helpers/broker.js'
import { CompressionTypes, Kafka, logLevel } from '../../helpers/kafkajs.js'

let b: TestBroker
let kafka: InstanceType<typeof Kafka>
beforeAll(async () => {
  b = await startTestBroker({ adminPort: 0 })
  kafka = new Kafka({ brokers: [b.bootstrap], clientId: 'console-test', logLevel: logLevel.NOTHING })
})
afterAll(() => b.cleanup())

async function api(method: string, path: string, body?: unknown, contentType: string | null = 'application/json'): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {}
  const res = await fetch(`${b.adminUrl}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) })
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  return { status: res.status, json: await res.json() }
}

async function withAdmin<T>(fn: (admin: ReturnType<typeof kafka.admin>) => Promise<T>): Promise<T> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    return await fn(admin)
  } finally {
    await admin.disconnect()
  }
}

describe('console API: topics', () => {
  it('creates a topic that kafkajs sees, with its partitions and configs', async () => {
    const r = await api('POST', '/api/topics', { name: 'orders', partitions: 3, configs: { 'retention.ms': '3600000' } })
    expect(r).toMatchObject({ status: 201, json: { name: 'orders', partitions: 3 } })
    const meta = await withAdmin((a) => a.fetchTopicMetadata({ topics: ['orders'] }))
    expect(meta.topics[0]!.partitions).toHaveLength(3)
    const cfg = await withAdmin((a) => a.describeConfigs({ resources: [{ type: 2, name: 'orders', configNames: ['retention.ms'] }], includeSynonyms: false }))
    expect(cfg.resources[0]!.configEntries[0]!.configValue).toBe('3600000')
    const list = await api('GET', '/api/topics')
    expect(list.json.topics.find((t: any) => t.name === 'orders')).toMatchObject({ partitions: 3, messages: 0, internal: false })
  })

  it('answers Kafka refusals as 4xx JSON errors and creates nothing', async () => {
    expect(await api('POST', '/api/topics', { name: 'orders' })).toMatchObject({ status: 409, json: { error: expect.stringContaining('TOPIC_ALREADY_EXISTS') } })
    expect(await api('POST', '/api/topics', { name: 'bad name!' })).toMatchObject({ status: 400, json: { error: expect.stringContaining('INVALID_TOPIC_EXCEPTION') } })
    expect(await api('POST', '/api/topics', { name: 'x1', configs: { 'retention.ms': 'soon' } })).toMatchObject({ status: 400, json: { error: expect.stringContaining('INVALID_CONFIG') } })
    expect(await api('POST', '/api/topics', { name: 'x2', partitions: 0 })).toMatchObject({ status: 400, json: { error: expect.stringContaining('partitions') } })
    expect(await api('POST', '/api/topics', { name: 'x3', configs: { 'retention.ms': 5 } })).toMatchObject({ status: 400 })
    expect(await api('POST', '/api/topics', '{"name": "x4",')).toMatchObject({ status: 400, json: { error: expect.stringContaining('malformed JSON') } })
    expect(await api('POST', '/api/topics', ['x5'])).toMatchObject({ status: 400, json: { error: expect.stringContaining('JSON object') } })
    const topics = await withAdmin((a) => a.listTopics())
    expect(topics.filter((t) => t.startsWith('x'))).toEqual([])
  })

  it('refuses actions without a JSON content type, as a cross-site form would send them', async () => {
    expect(await api('POST', '/api/topics', { name: 'csrf1' }, 'text/plain')).toMatchObject({ status: 415, json: { error: expect.stringContaining('application/json') } })
    expect(await api('POST', '/api/topics', 'name=csrf2', 'application/x-www-form-urlencoded')).toMatchObject({ status: 400 })
    expect(await api('POST', '/api/topics', { name: 'csrf3' }, null)).toMatchObject({ status: 415 })
    expect(await api('DELETE', '/api/topics/orders', undefined, null)).toMatchObject({ status: 415 })
    expect(b.broker.cluster.topic('csrf1') ?? b.broker.cluster.topic('csrf3')).toBeUndefined()
    expect(b.broker.cluster.topic('orders')).toBeDefined()
  })

  it('adds partitions and alters configs through the Kafka handlers', async () => {
    expect(await api('POST', '/api/topics/orders/partitions', { count: 5 })).toMatchObject({ status: 200, json: { partitions: 5 } })
    expect(await api('POST', '/api/topics/orders/partitions', { count: 2 })).toMatchObject({ status: 400, json: { error: expect.stringContaining('INVALID_PARTITIONS') } })
    expect(await api('POST', '/api/topics/nope/partitions', { count: 2 })).toMatchObject({ status: 404 })
    const meta = await withAdmin((a) => a.fetchTopicMetadata({ topics: ['orders'] }))
    expect(meta.topics[0]!.partitions).toHaveLength(5)

    expect(await api('POST', '/api/topics/orders/configs', { set: { 'cleanup.policy': 'compact' }, delete: ['retention.ms'] })).toMatchObject({ status: 200 })
    expect(await api('POST', '/api/topics/orders/configs', { set: { 'min.insync.replicas': 'two' } })).toMatchObject({ status: 400, json: { error: expect.stringContaining('INVALID_CONFIG') } })
    expect(await api('POST', '/api/topics/orders/configs', {})).toMatchObject({ status: 400 })
    const cfg = await withAdmin((a) => a.describeConfigs({ resources: [{ type: 2, name: 'orders', configNames: ['cleanup.policy', 'retention.ms'] }], includeSynonyms: false }))
    const byName = Object.fromEntries(cfg.resources[0]!.configEntries.map((c) => [c.configName, c]))
    expect(byName['cleanup.policy']!.configValue).toBe('compact')
    expect(byName['retention.ms']!.isDefault).toBe(true)
    const detail = await api('GET', '/api/topics/orders')
    expect(detail.json.partitions).toHaveLength(5)
    expect(detail.json.configs.find((c: any) => c.name === 'cleanup.policy')).toMatchObject({ value: 'compact', source: 'TOPIC_CONFIG', isDefault: false })
  })

  it('deletes a topic', async () => {
    await api('POST', '/api/topics', { name: 'doomed' })
    expect(await api('DELETE', '/api/topics/doomed')).toMatchObject({ status: 200 })
    expect(await api('DELETE', '/api/topics/doomed')).toMatchObject({ status: 404 })
    expect(await withAdmin((a) => a.listTopics())).not.toContain('doomed')
  })
})

describe('console API: messages', () => {
  it('produces records with headers that a kafkajs consumer reads, keyed ones where kafkajs would put them', async () => {
    await api('POST', '/api/topics', { name: 'events', partitions: 4 })
    const p = await api('POST', '/api/topics/events/messages', { key: 'user-42', value: '{"a":1}', headers: [{ key: 'source', value: 'console' }] })
    expect(p).toMatchObject({ status: 200, json: { topic: 'events', offset: 0 } })
    // kafkajs's default partitioner is murmur2 as Java's: the same key goes to the same partition.
    const producer = kafka.producer()
    await producer.connect()
    const [sent] = await producer.send({ topic: 'events', messages: [{ key: 'user-42', value: 'from kafkajs' }] })
    await producer.disconnect()
    expect(sent!.partition).toBe(p.json.partition)

    const consumer = kafka.consumer({ groupId: 'events-reader', maxWaitTimeInMs: 100 })
    await consumer.connect()
    await consumer.subscribe({ topics: ['events'], fromBeginning: true })
    const seen: { key: string; value: string; headers: Record<string, string> }[] = []
    await consumer.run({ eachMessage: async ({ message }) => void seen.push({ key: String(message.key), value: String(message.value), headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])) }) })
    await b.kit.until.condition('two records consumed', () => seen.length >= 2, { timeoutMs: 20_000 })
    await consumer.disconnect()
    expect(seen).toContainEqual({ key: 'user-42', value: '{"a":1}', headers: { source: 'console' } })

    expect(await api('POST', '/api/topics/events/messages', { partition: 9, value: 'x' })).toMatchObject({ status: 404, json: { error: expect.stringContaining('UNKNOWN_TOPIC_OR_PARTITION') } })
    expect(await api('POST', '/api/topics/events/messages', { value: 7 })).toMatchObject({ status: 400 })
    expect(await api('POST', '/api/topics/events/messages', { headers: [{ value: 'no key' }] })).toMatchObject({ status: 400 })
  })

  it('browses by offset and timestamp, decodes compressed batches, shows binary as hex and searches', async () => {
    await api('POST', '/api/topics', { name: 'browse', partitions: 1 })
    const producer = kafka.producer()
    await producer.connect()
    const t0 = Date.now() - 10_000
    await producer.send({ topic: 'browse', compression: CompressionTypes.GZIP, messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ n: i }), timestamp: String(t0 + i * 100), headers: { trace: `t-${i}` } })) })
    await producer.send({ topic: 'browse', messages: [{ key: Buffer.from([0, 1, 2, 255]), value: Buffer.from([0xde, 0xad, 0xbe, 0xef]) }] })
    await producer.disconnect()

    const newest = await api('GET', '/api/topics/browse/messages?limit=3')
    expect(newest.json.records.map((r: any) => r.offset)).toEqual([20, 19, 18])
    expect(newest.json.records[0]).toMatchObject({ key: { encoding: 'hex', data: '000102ff' }, value: { encoding: 'hex', data: 'deadbeef', length: 4 } })

    const page = await api('GET', '/api/topics/browse/messages?partition=0&offset=5&limit=4')
    expect(page.json.records.map((r: any) => r.offset)).toEqual([5, 6, 7, 8])
    expect(page.json.records[0]).toMatchObject({ key: { encoding: 'utf8', data: 'k5' }, value: { data: '{"n":5}' }, headers: [{ key: 'trace', value: { data: 't-5' } }] })
    expect(page.json.partitions[0].next).toBe(9)

    const byTime = await api('GET', `/api/topics/browse/messages?timestamp=${t0 + 1050}&limit=2`)
    expect(byTime.json.records.map((r: any) => r.offset)).toEqual([11, 12])

    const found = await api('GET', '/api/topics/browse/messages?q=T-1&in=headers&offset=0&limit=50')
    expect(found.json.records.map((r: any) => r.offset)).toEqual([1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19])
    const byValue = await api('GET', '/api/topics/browse/messages?q=%22n%22%3A7&in=value&offset=0')
    expect(byValue.json.records.map((r: any) => r.offset)).toEqual([7])
    const bounded = await api('GET', '/api/topics/browse/messages?q=k19&offset=0&scan=5')
    expect(bounded.json).toMatchObject({ records: [], partitions: [{ scanned: 5, next: 5 }] })
  })

  it('cuts long values and bounds an answer to 4 MiB', async () => {
    await api('POST', '/api/topics', { name: 'big', partitions: 1 })
    const producer = kafka.producer()
    await producer.connect()
    for (let i = 0; i < 7; i++) await producer.send({ topic: 'big', messages: Array.from({ length: 10 }, () => ({ value: 'x'.repeat(70_000) })) })
    await producer.disconnect()
    const r = await api('GET', '/api/topics/big/messages?offset=0&limit=100')
    expect(r.json.truncated).toBe(true)
    expect(r.json.records.length).toBeGreaterThan(50)
    expect(r.json.records.length).toBeLessThan(70)
    expect(r.json.records[0].value).toMatchObject({ encoding: 'utf8', length: 70_000, truncated: true })
    expect(r.json.records[0].value.data).toHaveLength(64 * 1024)
    expect(r.json.partitions[0].next).toBe(r.json.records.length)
    expect((await api('GET', '/api/topics/big/messages?offset=0&limit=10')).json.truncated).toBe(false)
  })

  it('refuses bad browse parameters', async () => {
    expect(await api('GET', '/api/topics/nope/messages')).toMatchObject({ status: 404 })
    expect(await api('GET', '/api/topics/browse/messages?limit=100000')).toMatchObject({ status: 400, json: { error: expect.stringContaining('limit') } })
    expect(await api('GET', '/api/topics/browse/messages?offset=abc')).toMatchObject({ status: 400 })
    expect(await api('GET', '/api/topics/browse/messages?offset=1&timestamp=1')).toMatchObject({ status: 400 })
    expect(await api('GET', '/api/topics/browse/messages?in=body')).toMatchObject({ status: 400 })
    expect(await api('GET', '/api/topics/browse/messages?partition=3')).toMatchObject({ status: 200, json: { records: [] } })
  })
})

describe('console API: groups and transactions', () => {
  it('shows a kafkajs group with members, assignments and lag, and resets its offsets only once it is empty', async () => {
    await api('POST', '/api/topics', { name: 'lagging', partitions: 2 })
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: 'lagging', messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 2 })) })
    const consumer = kafka.consumer({ groupId: 'slow', maxWaitTimeInMs: 100 })
    await consumer.connect()
    await consumer.subscribe({ topics: ['lagging'], fromBeginning: true })
    let consumed = 0
    await consumer.run({ autoCommitThreshold: 1, eachMessage: async () => void consumed++ })
    await b.kit.until.condition('10 consumed and committed', (br) => consumed >= 10 && [...(br.groups.group('slow')?.offsets.values() ?? [])].reduce((n, c) => n + c.offset, 0) >= 10, { timeoutMs: 20_000 })
    await producer.send({ topic: 'lagging', messages: [{ value: 'late', partition: 0 }] })
    await consumer.pause([{ topic: 'lagging' }])

    const detail = await api('GET', '/api/groups/slow')
    expect(detail.json).toMatchObject({ groupId: 'slow', state: 'Stable', protocolType: 'consumer', members: [{ clientId: 'console-test', assignment: [{ topic: 'lagging', partitions: [0, 1] }] }] })
    const rows = detail.json.offsets
    expect(rows.map((r: any) => [r.partition, r.committed])).toEqual([[0, 5], [1, 5]])
    const list = await api('GET', '/api/groups')
    expect(list.json.groups.find((g: any) => g.groupId === 'slow')).toMatchObject({ members: 1, state: 'Stable' })

    expect(await api('POST', '/api/groups/slow/reset-offsets', { topic: 'lagging', to: 'earliest' })).toMatchObject({ status: 409, json: { error: expect.stringContaining('empty') } })
    await consumer.disconnect()
    await b.kit.until.condition('group empty', (br) => br.groups.group('slow')?.state === 'Empty', { timeoutMs: 20_000 })
    const lagged = await api('GET', '/api/groups/slow')
    expect(lagged.json.offsets.find((r: any) => r.partition === 0)).toMatchObject({ committed: 5, highWatermark: 6, lag: 1 })

    expect(await api('POST', '/api/groups/slow/reset-offsets', { topic: 'lagging', to: 'offset', offset: 2, partitions: [1] })).toMatchObject({ status: 200, json: { offsets: [{ partition: 1, offset: 2 }] } })
    expect(await api('POST', '/api/groups/slow/reset-offsets', { topic: 'lagging', to: 'earliest', partitions: [0] })).toMatchObject({ status: 200 })
    const offsets = await withAdmin((a) => a.fetchOffsets({ groupId: 'slow', topics: ['lagging'] }))
    expect(offsets[0]!.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([[0, '0'], [1, '2']])
    expect(await api('POST', '/api/groups/slow/reset-offsets', { topic: 'lagging', to: 'sideways' })).toMatchObject({ status: 400 })
    expect(await api('POST', '/api/groups/slow/reset-offsets', { topic: 'nope', to: 'latest' })).toMatchObject({ status: 404 })
    expect(await api('GET', '/api/groups/nope')).toMatchObject({ status: 404 })
    await producer.disconnect()
  })

  it('lists transactions and producers', async () => {
    await api('POST', '/api/topics', { name: 'txn', partitions: 1 })
    const producer = kafka.producer({ transactionalId: 'tx-1', idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    const tx = await producer.transaction()
    await tx.send({ topic: 'txn', messages: [{ value: 'in a transaction' }] })
    const open = await api('GET', '/api/transactions')
    expect(open.json.transactions.find((t: any) => t.transactionalId === 'tx-1')).toMatchObject({ state: 'Ongoing', partitions: [{ topic: 'txn', partitions: [0] }] })
    expect(open.json.producers.find((p: any) => p.topic === 'txn')).toMatchObject({ partition: 0, currentTxnStartOffset: 0 })
    await tx.commit()
    await producer.disconnect()
    const done = await api('GET', '/api/transactions')
    expect(done.json.transactions.find((t: any) => t.transactionalId === 'tx-1')).toMatchObject({ state: 'CompleteCommit' })
    const ov = await api('GET', '/api/overview')
    expect(ov.json).toMatchObject({ nodeId: expect.any(Number), storage: 'memory', transactions: 1, listeners: [{ name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: b.host, port: b.port, connections: expect.any(Number) }] })
  })
})

describe('console page', () => {
  it('serves the page, its script and stylesheet with a strict content security policy', async () => {
    const page = await fetch(`${b.adminUrl}/`)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    expect(await page.text()).toContain('console.js')
    expect((await fetch(`${b.adminUrl}/console.js`)).headers.get('content-type')).toMatch(/javascript/)
    expect((await fetch(`${b.adminUrl}/console.css`)).status).toBe(200)
  })
})

describe('console after a kit reset', () => {
  it("follows the broker the test kit's reset() swaps in", async () => {
    expect((await api('GET', '/api/topics')).json.topics.length).toBeGreaterThan(0)
    await b.kit.reset()
    expect((await api('GET', '/api/topics')).json.topics.filter((t: any) => !t.internal)).toEqual([])
    expect(await api('POST', '/api/topics', { name: 'after-reset' })).toMatchObject({ status: 201 })
    expect(b.broker.cluster.topic('after-reset')).toBeDefined()
  })
})
