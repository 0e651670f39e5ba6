// The CLI broker is killed with SIGKILL in the middle of a produce stream and restarted on the
// same data directory: every acknowledged message is there at its acknowledged offset, and
// offsets continue after the last whole batch.
import fs from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import kafkajs from 'kafkajs'
import { tempDir } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { readPartition } from '../helpers/read.js'
import { startChildBroker, type ChildBroker } from '../helpers/process.js'

const { Kafka, logLevel } = kafkajs
const dir = tempDir('rivulet-crash-')
const children: ChildBroker[] = []

afterAll(async () => {
  for (const c of children) await c.kill('SIGKILL')
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('crash recovery', () => {
  it('keeps every acknowledged message across kill -9', async () => {
    const first = await startChildBroker(['--data-dir', dir, '--override', 'num.partitions=3'])
    children.push(first)
    const kafka = new Kafka({ brokers: [first.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } })
    const producer = kafka.producer({ allowAutoTopicCreation: true })
    await producer.connect()
    const acked = new Map<string, string>() // "partition:offset" -> value
    let n = 0
    const stream = (async () => {
      for (;;) {
        // Explicit partitions, so the acknowledged base offset of each partition tells exactly
        // which offset every message got.
        const messages = Array.from({ length: 50 }, () => ({ partition: n % 3, key: `k${n}`, value: `m${n++}` }))
        try {
          const res = await producer.send({ topic: 'crash', acks: -1, messages })
          for (const r of res) {
            const mine = messages.filter((m) => m.partition === r.partition)
            mine.forEach((m, i) => acked.set(`${r.partition}:${Number(r.baseOffset) + i}`, m.value))
          }
        } catch {
          return
        }
      }
    })()
    while (acked.size < 3000) await new Promise((r) => setImmediate(r))
    await first.kill('SIGKILL')
    await stream
    await producer.disconnect().catch(() => {})

    const second = await startChildBroker(['--data-dir', dir, '--override', 'num.partitions=3'])
    children.push(second)
    const client = await TestClient.connect(second.port)
    const ends: number[] = []
    for (let p = 0; p < 3; p++) {
      const records = await readPartition(client, 'crash', p)
      records.forEach((r, i) => expect(r.offset).toBe(i))
      for (const [key, value] of acked) {
        const [part, off] = key.split(':').map(Number)
        if (part === p) expect(records[off!]?.value?.toString(), `acknowledged offset ${off} of partition ${p}`).toBe(value)
      }
      ends.push(records.length)
    }
    const again = new Kafka({ brokers: [second.bootstrap], logLevel: logLevel.NOTHING }).producer()
    await again.connect()
    const res = await again.send({ topic: 'crash', messages: [{ value: 'after' }], acks: -1 })
    expect(Number(res[0]!.baseOffset)).toBe(ends[res[0]!.partition])
    await again.disconnect()
    await client.close()
    await second.kill('SIGTERM')
  }, 60_000)
})
