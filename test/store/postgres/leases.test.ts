// Membership and leadership leases over PostgreSQL's clock: a leader that stops renewing loses
// the partition to another broker at epoch + 1, and its own appends are then fenced.
import { expect, it } from 'vitest'
import { DEFAULT_LOG_CONFIG } from '../../../src/log/types.js'
import { LogError } from '../../../src/log/types.js'
import type { BrokerLeases } from '../../../src/store/postgres/leases.js'
import { PostgresStore } from '../../../src/store/postgres/store.js'
import { describePostgres } from '../../helpers/postgres.js'
import { NOW, batch } from './fixtures.js'

// Retries the acquisition until the other lease has expired by PostgreSQL's clock (bounded): the
// condition is polled, time itself is not assumed.
async function acquireWhenFree(leases: BrokerLeases, topicId: string, partition: number): Promise<number> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const epoch = await leases.acquireLeadership(topicId, partition)
    if (epoch !== null) return epoch
    if (Date.now() > deadline) throw new Error('leadership never became free')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describePostgres('PostgreSQL store leases', (pg) => {
  it('a leader that stops renewing is replaced at epoch + 1 and its appends are fenced', async () => {
    const url = await pg.freshDatabase()
    const one = await PostgresStore.open(url)
    const two = await PostgresStore.open(url) // a second broker: its own connections
    const topic = (await one.createTopic('orders', 2))!
    const l1 = one.leases(1, 300)
    const l2 = two.leases(2, 60_000)
    const e1 = (await l1.acquireLeadership(topic.topicId, 0))!
    expect(e1).toBe(1)
    const p1 = await one.openPartition(topic, 0, e1, DEFAULT_LOG_CONFIG)
    await p1.append(batch(2), { nowMs: NOW })
    // While broker 1's lease is live, broker 2 cannot take the partition; its renewal keeps it.
    expect(await l2.acquireLeadership(topic.topicId, 0)).toBeNull()
    expect(await l1.renewLeadership(topic.topicId, 0, e1)).toBe(true)
    expect(await l2.leader(topic.topicId, 0)).toEqual({ leaderId: 1, epoch: 1 })
    // Broker 1 stops renewing; broker 2 takes over once the lease has run out.
    const e2 = await acquireWhenFree(l2, topic.topicId, 0)
    expect(e2).toBe(e1 + 1)
    expect(await l1.renewLeadership(topic.topicId, 0, e1)).toBe(false)
    const p2 = await two.openPartition(topic, 0, e2, DEFAULT_LOG_CONFIG)
    expect(p2.logEndOffset).toBe(2)
    // The old leader wakes up: its append is refused and writes nothing.
    const fenced = await Promise.resolve(p1.append(batch(1, { from: 2 }), { nowMs: NOW })).then(() => null, (e: unknown) => e)
    expect(fenced).toBeInstanceOf(LogError)
    expect((fenced as LogError).code).toBe('NOT_LEADER_OR_FOLLOWER')
    expect((fenced as LogError).message).toMatch('epoch 1; the partition is now at epoch 2')
    await expect(p1.deleteRecordsBefore(1)).rejects.toMatchObject({ code: 'NOT_LEADER_OR_FOLLOWER' })
    expect(await p2.append(batch(1, { from: 2 }), { nowMs: NOW })).toMatchObject({ baseOffset: 2 })
    const rows = await two.db.query<{ base_offset: string; leader_epoch: number }>('SELECT base_offset, leader_epoch FROM rivulet_batches ORDER BY last_offset')
    expect(rows.map((r) => [Number(r.base_offset), r.leader_epoch])).toEqual([[0, 1], [2, 2]])
    // Leadership of partition 1 was never taken: free for either broker.
    expect(await l1.acquireLeadership(topic.topicId, 1)).toBe(1)
    await one.close()
    await two.close()
  })

  it('brokers register with a lease; a live node id cannot be taken, an expired one can', async () => {
    const url = await pg.freshDatabase()
    const a = await PostgresStore.open(url)
    const b = await PostgresStore.open(url)
    const first = a.leases(1, 300)
    await first.register('host-a:9092')
    await b.leases(2, 60_000).register('host-b:9092')
    expect(await first.heartbeat()).toBe(true)
    expect(await first.liveBrokers()).toEqual([{ nodeId: 1, endpoint: 'host-a:9092' }, { nodeId: 2, endpoint: 'host-b:9092' }])
    const again = b.leases(1, 60_000)
    await expect(again.register('host-c:9092')).rejects.toThrow('node id 1 is held by another live broker')
    // Once broker 1's lease has run out (polled, bounded), the node id is free for a new process.
    const deadline = Date.now() + 10_000
    while ((await first.liveBrokers()).some((x) => x.nodeId === 1)) {
      if (Date.now() > deadline) throw new Error('lease never expired')
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await again.register('host-c:9092')
    expect(await first.heartbeat()).toBe(false)
    expect(await again.liveBrokers()).toEqual([{ nodeId: 1, endpoint: 'host-c:9092' }, { nodeId: 2, endpoint: 'host-b:9092' }])
    await a.close()
    await b.close()
  })

  it('members lists every registration with its listeners and rack, live or not', async () => {
    const url = await pg.freshDatabase()
    const a = await PostgresStore.open(url)
    const b = await PostgresStore.open(url)
    await a.leases(1, 60_000).register('a:9092', [{ name: 'PLAINTEXT', host: 'a', port: 9092 }, { name: 'SSL', host: 'a.example', port: 9093 }], 'rack-a')
    await b.leases(2, 60_000).register('b:9092')
    expect(await b.leases(3, 1000).members()).toEqual([
      { nodeId: 1, endpoint: 'a:9092', listeners: [{ name: 'PLAINTEXT', host: 'a', port: 9092 }, { name: 'SSL', host: 'a.example', port: 9093 }], rack: 'rack-a', live: true },
      // Registered without listener names: its endpoint, unnamed.
      { nodeId: 2, endpoint: 'b:9092', listeners: [{ name: '', host: 'b', port: 9092 }], rack: null, live: true },
    ])
    await a.db.query('UPDATE rivulet_brokers SET lease_expires_at = now() WHERE node_id = 1')
    expect((await a.leases(1, 1000).members()).map((m) => [m.nodeId, m.live])).toEqual([[1, false], [2, true]])
    await a.close()
    await b.close()
  })
})
