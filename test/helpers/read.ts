// Reads a partition from the beginning to its high watermark with raw Fetch requests and decodes
// every record, the way a consumer would (skipping records before the requested offset).
import { Fetch } from '../../protocol/apis/fetch.js'
import { decodeBatchRecords, type Record } from '../../protocol/records/index.js'
import type { TestClient } from './client.js'

export async function readPartition(client: TestClient, topic: string, partition: number, opts: { version?: number; from?: number; topicId?: string } = {}): Promise<Record[]> {
  const version = opts.version ?? 11
  const out: Record[] = []
  let offset = opts.from ?? 0
  for (;;) {
    const res = await client.send(Fetch, version, {
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      sessionEpoch: -1,
      topics: [{ topic, topicId: opts.topicId, partitions: [{ partition, fetchOffset: BigInt(offset), partitionMaxBytes: 1 << 20 }] }],
    })
    const p = res.responses[0]!.partitions[0]!
    if (p.errorCode !== 0) throw new Error(`fetch error ${p.errorCode}`)
    const data = p.records ?? Buffer.alloc(0)
    let at = 0
    while (at + 12 <= data.length) {
      const size = 12 + data.readInt32BE(at + 8)
      if (at + size > data.length) break
      for (const r of decodeBatchRecords(data.subarray(at, at + size))) if (r.offset >= offset) out.push(r)
      at += size
    }
    if (out.length > 0) offset = out[out.length - 1]!.offset + 1
    if (offset >= Number(p.highWatermark)) return out
    if (data.length === 0) throw new Error(`no progress at offset ${offset}, high watermark ${p.highWatermark}`)
  }
}
