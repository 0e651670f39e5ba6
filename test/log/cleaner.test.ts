// The log cleaner on a PartitionLog, driven pass by pass: what survives (latest record per key,
// tombstones until delete.retention.ms after their first clean, committed transactions, the last
// batch of each producer), what goes (superseded and keyless records, aborted transactions,
// markers without data), offsets that never change, recompressed batches, a crash at every step
// of the segment swap, and appends while a pass runs.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { Compression } from '../../protocol/compression.js'
import { batchSizeAt, buildBatch, decodeBatchRecords, deleteHorizonOf, getCompression, getRecordCount, readHeader, type BuildRecord } from '../../protocol/records/index.js'
import { ManualClock } from '../../src/clock.js'
import { cleanLog, type CleanPass } from '../../src/log/cleaner/clean-log.js'
import { LogCleaner } from '../../src/log/cleaner/cleaner.js'
import { silentLogger } from '../../src/logger.js'
import { OffsetMap } from '../../src/log/cleaner/offset-map.js'
import type { SwapStep } from '../../src/log/cleaner/swap.js'
import { PartitionLog } from '../../src/log/partition-log.js'
import { diskStorage, memoryStorage, type Storage } from '../../src/log/storage.js'
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../src/log/types.js'
import { scratchDirs } from '../helpers/broker.js'

const NOW = 1_700_000_000_000
const scratch = scratchDirs('rivulet-cleaner-')
function disk(): Storage {
  return diskStorage(scratch())
}

const COMPACT: Partial<LogConfig> = { compact: true, delete: false, segmentBytes: 4096, deleteRetentionMs: 1000 }

function open(storage: Storage, config: Partial<LogConfig> = {}, clean = true): PartitionLog {
  return PartitionLog.open({ storage, dir: path.join(storage.root, 't-0'), config: { ...DEFAULT_LOG_CONFIG, ...COMPACT, ...config }, clean, logStartOffset: 0, nowMs: NOW })
}

const rec = (key: string | null, value: string | null, ts = NOW): BuildRecord => ({ key, value, timestamp: ts })

function append(log: PartitionLog, records: BuildRecord[], extra: Parameters<typeof buildBatch>[0] extends infer O ? Partial<O> : never = {}): number {
  return log.append(buildBatch({ records, ...extra }), { nowMs: NOW }).baseOffset
}

interface Seen { offset: number; key: string | null; value: string | null }

// Every record from the log start, batch by batch across segments, as a consumer reads them.
function records(log: PartitionLog, isolation: 'committed' | 'uncommitted' = 'uncommitted'): Seen[] {
  const out: Seen[] = []
  for (let at = log.logStartOffset; at < log.logEndOffset; ) {
    const r = log.read(at, 1 << 30, { minOneBatch: true, isolation })
    if (!r.records) break
    const aborted = new Set(r.aborted.map((a) => a.producerId))
    for (let pos = 0; pos < r.records.length; pos += batchSizeAt(r.records, pos)) {
      const batch = r.records.subarray(pos, pos + batchSizeAt(r.records, pos))
      const h = readHeader(batch, 0)
      at = h.lastOffset + 1
      if (h.control || (isolation === 'committed' && h.transactional && aborted.has(h.producerId))) continue
      for (const x of decodeBatchRecords(batch)) out.push({ offset: x.offset, key: x.key?.toString() ?? null, value: x.value?.toString() ?? null })
    }
  }
  return out
}

function latest(seen: Seen[]): Map<string, string | null> {
  const m = new Map<string, string | null>()
  for (const s of seen) if (s.key !== null) m.set(s.key, s.value)
  return m
}

function pass(log: PartitionLog, nowMs: number, firstDirtyOffset = 0, step?: (s: SwapStep) => void): Promise<ReturnType<typeof cleanLog> extends Promise<infer R> ? R : never> {
  const p: CleanPass = { nowMs, firstDirtyOffset, map: new OffsetMap(1 << 20), pause: () => Promise.resolve(), stopped: () => false, step }
  return cleanLog(log, p)
}

describe.each([
  ['memory', () => memoryStorage()],
  ['disk', disk],
])('log cleaner on %s', (_name, make) => {
  it('keeps the latest record of each key at its own offset, drops keyless ones, never touches the active segment', async () => {
    const log = open(make())
    for (let i = 0; i < 400; i++) append(log, [rec(`k${i % 20}`, `v${i}`.padEnd(40, '.'))])
    const before = records(log)
    const size = log.size
    const stats = await pass(log, NOW)
    expect(stats!.segmentsCleaned).toBeGreaterThan(0)
    const after = records(log)
    expect(log.size).toBeLessThan(size / 2)
    expect(latest(after)).toEqual(latest(before))
    // Every surviving record sits at the offset it was written at.
    const byOffset = new Map(before.map((s) => [s.offset, s]))
    for (const s of after) expect(byOffset.get(s.offset)).toEqual(s)
    expect(log.logEndOffset).toBe(400)
    expect(append(log, [rec('k0', 'next')])).toBe(400)
    // A second pass with nothing new to clean does nothing.
    expect(await pass(log, NOW, stats!.endOffset)).toBeNull()
  })

  it('keeps tombstones for delete.retention.ms after the clean that first saw them, then removes them', async () => {
    const log = open(make())
    for (let i = 0; i < 60; i++) append(log, [rec(`k${i % 6}`, `v${i}`.padEnd(100, '.'))])
    append(log, [rec('k1', null)])
    for (let i = 0; i < 60; i++) append(log, [rec(`filler${i}`, 'x'.padEnd(100, '.'))])
    await pass(log, NOW)
    const tomb = records(log).find((s) => s.key === 'k1')!
    expect(tomb.value).toBeNull()
    // The pass stamped the tombstone's batch with its delete horizon (KIP-534).
    const stamped = log.read(tomb.offset, 1 << 20, { minOneBatch: true }).records!
    expect(deleteHorizonOf(stamped, 0)).toBe(NOW + 1000)
    await pass(log, NOW + 999)
    expect(records(log).some((s) => s.key === 'k1')).toBe(true)
    await pass(log, NOW + 1001)
    expect(records(log).some((s) => s.key === 'k1')).toBe(false)
    expect(latest(records(log)).get('k2')).toMatch(/^v56/)
  })

  it('removes aborted transactions, keeps committed ones, and drops markers once their data is gone', async () => {
    const log = open(make())
    const txn = (pid: number, seq: number, key: string, value: string) => append(log, [rec(key, value)], { producerId: pid, producerEpoch: 0, baseSequence: seq, transactional: true })
    txn(7, 0, 'a', 'committed-a') // 0
    txn(8, 0, 'b', 'aborted-b') // 1
    log.appendMarker(7, 0, true, 0, NOW) // 2
    log.appendMarker(8, 0, false, 0, NOW) // 3
    txn(7, 1, 'c', 'c1') // 4
    txn(8, 1, 'd', 'd1') // 5
    log.appendMarker(7, 0, true, 0, NOW) // 6
    log.appendMarker(8, 0, true, 0, NOW) // 7
    append(log, [rec('a', 'plain-a2')]) // 8
    for (let i = 0; i < 60; i++) append(log, [rec(`f${i}`, 'x'.padEnd(100, '.'))])
    const controlsBelow = (end: number) => {
      const out: number[] = []
      for (let at = 0; at < end; ) {
        const data = log.read(at, 100, { minOneBatch: true }).records!
        const h = readHeader(data, 0)
        if (h.control) out.push(h.baseOffset)
        at = h.lastOffset + 1
      }
      return out
    }
    await pass(log, NOW)
    const after = records(log)
    expect(after.find((s) => s.key === 'b')).toBeUndefined()
    const pick = (m: Map<string, string | null>) => ['a', 'b', 'c', 'd'].map((k) => m.get(k))
    expect(pick(latest(after))).toEqual(['plain-a2', undefined, 'c1', 'd1'])
    expect(latest(records(log, 'committed')).get('b')).toBeUndefined()
    // This pass removed the data of the first two transactions: their markers stay for now.
    expect(controlsBelow(8)).toEqual([2, 3, 6, 7])
    // The next finds them without data and stamps them; past their horizon they go.
    await pass(log, NOW + 2000)
    expect(controlsBelow(8)).toEqual([2, 3, 6, 7])
    await pass(log, NOW + 4000)
    expect(controlsBelow(8)).toEqual([6, 7])
    expect(pick(latest(records(log)))).toEqual(['plain-a2', undefined, 'c1', 'd1'])
  })

  it('forgets an aborted transaction once its marker is gone, so the producer\'s later committed data stays', async () => {
    // Found by test/integration/compaction-million.test.ts: the swap left the removed marker's
    // aborted-transaction entry in memory, which read_committed fetches returned and the next pass
    // took for an open aborted transaction, dropping the committed batch after it.
    const log = open(make())
    append(log, [rec('b', 'aborted-b')], { producerId: 8, producerEpoch: 0, baseSequence: 0, transactional: true }) // 0
    log.appendMarker(8, 0, false, 0, NOW) // 1
    append(log, [rec('c', 'committed-c')], { producerId: 8, producerEpoch: 0, baseSequence: 1, transactional: true }) // 2
    log.appendMarker(8, 0, true, 0, NOW) // 3
    for (let i = 0; i < 60; i++) append(log, [rec(`f${i}`, 'x'.padEnd(100, '.'))])
    for (const t of [NOW, NOW + 2000, NOW + 4000]) await pass(log, t) // data, then the abort marker, go
    expect(log.read(0, 1 << 20, { minOneBatch: true, isolation: 'committed' }).aborted).toEqual([])
    expect(latest(records(log, 'committed')).get('c')).toBe('committed-c')
    await pass(log, NOW + 6000)
    expect(latest(records(log, 'committed')).get('c')).toBe('committed-c')
    expect(latest(records(log)).get('c')).toBe('committed-c')
  })

  it('keeps the last batch of a producer, emptied, when its records are gone', async () => {
    const log = open(make())
    append(log, [rec('k', 'aborted')], { producerId: 8, producerEpoch: 0, baseSequence: 0, transactional: true }) // 0
    log.appendMarker(8, 0, false, 0, NOW) // 1
    for (let i = 0; i < 60; i++) append(log, [rec(`f${i}`, 'x'.padEnd(100, '.'))])
    await pass(log, NOW)
    expect(records(log).find((s) => s.key === 'k')).toBeUndefined()
    const kept = log.read(0, 100, { minOneBatch: true }).records!
    expect([readHeader(kept, 0).baseOffset, readHeader(kept, 0).producerId, getRecordCount(kept, 0)]).toEqual([0, 8, 0])
  })

  it('recompresses partly cleaned batches with their own codec', async () => {
    const log = open(make(), { segmentBytes: 1 << 20 })
    for (let i = 0; i < 20; i++) append(log, Array.from({ length: 10 }, (_, j) => rec(`k${j}`, `v${i}-${j}`.padEnd(50, '.'))), { compression: Compression.zstd })
    append(log, [rec('k3', 'newest')])
    log.roll(NOW)
    await pass(log, NOW)
    const first = log.read(0, 1 << 20, { minOneBatch: true }).records!
    expect(getCompression(first, 0)).toBe(Compression.zstd)
    const after = latest(records(log))
    expect(after.get('k3')).toBe('newest')
    expect(after.get('k4')).toBe('v19-4'.padEnd(50, '.'))
    expect(records(log)).toHaveLength(10)
  })

  it('lets an idempotent producer continue after its batches were cleaned', async () => {
    const log = open(make())
    for (let i = 0; i < 50; i++) log.append(buildBatch({ records: [rec('same', `v${i}`.padEnd(200, '.'))], producerId: 3, producerEpoch: 0, baseSequence: i }), { nowMs: NOW })
    append(log, [rec('other', 'x')])
    log.roll(NOW)
    await pass(log, NOW)
    expect(records(log).filter((s) => s.key === 'same')).toHaveLength(1)
    const reopened = open(log.storage)
    log.close()
    expect(() => reopened.append(buildBatch({ records: [rec('same', 'v50')], producerId: 3, producerEpoch: 0, baseSequence: 50 }), { nowMs: NOW })).not.toThrow()
    reopened.close()
  })
})

describe('log cleaner bounds', () => {
  it('leaves segments younger than min.compaction.lag.ms and everything past the last stable offset', async () => {
    const log = open(memoryStorage(), { minCompactionLagMs: 10_000 })
    for (let i = 0; i < 100; i++) append(log, [rec(`k${i % 5}`, `old${i}`.padEnd(60, '.'), NOW - 60_000)])
    for (let i = 0; i < 100; i++) append(log, [rec(`k${i % 5}`, `new${i}`.padEnd(60, '.'), NOW)])
    await pass(log, NOW)
    // Segments of old records only are cleaned (one per key left, plus those sharing the first
    // segment with a young record); every young record stays, superseded or not.
    const old = records(log).filter((s) => s.value!.startsWith('old')).length
    expect(old).toBeGreaterThanOrEqual(5)
    expect(old).toBeLessThan(40)
    expect(records(log).filter((s) => s.value!.startsWith('new'))).toHaveLength(100)

    const open2 = open(memoryStorage())
    append(open2, [rec('t', 'open')], { producerId: 1, producerEpoch: 0, baseSequence: 0, transactional: true })
    for (let i = 0; i < 100; i++) append(open2, [rec(`k${i % 5}`, `v${i}`.padEnd(60, '.'))])
    expect(await pass(open2, NOW)).toBeNull() // the open transaction holds the LSO at 0
  })
})

describe('log cleaner crash safety', () => {
  const steps: SwapStep[] = ['renamed-old', 'committed', 'removed-old', 'done']
  it.each(steps)('a crash at "%s" of a segment swap loses nothing and the log reopens', async (crashAt) => {
    const storage = disk()
    const log = open(storage)
    for (let i = 0; i < 300; i++) append(log, [rec(`k${i % 25}`, `v${i}`.padEnd(60, '.'))])
    const want = latest(records(log))
    class Crash extends Error {}
    await expect(pass(log, NOW, 0, (s) => {
      if (s === crashAt) throw new Crash()
    })).rejects.toBeInstanceOf(Crash)
    // The process dies here: nothing is closed or flushed. Another opens the directory.
    const again = open(storage, {}, false)
    expect(latest(records(again))).toEqual(want)
    expect(again.logEndOffset).toBe(300)
    expect(fs.readdirSync(path.join(storage.root, 't-0')).filter((f) => /\.(cleaned|swap|deleted|trash)$/.test(f))).toEqual([])
    // And it cleans on.
    await pass(again, NOW)
    expect(latest(records(again))).toEqual(want)
    again.close()
  })
})

describe('log cleaner and concurrent appends', () => {
  it('a pass that yields lets appends in, and they survive the swap', async () => {
    const log = open(memoryStorage())
    for (let i = 0; i < 300; i++) append(log, [rec(`k${i % 10}`, `v${i}`.padEnd(60, '.'))])
    let yields = 0
    const p: CleanPass = {
      nowMs: NOW, firstDirtyOffset: 0, map: new OffsetMap(1 << 20), stopped: () => false,
      pause: async () => {
        yields++
        append(log, [rec(`during${yields}`, 'x')])
      },
    }
    await cleanLog(log, p)
    expect(yields).toBeGreaterThan(0)
    const after = latest(records(log))
    for (let i = 1; i <= yields; i++) expect(after.get(`during${i}`)).toBe('x')
    expect(after.get('k9')).toBe('v299'.padEnd(60, '.'))
  })
})

describe('the cleaner\'s schedule', () => {
  it('looks for work again at once after cleaning, and waits log.cleaner.backoff.ms when there was none', async () => {
    const clock = new ManualClock(NOW)
    const log = open(memoryStorage(), { minCleanableDirtyRatio: 0.01 })
    const dirty = new Map<string, number>()
    const cleaner = new LogCleaner({
      clock, logger: silentLogger(),
      config: { enabled: true, threads: 1, dedupeBufferBytes: 1 << 20, loadFactor: 0.9, backoffMs: 15_000 },
      logs: () => [['t-0', log]],
      firstDirtyOffset: (k) => dirty.get(k) ?? 0,
      setFirstDirtyOffset: (k, o) => void dirty.set(k, o),
    })
    const fill = (from: number) => {
      for (let i = from; i < from + 200; i++) append(log, [rec(`k${i % 10}`, `v${i}`.padEnd(60, '.'))])
    }
    fill(0)
    cleaner.start()
    clock.advance(15_000)
    await cleaner.idle()
    const first = dirty.get('t-0')!
    expect(first).toBeGreaterThan(0)
    fill(200)
    clock.advance(0) // no backoff after a pass that cleaned
    await cleaner.idle()
    expect(dirty.get('t-0')!).toBeGreaterThan(first)
    clock.advance(0) // that pass cleaned too: one more look, which finds the log clean
    await cleaner.idle()
    fill(400)
    clock.advance(14_999) // nothing was due: the next look waits the backoff
    await cleaner.idle()
    const third = dirty.get('t-0')!
    clock.advance(1)
    await cleaner.idle()
    expect(dirty.get('t-0')!).toBeGreaterThan(third)
    cleaner.stop()
  })
})
