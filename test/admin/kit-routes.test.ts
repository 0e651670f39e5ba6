// The kit's HTTP table, called through each route's handle() (the admin server that serves them
// is wired separately): faults added, listed and removed as JSON, bad input refused with a 4xx
// that names the problem and changes nothing, requests listed as plain JSON, the clock advanced,
// topics created and read, reset.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FindCoordinator } from '../../protocol/apis/find-coordinator.js'
import { Produce } from '../../protocol/apis/produce.js'
import { buildBatch } from '../../protocol/records/index.js'
import { kitRoutes } from '../../src/admin/kit-routes.js'
import { AdminError, type AdminResponse } from '../../src/admin/routes.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

let b: TestBroker
let client: TestClient
beforeEach(async () => {
  b = await startTestBroker({ clock: 'manual' })
  client = await TestClient.connect(b.port)
})
afterEach(async () => {
  client.close()
  await b.cleanup()
})

// Calls the route matching method and path, as the admin server would after parsing the body.
async function call(method: string, url: string, body?: unknown): Promise<AdminResponse> {
  const u = new URL(url, 'http://localhost')
  for (const r of kitRoutes(b.kit)) {
    if (r.method !== method) continue
    const names: string[] = []
    const re = new RegExp(`^${r.path.replace(/:(\w+)/g, (_m, n: string) => (names.push(n), '([^/]+)'))}$`)
    const m = re.exec(u.pathname)
    if (!m) continue
    const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]))
    try {
      return await r.handle({ params, query: u.searchParams, body })
    } catch (err) {
      if (err instanceof AdminError) return { status: err.status, json: { error: err.message } }
      throw err
    }
  }
  return { status: 404 }
}

describe('kit routes', () => {
  it('adds, lists and removes faults that the broker then applies', async () => {
    const added = await call('POST', '/faults', { api: 'FindCoordinator', error: 'COORDINATOR_NOT_AVAILABLE', times: 2 })
    expect(added).toMatchObject({ status: 201, json: { ids: [1], faults: [{ id: 1, api: 'FindCoordinator', remaining: 2 }] } })
    expect((await client.send(FindCoordinator, 3, { key: 'g', keyType: 0 })).errorCode).toBe(15)
    expect(await call('GET', '/faults')).toMatchObject({ status: 200, json: { faults: [{ id: 1, remaining: 1 }] } })
    expect(await call('DELETE', '/faults/1')).toMatchObject({ status: 200 })
    expect(await call('DELETE', '/faults/1')).toMatchObject({ status: 404 })
    expect((await client.send(FindCoordinator, 3, { key: 'g', keyType: 0 })).errorCode).toBe(0)
    await call('POST', '/faults', [{ api: 'Produce', delayMs: 5 }, { api: 'Fetch', hang: true }])
    expect(b.kit.faults.list()).toHaveLength(2)
    expect(await call('DELETE', '/faults')).toMatchObject({ status: 200 })
    expect(b.kit.faults.list()).toEqual([])
  })

  it('refuses bad faults with a 400 that names the problem, adding none of a batch', async () => {
    const bad: [unknown, RegExp][] = [
      ['{not json', /JSON object/],
      [null, /JSON object/],
      [{ api: 'NoSuchApi', error: 1 }, /unknown API/],
      [{ api: 9999, error: 1 }, /unknown API/],
      [{ api: 'Produce', error: 'WHAT' }, /unknown error/],
      [{ api: 'Produce', delayMs: 1e12 }, /non-negative integer/],
      [[{ api: 'Produce', delayMs: 1 }, { api: 'Produce' }], /exactly one of/],
    ]
    for (const [body, message] of bad) {
      const res = await call('POST', '/faults', body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect((res.json as { error: string }).error).toMatch(message)
    }
    expect(b.kit.faults.list()).toEqual([])
    expect((await call('DELETE', '/faults/abc')).status).toBe(400)
  })

  it('lists requests as plain JSON, filtered by API, client id and sequence', async () => {
    b.kit.createTopic('t', { partitions: 1 })
    await client.send(Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records: buildBatch({ records: [{ key: null, value: Buffer.from('v') }] }) }] }] })
    await client.send(FindCoordinator, 3, { key: 'g', keyType: 0 })
    const res = await call('GET', '/requests?api=Produce&clientId=rivulet-test')
    const list = (res.json as { requests: { apiName: string; seq: number; body: { topicData: { partitionData: { records: { base64: string } }[] }[]; timeoutMs: number } }[] }).requests
    expect(list.map((r) => r.apiName)).toEqual(['Produce'])
    expect(list[0]!.body.timeoutMs).toBe(1000)
    expect(typeof list[0]!.body.topicData[0]!.partitionData[0]!.records.base64).toBe('string')
    expect(JSON.parse(JSON.stringify(res.json))).toEqual(res.json)
    const since = await call('GET', `/requests?since=${list[0]!.seq}`)
    expect((since.json as { requests: { apiName: string }[] }).requests.map((r) => r.apiName)).toEqual(['FindCoordinator'])
    expect((await call('GET', '/requests?since=-1')).status).toBe(400)
  })

  it('advances the manual clock', async () => {
    const before = b.kit.clock.now()
    expect(await call('POST', '/clock/advance', { ms: 45_000 })).toEqual({ status: 200, json: { now: before + 45_000 } })
    expect((await call('POST', '/clock/advance', { ms: -5 })).status).toBe(400)
    expect((await call('POST', '/clock/advance', 'soon')).status).toBe(400)
  })

  it('creates topics and returns their records; reset empties them', async () => {
    expect(await call('POST', '/topics', { name: 'orders', partitions: 2, config: { 'cleanup.policy': 'compact' } })).toMatchObject({ status: 201, json: { name: 'orders', partitions: 2 } })
    expect(await call('POST', '/topics', { name: 'orders' })).toMatchObject({ status: 409 })
    expect((await call('POST', '/topics', { name: 'x', config: { 'cleanup.policy': 'sometimes' } })).status).toBe(400)
    expect((await call('POST', '/topics', { partitions: 2 })).status).toBe(400)
    await client.send(Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'orders', partitionData: [{ index: 1, records: buildBatch({ records: [{ key: 'k', value: Buffer.from('hello'), headers: [{ key: 'h', value: Buffer.from('1') }] }] }) }] }] })
    const records = await call('GET', '/topics/orders/records')
    expect(records).toMatchObject({ status: 200, json: { topic: 'orders', records: [{ partition: 1, offset: 0, key: 'k', value: 'hello', headers: [{ key: 'h', value: '1' }] }] } })
    expect(await call('GET', '/topics/orders/records?partition=0')).toMatchObject({ json: { records: [] } })
    expect((await call('GET', '/topics/nope/records')).status).toBe(404)
    expect(await call('POST', '/reset')).toEqual({ status: 200, json: { reset: true } })
    expect((await call('GET', '/topics/orders/records')).status).toBe(404)
  })
})
