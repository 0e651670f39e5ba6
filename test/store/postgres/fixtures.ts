// Shared set-up for the PostgreSQL store tests: a store on a fresh database, a topic, and its
// partition 0 led by a broker at the epoch its lease gave it.
import fs from 'node:fs'
import path from 'node:path'
import { buildBatch } from '../../../protocol/records/index.js'
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../../src/log/types.js'
import type { PostgresPartition } from '../../../src/store/postgres/partition.js'
import { PostgresStore, type TopicRow } from '../../../src/store/postgres/store.js'

export const NOW = 1_700_000_000_000

export function batch(n: number, o: { from?: number; ts?: number; valueBytes?: number } & Partial<Parameters<typeof buildBatch>[0]> = {}): Buffer {
  const { from = 0, ts = NOW, valueBytes = 100, ...extra } = o
  return buildBatch({ records: Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, value: Buffer.alloc(valueBytes, 97 + ((from + i) % 26)), timestamp: ts + i })), ...extra })
}

export interface Led {
  store: PostgresStore
  topic: TopicRow
  part: PostgresPartition
  epoch: number
}

export async function ledPartition(url: string, config: Partial<LogConfig> = {}, leaseMs = 60_000): Promise<Led> {
  const store = await PostgresStore.open(url)
  const topic = (await store.createTopic('t', 1))!
  const epoch = (await store.leases(1, leaseMs).acquireLeadership(topic.topicId, 0))!
  const part = await store.openPartition(topic, 0, epoch, { ...DEFAULT_LOG_CONFIG, ...config })
  return { store, topic, part, epoch }
}

// Retries an acquisition until the other lease has expired by PostgreSQL's clock (bounded): the
// condition is polled, time itself is not assumed.
export async function acquireWhenFree(acquire: () => Promise<number | null>, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const epoch = await acquire()
    if (epoch !== null) return epoch
    if (Date.now() > deadline) throw new Error('leadership never became free')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

// Lets a test wait for a condition on state that concurrent tasks change: each task calls
// notify() after a change, until() re-checks its predicate then (bounded, so a bug fails the
// test instead of hanging it).
export class Waiter {
  private wake: (() => void)[] = []
  notify(): void {
    const w = this.wake
    this.wake = []
    for (const f of w) f()
  }
  async until(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('condition not reached in time')
      await new Promise<void>((resolve) => {
        this.wake.push(resolve)
        setTimeout(resolve, 100) // a bounded re-check, should no task notify again
      })
    }
  }
}

// The processes of a temporary PostgreSQL server (the postmaster and its children run in its data
// directory), to pause and resume it as an unresponsive database (a hung host, a network
// partition that drops packets) looks to its clients.
export function serverPids(dir: string): number[] {
  const pids: number[] = []
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue
    try {
      if (fs.readlinkSync(`/proc/${p}/cwd`).startsWith(path.join(dir, 'data')) && /^(postgres|\S*\/bin\/postgres\0)/.test(fs.readFileSync(`/proc/${p}/cmdline`, 'utf8'))) pids.push(Number(p))
    } catch {
      // gone, or not ours to read
    }
  }
  return pids
}
