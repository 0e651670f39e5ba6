// records(topic) for the test kit: every record of a topic as a consumer at read_uncommitted
// would see it (control batches, i.e. transaction markers, left out), read through the
// PartitionStore like any fetch.

import { decodeBatchRecords, readBatchInfo, type RecordHeader } from '../../protocol/records/index.js'
import type { Broker } from '../broker.js'

export interface KitRecord {
  topic: string
  partition: number
  offset: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[]
}

const CHUNK = 1 << 20

export function topicRecords(broker: Broker, topic: string, partition?: number): KitRecord[] {
  const t = broker.cluster.topic(topic)
  if (!t) throw new Error(`unknown topic ${topic}`)
  const out: KitRecord[] = []
  for (let p = 0; p < t.partitions; p++) {
    if (partition !== undefined && p !== partition) continue
    const log = broker.localPartition(topic, p)
    if (!log) throw new Error(`${topic}-${p} is served from a shared store (store.url): the test kit reads local logs only`)
    let offset = log.logStartOffset
    while (offset < log.highWatermark) {
      const { records } = log.read(offset, CHUNK, { minOneBatch: true })
      if (!records || records.length === 0) break
      let at = 0
      while (at + 12 <= records.length) {
        const size = 12 + records.readInt32BE(at + 8)
        if (at + size > records.length) break
        const batch = records.subarray(at, at + size)
        const info = readBatchInfo(batch, 0)
        if (!info.isControl) {
          for (const r of decodeBatchRecords(batch)) if (r.offset >= offset) out.push({ topic, partition: p, offset: r.offset, timestamp: r.timestamp, key: r.key && Buffer.from(r.key), value: r.value && Buffer.from(r.value), headers: r.headers })
        }
        offset = Math.max(offset, info.baseOffset + info.lastOffsetDelta + 1)
        at += size
      }
    }
  }
  return out
}
