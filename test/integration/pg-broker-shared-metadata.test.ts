// Shared metadata over PostgreSQL (issue 11 part 2, step 2): another broker's changes to the
// metadata documents (here written through a second store's mirror of them, as that broker's
// writes reach the database) are applied by this broker within a heartbeat: a topic created there
// is in this broker's Metadata and takes records here; configs altered there apply here; a topic
// deleted there goes here; ACLs written there authorize here. A topic this broker creates at the
// same time survives the merge. Waits poll the broker's answer (bounded).
import { afterEach, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { startBroker, type RunningBroker } from '../../src/index.js'
import { mirrorStorage } from '../../src/store/postgres/mirror-storage.js'
import { PostgresStore } from '../../src/store/postgres/store.js'
import { WriteBehind } from '../../src/store/postgres/write-behind.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'
import { describePostgres } from '../helpers/postgres.js'
import { until } from '../helpers/until.js'

const closers: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {})
})

interface Doc {
  topics: { name: string; id: string; partitions: number; configs: Record<string, string>; internal: boolean }[]
}

describePostgres('metadata shared over PostgreSQL', (pg) => {
  it('applies topics and configs another broker created, altered and deleted', async () => {
    const url = await pg.freshDatabase()
    const b: RunningBroker = await startBroker({ port: 0, store: url, logLevel: process.env.DEBUG_PG ? 'info' : undefined, config: { 'store.multi.process.enable': true, 'store.heartbeat.interval.ms': 50 } })
    closers.push(() => b.stop())
    const kafka = new Kafka({ clientId: 'shared-md', brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 50 } })
    const admin = kafka.admin()
    await admin.connect()
    closers.push(() => admin.disconnect())
    await admin.createTopics({ topics: [{ topic: 'local', numPartitions: 1 }] })

    // The other broker: its own connections and its own copy of the documents.
    const other = await PostgresStore.open(url)
    closers.push(() => other.close())
    const writes = new WriteBehind(() => {})
    closers.push(() => writes.close(1000))
    const docs = await mirrorStorage(other.db, writes)
    const edit = async (fn: (d: Doc) => void) => {
      const d = JSON.parse(docs.storage.readText('/memory/cluster.json')!) as Doc
      fn(d)
      docs.storage.writeAtomic('/memory/cluster.json', JSON.stringify(d, null, 1))
      await writes.durable(0)
    }
    const id = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url')
    await edit((d) => {
      d.topics.push({ name: 'remote', id, partitions: 2, configs: { 'retention.ms': '3600000' }, internal: false })
    })
    // Meanwhile this broker creates a topic of its own: both survive.
    await admin.createTopics({ topics: [{ topic: 'local-2', numPartitions: 1 }] })
    const names = async () => (await admin.listTopics()).sort()
    expect(await until(names, (n) => n.includes('remote'))).toEqual(['local', 'local-2', 'remote'])
    const md = await admin.fetchTopicMetadata({ topics: ['remote'] })
    expect(md.topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1])
    expect((await other.db.query<{ data: Buffer }>("SELECT data FROM rivulet_files WHERE path = 'cluster.json'"))[0]!.data.toString()).toContain('local-2')

    // The topic takes records here (this broker claims its partitions' leases).
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    closers.push(() => producer.disconnect())
    await producer.send({ topic: 'remote', acks: -1, messages: [{ key: 'k', value: 'v', partition: 1 }] })
    expect((await admin.fetchTopicOffsets('remote')).map((p) => [p.partition, p.high]).sort()).toEqual([[0, '0'], [1, '1']])

    // A config altered there applies here.
    const retention = async () => {
      const res = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'remote', configNames: ['retention.ms'] }] })
      return res.resources[0]!.configEntries[0]!.configValue
    }
    expect(await retention()).toBe('3600000')
    await edit((d) => {
      d.topics.find((t) => t.name === 'remote')!.configs['retention.ms'] = '7200000'
    })
    expect(await until(retention, (v) => v === '7200000')).toBe('7200000')

    // Deleted there: gone here.
    await edit((d) => {
      d.topics = d.topics.filter((t) => t.name !== 'remote')
    })
    expect(await until(names, (n) => !n.includes('remote'))).toEqual(['local', 'local-2'])
  })
})
