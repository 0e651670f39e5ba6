// An in-process cluster (startCluster): several brokers over one store, as kafkajs's admin sees it.
import { afterEach, describe, expect, it } from 'vitest'
import { startCluster, type RunningCluster } from '../../src/index.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'
import { runCli, startChildBroker } from '../helpers/process.js'

let cluster: RunningCluster | null = null
afterEach(async () => {
  await cluster?.stop()
  cluster = null
})

function admin(c: RunningCluster) {
  return new Kafka({ brokers: c.bootstrap.split(','), clientId: 'cluster-test', logLevel: logLevel.NOTHING }).admin()
}

describe('startCluster', () => {
  it('lists every broker and places replicas on distinct brokers with leaders spread evenly', async () => {
    cluster = await startCluster({ brokers: 3 })
    expect(cluster.brokers.map((b) => b.nodeId)).toEqual([1, 2, 3])
    expect(new Set(cluster.brokers.map((b) => b.port)).size).toBe(3)
    const a = admin(cluster)
    await a.connect()
    try {
      const described = await a.describeCluster()
      expect(described.brokers.map((b) => [b.nodeId, b.port]).sort()).toEqual(cluster.brokers.map((b) => [b.nodeId, b.port]))
      expect(await a.createTopics({ topics: [{ topic: 'spread', numPartitions: 6, replicationFactor: 3 }] })).toBe(true)
      const [t] = (await a.fetchTopicMetadata({ topics: ['spread'] })).topics
      const leaders = new Map<number, number>()
      for (const p of t!.partitions) {
        expect(new Set(p.replicas).size).toBe(3)
        expect(p.isr.sort()).toEqual([...p.replicas].sort())
        expect(p.leader).toBe(p.replicas[0])
        leaders.set(p.leader, (leaders.get(p.leader) ?? 0) + 1)
      }
      expect([...leaders.values()]).toEqual([2, 2, 2])
    } finally {
      await a.disconnect()
    }
  })

  it('refuses a replication factor above the broker count with INVALID_REPLICATION_FACTOR', async () => {
    cluster = await startCluster({ brokers: 2 })
    const a = admin(cluster)
    await a.connect()
    try {
      const err = await a.createTopics({ topics: [{ topic: 'too-many', numPartitions: 1, replicationFactor: 3 }] }).catch((e: unknown) => e)
      expect(JSON.stringify((err as { errors?: unknown[] }).errors ?? String(err))).toContain('INVALID_REPLICATION_FACTOR')
      expect(await a.createTopics({ topics: [{ topic: 'two', numPartitions: 1, replicationFactor: 2 }] })).toBe(true)
    } finally {
      await a.disconnect()
    }
  })
})

describe('rivulet --brokers N', () => {
  it('starts N brokers on their own ports and prints them all as the bootstrap list', async () => {
    const child = await startChildBroker(['--memory', '--brokers', '3'])
    try {
      const brokers = child.bootstrap.split(',')
      expect(brokers).toHaveLength(3)
      const a = new Kafka({ brokers: [brokers[2]!], clientId: 'cluster-cli-test', logLevel: logLevel.NOTHING }).admin()
      await a.connect()
      try {
        const described = await a.describeCluster()
        expect(described.brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual([...brokers].sort())
      } finally {
        await a.disconnect()
      }
    } finally {
      await child.kill()
    }
  })

  it('refuses a broker count that is not a whole number from 1 to 64', async () => {
    const r = await runCli(['--memory', '--port', '0', '--brokers', '0'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--brokers must be a whole number from 1 to 64')
  })
})
