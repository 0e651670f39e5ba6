// ApiVersions v5 (KIP-1242): a client that knows which cluster and node it means to reach says so,
// and a broker that is not that node answers REBOOTSTRAP_REQUIRED. The answers below are what Kafka
// 4.4.0 gave the same requests: both ids or neither (one alone is INVALID_REQUEST), and every error
// answer, including a bad software name at any version, carries no API list
// (ApiVersionsRequest.getErrorResponse fills it only for UNSUPPORTED_VERSION).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiVersions } from '../../protocol/apis/api-versions.js'
import { ErrorCode as E } from '../../protocol/errors.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

let tb: TestBroker
let c: TestClient

beforeAll(async () => {
  tb = await startTestBroker()
  c = await TestClient.connect(tb.port)
})
afterAll(async () => {
  await c?.close()
  await tb?.cleanup()
})

const ask = (v: number, o: object = {}) => c.send(ApiVersions, v, { clientSoftwareName: 'rivulet-test', clientSoftwareVersion: '1.0', ...o })
const summary = async (v: number, o: object = {}) => {
  const r = await ask(v, o)
  return { errorCode: r.errorCode, apis: r.apiKeys.length > 0 }
}

describe('ApiVersions v5', () => {
  it('serves v5 and advertises 0-5', async () => {
    const r = await ask(5)
    expect(r.errorCode).toBe(0)
    expect(r.apiKeys.find((k) => k.apiKey === 18)).toEqual({ apiKey: 18, minVersion: 0, maxVersion: 5 })
  })

  it('accepts the cluster id and node id of this broker, and neither', async () => {
    const clusterId = tb.broker.cluster.clusterId
    expect(await summary(5, { clusterId, nodeId: tb.broker.nodeId })).toEqual({ errorCode: 0, apis: true })
    expect(await summary(5, { clusterId: null, nodeId: -1 })).toEqual({ errorCode: 0, apis: true })
  })

  it('answers REBOOTSTRAP_REQUIRED, with no API list, when the client means another cluster or node', async () => {
    const clusterId = tb.broker.cluster.clusterId
    expect(await summary(5, { clusterId: 'AAAAAAAAAAAAAAAAAAAAAA', nodeId: tb.broker.nodeId })).toEqual({ errorCode: E.REBOOTSTRAP_REQUIRED, apis: false })
    expect(await summary(5, { clusterId, nodeId: tb.broker.nodeId + 1 })).toEqual({ errorCode: E.REBOOTSTRAP_REQUIRED, apis: false })
    expect(await summary(5, { clusterId: '', nodeId: tb.broker.nodeId })).toEqual({ errorCode: E.REBOOTSTRAP_REQUIRED, apis: false })
  })

  it('answers INVALID_REQUEST when only one of the two is given', async () => {
    expect(await summary(5, { clusterId: tb.broker.cluster.clusterId, nodeId: -1 })).toEqual({ errorCode: E.INVALID_REQUEST, apis: false })
    expect(await summary(5, { clusterId: null, nodeId: tb.broker.nodeId })).toEqual({ errorCode: E.INVALID_REQUEST, apis: false })
    expect(await summary(5, { clusterId: null, nodeId: -5 })).toEqual({ errorCode: E.INVALID_REQUEST, apis: false })
  })

  it('checks the software name first, and v3-4 ignore the cluster and node (not on the wire)', async () => {
    expect(await summary(5, { clientSoftwareName: '-bad', clusterId: 'x', nodeId: 9 })).toEqual({ errorCode: E.INVALID_REQUEST, apis: false })
    for (const v of [3, 4]) {
      expect(await summary(v, { clientSoftwareName: '-bad' })).toEqual({ errorCode: E.INVALID_REQUEST, apis: false })
      expect(await summary(v, { clusterId: 'x', nodeId: 9 })).toEqual({ errorCode: 0, apis: true })
    }
  })

  it('the connection stays usable after an error answer', async () => {
    expect((await ask(5, { clusterId: 'x', nodeId: 9 })).errorCode).toBe(E.REBOOTSTRAP_REQUIRED)
    expect((await ask(5)).errorCode).toBe(0)
  })
})
