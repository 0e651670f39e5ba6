// ApiVersions v5 (KIP-1242) in a cluster: each broker answers for its own node id. The Java client
// 4.4 names the node it means to reach once it knows it from Metadata; a broker that compared the
// cluster's first node id answered REBOOTSTRAP_REQUIRED on every other node, and the client could
// never produce to or fetch from their partitions.
import { afterEach, describe, expect, it } from 'vitest'
import { ApiVersions } from '../../protocol/apis/api-versions.js'
import { ErrorCode } from '../../protocol/errors.js'
import { startCluster, type RunningCluster } from '../../src/index.js'
import { TestClient } from '../helpers/client.js'

let cluster: RunningCluster | null = null
const clients: TestClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close()
  await cluster?.stop()
  cluster = null
})

describe('ApiVersions v5 on a 3-broker cluster', () => {
  it('accepts each node\'s own id on its listener and refuses the others\' with REBOOTSTRAP_REQUIRED', async () => {
    const c = (cluster = await startCluster({ brokers: 3 }))
    const clusterId = c.broker.cluster.clusterId
    for (const b of c.brokers) {
      const client = await TestClient.connect(b.port)
      clients.push(client)
      for (const other of c.brokers) {
        const r = await client.send(ApiVersions, 5, { clientSoftwareName: 'rivulet-test', clientSoftwareVersion: '1.0', clusterId, nodeId: other.nodeId })
        expect({ listener: b.nodeId, asked: other.nodeId, errorCode: r.errorCode })
          .toEqual({ listener: b.nodeId, asked: other.nodeId, errorCode: other.nodeId === b.nodeId ? 0 : ErrorCode.REBOOTSTRAP_REQUIRED })
      }
    }
  })
})
