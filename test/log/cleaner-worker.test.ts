// The log cleaner's worker thread (src/log/cleaner/clean-worker.ts, worker-pool.ts): a pass over a
// log on disk writes the same segments as one on the event loop; a crash of the swap at any step,
// a worker that throws or dies, and close() during a pass all leave a log that loses nothing and
// no `.cleaned` files; a failed pass is tried again after log.cleaner.backoff.ms; threads start
// only when a log on disk needs cleaning and are gone after close(). The worker runs the compiled
// script in dist/ (`npm run build` first, as `npm test` does).
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { batchSizeAt, buildBatch, decodeBatchRecords, readHeader, type BuildRecord } from '../../protocol/records/index.js'
import { ManualClock } from '../../src/clock.js'
import { cleanLog } from '../../src/log/cleaner/clean-log.js'
import { LogCleaner, type CleanerDeps } from '../../src/log/cleaner/cleaner.js'
import { OffsetMap } from '../../src/log/cleaner/offset-map.js'
import type { SwapStep } from '../../src/log/cleaner/swap.js'
import { workerScript } from '../../src/log/cleaner/worker-pool.js'
import { PartitionLog } from '../../src/log/partition-log.js'
import { diskStorage, memoryStorage, type Storage } from '../../src/log/storage.js'
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../src/log/types.js'
import { silentLogger } from '../../src/logger.js'
import { scratchDirs } from '../helpers/broker.js'

const NOW = 1_700_000_000_000
const BACKOFF = 15_000
const scratch = scratchDirs('rivulet-cleaner-worker-')
const COMPACT: Partial<LogConfig> = { compact: true, delete: false, segmentBytes: 4096, deleteRetentionMs: 1000, minCleanableDirtyRatio: 0.01 }

function open(storage: Storage, clean = true): PartitionLog {
  return PartitionLog.open({ storage, dir: path.join(storage.root, 't-0'), config: { ...DEFAULT_LOG_CONFIG, ...COMPACT }, clean, logStartOffset: 0, nowMs: NOW })
}

const rec = (key: string | null, value: string | null): BuildRecord => ({ key, value, timestamp: NOW })

// 600 updates of 25 keys in one-record batches, a few tombstones, and an idempotent producer's batches.
function fill(log: PartitionLog): void {
  for (let i = 0; i < 600; i++) {
    const value = i % 97 === 0 ? null : `v${i}`.padEnd(60, '.')
    const idem = i % 50 === 0 ? { producerId: 7, producerEpoch: 0, baseSequence: i / 50 } : {}
    log.append(buildBatch({ records: [rec(`k${i % 25}`, value)], ...idem }), { nowMs: NOW })
  }
}

function latest(log: PartitionLog): Map<string, string | null> {
  const m = new Map<string, string | null>()
  for (let at = log.logStartOffset; at < log.logEndOffset; ) {
    const r = log.read(at, 1 << 30, { minOneBatch: true, isolation: 'uncommitted' })
    if (!r.records) break
    for (let pos = 0; pos < r.records.length; pos += batchSizeAt(r.records, pos)) {
      const batch = r.records.subarray(pos, pos + batchSizeAt(r.records, pos))
      at = readHeader(batch, 0).lastOffset + 1
      for (const x of decodeBatchRecords(batch)) if (x.key) m.set(x.key.toString(), x.value?.toString() ?? null)
    }
  }
  return m
}

// .trash files (replaced segments, removed in the thread pool) may still be there right after a
// pass; every crash test checks that recovery removes them.
const afterRecovery = (storage: Storage) => fs.readdirSync(path.join(storage.root, 't-0')).filter((f) => /\.(cleaned|swap|deleted|trash)$/.test(f))
const leftovers = (storage: Storage) => fs.readdirSync(path.join(storage.root, 't-0')).filter((f) => /\.(cleaned|swap|deleted)$/.test(f))
const segmentFiles = (storage: Storage) => fs.readdirSync(path.join(storage.root, 't-0')).filter((f) => f.endsWith('.log')).sort()
const logBytes = (storage: Storage) => segmentFiles(storage).reduce((n, f) => n + fs.statSync(path.join(storage.root, 't-0', f)).size, 0)

const cleaners: LogCleaner[] = []
afterEach(async () => {
  for (const c of cleaners.splice(0)) await c.close()
})

function cleaner(log: PartitionLog, clock: ManualClock, extra: Partial<CleanerDeps> = {}): { cleaner: LogCleaner; deps: CleanerDeps; dirty: Map<string, number> } {
  const dirty = new Map<string, number>()
  const deps: CleanerDeps = {
    clock, logger: silentLogger(),
    config: { enabled: true, threads: 1, dedupeBufferBytes: 1 << 20, loadFactor: 0.9, backoffMs: BACKOFF },
    logs: () => [['t-0', log]],
    firstDirtyOffset: (k) => dirty.get(k) ?? 0,
    setFirstDirtyOffset: (k, o) => void dirty.set(k, o),
    ...extra,
  }
  const c = new LogCleaner(deps)
  cleaners.push(c)
  return { cleaner: c, deps, dirty }
}

describe('the cleaner worker thread', () => {
  it('is built (its script is found)', () => {
    expect(workerScript()).not.toBeNull()
  })

  it('writes the same segments as a pass on the event loop, and starts a thread only for a log on disk', async () => {
    const a = diskStorage(scratch())
    const b = diskStorage(scratch())
    const inWorker = open(a)
    const inLoop = open(b)
    fill(inWorker)
    fill(inLoop)
    const want = latest(inLoop)
    const { cleaner: c } = cleaner(inWorker, new ManualClock(NOW))
    expect(c.threadsStarted).toBe(0)
    const [r] = await c.runOnce()
    expect(c.threadsStarted).toBe(1)
    await cleanLog(inLoop, { nowMs: NOW, firstDirtyOffset: 0, map: new OffsetMap(1 << 20), pause: () => Promise.resolve(), stopped: () => false })
    expect(r!.segmentsCleaned).toBeGreaterThan(1)
    expect(latest(inWorker)).toEqual(want)
    expect(segmentFiles(a)).toEqual(segmentFiles(b))
    for (const f of segmentFiles(a)) expect(fs.readFileSync(path.join(a.root, 't-0', f)).equals(fs.readFileSync(path.join(b.root, 't-0', f)))).toBe(true)
    expect(leftovers(a)).toEqual([])
    // Appends after the swap go on from the same offset, and the log reopens the same.
    inWorker.append(buildBatch({ records: [rec('k1', 'after')] }), { nowMs: NOW })
    const after = latest(inWorker)
    expect(after.get('k1')).toBe('after')
    inWorker.close()
    const reopened = open(a)
    expect(latest(reopened)).toEqual(after)
    reopened.close()
    inLoop.close()
    await c.close()
    expect(c.threadsStarted).toBe(0)
  })

  it('leaves an in-memory log to the event loop', async () => {
    const log = open(memoryStorage())
    fill(log)
    const want = latest(log)
    const { cleaner: c } = cleaner(log, new ManualClock(NOW))
    expect((await c.runOnce()).length).toBe(1)
    expect(c.threadsStarted).toBe(0)
    expect(latest(log)).toEqual(want)
  })

  const steps: SwapStep[] = ['renamed-old', 'committed', 'removed-old', 'done']
  it.each(steps)('a crash at "%s" of a swap the worker asked for loses nothing and the log reopens', async (crashAt) => {
    const storage = diskStorage(scratch())
    const log = open(storage)
    fill(log)
    const want = latest(log)
    const { cleaner: c } = cleaner(log, new ManualClock(NOW), { step: (s) => {
      if (s === crashAt) throw new Error('crash')
    } })
    expect(await c.runOnce()).toEqual([])
    // The process dies here: nothing is closed or flushed. Another opens the directory.
    const again = open(storage, false)
    expect(latest(again)).toEqual(want)
    expect(again.logEndOffset).toBe(600)
    expect(afterRecovery(storage)).toEqual([])
    again.close()
  })

  it.each(['throw', 'exit'] as const)('a worker that fails (%s) abandons the pass cleanly, and it is tried again after log.cleaner.backoff.ms', async (fault) => {
    const storage = diskStorage(scratch())
    const log = open(storage)
    fill(log)
    const want = latest(log)
    const before = segmentFiles(storage)
    const bytes = logBytes(storage)
    const clock = new ManualClock(NOW)
    const { cleaner: c, deps, dirty } = cleaner(log, clock, { workerFault: fault })
    expect(await c.runOnce()).toEqual([])
    expect(leftovers(storage)).toEqual([])
    expect(segmentFiles(storage)).toEqual(before)
    expect(logBytes(storage)).toBe(bytes)
    expect(latest(log)).toEqual(want)
    expect(dirty.has('t-0')).toBe(false)
    deps.workerFault = undefined
    clock.advance(BACKOFF - 1)
    expect(await c.runOnce()).toEqual([]) // still backing off
    clock.advance(1)
    const [r] = await c.runOnce()
    expect(r!.key).toBe('t-0')
    expect(logBytes(storage)).toBeLessThan(bytes / 2)
    expect(latest(log)).toEqual(want)
    expect(leftovers(storage)).toEqual([])
  })

  it('close() during a pass abandons it without leaving files, and ends the thread', async () => {
    const storage = diskStorage(scratch())
    const log = open(storage)
    fill(log)
    const want = latest(log)
    let closing: Promise<void> | null = null
    const { cleaner: c } = cleaner(log, new ManualClock(NOW), { step: (s) => {
      // After the first group is swapped in: the worker is mid-pass.
      if (s === 'done') closing ??= c.close()
    } })
    const results = await c.runOnce()
    await closing
    expect(closing).not.toBeNull()
    expect(results).toEqual([]) // abandoned: the dirty offset does not move
    expect(c.threadsStarted).toBe(0)
    expect(leftovers(storage)).toEqual([])
    expect(latest(log)).toEqual(want)
    log.close()
    expect(latest(open(storage))).toEqual(want)
  })
})
