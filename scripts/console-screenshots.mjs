#!/usr/bin/env node
// Regenerates the web console's screenshots in docs/console/*.png (shown in the README): starts the
// built broker (npm run build first) with its admin port, fills it with sample data through
// kafkajs (topics, JSON, binary and compressed records with headers, a running consumer group, an
// empty one with lag, transactions), then photographs each view in headless Chromium (Debian's
// chromium, or CHROMIUM_PATH) driven by playwright-core.
//
//   node scripts/console-screenshots.mjs [--out docs/console]
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import kafkajs from 'kafkajs'
import { chromium } from 'playwright-core'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const outArg = process.argv.indexOf('--out')
const out = path.resolve(root, outArg > 0 ? process.argv[outArg + 1] : 'docs/console')
const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && fs.existsSync(p))
if (!executablePath) throw new Error('no Chromium found: apt-get install -y chromium, or set CHROMIUM_PATH')
const { startBroker } = await import(path.join(root, 'dist/bundle/index.mjs'))
const { Kafka, logLevel, CompressionTypes } = kafkajs

async function sampleData(broker) {
  const kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'screenshots', logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({
    topics: [
      { topic: 'orders', numPartitions: 3 },
      { topic: 'payments', numPartitions: 2, configEntries: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'min.compaction.lag.ms', value: '60000' }] },
      { topic: 'sensor-readings', numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '3600000' }] },
    ],
  })
  const producer = kafka.producer()
  await producer.connect()
  const items = ['kettle', 'teapot', 'mug', 'saucer', 'infuser']
  const orders = Array.from({ length: 60 }, (_, i) => ({
    key: `customer-${i % 7}`,
    value: JSON.stringify({ orderId: 1000 + i, item: items[i % items.length], qty: 1 + (i % 3), total: Number((9.5 * (1 + (i % 3))).toFixed(2)) }),
    headers: { source: i % 2 ? 'web' : 'mobile', 'trace-id': `t-${(i * 7919).toString(16)}` },
  }))
  await producer.send({ topic: 'orders', compression: CompressionTypes.GZIP, messages: orders })
  await producer.send({ topic: 'payments', messages: Array.from({ length: 12 }, (_, i) => ({ key: `order-${1000 + i}`, value: JSON.stringify({ status: i % 4 ? 'captured' : 'pending', amount: 19 + i }) })) })
  await producer.send({ topic: 'sensor-readings', messages: Array.from({ length: 8 }, (_, i) => ({ key: Buffer.from([0x10, i]), value: Buffer.from(Float64Array.of(20.5 + i / 10).buffer) })) })

  // 'billing' read 40 orders and stopped: an empty group with lag. 'shipping' keeps running.
  let read = 0
  const billing = kafka.consumer({ groupId: 'billing' })
  await billing.connect()
  await billing.subscribe({ topics: ['orders'], fromBeginning: true })
  await billing.run({ autoCommitThreshold: 1, eachMessage: async () => void read++ })
  await broker.kit.until.condition('billing read 60', () => read >= 60, { timeoutMs: 30_000 })
  await billing.disconnect()
  await producer.send({ topic: 'orders', messages: orders.slice(0, 25).map((m) => ({ ...m, value: m.value.replace('"qty"', '"gift":true,"qty"') })) })
  const shipping = kafka.consumer({ groupId: 'shipping' })
  await shipping.connect()
  await shipping.subscribe({ topics: ['orders', 'payments'], fromBeginning: true })
  await shipping.run({ eachMessage: async () => {} })
  await broker.kit.until.groupStable('shipping')

  const txp = kafka.producer({ transactionalId: 'payments-writer', idempotent: true, maxInFlightRequests: 1 })
  await txp.connect()
  const done = await txp.transaction()
  await done.send({ topic: 'payments', messages: [{ key: 'order-2000', value: '{"status":"refunded"}' }] })
  await done.commit()
  const open = await txp.transaction()
  await open.send({ topic: 'payments', messages: [{ key: 'order-2001', value: '{"status":"captured"}' }] })
  await admin.disconnect()
  return async () => {
    await open.abort()
    await Promise.all([txp.disconnect(), shipping.disconnect(), producer.disconnect()])
  }
}

const shots = [
  ['overview', '#/overview'],
  ['topics', '#/topics'],
  ['topic', '#/topics/orders'],
  ['messages', '#/messages/orders'],
  ['groups', '#/groups'],
  ['group', '#/groups/billing'],
  ['transactions', '#/transactions'],
]

const broker = await startBroker({ adminPort: 0 })
let browser
try {
  const stopClients = await sampleData(broker)
  browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
  const page = await browser.newPage({ viewport: { width: 1280, height: 820 } })
  fs.mkdirSync(out, { recursive: true })
  for (const [name, hash] of shots) {
    await page.goto(`${broker.adminUrl}/${hash}`)
    await page.locator('#updated', { hasText: 'updated' }).waitFor({ timeout: 15_000 })
    await page.screenshot({ path: path.join(out, `${name}.png`) })
    console.log(`wrote ${path.relative(root, path.join(out, `${name}.png`))}`)
  }
  await stopClients()
} finally {
  await browser?.close()
  await broker.stop()
}
