// Failover in an in-process cluster with kafkajs 2.2.4: an idempotent producer and a consumer group
// keep running while the broker that leads a partition and coordinates the group is killed
// (sockets destroyed, no goodbye). Every acknowledged record is in the log exactly once, the group
// consumes all of them, and the killed broker's partitions are led elsewhere under a new epoch.
// Waits are on kafkajs callbacks (acks, messages); timers only bound a wait so a failure cannot hang.
import { afterEach, describe, expect, it } from 'vitest'
import { ListOffsets } from '../../protocol/apis/list-offsets.js'
import { startCluster, type RunningCluster } from '../../src/index.js'
import { TestClient } from '../helpers/client.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'

const TOPIC = 'orders'
const GROUP = 'orders-group'
const TOTAL = 200

let cluster: RunningCluster | null = null
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
  await cluster?.stop()
  cluster = null
})

function bounded<T>(what: string, p: Promise<T>, ms = 60_000): Promise<T> {
  let timer: NodeJS.Timeout
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)))]).finally(() => clearTimeout(timer))
}

describe('a broker killed under an idempotent producer and a consumer group', () => {
  it('loses no acknowledged record, duplicates none, and the group keeps consuming', async () => {
    const c = (cluster = await startCluster({ brokers: 3, config: { 'group.min.session.timeout.ms': 1000 } }))
    const kafka = new Kafka({ brokers: c.bootstrap.split(','), clientId: 'failover', logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 50, maxRetryTime: 500 } })
    const admin = kafka.admin()
    await admin.connect()
    cleanups.push(() => admin.disconnect())
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 3 }] })

    const seen = new Map<string, number>()
    let allSeen: () => void = () => {}
    const everything = new Promise<void>((resolve) => (allSeen = resolve))
    const consumer = kafka.consumer({ groupId: GROUP, sessionTimeout: 6000, heartbeatInterval: 500, retry: { retries: 20, initialRetryTime: 50, maxRetryTime: 500 } })
    await consumer.connect()
    cleanups.push(() => consumer.disconnect())
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ message }) => {
        const v = message.value!.toString()
        seen.set(v, (seen.get(v) ?? 0) + 1)
        if (seen.size === TOTAL) allSeen()
      },
    })

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 20, initialRetryTime: 50, maxRetryTime: 500 } })
    await producer.connect()
    cleanups.push(() => producer.disconnect())
    const send = (i: number) => producer.send({ topic: TOPIC, acks: -1, messages: [{ key: `k${i}`, value: `v${i}` }] })

    for (let i = 0; i < TOTAL / 2; i++) await send(i)
    // The victim coordinates the group and leads one partition of the topic.
    const { coordinator } = await findCoordinator(c)
    const led = [0, 1, 2].filter((p) => c.leaderOf(TOPIC, p) === coordinator)
    expect(led.length).toBeGreaterThan(0)
    const epochsBefore = led.map((p) => c.broker.cluster.leadership.get(TOPIC, p)!.leaderEpoch)
    // Kill while a send is in flight.
    const inFlight = send(TOTAL / 2)
    await c.killBroker(coordinator)
    await bounded('the in-flight send', inFlight)
    for (let i = TOTAL / 2 + 1; i < TOTAL; i++) await bounded(`send ${i}`, send(i))

    for (const p of led) {
      expect(c.leaderOf(TOPIC, p)).not.toBe(coordinator)
      expect(c.leaderOf(TOPIC, p)).not.toBe(-1)
    }
    expect(led.map((p) => c.broker.cluster.leadership.get(TOPIC, p)!.leaderEpoch)).toEqual(epochsBefore.map((e) => e + 1))
    expect((await findCoordinator(c)).coordinator).not.toBe(coordinator)

    await bounded('the group to consume every record', everything)
    // Exactly once in the log: the high watermarks add up to the records sent.
    expect(await logEndOffsets(c)).toBe(TOTAL)
    expect([...seen.keys()].sort()).toEqual(Array.from({ length: TOTAL }, (_, i) => `v${i}`).sort())
  }, 90_000)
})

async function findCoordinator(c: RunningCluster): Promise<{ coordinator: number }> {
  return { coordinator: c.broker.coordinatorOf(c.broker.offsetsTopic, GROUP) }
}

// The sum of the partitions' log end offsets, asked of each partition's leader.
async function logEndOffsets(c: RunningCluster): Promise<number> {
  let sum = 0
  for (const p of [0, 1, 2]) {
    const leader = c.brokers.find((b) => b.nodeId === c.leaderOf(TOPIC, p))!
    const client = await TestClient.connect(leader.port)
    try {
      const res = await client.send(ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: TOPIC, partitions: [{ partitionIndex: p, currentLeaderEpoch: -1, timestamp: -1n }] }] })
      expect(res.topics[0]!.partitions[0]!.errorCode).toBe(0)
      sum += Number(res.topics[0]!.partitions[0]!.offset)
    } finally {
      await client.close()
    }
  }
  return sum
}
