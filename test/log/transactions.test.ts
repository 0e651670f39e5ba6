// Transactions in the partition log: the last stable offset, transaction markers, the aborted-
// transaction index (in memory and in Kafka's `.txnindex` files), read_committed reads that stop
// at the LSO, and the state rebuilt after clean and unclean restarts.

import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildBatch, decodeBatchRecords, readControlRecord } from '../../protocol/records/index.js'
import { PartitionLog } from '../../src/log/partition-log.js'
import { diskStorage, memoryStorage, type Storage } from '../../src/log/storage.js'
import { decodeAbortedTxns } from '../../src/log/txn-index.js'
import { DEFAULT_LOG_CONFIG, LogError, type LogConfig } from '../../src/log/types.js'
import { scratchDirs } from '../helpers/broker.js'

const scratch = scratchDirs('rivulet-txnlog-')
function disk(): Storage {
  return diskStorage(scratch())
}

const NOW = 1_700_000_000_000

function open(storage: Storage, config: Partial<LogConfig> = {}, clean = true): PartitionLog {
  return PartitionLog.open({ storage, dir: path.join(storage.root, 't-0'), config: { ...DEFAULT_LOG_CONFIG, ...config }, clean, logStartOffset: 0, nowMs: NOW })
}

// `n` records from producer `pid`, transactional unless said otherwise.
function txnBatch(pid: number, seq: number, n: number, opts: { epoch?: number; transactional?: boolean } = {}): Buffer {
  return buildBatch({
    records: Array.from({ length: n }, (_, i) => ({ key: `p${pid}-${seq + i}`, value: 'v', timestamp: NOW })),
    producerId: pid,
    producerEpoch: opts.epoch ?? 0,
    baseSequence: seq,
    transactional: opts.transactional ?? true,
  })
}

// Every batch of a read as (baseOffset, control type or record keys).
function batchesOf(data: Buffer | null): { base: number; control: number | null; keys: string[] }[] {
  const out: { base: number; control: number | null; keys: string[] }[] = []
  if (!data) return out
  for (let at = 0; at < data.length; ) {
    const size = 12 + data.readInt32BE(at + 8)
    const records = decodeBatchRecords(data.subarray(at, at + size))
    const control = (data.readInt16BE(at + 21) & 0x20) !== 0 ? readControlRecord(records[0]!)!.type : null
    out.push({ base: Number(data.readBigInt64BE(at)), control, keys: control === null ? records.map((r) => r.key!.toString()) : [] })
    at += size
  }
  return out
}

describe.each([
  ['disk', disk],
  ['memory', () => memoryStorage()],
])('transactions in a PartitionLog on %s', (_name, make) => {
  it('holds the last stable offset at the first open transaction until its marker', () => {
    const log = open(make())
    log.append(buildBatch({ records: [{ key: 'plain', value: 'x', timestamp: NOW }] }), { nowMs: NOW }) // offset 0
    expect(log.lastStableOffset).toBe(1)
    log.append(txnBatch(7, 0, 2), { nowMs: NOW }) // 1-2, producer 7 opens a transaction
    log.append(txnBatch(8, 0, 1), { nowMs: NOW }) // 3, producer 8 too
    expect(log.highWatermark).toBe(4)
    expect(log.lastStableOffset).toBe(1)
    expect(log.appendMarker(7, 0, true, 0, NOW)).toBe(4)
    expect(log.lastStableOffset).toBe(3) // producer 8 is still open
    expect(log.appendMarker(8, 0, false, 0, NOW)).toBe(5)
    expect(log.lastStableOffset).toBe(6)
    expect(log.aborted.overlapping(0, 6)).toEqual([{ producerId: 8, firstOffset: 3, lastOffset: 5, lastStableOffset: 6 }])
    // Markers are control batches of one record with the marker type.
    expect(batchesOf(log.read(4, 1 << 20, { minOneBatch: true }).records).map((b) => [b.base, b.control])).toEqual([[4, 1], [5, 0]])
  })

  it('read_committed reads stop at the last stable offset', () => {
    const log = open(make())
    log.append(txnBatch(1, 0, 2), { nowMs: NOW }) // 0-1
    log.append(buildBatch({ records: [{ key: 'plain', value: 'x', timestamp: NOW }] }), { nowMs: NOW }) // 2
    expect(log.read(0, 1 << 20, { minOneBatch: true, isolation: 'committed' }).records).toBeNull()
    expect(batchesOf(log.read(0, 1 << 20, { minOneBatch: true }).records).map((b) => b.base)).toEqual([0, 2])
    log.appendMarker(1, 0, true, 0, NOW) // 3
    expect(batchesOf(log.read(0, 1 << 20, { minOneBatch: true, isolation: 'committed' }).records).map((b) => b.base)).toEqual([0, 2, 3])
  })

  it('lists only the aborted transactions that overlap a read', () => {
    const log = open(make())
    log.append(txnBatch(1, 0, 1), { nowMs: NOW }) // 0
    log.appendMarker(1, 0, false, 0, NOW) // 1: aborted [0, 1]
    log.append(txnBatch(2, 0, 1), { nowMs: NOW }) // 2
    log.appendMarker(2, 0, true, 0, NOW) // 3: committed
    log.append(txnBatch(3, 0, 1), { nowMs: NOW }) // 4
    log.appendMarker(3, 0, false, 0, NOW) // 5: aborted [4, 5]
    log.appendMarker(4, 0, false, 0, NOW) // 6: producer 4 wrote nothing here: no entry (Kafka 2.8+)
    const ids = (from: number, to: number) => log.aborted.overlapping(from, to).map((a) => a.producerId)
    expect(ids(0, 7)).toEqual([1, 3])
    expect(ids(2, 4)).toEqual([])
    expect(ids(1, 2)).toEqual([1])
    expect(ids(5, 7)).toEqual([3])
    expect(log.aborted.overlapping(4, 5)).toEqual([{ producerId: 3, firstOffset: 4, lastOffset: 5, lastStableOffset: 6 }])
  })

  it('refuses a non-transactional write from a producer inside a transaction', () => {
    const log = open(make())
    log.append(txnBatch(5, 0, 1), { nowMs: NOW })
    expect(() => log.append(txnBatch(5, 1, 1, { transactional: false }), { nowMs: NOW })).toThrow(LogError)
    try {
      log.append(txnBatch(5, 1, 1, { transactional: false }), { nowMs: NOW })
    } catch (err) {
      expect((err as LogError).code).toBe('INVALID_TXN_STATE')
    }
    log.appendMarker(5, 0, true, 0, NOW)
    expect(log.append(txnBatch(5, 1, 1, { transactional: false }), { nowMs: NOW }).baseOffset).toBe(2)
  })

  it('a marker with a bumped epoch fences the older epoch', () => {
    const log = open(make())
    log.append(txnBatch(5, 0, 1), { nowMs: NOW })
    log.appendMarker(5, 1, false, 0, NOW)
    expect(() => log.append(txnBatch(5, 1, 1, { epoch: 0 }), { nowMs: NOW })).toThrow(/older/)
    expect(log.append(txnBatch(5, 0, 1, { epoch: 1 }), { nowMs: NOW }).baseOffset).toBe(2)
  })

  it('keeps open transactions and aborted ones across a clean restart, and drops them with their segments', () => {
    const storage = make()
    let log = open(storage, { segmentBytes: 400 })
    log.append(txnBatch(1, 0, 1), { nowMs: NOW }) // 0
    log.appendMarker(1, 0, false, 0, NOW) // 1
    log.append(txnBatch(2, 0, 1), { nowMs: NOW }) // 2, stays open
    for (let i = 0; i < 6; i++) log.append(buildBatch({ records: [{ key: `k${i}`, value: 'x'.repeat(100), timestamp: NOW }] }), { nowMs: NOW })
    expect(log.segmentCount).toBeGreaterThan(1)
    log.close()
    log = open(storage, { segmentBytes: 400 })
    expect(log.lastStableOffset).toBe(2)
    expect(log.aborted.overlapping(0, 100)).toEqual([{ producerId: 1, firstOffset: 0, lastOffset: 1, lastStableOffset: 2 }])
    log.appendMarker(2, 0, true, 0, NOW)
    expect(log.lastStableOffset).toBe(log.logEndOffset)
    log.deleteRecordsBefore(log.logEndOffset)
    expect(log.aborted.overlapping(0, 100)).toEqual([])
    log.close()
  })
})

describe('transactions after an unclean stop', () => {
  it('rebuilds open transactions and the aborted index from the log when no snapshot is there', () => {
    const storage = disk()
    const log = open(storage)
    log.append(txnBatch(1, 0, 2), { nowMs: NOW }) // 0-1
    log.appendMarker(1, 0, false, 0, NOW) // 2
    log.append(txnBatch(2, 0, 1), { nowMs: NOW }) // 3, open
    log.flush(NOW)
    // A kill -9: no close, no snapshot, and the `.txnindex` lost as well.
    const dir = path.join(storage.root, 't-0')
    const txnIndex = fs.readdirSync(dir).find((f) => f.endsWith('.txnindex'))!
    expect(decodeAbortedTxns(fs.readFileSync(path.join(dir, txnIndex)))).toHaveLength(1)
    fs.rmSync(path.join(dir, txnIndex))
    const again = open(storage, {}, false)
    expect(again.lastStableOffset).toBe(3)
    expect(again.aborted.overlapping(0, 4)).toEqual([{ producerId: 1, firstOffset: 0, lastOffset: 2, lastStableOffset: 3 }])
    // The rebuilt entry is written back, once.
    again.close()
    const third = open(storage, {}, false)
    expect(third.aborted.overlapping(0, 4)).toHaveLength(1)
    expect(decodeAbortedTxns(fs.readFileSync(path.join(dir, txnIndex)))).toHaveLength(1)
    third.close()
    log.close()
  })

  it('drops index entries for markers cut off with a torn tail', () => {
    const storage = disk()
    const log = open(storage)
    log.append(txnBatch(1, 0, 1), { nowMs: NOW }) // 0
    log.appendMarker(1, 0, false, 0, NOW) // 1
    log.append(txnBatch(2, 0, 1), { nowMs: NOW }) // 2
    log.appendMarker(2, 0, false, 0, NOW) // 3
    log.flush(NOW)
    const dir = path.join(storage.root, 't-0')
    const segment = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.log'))!)
    // Tear the last marker in half.
    fs.truncateSync(segment, fs.statSync(segment).size - 20)
    const again = open(storage, {}, false)
    expect(again.logEndOffset).toBe(3)
    expect(again.lastStableOffset).toBe(2) // producer 2's transaction is open again
    expect(again.aborted.overlapping(0, 10).map((a) => a.producerId)).toEqual([1])
    again.close()
    log.close()
  })
})
