// One cleaning pass over one log (Kafka's Cleaner.doClean): build the key → latest offset map of
// the dirty section, then rewrite every cleanable segment from the log start, group by group,
// keeping per key only its latest record, and swap each group's new segment in. The rules are
// Kafka's, as clients observe them:
// - a record survives when it is its key's latest (offsets never change); keyless records go;
// - a tombstone (null value) survives delete.retention.ms after the pass that first saw it, which
//   stamps its batch with a delete horizon (KIP-534);
// - records of aborted transactions go; a marker goes once no batch of its transaction is left
//   and its own delete horizon has passed;
// - the last batch of each producer stays (emptied if need be), so an idempotent producer's next
//   sequence number stays valid;
// - the active segment, segments past the last stable offset and segments younger than
//   min.compaction.lag.ms are not touched.
// A log on disk is cleaned in a worker thread (clean-worker.ts runs this code there, and asks the
// broker's thread to do each swap); an in-memory log on the event loop, in slices of about
// SLICE_MS that yield between them (inside a batch too), so produce and fetch are never held up
// for long. Memory is the offset map (bounded) plus one chunk of the log at a time.

import {
  ControlRecordType, RecordSpans, decodeBatchRecords, deleteHorizonOf, emptyBatchOf, filterBatch, readControlRecord, readHeader, type BatchHeader,
} from '../../../protocol/records/index.js'
import { scanFile } from '../batches.js'
import type { Segment } from '../segment.js'
import type { AbortedTxn } from '../txn-index.js'
import type { LogConfig } from '../types.js'
import type { Storage } from '../storage.js'
import type { OffsetMap } from './offset-map.js'
import type { SwapStep } from './swap.js'
import { CleaningTxnState } from './txn-state.js'

const INT32_MAX = 2147483647
// A slice of cleaning work runs for about this long before it yields to the event loop, so a
// produce or fetch waits at most that much behind the cleaner (plus one batch's decompression or
// rewrite); it reads the log in chunks. 1 ms, not more: a probe produce every 10 ms behind 4 ms
// slices had a p99 well above 1.2x the cleaner-off one (bench/compaction.js, bench/RESULTS.md); a yield costs microseconds.
const SLICE_MS = 1
const CHUNK_BYTES = 64 * 1024
const NO_CRC = { verifyCrc: false } as const

// What the cleaner needs of a log (PartitionLog implements it).
export interface CleanableLog {
  readonly dir: string
  readonly storage: Storage
  readonly config: LogConfig
  readonly logStartOffset: number
  readonly lastStableOffset: number
  readonly closed: boolean
  segmentList(): readonly Segment[] // oldest first; the last is the active segment
  abortedTxns(): AbortedTxn[] // sorted by first offset
  lastDataOffsetOf(producerId: number): number // -1 when the producer is unknown
  openCleanedSegment(baseOffset: number, nowMs: number): Segment
  // Swaps `cleaned` in for `old` (crash-safe); false when the log changed meanwhile. A promise in
  // the cleaner's worker thread, which asks the broker's thread to do the swap (clean-worker.ts).
  replaceSegments(old: readonly Segment[], cleaned: Segment, cleanedAborts: readonly AbortedTxn[], step?: (s: SwapStep) => void): boolean | Promise<boolean>
  discardCleaned(cleaned: Segment): void
}

export interface CleanPass {
  nowMs: number
  firstDirtyOffset: number
  map: OffsetMap
  pause(): Promise<void> // yields to the event loop between slices
  stopped(): boolean // the broker is stopping: abandon the pass
  step?: (s: SwapStep) => void
  // Buffers reused from pass to pass (the worker thread's; by default the pass's own).
  scratch?: PassScratch
}

export interface CleanStats {
  endOffset: number // the next pass's first dirty offset
  bytesRead: number
  bytesWritten: number
  segmentsCleaned: number
}

export class CleanAborted extends Error {}

// A sealed segment and the offset where the next one begins (where this one's offsets end).
export interface Span {
  segment: Segment
  end: number
}

// The part of the log a pass may clean: sealed segments wholly below the first uncleanable offset,
// oldest first (a prefix of the log's segments).
export function cleanableSegments(log: CleanableLog, nowMs: number): { segments: Span[]; firstUncleanable: number } {
  const all = log.segmentList()
  let firstUncleanable = Math.min(all[all.length - 1]!.baseOffset, log.lastStableOffset)
  // LogCleanerManager.cleanableOffsets: with min.compaction.lag.ms set, the first segment holding
  // a record younger than the lag is not cleaned (nor anything after it). Without it, timestamps
  // do not matter (a producer's clock may run ahead of the broker's).
  const lagBound = log.config.minCompactionLagMs > 0 ? nowMs - log.config.minCompactionLagMs : Infinity
  for (const s of all) {
    if (s.baseOffset >= firstUncleanable) break
    if (s.maxTimestamp > lagBound) {
      firstUncleanable = s.baseOffset
      break
    }
  }
  const segments: Span[] = []
  for (let i = 0; i + 1 < all.length && all[i + 1]!.baseOffset <= firstUncleanable; i++) segments.push({ segment: all[i]!, end: all[i + 1]!.baseOffset })
  return { segments, firstUncleanable }
}

// Cooperative time slicing: work checks due() per record and per batch, and awaits pause() when
// it returns true. Per record, not per batch: one 512 KiB batch of 2,000 small records took
// 20-245 ms to map or filter on this 2-core machine under load, and a probe produce waited that
// long behind it (bench/compaction.js, bench/RESULTS.md); the clock is read every 64 calls.
class Slicer {
  private start = performance.now()
  private calls = 0
  constructor(private readonly p: CleanPass) {}

  due(): boolean {
    return (++this.calls & 63) === 0 && performance.now() - this.start >= SLICE_MS
  }

  async pause(): Promise<void> {
    await this.p.pause()
    this.start = performance.now()
  }
}

type Visit = (h: BatchHeader, batch: Buffer) => boolean | void | Promise<boolean | void>

// Visits the batches of a segment in order; a visit returning false stops the walk. The segment
// is read CHUNK_BYTES at a time and the chunk's batches copied out of the scan window (one window
// for the whole process: another scan may run while a visit is paused) into `arena`, reused from
// chunk to chunk: a fresh copy of every batch kept V8's garbage collector busy (a 58 ms pause in a
// CPU profile of the bench). Returns the bytes read.
async function forEachBatch(log: CleanableLog, seg: Segment, p: CleanPass, s: Slicer, arena: Arena, visit: Visit): Promise<number> {
  let pos = 0
  const batches: { h: BatchHeader; at: number }[] = []
  while (pos < seg.log.size) {
    if (p.stopped() || log.closed || !log.segmentList().includes(seg)) throw new CleanAborted()
    batches.length = 0
    let used = 0
    const r = scanFile(seg.log, pos, false, (h, buf, at) => {
      used = arena.reserve(used, h.size, batches.length > 0)
      buf.copy(arena.buf, used, at, at + h.size)
      batches.push({ h, at: used })
      used += h.size
    }, CHUNK_BYTES)
    pos = r.end
    for (const { h, at } of batches) {
      if ((await visit(h, arena.buf.subarray(at, at + h.size))) === false) return pos
      if (s.due()) await s.pause()
    }
    if (r.reason !== null) break
  }
  return pos
}

// The buffer one chunk of batches is copied into (a pass's own: passes may run at once).
export class Arena {
  buf = Buffer.allocUnsafe(2 * CHUNK_BYTES)

  // Makes room for `size` more bytes after `used`; returns where they go. The chunk's earlier
  // batches are carried over when the buffer grows (only for batches larger than a chunk).
  reserve(used: number, size: number, keep: boolean): number {
    if (used + size <= this.buf.length) return used
    const grown = Buffer.allocUnsafe(Math.max(2 * this.buf.length, used + size))
    if (keep) this.buf.copy(grown, 0, 0, used)
    this.buf = grown
    return used
  }

  // `size` bytes of the buffer, for a batch written out before the next is taken.
  take(size: number): Buffer {
    this.reserve(0, size, false)
    return this.buf.subarray(0, size)
  }
}

// A pass's buffers: chunks read, batches rewritten. A worker thread keeps one for all its passes:
// a pass's fresh buffers, alive until it ends, are collected by V8 only at a full GC, which a
// thread doing little but cleaning rarely runs; new ones each pass grew its external memory by
// ~2 MB per pass, to 50 MB (bench/compaction.js).
export class PassScratch {
  readonly input = new Arena()
  readonly output = new Arena()
}

// The type of a transaction marker batch: commit, abort, or null for another control record.
function markerType(batch: Buffer): 'commit' | 'abort' | null {
  const marker = readControlRecord(decodeBatchRecords(batch, NO_CRC)[0] ?? { key: null, value: null })
  if (marker?.type === ControlRecordType.commit) return 'commit'
  return marker?.type === ControlRecordType.abort ? 'abort' : null
}

// Maps each key of the dirty section to its latest offset, leaving out aborted transactions'
// records; returns where the mapped part ends.
async function buildMap(log: CleanableLog, dirty: readonly Span[], p: CleanPass): Promise<number> {
  const spans = new RecordSpans()
  const txn = new CleaningTxnState(log.abortedTxns().filter((a) => a.lastOffset >= p.firstDirtyOffset))
  const s = new Slicer(p)
  const arena = (p.scratch ?? new PassScratch()).input
  let end = p.firstDirtyOffset
  for (const { segment: seg, end: segEnd } of dirty) {
    let full = false
    await forEachBatch(log, seg, p, s, arena, async (h, batch) => {
      if (h.lastOffset < p.firstDirtyOffset) return
      if (h.control) {
        const type = markerType(batch)
        if (type !== null) txn.onMarker(h.producerId, h.baseOffset, type === 'commit')
      } else if (!(h.transactional && txn.onDataBatch(h.producerId, h.lastOffset))) {
        if (p.map.full) {
          full = true
          return false
        }
        spans.reset(batch, 0, NO_CRC)
        while (spans.next()) {
          if (spans.keyLength >= 0 && spans.offset >= p.firstDirtyOffset) p.map.put(spans.key()!, spans.offset)
          if (s.due()) await s.pause()
        }
      }
      end = h.lastOffset + 1
    })
    if (full) return end
    end = Math.max(end, segEnd)
  }
  return end
}

interface Retain {
  map: OffsetMap
  txn: CleaningTxnState
  nowMs: number
  deleteRetentionMs: number
  lastDataOffsetOf(producerId: number): number
  // Rewritten batches go here (appended to the cleaned segment before the next is rewritten).
  alloc(size: number): Buffer
}

// What of one batch survives: the batch itself, a rewritten one, an empty one, or nothing.
async function retainBatch(batch: Buffer, h: BatchHeader, c: Retain, spans: RecordSpans, s: Slicer): Promise<Buffer | null> {
  const horizon = deleteHorizonOf(batch, 0)
  const newHorizon = { deleteHorizonMs: c.nowMs + c.deleteRetentionMs, alloc: c.alloc }
  if (h.control) {
    const type = markerType(batch)
    if (type === null || !c.txn.onMarker(h.producerId, h.baseOffset, type === 'commit')) return batch
    if (horizon < 0) return filterBatch(batch, () => true, newHorizon)
    return horizon <= c.nowMs ? null : batch
  }
  const lastOfProducer = h.producerId >= 0 && c.lastDataOffsetOf(h.producerId) === h.lastOffset
  if (h.transactional && c.txn.onDataBatch(h.producerId, h.lastOffset)) return lastOfProducer ? emptyBatchOf(batch) : null
  const keep: boolean[] = []
  let all = true
  let any = false
  let tombstones = false
  spans.reset(batch, 0, NO_CRC)
  while (spans.next()) {
    let retain = false
    if (spans.keyLength >= 0 && spans.offset >= c.map.get(spans.key()!)) {
      const tombstone = spans.valueLength < 0
      retain = !tombstone || horizon < 0 || c.nowMs < horizon
      if (retain && tombstone) tombstones = true
    }
    keep.push(retain)
    all &&= retain
    any ||= retain
    if (s.due()) await s.pause()
  }
  const stampHorizon = tombstones && horizon < 0
  if (all && !stampHorizon && keep.length > 0) return batch
  if (any) return filterBatch(batch, (i) => keep[i]!, stampHorizon ? newHorizon : { alloc: c.alloc })
  return lastOfProducer ? emptyBatchOf(batch) : null
}

// Groups of consecutive segments whose cleaned data fits one segment (Kafka's groupSegmentsBySize).
function groupSegments(spans: readonly Span[], maxBytes: number): Segment[][] {
  const groups: Segment[][] = []
  let group: Segment[] = []
  let bytes = 0
  for (const { segment: s, end } of spans) {
    if (group.length > 0 && (bytes + s.size > maxBytes || end - group[0]!.baseOffset > INT32_MAX)) {
      groups.push(group)
      group = []
      bytes = 0
    }
    group.push(s)
    bytes += s.size
  }
  if (group.length > 0) groups.push(group)
  return groups
}

// One pass; null when there is nothing dirty to clean. `segments`: the cleanable part, when the
// caller chose it already (the worker thread gets it from the broker's thread).
export async function cleanLog(log: CleanableLog, p: CleanPass, segments = cleanableSegments(log, p.nowMs).segments): Promise<CleanStats | null> {
  const firstDirty = Math.max(p.firstDirtyOffset, log.logStartOffset)
  const dirty = segments.filter((s) => s.end > firstDirty)
  if (dirty.length === 0) return null
  const endOffset = await buildMap(log, dirty, { ...p, firstDirtyOffset: firstDirty })
  const toClean = segments.filter((s) => s.segment.baseOffset < endOffset)
  const stats: CleanStats = { endOffset, bytesRead: 0, bytesWritten: 0, segmentsCleaned: 0 }
  const scratch = p.scratch ?? new PassScratch()
  const output = scratch.output
  const retain: Retain = {
    map: p.map, txn: new CleaningTxnState(log.abortedTxns()), nowMs: p.nowMs, deleteRetentionMs: log.config.deleteRetentionMs,
    lastDataOffsetOf: (id) => log.lastDataOffsetOf(id), alloc: (size) => output.take(size),
  }
  const spans = new RecordSpans()
  const s = new Slicer(p)
  const arena = scratch.input
  for (const group of groupSegments(toClean, log.config.segmentBytes)) {
    const cleaned = log.openCleanedSegment(group[0]!.baseOffset, p.nowMs)
    const abortsBefore = retain.txn.observedAborts.length
    try {
      for (const seg of group) {
        stats.bytesRead += await forEachBatch(log, seg, p, s, arena, async (h, batch) => {
          const out = await retainBatch(batch, h, retain, spans, s)
          if (out === null) return
          cleaned.append([out], [readHeader(out, 0, 0)], log.config.indexIntervalBytes)
        })
      }
      cleaned.seal()
      // Durable before the swap commits it (Kafka's Cleaner flushes the cleaned segment before
      // replaceSegments), but in the thread pool: an fsync of megabytes of fresh pages takes tens
      // of milliseconds, which on the event loop every produce and fetch would wait out (Kafka's
      // cleaner fsyncs on its own thread). The log may change meanwhile: replaceSegments checks.
      if (log.storage.persistent) await cleaned.flushAsync()
    } catch (err) {
      log.discardCleaned(cleaned)
      throw err
    }
    if (p.stopped() || !(await log.replaceSegments(group, cleaned, retain.txn.observedAborts.slice(abortsBefore), p.step))) {
      log.discardCleaned(cleaned)
      throw new CleanAborted()
    }
    stats.bytesWritten += cleaned.size
    stats.segmentsCleaned += group.length
    await p.pause()
  }
  return stats
}

