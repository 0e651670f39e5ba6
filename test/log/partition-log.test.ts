import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { TimestampType, buildBatch, computeCrc, decodeBatchRecords, endOffsetOf, getCrc, getMaxTimestamp, getTimestampType } from '../../protocol/records/index.js'
import { PartitionLog } from '../../src/log/partition-log.js'
import { diskStorage, memoryStorage, type Storage } from '../../src/log/storage.js'
import { DEFAULT_LOG_CONFIG, LogError, type LogConfig } from '../../src/log/types.js'
import { scratchDirs } from '../helpers/broker.js'

const scratch = scratchDirs('rivulet-log-')
function disk(): Storage {
  return diskStorage(scratch())
}

const NOW = 1_700_000_000_000

function batch(n: number, from = 0, ts = NOW, extra: Partial<Parameters<typeof buildBatch>[0]> = {}): Buffer {
  return buildBatch({ records: Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${from + i}`), value: Buffer.from(`value-${from + i}`.padEnd(100, '.')), timestamp: ts + i })), ...extra })
}

function open(storage: Storage, config: Partial<LogConfig> = {}, clean = true, logStartOffset = 0): PartitionLog {
  return PartitionLog.open({ storage, dir: path.join(storage.root, 't-0'), config: { ...DEFAULT_LOG_CONFIG, ...config }, clean, logStartOffset, nowMs: NOW })
}

// Reads every record from `from` to the end, batch by batch, as a consumer would.
function readAll(log: PartitionLog, from = log.logStartOffset): { offset: number; key: string }[] {
  const out: { offset: number; key: string }[] = []
  let next = from
  while (next < log.logEndOffset) {
    const data = log.read(next, 4096, { minOneBatch: true }).records!
    let at = 0
    while (at < data.length) {
      const size = 12 + data.readInt32BE(at + 8)
      for (const r of decodeBatchRecords(data.subarray(at, at + size))) {
        if (r.offset >= next) out.push({ offset: r.offset, key: r.key!.toString() })
      }
      at += size
    }
    next = out[out.length - 1]!.offset + 1
  }
  return out
}

describe.each([
  ['disk', disk],
  ['memory', () => memoryStorage()],
])('PartitionLog on %s', (_name, make) => {
  it('assigns offsets, rolls segments and reads from any offset through the sparse index', () => {
    const log = open(make(), { segmentBytes: 3000, indexIntervalBytes: 500 })
    for (let i = 0; i < 40; i++) {
      const r = log.append(batch(3, i * 3), { nowMs: NOW })
      expect(r.baseOffset).toBe(i * 3)
      expect(r.lastOffset).toBe(i * 3 + 2)
    }
    expect(log.logEndOffset).toBe(120)
    expect(log.segmentCount).toBeGreaterThan(5)
    const all = readAll(log)
    expect(all.map((r) => r.offset)).toEqual(Array.from({ length: 120 }, (_, i) => i))
    expect(all[77]!.key).toBe('k77')
    for (const from of [0, 1, 2, 3, 59, 60, 61, 100, 119]) expect(readAll(log, from)[0]).toEqual({ offset: from, key: `k${from}` })
    expect(log.read(120, 1000, { minOneBatch: true }).records).toBeNull()
    expect(() => log.read(121, 1000, { minOneBatch: true }).records).toThrow(LogError)
  })

  it('returns exactly the requested batches when a read spans several read windows', () => {
    // No index entries: every read scans from the segment start through several 64 KiB windows.
    const log = open(make(), { indexIntervalBytes: 1 << 30 })
    for (let i = 0; i < 400; i++) log.append(buildBatch({ records: [{ key: Buffer.from(`k${i}`), value: Buffer.alloc(1000, i % 256), timestamp: NOW }] }), { nowMs: NOW })
    const data = log.read(300, 100 * 1024, { minOneBatch: true }).records!
    let at = 0
    let expected = 300
    while (at < data.length) {
      const size = 12 + data.readInt32BE(at + 8)
      const [r] = decodeBatchRecords(data.subarray(at, at + size))
      expect(r!.offset).toBe(expected)
      expect(r!.key!.toString()).toBe(`k${expected}`)
      expected++
      at += size
    }
    expect(expected).toBeGreaterThan(390)
  })

  it('respects maxBytes but always returns one whole batch when asked to', () => {
    const log = open(make())
    log.append(batch(5), { nowMs: NOW })
    log.append(batch(5, 5), { nowMs: NOW })
    const one = log.read(0, 10, { minOneBatch: true }).records!
    expect(12 + one.readInt32BE(8)).toBe(one.length)
    expect(log.read(0, 10, { minOneBatch: false }).records).toBeNull()
    expect(log.read(0, 1 << 20, { minOneBatch: false }).records!.length).toBe(2 * one.length)
  })

  it('applies retention by size and by time, and DeleteRecords moves the log start offset', () => {
    const log = open(make(), { segmentBytes: 2000 })
    for (let i = 0; i < 20; i++) log.append(batch(2, i * 2, NOW - 10_000 + i), { nowMs: NOW })
    const segments = log.segmentCount
    log.config = { ...log.config, retentionBytes: 2500 }
    expect(log.applyRetention(NOW)).toBeGreaterThan(0)
    expect(log.segmentCount).toBeLessThan(segments)
    expect(log.size).toBeLessThanOrEqual(2500 + 2000)
    const start = log.logStartOffset
    expect(start).toBeGreaterThan(0)
    expect(() => log.read(0, 100, { minOneBatch: true }).records).toThrow(/outside/)
    expect(readAll(log)[0]!.offset).toBe(start)

    expect(log.deleteRecordsBefore(35)).toBe(35)
    expect(readAll(log, 35)[0]!.offset).toBe(35)
    expect(() => log.deleteRecordsBefore(100)).toThrow(LogError)

    log.config = { ...log.config, retentionBytes: -1, retentionMs: 1000 }
    log.applyRetention(NOW + 60_000)
    expect(log.logStartOffset).toBe(40)
    expect(log.logEndOffset).toBe(40)
    expect(log.append(batch(1, 40), { nowMs: NOW }).baseOffset).toBe(40)
  })

  it('finds every offset and timestamp through an index far larger than the entries it keeps in memory', () => {
    const storage = make()
    const cfg = { segmentBytes: 1 << 30, indexIntervalBytes: 1 }
    const log = open(storage, cfg)
    // One index entry per batch: 700 entries, about 22 blocks of the 32 that stay in memory.
    for (let i = 0; i < 700; i++) log.append(batch(2, i * 2, NOW + i * 10), { nowMs: NOW })
    const check = (l: PartitionLog) => {
      for (const from of [0, 1, 2, 63, 64, 65, 511, 512, 700, 1001, 1398, 1399]) {
        expect(readAll(l, from)[0], `offset ${from}`).toEqual({ offset: from, key: `k${from}` })
      }
      for (const i of [0, 31, 32, 33, 350, 697, 698]) {
        expect(l.batchesForTimestamp(NOW + i * 10 + 5).next().value!.meta.baseOffset, `timestamp of batch ${i}`).toBe((i + 1) * 2)
      }
      expect(l.batchesForTimestamp(NOW + 7000).next().done).toBe(true)
    }
    check(log)
    log.close()
    const again = open(storage, cfg)
    check(again)
    again.close()
  })

  it('finds the segment and batches for a timestamp', () => {
    const log = open(make(), { segmentBytes: 1500, indexIntervalBytes: 100 })
    for (let i = 0; i < 30; i++) log.append(batch(1, i, NOW + i * 1000), { nowMs: NOW })
    const first = log.batchesForTimestamp(NOW + 12_500).next().value!
    expect(first.meta.baseOffset).toBe(13)
    expect(log.batchesForTimestamp(NOW + 31_000).next().done).toBe(true)
    expect(log.maxTimestamp()).toEqual({ timestamp: NOW + 29_000, batchLastOffset: 29 })
  })
})

describe('PartitionLog append: LogValidator stamping', () => {
  it('clears a producer\'s LogAppendTime bit on a CreateTime topic, so records keep their create times', () => {
    const log = open(memoryStorage())
    // A batch that claims LogAppendTime with a valid MaxTimestamp passes validation on a CreateTime
    // topic (LogValidator.validateTimestamp); Kafka's setMaxTimestamp then stores it as CreateTime.
    log.append(batch(3, 0, NOW, { timestampType: TimestampType.LogAppendTime }), { nowMs: NOW + 5000 })
    const stored = log.read(0, 1 << 20, { minOneBatch: true }).records!
    expect(getTimestampType(stored, 0)).toBe(TimestampType.CreateTime)
    expect(getCrc(stored, 0)).toBe(computeCrc(stored, 0))
    expect(decodeBatchRecords(stored).map((r) => r.timestamp)).toEqual([NOW, NOW + 1, NOW + 2])
  })

  it('stamps LogAppendTime topics with the broker clock, CRC recomputed', () => {
    const log = open(memoryStorage(), { logAppendTime: true })
    expect(log.append(batch(2), { nowMs: NOW + 5000 }).logAppendTime).toBe(NOW + 5000)
    const stored = log.read(0, 1 << 20, { minOneBatch: true }).records!
    expect([getTimestampType(stored, 0), getMaxTimestamp(stored, 0)]).toEqual([TimestampType.LogAppendTime, NOW + 5000])
    expect(getCrc(stored, 0)).toBe(computeCrc(stored, 0))
    expect(decodeBatchRecords(stored).map((r) => r.timestamp)).toEqual([NOW + 5000, NOW + 5000])
  })
})

describe('PartitionLog segment.ms', () => {
  it('rolls by record time, as Kafka\'s LogSegment.timeWaitedForRoll measures it', () => {
    const log = open(memoryStorage(), { segmentMs: 1000 })
    log.append(batch(1, 0, NOW), { nowMs: NOW })
    log.append(batch(1, 1, NOW + 500), { nowMs: NOW + 5000 }) // the broker's clock moved; record time did not reach 1 s
    expect(log.segmentCount).toBe(1)
    log.append(batch(1, 2, NOW + 1500), { nowMs: NOW }) // record time is past segment.ms
    expect(log.segmentCount).toBe(2)
    // Reopened, the active segment's first timestamp is read back from its file.
    const reopened = open(log.storage, { segmentMs: 1000 })
    reopened.append(batch(1, 3, NOW + 2000), { nowMs: NOW })
    expect(reopened.segmentCount).toBe(2)
    reopened.append(batch(1, 4, NOW + 2600), { nowMs: NOW })
    expect(reopened.segmentCount).toBe(3)
  })
})

describe('PartitionLog retention and cleanup.policy', () => {
  const policies: [string, Partial<LogConfig>, boolean][] = [
    ['delete', { compact: false, delete: true }, true],
    ['compact', { compact: true, delete: false }, false],
    ['compact,delete', { compact: true, delete: true }, true],
  ]
  it.each(policies)('cleanup.policy=%s: retention deletes old segments: %s', (_name, policy, deletes) => {
    const log = open(memoryStorage(), { segmentBytes: 2000, retentionMs: 1000, ...policy })
    for (let i = 0; i < 20; i++) log.append(batch(2, i * 2, NOW + i), { nowMs: NOW })
    expect(log.applyRetention(NOW + 3_600_000) > 0).toBe(deletes)
    expect(log.logStartOffset > 0).toBe(deletes)
    log.config = { ...log.config, retentionMs: -1, retentionBytes: 100 }
    if (!deletes) {
      expect(log.applyRetention(NOW + 3_600_000)).toBe(0)
      expect(readAll(log)).toHaveLength(40)
    }
  })
})

// The bytes stored from the batch holding `offset` to the end, read segment by segment.
function bytesFrom(log: PartitionLog, offset: number): number {
  let total = 0
  for (let at = offset; at < log.logEndOffset; ) {
    const data = log.read(at, 1 << 30, { minOneBatch: true }).records!
    total += data.length
    at = endOffsetOf(data, at)
  }
  return total
}

describe('PartitionLog long-poll accounting', () => {
  it('counts the bytes appended after a mark without reading the log', () => {
    let reads = 0
    const inner = memoryStorage()
    const counting: Storage = {
      ...inner,
      open(file) {
        const f = inner.open(file)
        return new Proxy(f, {
          get(target, prop, recv) {
            if (prop === 'read' || prop === 'readInto') reads++
            const v = Reflect.get(target, prop, recv) as unknown
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
          },
        })
      },
    }
    const log = open(counting, { segmentBytes: 1500 })
    log.append(batch(1), { nowMs: NOW })
    const atEnd = log.mark(log.logEndOffset)
    const before = reads
    let appended = 0
    for (let i = 1; i <= 30; i++) {
      const b = batch(1, i)
      appended += b.length
      log.append(b, { nowMs: NOW })
      expect(log.bytesAfter(atEnd, 'uncommitted')).toBe(appended) // across segment rolls
    }
    expect(log.segmentCount).toBeGreaterThan(2)
    expect(reads).toBe(before)
    // A mark inside the log (one header walk to place it) counts from that batch on.
    const inside = log.mark(10)
    expect(log.bytesAfter(inside, 'uncommitted')).toBe(bytesFrom(log, 10))
  })

  it('counts nothing for read_committed while the last stable offset has not passed the mark', () => {
    const log = open(memoryStorage())
    log.append(batch(1, 0, NOW, { producerId: 5, producerEpoch: 0, baseSequence: 0, transactional: true }), { nowMs: NOW })
    const mark = log.mark(0)
    log.append(batch(1, 1), { nowMs: NOW })
    expect(log.bytesAfter(mark, 'committed')).toBe(0)
    expect(log.bytesAfter(mark, 'uncommitted')).toBeGreaterThan(0)
    log.appendMarker(5, 0, true, 0, NOW)
    expect(log.bytesAfter(mark, 'committed')).toBe(log.size)
  })
})

describe('PartitionLog.keyedRecords (start-up replay of internal topics)', () => {
  it('visits every keyed record from the log start in order, across read chunks and segments, with views valid during the visit', () => {
    const log = open(disk(), { segmentBytes: 400 * 1024 })
    // 1,200 batches of 3 records of ~1 KiB: several 256 KiB read chunks and three segments. Every
    // third record has no key, and is skipped.
    const expected: string[] = []
    for (let b = 0; b < 1200; b++) {
      const records = Array.from({ length: 3 }, (_, i) => {
        const n = b * 3 + i
        const key = i === 1 ? null : `key-${n}`
        if (key !== null) expected.push(`${n}:${key}:${String(n).padEnd(1000, '#')}`)
        return { key, value: String(n).padEnd(1000, '#'), timestamp: NOW }
      })
      log.append(buildBatch({ records }), { nowMs: NOW })
    }
    expect(log.segmentCount).toBeGreaterThan(2)
    const seen: string[] = []
    log.keyedRecords((r) => { seen.push(`${r.offset}:${r.key()!.toString()}:${r.value()!.toString()}`) })
    expect(seen).toEqual(expected)

    log.deleteRecordsBefore(1501)
    const after: number[] = []
    log.keyedRecords((r) => { after.push(r.offset) })
    expect(after[0]).toBe(1502) // 1501 is a keyless record in the batch that holds the new log start
    expect(after.length).toBe(expected.filter((e) => Number(e.split(':')[0]) >= 1501).length)
    log.close()
  })
})

describe('PartitionLog recovery', () => {
  it('reopens a cleanly closed log from its indexes, offsets continuing', () => {
    const storage = disk()
    const log = open(storage, { segmentBytes: 3000, indexIntervalBytes: 300 })
    for (let i = 0; i < 30; i++) log.append(batch(2, i * 2), { nowMs: NOW })
    log.close()
    // The producer-state snapshot is written even without producers: its offset spares the next
    // start a replay of the whole log.
    const snapshot = JSON.parse(fs.readFileSync(path.join(storage.root, 't-0', 'producer-state.json'), 'utf8')) as { offset: number }
    expect(snapshot.offset).toBe(60)
    const again = open(storage, { segmentBytes: 3000, indexIntervalBytes: 300 })
    expect(again.logEndOffset).toBe(60)
    expect(again.append(batch(1, 60), { nowMs: NOW }).baseOffset).toBe(60)
    expect(readAll(again).length).toBe(61)
  })

  it('opens older segments without their indexes and still reads, searches and expires them', () => {
    const storage = disk()
    const cfg = { segmentBytes: 2000, indexIntervalBytes: 200 }
    const log = open(storage, cfg)
    for (let i = 0; i < 30; i++) log.append(batch(1, i, NOW + i * 1000), { nowMs: NOW })
    log.close()
    for (const clean of [true, false]) {
      const again = open(storage, cfg, clean)
      expect(again.segmentCount).toBeGreaterThanOrEqual(3)
      expect(again.maxTimestamp()).toEqual({ timestamp: NOW + 29_000, batchLastOffset: 29 })
      expect(again.batchesForTimestamp(NOW + 12_500).next().value!.meta.baseOffset).toBe(13)
      expect(readAll(again, 7)[0]).toEqual({ offset: 7, key: 'k7' })
      expect(readAll(again).length).toBe(30)
      again.close()
    }
    const last = open(storage, { ...cfg, retentionMs: 15_000 })
    last.applyRetention(NOW + 30_000)
    expect(last.logStartOffset).toBeGreaterThan(5)
    expect(readAll(last)[0]!.offset).toBe(last.logStartOffset)
  })

  it('truncates a torn tail after an unclean stop and continues from the last whole batch', () => {
    const storage = disk()
    const log = open(storage)
    for (let i = 0; i < 10; i++) log.append(batch(2, i * 2), { nowMs: NOW })
    const file = path.join(storage.root, 't-0', '00000000000000000000.log')
    const good = fs.statSync(file).size
    // Half of another batch, as a kill -9 in the middle of a write would leave it.
    fs.appendFileSync(file, batch(2, 20).subarray(0, 40))
    const again = open(storage, {}, false)
    expect(fs.statSync(file).size).toBe(good)
    expect(again.logEndOffset).toBe(20)
    expect(again.append(batch(1, 20), { nowMs: NOW }).baseOffset).toBe(20)
    expect(readAll(again).map((r) => r.offset)).toEqual(Array.from({ length: 21 }, (_, i) => i))
  })

  it('cuts at the first batch whose CRC does not match', () => {
    const storage = disk()
    const log = open(storage)
    const sizes: number[] = []
    for (let i = 0; i < 5; i++) {
      const b = batch(2, i * 2)
      sizes.push(b.length)
      log.append(b, { nowMs: NOW })
    }
    const file = path.join(storage.root, 't-0', '00000000000000000000.log')
    const bytes = fs.readFileSync(file)
    const third = sizes[0]! + sizes[1]!
    bytes[third + 70] ^= 0xff
    fs.writeFileSync(file, bytes)
    const again = open(storage, {}, false)
    expect(again.logEndOffset).toBe(4)
    expect(fs.statSync(file).size).toBe(third)
  })

  it('rebuilds producer state from the log when no snapshot exists', () => {
    const storage = disk()
    const log = open(storage)
    log.append(batch(3, 0, NOW, { producerId: 7, producerEpoch: 0, baseSequence: 0 }), { nowMs: NOW })
    const again = open(storage, {}, false)
    const dup = again.append(batch(3, 0, NOW, { producerId: 7, producerEpoch: 0, baseSequence: 0 }), { nowMs: NOW })
    expect(dup).toMatchObject({ duplicate: true, baseOffset: 0, lastOffset: 2 })
    expect(again.logEndOffset).toBe(3)
  })
})
