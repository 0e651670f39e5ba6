// The cleaner makes each cleaned segment durable before the swap commits it, without a blocking
// fsync on the event loop (Kafka's cleaner fsyncs on its own thread; here an fsyncSync of a new
// segment stalled every produce and fetch for its duration).
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildBatch } from '../../protocol/records/index.js'
import { cleanLog } from '../../src/log/cleaner/clean-log.js'
import { OffsetMap } from '../../src/log/cleaner/offset-map.js'
import { PartitionLog } from '../../src/log/partition-log.js'
import { diskStorage, type ByteFile, type Storage } from '../../src/log/storage.js'
import { DEFAULT_LOG_CONFIG } from '../../src/log/types.js'
import { scratchDirs } from '../helpers/broker.js'

const NOW = 1_700_000_000_000
const scratch = scratchDirs('rivulet-cleaner-flush-')

// A disk storage that records flushes and renames, in order.
function recording(events: string[]): Storage {
  const inner = diskStorage(scratch())
  const wrap = (file: string, f: ByteFile): ByteFile => new Proxy(f, {
    get(target, prop, receiver) {
      if (prop === 'flush') return () => { events.push(`flushSync ${path.basename(file)}`); target.flush() }
      if (prop === 'flushAsync') return async () => { events.push(`flushAsync ${path.basename(file)}`); await target.flushAsync() }
      const v = Reflect.get(target, prop, receiver)
      return typeof v === 'function' ? v.bind(target) : v
    },
  })
  return {
    ...inner,
    open: (file) => wrap(file, inner.open(file)),
    rename: (from, to) => { events.push(`rename ${path.basename(from)} ${path.basename(to)}`); inner.rename(from, to) },
    writeAtomic: (file, data, o) => { events.push(`write ${path.basename(file)}${o?.durable === false ? '' : ' durable'}`); inner.writeAtomic(file, data, o) },
  }
}

describe('cleaned segment durability', () => {
  it('fsyncs the cleaned segment asynchronously, before the rename to .swap commits it', async () => {
    const events: string[] = []
    const storage = recording(events)
    const log = PartitionLog.open({
      storage, dir: path.join(storage.root, 't-0'), config: { ...DEFAULT_LOG_CONFIG, compact: true, delete: false, segmentBytes: 4096 },
      clean: true, logStartOffset: 0, nowMs: NOW,
    })
    for (let i = 0; i < 300; i++) log.append(buildBatch({ records: [{ key: `k${i % 10}`, value: `v${i}`.padEnd(40, '.'), timestamp: NOW }] }), { nowMs: NOW })
    events.length = 0
    const stats = await cleanLog(log, { nowMs: NOW, firstDirtyOffset: 0, map: new OffsetMap(1 << 20), pause: () => Promise.resolve(), stopped: () => false })
    expect(stats?.segmentsCleaned).toBeGreaterThan(0)
    const cleaned = events.filter((e) => e.includes('.cleaned') && e.startsWith('flush'))
    expect(cleaned.filter((e) => e.startsWith('flushSync'))).toEqual([])
    const commit = events.findIndex((e) => /^rename \S+\.log\.cleaned \S+\.log\.swap$/.test(e))
    expect(commit).toBeGreaterThan(0)
    const flushed = events.findIndex((e) => /^flushAsync \S+\.log\.cleaned$/.test(e))
    expect(flushed).toBeGreaterThanOrEqual(0)
    expect(flushed).toBeLessThan(commit)
    log.close()
  })

  // Kafka's roll flushes on its scheduler (UnifiedLog.roll → flushUptoOffsetExclusive) and takes
  // its producer snapshot unflushed; here a roll's fsyncSync held every produce 20-190 ms.
  it('a roll blocks on no fsync: the rolled segment is flushed asynchronously, the snapshot is not synced', async () => {
    const events: string[] = []
    const storage = recording(events)
    const log = PartitionLog.open({ storage, dir: path.join(storage.root, 't-0'), config: { ...DEFAULT_LOG_CONFIG, segmentBytes: 4096 }, clean: true, logStartOffset: 0, nowMs: NOW })
    for (let i = 0; i < 300; i++) log.append(buildBatch({ records: [{ key: `k${i}`, value: `v${i}`.padEnd(40, '.'), timestamp: NOW }] }), { nowMs: NOW })
    expect(log.segmentCount).toBeGreaterThan(2)
    expect(events.filter((e) => e.startsWith('flushSync'))).toEqual([])
    expect(events.filter((e) => e.startsWith('write producer-state'))).toEqual(Array(log.segmentCount - 1).fill('write producer-state.json'))
    await log.flushed()
    expect(events.filter((e) => /^flushAsync \d+\.log$/.test(e)).length).toBe(log.segmentCount - 1)
    expect(log.recoveryPoint).toBe(log.segmentList().at(-1)!.baseOffset)
    events.length = 0
    log.close()
    expect(events).toContain('write producer-state.json durable')
  })
})
