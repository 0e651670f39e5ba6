// Rolled segments are flushed off the event loop, and the recovery point moves once they are on
// disk; after an unclean stop the segments past it are recovered (Kafka's LogLoader), those below
// it are trusted.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildBatch } from '../../protocol/records/index.js'
import { LogManager } from '../../src/log/log-manager.js'
import { PartitionLog } from '../../src/log/partition-log.js'
import { diskStorage, type Storage } from '../../src/log/storage.js'
import { DEFAULT_LOG_CONFIG } from '../../src/log/types.js'
import { scratchDirs } from '../helpers/broker.js'

const scratch = scratchDirs('rivulet-recovery-')
const NOW = 1_700_000_000_000
const CONFIG = { ...DEFAULT_LOG_CONFIG, segmentBytes: 1000, indexIntervalBytes: 200 }

function batch(n: number, from: number): Buffer {
  return buildBatch({ records: Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${from + i}`), value: Buffer.from('v'.repeat(100)), timestamp: NOW + from + i })) })
}

function open(storage: Storage, clean: boolean, recoveryPoint?: number): PartitionLog {
  return PartitionLog.open({ storage, dir: path.join(storage.root, 't-0'), config: CONFIG, clean, logStartOffset: 0, recoveryPoint, nowMs: NOW })
}

const logFile = (storage: Storage, base: number) => path.join(storage.root, 't-0', `${String(base).padStart(20, '0')}.log`)

describe('recovery point', () => {
  it('moves only once a rolled segment has been flushed, which the roll does not wait for', async () => {
    const log = open(diskStorage(scratch()), true)
    expect(log.recoveryPoint).toBe(0)
    for (let i = 0; i < 12; i++) log.append(batch(2, i * 2), { nowMs: NOW })
    const bases = log.segmentList().map((s) => s.baseOffset)
    expect(bases.length).toBeGreaterThan(2)
    // The fsyncs run in libuv's pool: nothing can have completed before this line.
    expect(log.recoveryPoint).toBe(0)
    await log.flushed()
    expect(log.recoveryPoint).toBe(bases[bases.length - 1])
    log.close()
    expect(log.recoveryPoint).toBe(24)
  })

  it('after an unclean stop, recovers the sealed segments past the recovery point and trusts those below', async () => {
    const storage = diskStorage(scratch())
    const log = open(storage, true)
    for (let i = 0; i < 12; i++) log.append(batch(2, i * 2), { nowMs: NOW })
    await log.flushed()
    const bases = log.segmentList().map((s) => s.baseOffset)
    const [first, second] = [bases[0]!, bases[1]!]
    const sizes = bases.map((b) => fs.statSync(logFile(storage, b)).size)
    // A torn write in two sealed segments: one below the recovery point, one past it.
    for (const b of [first, second]) fs.appendFileSync(logFile(storage, b), batch(2, 100).subarray(0, 40))
    const again = open(storage, false, second)
    expect(fs.statSync(logFile(storage, second)).size).toBe(sizes[1])
    expect(fs.statSync(logFile(storage, first)).size).toBe(sizes[0]! + 40) // trusted: not scanned
    expect(again.logEndOffset).toBe(24)
    expect(again.segmentList()[1]!.nextOffset).toBe(bases[2])
    expect(again.append(batch(1, 24), { nowMs: NOW }).baseOffset).toBe(24)
    // A directory without a checkpoint (written before recovery points): sealed segments trusted.
    const storage2 = diskStorage(scratch())
    const old = open(storage2, true)
    for (let i = 0; i < 12; i++) old.append(batch(2, i * 2), { nowMs: NOW })
    await old.flushed()
    const second2 = old.segmentList()[1]!.baseOffset
    const size2 = fs.statSync(logFile(storage2, second2)).size
    fs.appendFileSync(logFile(storage2, second2), batch(2, 100).subarray(0, 40))
    open(storage2, false, undefined)
    expect(fs.statSync(logFile(storage2, second2)).size).toBe(size2 + 40)
  })

  it('the log manager checkpoints recovery points; a log missing from the checkpoint is recovered whole', async () => {
    const storage = diskStorage(scratch())
    const logs = new LogManager({ storage, now: () => NOW })
    logs.start()
    const a = logs.open('a', 0, CONFIG)
    for (let i = 0; i < 12; i++) a.append(batch(2, i * 2), { nowMs: NOW })
    await a.flushed()
    logs.checkpointRecoveryPoints()
    const text = fs.readFileSync(path.join(storage.root, 'rivulet-recovery-point-checkpoint'), 'utf8')
    expect(text).toBe(`0\n1\na 0 ${a.recoveryPoint}\n`)
    // Log b appears after the checkpoint; the broker dies without closing.
    const b = logs.open('b', 0, CONFIG)
    for (let i = 0; i < 12; i++) b.append(batch(2, i * 2), { nowMs: NOW })
    await b.flushed()
    const bFirst = path.join(storage.root, 'b-0', '00000000000000000000.log')
    const bSize = fs.statSync(bFirst).size
    fs.appendFileSync(bFirst, batch(2, 100).subarray(0, 40))
    const again = new LogManager({ storage, now: () => NOW })
    expect(again.start().clean).toBe(false)
    again.open('b', 0, CONFIG)
    expect(fs.statSync(bFirst).size).toBe(bSize)
  })
})
