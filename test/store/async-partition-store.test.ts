// The async seam: the file log fits AsyncPartitionStore unchanged (a compile-time check, tsc -p
// test), and settle() continues at once on its plain values, so a caller written for either kind
// of store adds no promise, no microtask, for the local log.
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildBatch } from '../../protocol/records/index.js'
import { PartitionLog } from '../../src/log/partition-log.js'
import { memoryStorage } from '../../src/log/storage.js'
import { DEFAULT_LOG_CONFIG } from '../../src/log/types.js'
import { settle, type AsyncPartitionStore } from '../../src/store/async-partition-store.js'

const NOW = 1_700_000_000_000

describe('AsyncPartitionStore', () => {
  it('takes the file log as it is, and settle() stays synchronous for it', () => {
    const storage = memoryStorage()
    const log: AsyncPartitionStore = PartitionLog.open({ storage, dir: path.join(storage.root, 't-0'), config: DEFAULT_LOG_CONFIG, clean: true, logStartOffset: 0, nowMs: NOW })
    let seen = -1
    const out = settle(log.append(buildBatch({ records: [{ key: 'k', value: 'v', timestamp: NOW }] }), { nowMs: NOW }), (r) => (seen = r.lastOffset))
    expect(out).toBe(0) // a value, not a promise: the continuation ran before settle returned
    expect(seen).toBe(0)
    expect(log.logEndOffset).toBe(1)
  })

  it('waits for a promise when the store answers later', async () => {
    const later = settle(Promise.resolve(41), (n) => n + 1)
    expect(later).toBeInstanceOf(Promise)
    expect(await later).toBe(42)
  })
})
