// Shared set-up for the PostgreSQL store tests: a store on a fresh database, a topic, and its
// partition 0 led by a broker at the epoch its lease gave it.
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
