// filterBatch writing into a caller's buffer (the log cleaner reuses one for every batch it
// rewrites): the same bytes as a fresh buffer, for uncompressed and compressed batches.
import { describe, expect, it } from 'vitest'
import { Compression } from '../../../protocol/compression.js'
import { buildBatch, decodeBatchRecords, filterBatch } from '../../../protocol/records/index.js'

const records = Array.from({ length: 50 }, (_, i) => ({ key: `k${i % 7}`, value: i % 11 === 0 ? null : `value-${i}`, timestamp: 1_700_000_000_000 + i }))

describe('filterBatch into a reused buffer', () => {
  it.each([Compression.none, Compression.gzip])('writes the same batch as into a fresh one (codec %i)', (compression) => {
    const batch = buildBatch({ records, compression })
    const arena = Buffer.alloc(1 << 16, 0xee)
    const keep = (i: number) => i % 3 === 0
    for (const o of [{}, { deleteHorizonMs: 1_700_000_100_000 }]) {
      const fresh = filterBatch(batch, keep, o)
      const reused = filterBatch(batch, keep, { ...o, alloc: (n) => arena.subarray(0, n) })
      expect(reused.buffer).toBe(arena.buffer)
      expect(reused.equals(fresh)).toBe(true)
      expect(decodeBatchRecords(reused).map((r) => r.value?.toString() ?? null)).toEqual(records.filter((_, i) => keep(i)).map((r) => r.value))
    }
  })
})
