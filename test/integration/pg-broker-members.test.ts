// Membership over PostgreSQL (issue 11 part 2, step 1): a broker re-reads the brokers table every
// heartbeat, so a broker registered by another process (here registered directly with the
// store's leases, as that process's start-up does) appears in Metadata and DescribeCluster with
// its listeners' endpoints and rack, and the controller id is the lowest live node id of the whole
// cluster. Its lease running out makes it a fenced broker: gone from Metadata, listed as fenced
// when DescribeCluster asks for fenced brokers. Waits poll the broker's answer (bounded).
import { afterEach, expect, it } from 'vitest'
import { DescribeCluster } from '../../protocol/apis/describe-cluster.js'
import { InitProducerId } from '../../protocol/apis/init-producer-id.js'
import { Metadata } from '../../protocol/apis/metadata.js'
import { startBroker, type RunningBroker } from '../../src/index.js'
import { PostgresStore } from '../../src/store/postgres/store.js'
import { TestClient } from '../helpers/client.js'
import { describePostgres } from '../helpers/postgres.js'
import { until } from '../helpers/until.js'

const closers: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {})
})

type Brokers = { nodeId: number; host: string; port: number; rack: string | null }[]

// Polls `read` until `done` holds (bounded: a broker that never sees the change fails the test).
describePostgres('membership over PostgreSQL', (pg) => {
  it('lists the brokers registered by other processes, live in Metadata, fenced in DescribeCluster', async () => {
    const url = await pg.freshDatabase()
    const b: RunningBroker = await startBroker({ port: 0, store: url, config: { 'store.multi.process.enable': true, 'node.id': 2, 'broker.rack': 'r2', 'store.heartbeat.interval.ms': 50 } })
    closers.push(() => b.stop())
    const client = await TestClient.connect(b.port)
    closers.push(() => client.close())
    const metadata = async () => {
      const res = await client.send(Metadata, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
      return { brokers: res.brokers as Brokers, controllerId: res.controllerId }
    }
    expect(await metadata()).toEqual({ brokers: [{ nodeId: 2, host: '127.0.0.1', port: b.port, rack: 'r2' }], controllerId: 2 })

    // Another process registers node 1, with two listeners, and keeps its lease running.
    const other = await PostgresStore.open(url)
    closers.push(() => other.close())
    const leases = other.leases(1, 60_000)
    await leases.register('10.0.0.1:9092', [{ name: 'PLAINTEXT', host: '10.0.0.1', port: 9092 }, { name: 'INTERNAL', host: 'node1.internal', port: 9192 }], 'r1')
    const both = await until(metadata, (m) => m.brokers.length === 2)
    // The listener the request came in on (PLAINTEXT) names the endpoint; the lowest id controls.
    expect(both).toEqual({
      brokers: [{ nodeId: 1, host: '10.0.0.1', port: 9092, rack: 'r1' }, { nodeId: 2, host: '127.0.0.1', port: b.port, rack: 'r2' }],
      controllerId: 1,
    })
    const cluster = async (includeFencedBrokers: boolean) => {
      const res = await client.send(DescribeCluster, 2, { includeClusterAuthorizedOperations: false, endpointType: 1, includeFencedBrokers })
      return { controllerId: res.controllerId, brokers: res.brokers.map((x) => [x.brokerId, x.host, x.port, x.rack, x.isFenced]) }
    }
    expect(await cluster(false)).toEqual({ controllerId: 1, brokers: [[1, '10.0.0.1', 9092, 'r1', false], [2, '127.0.0.1', b.port, 'r2', false]] })

    // Node 1's lease runs out (its process died): no longer live, so gone from Metadata and
    // from the brokers DescribeCluster lists unless asked for the fenced ones.
    await other.db.query('UPDATE rivulet_brokers SET lease_expires_at = now() WHERE node_id = 1')
    expect(await until(metadata, (m) => m.brokers.length === 1)).toEqual({ brokers: [{ nodeId: 2, host: '127.0.0.1', port: b.port, rack: 'r2' }], controllerId: 2 })
    expect(await cluster(false)).toEqual({ controllerId: 2, brokers: [[2, '127.0.0.1', b.port, 'r2', false]] })
    expect(await cluster(true)).toEqual({ controllerId: 2, brokers: [[1, '10.0.0.1', 9092, 'r1', true], [2, '127.0.0.1', b.port, 'r2', false]] })

    // It comes back (a new process under the same node id): live again within a heartbeat.
    await other.leases(1, 60_000).register('10.0.0.1:9093', [{ name: 'PLAINTEXT', host: '10.0.0.1', port: 9093 }], null)
    expect((await until(metadata, (m) => m.brokers.length === 2)).brokers[0]).toEqual({ nodeId: 1, host: '10.0.0.1', port: 9093, rack: null })
  })

  it('hands out producer ids from a block the database allocated, never one another broker holds', async () => {
    const url = await pg.freshDatabase()
    const init = async (port: number) => {
      const c = await TestClient.connect(port)
      try {
        const res = await c.send(InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 })
        expect(res.errorCode).toBe(0)
        return Number(res.producerId)
      } finally {
        await c.close()
      }
    }
    const b = await startBroker({ port: 0, store: url })
    closers.push(() => b.stop())
    expect([await init(b.port), await init(b.port)]).toEqual([0, 1])
    // Another broker over the database takes the next block: ids 1000 to 1999 are its own.
    const other = await PostgresStore.open(url)
    closers.push(() => other.close())
    expect(await other.allocateProducerIds(0, 1000)).toBe(1000)
    await b.stop()
    // Restarted, the broker takes a new block: no id it or the other broker had is handed again.
    const again = await startBroker({ port: 0, store: url })
    closers.push(() => again.stop())
    expect(await init(again.port)).toBe(2000)
  })

  it('a member registered before listener names (schema v2) is reached at its endpoint', async () => {
    const url = await pg.freshDatabase()
    const b: RunningBroker = await startBroker({ port: 0, store: url, config: { 'store.multi.process.enable': true, 'node.id': 1, 'store.heartbeat.interval.ms': 50 } })
    closers.push(() => b.stop())
    const other = await PostgresStore.open(url)
    closers.push(() => other.close())
    await other.db.query(`INSERT INTO rivulet_brokers (node_id, endpoint, incarnation, lease_expires_at) VALUES (3, 'old-host:19092', gen_random_uuid(), now() + interval '1 minute')`)
    const client = await TestClient.connect(b.port)
    closers.push(() => client.close())
    const res = await until(
      () => client.send(Metadata, 1, { topics: [] }),
      (r) => r.brokers.length === 2,
    )
    expect(res.brokers.map((x) => [x.nodeId, x.host, x.port])).toEqual([[1, '127.0.0.1', b.port], [3, 'old-host', 19092]])
  })
})
