// ListConfigResources (KIP-1142) against what Kafka 4.4.0 answered the same requests: topics
// (internal ones too) and the broker; an unknown resource type fails the whole request with
// UNSUPPORTED_VERSION; v0 (client-metrics subscriptions) lists nothing on a fresh broker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ListConfigResources } from '../../protocol/apis/list-config-resources.js'
import { ErrorCode as E } from '../../protocol/errors.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

let tb: TestBroker
let c: TestClient

beforeAll(async () => {
  tb = await startTestBroker()
  tb.broker.createTopic('lcr-a', 1, 1, {})
  tb.broker.createTopic('lcr-b', 2, 1, {})
  c = await TestClient.connect(tb.port)
})
afterAll(async () => {
  await c?.close()
  await tb?.cleanup()
})

const list = async (resourceTypes: number[], v = 1) => {
  const r = await c.send(ListConfigResources, v, { resourceTypes })
  return { errorCode: r.errorCode, resources: r.configResources.map((x) => `${x.resourceType}:${x.resourceName}`).sort() }
}
const topics = () => [...tb.broker.cluster.topics.keys()].map((n) => `2:${n}`)

describe('ListConfigResources', () => {
  it('v1 with no types lists the broker and every topic', async () => {
    const r = await list([])
    expect(r).toEqual({ errorCode: 0, resources: [`4:${tb.broker.nodeId}`, ...topics()].sort() })
    expect(r.resources).toEqual(expect.arrayContaining(['2:lcr-a', '2:lcr-b']))
  })

  it('v1 lists only the requested types', async () => {
    expect(await list([2])).toEqual({ errorCode: 0, resources: topics().sort() })
    expect(await list([4])).toEqual({ errorCode: 0, resources: [`4:${tb.broker.nodeId}`] })
    expect(await list([16, 32, 8])).toEqual({ errorCode: 0, resources: [] })
  })

  it('v1 answers UNSUPPORTED_VERSION for a type Kafka has no configs for', async () => {
    for (const t of [0, 1, 99, -1]) expect(await list([2, t])).toEqual({ errorCode: E.UNSUPPORTED_VERSION, resources: [] })
  })

  it('v0 lists client-metrics subscriptions: none', async () => {
    expect(await list([], 0)).toEqual({ errorCode: 0, resources: [] })
  })
})
