// /metrics on the admin port (issue 14, "Metrics"), driven by a real client: per-topic bytes and
// records, requests per API and version, latency histograms, failed produces per error code, log
// size and segments per partition, groups and lag, named as the JMX exporter's Kafka rules name
// Kafka's MBeans. Also: with the admin port off, nothing is counted and prom-client is never loaded.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { Kafka, logLevel } from '../helpers/kafkajs.js'
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js'

type Scrape = Map<string, number>

// "name{a="x",b="y"} value" ─▶ key "name{a="x",b="y"}" (labels as prom-client writes them).
async function scrape(url: string): Promise<{ text: string; values: Scrape; contentType: string | null }> {
  const res = await fetch(`${url}/metrics`)
  expect(res.status).toBe(200)
  const text = await res.text()
  const values = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const at = line.lastIndexOf(' ')
    values.set(line.slice(0, at), Number(line.slice(at + 1)))
  }
  return { text, values, contentType: res.headers.get('content-type') }
}

let brokers: TestBroker[] = []
afterEach(async () => {
  await Promise.all(brokers.map((b) => b.cleanup()))
  brokers = []
})

async function broker(adminPort?: number): Promise<TestBroker> {
  const b = await startTestBroker({ adminPort })
  brokers.push(b)
  return b
}

describe('/metrics', () => {
  it('counts what a kafkajs producer and consumer group did, under Kafka\'s names', async () => {
    const b = await broker(0)
    expect(b.adminUrl).toBe(`http://127.0.0.1:${b.adminPort}`)
    const kafka = new Kafka({ brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } })
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'm1', numPartitions: 2 }, { topic: 'compacted', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] })
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: 'm1', messages: [1, 2, 3, 4, 5].map((i) => ({ value: `v${i}`, partition: 0 })) })
    // A keyless record on a compacted topic: INVALID_RECORD, a failed produce.
    await expect(producer.send({ topic: 'compacted', messages: [{ value: 'no key' }] })).rejects.toThrow()
    const consumer = kafka.consumer({ groupId: 'g1' })
    await consumer.connect()
    await consumer.subscribe({ topic: 'm1', fromBeginning: true })
    let seen = 0
    await new Promise<void>((resolve) => void consumer.run({ eachMessage: async () => { if (++seen === 5) resolve() } }))
    await consumer.disconnect() // kafkajs commits the offsets it processed (autoCommit) on the way out
    expect(await admin.fetchOffsets({ groupId: 'g1', topics: ['m1'] })).toContainEqual({ topic: 'm1', partitions: expect.arrayContaining([expect.objectContaining({ partition: 0, offset: '5' })]) })
    await producer.send({ topic: 'm1', messages: [{ value: 'late', partition: 0 }, { value: 'late', partition: 0 }] })

    const { values: m, contentType } = await scrape(b.adminUrl!)
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8')
    const log = b.broker.partition('m1', 0)!
    expect(m.get('kafka_server_brokertopicmetrics_messagesin_total{topic="m1"}')).toBe(7)
    expect(m.get('kafka_server_brokertopicmetrics_bytesin_total{topic="m1"}')).toBe(log.size)
    expect(m.get('kafka_server_brokertopicmetrics_bytesout_total{topic="m1"}')).toBeGreaterThanOrEqual(m.get('kafka_server_brokertopicmetrics_bytesin_total{topic="m1"}')! - 2 * 70)
    expect(m.get('kafka_server_brokertopicmetrics_failedproducerequests_total{topic="compacted"}')).toBe(1)
    expect(m.get('kafka_server_brokertopicmetrics_failedproducerequests_total')).toBe(1)
    expect(m.get('kafka_network_requestmetrics_errors_total{request="Produce",error="INVALID_RECORD"}')).toBe(1)
    expect(m.get('kafka_network_requestmetrics_requests_total{request="Produce",version="7"}')).toBe(3)
    expect(m.get('kafka_network_requestmetrics_requests_total{request="JoinGroup",version="5"}')).toBeGreaterThanOrEqual(1)
    expect(m.get('kafka_network_requestmetrics_totaltimems_count{request="Produce"}')).toBe(3)
    expect(m.get('kafka_network_requestmetrics_totaltimems_bucket{request="Produce",le="+Inf"}')).toBe(3)
    expect(m.get('kafka_network_requestmetrics_requestqueuetimems_count{request="Produce"}')).toBe(3)
    expect(m.get('kafka_server_replicamanager_partitioncount')).toBe(2 + 1 + 1) // m1, compacted, __consumer_offsets
    expect(m.get('kafka_log_log_size{topic="m1",partition="0"}')).toBe(log.size)
    expect(m.get('kafka_log_log_size{topic="m1",partition="1"}')).toBe(0)
    expect(m.get('kafka_log_log_numlogsegments{topic="m1",partition="0"}')).toBe(1)
    expect(m.get('kafka_log_log_logendoffset{topic="m1",partition="0"}')).toBe(7)
    expect(m.get('kafka_coordinator_group_groupmetadatamanager_numgroups')).toBe(1)
    expect(m.get('kafka_coordinator_group_groupmetadatamanager_numgroupsempty')).toBe(1)
    expect(m.get('kafka_consumergroup_members{consumergroup="g1"}')).toBe(0)
    expect(m.get('kafka_consumergroup_current_offset{consumergroup="g1",topic="m1",partition="0"}')).toBe(5)
    expect(m.get('kafka_consumergroup_lag{consumergroup="g1",topic="m1",partition="0"}')).toBe(2)
    expect(m.get('kafka_server_socket_server_metrics_connection_count{listener="PLAINTEXT"}')).toBeGreaterThanOrEqual(1)
    expect(m.get('process_resident_memory_bytes')).toBeGreaterThan(0)
    await producer.disconnect()
    await admin.deleteTopics({ topics: ['compacted'] })
    await admin.disconnect()
    // Kafka drops a deleted topic's metrics; the broker-wide total keeps its count.
    const after = (await scrape(b.adminUrl!)).values
    expect(after.has('kafka_server_brokertopicmetrics_failedproducerequests_total{topic="compacted"}')).toBe(false)
    expect(after.get('kafka_server_brokertopicmetrics_failedproducerequests_total')).toBe(1)
  })

  it('lists every metric it serves in docs/METRICS.md', async () => {
    const b = await broker(0)
    const { text } = await scrape(b.adminUrl!)
    const doc = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../docs/METRICS.md'), 'utf8')
    const names = [...text.matchAll(/^# TYPE (\S+) /gm)].map((x) => x[1]!).filter((n) => !/^(process|nodejs)_/.test(n))
    expect(names.length).toBeGreaterThan(30)
    for (const n of names) expect(doc, n).toContain(`\`${n}\``)
  })

  it('is off by default: no admin port, nothing counted', async () => {
    const b = await broker()
    expect(b).toMatchObject({ adminPort: null, adminUrl: null, admin: null })
    expect(b.broker.metrics).toBeNull()
  })

  it('refuses an admin port outside 0-65535 before anything starts', async () => {
    await expect(startTestBroker({ adminPort: 70000 })).rejects.toThrow('adminPort must be an integer 0-65535, got 70000')
  })

  it('loads prom-client and node:http only when the admin port is on', () => {
    const bundle = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../dist/bundle/index.mjs')
    const dir = tempDir('rivulet-lazy-')
    try {
      const script = path.join(dir, 'probe.mjs')
      fs.writeFileSync(script, [
        "import { createRequire } from 'node:module'",
        `const { startBroker } = await import(${JSON.stringify(bundle)})`,
        "const b = await startBroker(process.argv[2] === 'on' ? { adminPort: 0 } : {})",
        'const prom = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes("prom-client"))',
        "const http = process.moduleLoadList.includes('NativeModule http')",
        'console.log(JSON.stringify({ prom, http }))',
        'await b.stop()',
      ].join('\n'))
      const run = (mode: string) => JSON.parse(spawnSync(process.execPath, [script, mode], { encoding: 'utf8', timeout: 20_000 }).stdout) as unknown
      expect(run('off')).toEqual({ prom: false, http: false })
      expect(run('on')).toEqual({ prom: true, http: true })
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
