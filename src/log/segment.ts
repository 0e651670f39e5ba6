// One segment: a `.log` file of record batches exactly as produced (only BaseOffset and
// PartitionLeaderEpoch rewritten), a sparse `.index` (relative offset i32 → file position i32,
// one entry per index.interval.bytes, keyed by the batch's last offset) and a `.timeindex`
// (timestamp i64 → relative offset i32, timestamps non-decreasing). Kafka's own layout, so
// kafka-dump-log reads our segments. Mutated only by the PartitionLog that owns it.

import { RECORD_BATCH_OVERHEAD as HEADER_SIZE, baseOffsetAt, batchSizeAt, int64At, lastOffsetAt, readHeader } from '../../protocol/records/index.js'
import { scanFile } from './batches.js'
import type { ByteFile } from './storage.js'
import type { ReadLease } from './read-pool.js'
import type { BatchMeta } from './types.js'

const OFFSET_ENTRY = 8
const TIME_ENTRY = 12

// A whole index file in pieces of whole entries (96 KiB holds a whole number of both kinds), read
// into one scratch buffer: loading indexes at start-up allocates nothing per piece, so the memory
// it used does not stay behind in the allocator. Callers are synchronous and never nest.
const CHUNK = 96 * 1024
let scratch: Buffer | null = null

function* chunks(file: ByteFile): Generator<Buffer> {
  scratch ??= Buffer.allocUnsafeSlow(CHUNK)
  for (let pos = 0; pos < file.size; pos += CHUNK) yield scratch.subarray(0, file.readInto(scratch, pos))
}

export function segmentName(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0')
}

// Shared by every empty index: most segments of a small partition never get an entry, and four
// typed arrays per segment cost about 1 KiB of memory each for nothing.
const NO_KEYS = new Float64Array(0)
const NO_VALUES = new Int32Array(0)

class Entries {
  keys: Float64Array = NO_KEYS
  values: Int32Array = NO_VALUES
  count = 0
  push(key: number, value: number): void {
    if (this.count === this.keys.length) {
      const k = new Float64Array(Math.max(16, this.count * 2))
      k.set(this.keys)
      const v = new Int32Array(Math.max(16, this.count * 2))
      v.set(this.values)
      this.keys = k
      this.values = v
    }
    this.keys[this.count] = key
    this.values[this.count] = value
    this.count++
  }
  // Index of the last entry whose key is <= target, or -1.
  floor(target: number): number {
    let lo = 0
    let hi = this.count - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.keys[mid]! <= target) {
        found = mid
        lo = mid + 1
      } else {
        hi = mid - 1
      }
    }
    return found
  }
  clear(): void {
    this.count = 0
  }
}

// Entries held in memory: one in SAMPLE, plus the last.
const SAMPLE = 32

// Fetch reads: headers are located through one shared scratch buffer (a little more than the
// default index.interval.bytes), and one partition's reply is capped.
const LOCATE_CHUNK = 8 * 1024
let locateScratch: Buffer | null = null
const MAX_READ = 64 * 1024 * 1024

// A segment's index as lookups see it: one entry in SAMPLE is kept in memory and the block after
// it is read back from the index file (entry i lies at i × entry size), so memory is about
// 1/SAMPLE of the index files and RSS does not grow with the data stored (Kafka memory-maps its
// indexes instead). Lookups past the last entry, what consumers at the tail ask for, read nothing.
class SparseIndex {
  private readonly sampled = new Entries()
  count = 0
  lastKey = -1
  lastValue = -1

  constructor(
    private readonly file: ByteFile,
    private readonly entrySize: number,
    private readonly keyAt: (buf: Buffer, at: number) => number,
    private readonly valueAt: (buf: Buffer, at: number) => number,
  ) {}

  push(key: number, value: number): void {
    if (this.count % SAMPLE === 0) this.sampled.push(key, value)
    this.count++
    this.lastKey = key
    this.lastValue = value
  }

  // The value of the last entry whose key is <= target, or -1 when there is none.
  floorValue(target: number): number {
    if (this.count === 0) return -1
    if (target >= this.lastKey) return this.lastValue
    const s = this.sampled.floor(target)
    if (s < 0) return -1
    const first = s * SAMPLE
    const n = Math.min(SAMPLE, this.count - first)
    const block = this.file.read(first * this.entrySize, n * this.entrySize)
    // The block's first entry is the sampled one, so it is <= target.
    let lo = 1
    let hi = Math.floor(block.length / this.entrySize) - 1
    let found = 0
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.keyAt(block, mid * this.entrySize) <= target) {
        found = mid
        lo = mid + 1
      } else {
        hi = mid - 1
      }
    }
    return this.valueAt(block, found * this.entrySize)
  }

  clear(): void {
    this.sampled.clear()
    this.count = 0
    this.lastKey = -1
    this.lastValue = -1
  }
}

export class Segment {
  nextOffset: number
  maxTimestamp = -1
  offsetOfMaxTimestamp = -1
  createdMs: number
  closed = false
  // Kafka's rollingBasedTimestamp: the first batch's MaxTimestamp, what segment.ms is measured
  // from (-1: not known yet; read from the file on first use).
  private firstBatchTimestamp = -1
  private readonly offsets: SparseIndex // key: relative last offset, value: position
  private readonly times: SparseIndex // key: timestamp, value: relative offset
  private bytesSinceIndex = 0
  // An inactive segment opened without reading its indexes; they load on first use.
  private lazy = false

  constructor(
    readonly baseOffset: number,
    readonly log: ByteFile,
    private readonly index: ByteFile,
    private readonly timeIndex: ByteFile,
    nowMs: number,
  ) {
    this.nextOffset = baseOffset
    this.createdMs = nowMs
    this.offsets = new SparseIndex(index, OFFSET_ENTRY, (b, at) => b.readInt32BE(at), (b, at) => b.readInt32BE(at + 4))
    this.times = new SparseIndex(timeIndex, TIME_ENTRY, (b, at) => int64At(b, at), (b, at) => b.readInt32BE(at + 8))
  }

  get size(): number {
    return this.log.size
  }

  // Appends whole batches (already validated, offsets assigned). `batches[i].position` is
  // relative to the start of `chunks`.
  append(chunks: readonly Buffer[], batches: readonly BatchMeta[], indexInterval: number): void {
    const start = this.log.size
    if (start === 0 && batches.length > 0) this.firstBatchTimestamp = batches[0]!.maxTimestamp
    this.log.append(chunks)
    const offsetEntries: Buffer[] = []
    const timeEntries: Buffer[] = []
    for (const b of batches) {
      if (b.maxTimestamp > this.maxTimestamp) {
        this.maxTimestamp = b.maxTimestamp
        this.offsetOfMaxTimestamp = b.lastOffset
      }
      if (this.bytesSinceIndex > indexInterval) {
        offsetEntries.push(this.addOffsetEntry(b.lastOffset, start + b.position))
        const t = this.maybeAddTimeEntry()
        if (t) timeEntries.push(t)
        this.bytesSinceIndex = 0
      }
      this.bytesSinceIndex += b.size
      this.nextOffset = b.lastOffset + 1
    }
    if (offsetEntries.length > 0) this.index.append(offsetEntries)
    if (timeEntries.length > 0) this.timeIndex.append(timeEntries)
  }

  // Kafka's LogSegment.timeWaitedForRoll: how old the segment is for segment.ms, measured in
  // record time (the incoming batch's largest timestamp against the first batch's) when the
  // segment has a timestamp, else in broker time since it was created.
  timeWaitedForRoll(nowMs: number, incomingMaxTimestamp: number): number {
    if (this.firstBatchTimestamp < 0 && this.log.size >= HEADER_SIZE) this.firstBatchTimestamp = readHeader(this.log.read(0, HEADER_SIZE), 0).maxTimestamp
    return this.firstBatchTimestamp >= 0 ? incomingMaxTimestamp - this.firstBatchTimestamp : nowMs - this.createdMs
  }

  private addOffsetEntry(lastOffset: number, position: number): Buffer {
    const rel = lastOffset - this.baseOffset
    this.offsets.push(rel, position)
    const e = Buffer.allocUnsafe(OFFSET_ENTRY)
    e.writeInt32BE(rel, 0)
    e.writeInt32BE(position, 4)
    return e
  }

  private maybeAddTimeEntry(): Buffer | null {
    const last = this.times.lastKey
    if (this.maxTimestamp <= last || this.offsetOfMaxTimestamp < 0) return null
    const rel = this.offsetOfMaxTimestamp - this.baseOffset
    this.times.push(this.maxTimestamp, rel)
    const e = Buffer.allocUnsafe(TIME_ENTRY)
    e.writeBigInt64BE(BigInt(this.maxTimestamp), 0)
    e.writeInt32BE(rel, 8)
    return e
  }

  // Kafka appends a last time-index entry when a segment stops being active, so the largest
  // timestamp of an inactive segment is always in its time index.
  seal(): void {
    if (this.lazy) return
    const t = this.maybeAddTimeEntry()
    if (t) this.timeIndex.append([t])
  }

  // Opens an inactive segment without reading its indexes, so memory does not grow with the data
  // stored: its end is the next segment's base offset and its largest timestamp the last
  // time-index entry (seal() wrote one when it stopped being active). The indexes load on the
  // first read. False when the files do not look like a sealed segment's.
  openSealed(nextBaseOffset: number): boolean {
    if (this.index.size % OFFSET_ENTRY !== 0 || this.timeIndex.size % TIME_ENTRY !== 0) return false
    if (this.log.size === 0 || this.timeIndex.size === 0) return false
    const last = this.timeIndex.read(this.timeIndex.size - TIME_ENTRY, TIME_ENTRY)
    this.maxTimestamp = int64At(last, 0)
    this.offsetOfMaxTimestamp = this.baseOffset + last.readInt32BE(8)
    this.nextOffset = nextBaseOffset
    this.lazy = true
    return true
  }

  private ensureIndexes(): void {
    if (!this.lazy) return
    this.lazy = false
    const { nextOffset, maxTimestamp, offsetOfMaxTimestamp } = this
    // Unreadable indexes leave none: reads then scan from the segment start, slower but correct.
    if (!this.loadIndexes()) this.resetIndexes()
    this.nextOffset = nextOffset
    this.maxTimestamp = maxTimestamp
    this.offsetOfMaxTimestamp = offsetOfMaxTimestamp
  }

  // Loads the persisted indexes of a segment that was closed cleanly, then scans the tail after
  // the last index entry for the end offset and largest timestamp.
  loadIndexes(): boolean {
    if (this.index.size % OFFSET_ENTRY !== 0 || this.timeIndex.size % TIME_ENTRY !== 0) return false
    let lastPos = -1
    for (const idx of chunks(this.index)) {
      for (let at = 0; at < idx.length; at += OFFSET_ENTRY) {
        const rel = idx.readInt32BE(at)
        const pos = idx.readInt32BE(at + 4)
        if (pos <= lastPos || pos >= this.log.size) return this.resetIndexes()
        this.offsets.push(rel, pos)
        lastPos = pos
      }
    }
    for (const tix of chunks(this.timeIndex)) {
      for (let at = 0; at < tix.length; at += TIME_ENTRY) {
        const ts = int64At(tix, at)
        const rel = tix.readInt32BE(at + 8)
        this.times.push(ts, rel)
        if (ts > this.maxTimestamp) {
          this.maxTimestamp = ts
          this.offsetOfMaxTimestamp = this.baseOffset + rel
        }
      }
    }
    const from = this.offsets.count > 0 ? this.offsets.lastValue : 0
    let sinceIndex = 0
    const tail = scanFile(this.log, from, false, (m) => {
      this.trackTail(m)
      sinceIndex += m.size
    })
    if (tail.reason !== null) return this.resetIndexes()
    this.bytesSinceIndex = sinceIndex
    return true
  }

  private resetIndexes(): false {
    this.offsets.clear()
    this.times.clear()
    this.maxTimestamp = -1
    this.offsetOfMaxTimestamp = -1
    this.nextOffset = this.baseOffset
    return false
  }

  private trackTail(m: BatchMeta): void {
    if (m.maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = m.maxTimestamp
      this.offsetOfMaxTimestamp = m.lastOffset
    }
    this.nextOffset = m.lastOffset + 1
  }

  // Validates every batch (length, magic, CRC), truncates the log at the first bad one, and
  // rebuilds both indexes from what remains. Returns the number of bytes cut off.
  recover(indexInterval: number, visit?: (m: BatchMeta) => void): { truncated: number; reason: string | null } {
    this.resetIndexes()
    this.bytesSinceIndex = 0
    this.index.truncate(0)
    this.timeIndex.truncate(0)
    const offsetEntries: Buffer[] = []
    const timeEntries: Buffer[] = []
    const result = scanFile(this.log, 0, true, (m) => {
      if (this.bytesSinceIndex > indexInterval) {
        offsetEntries.push(this.addOffsetEntry(m.lastOffset, m.position))
        const t = this.maybeAddTimeEntry()
        if (t) timeEntries.push(t)
        this.bytesSinceIndex = 0
      }
      this.bytesSinceIndex += m.size
      this.trackTail(m)
      visit?.(m)
    })
    const truncated = this.log.size - result.end
    if (truncated > 0) this.log.truncate(result.end)
    if (offsetEntries.length > 0) this.index.append(offsetEntries)
    if (timeEntries.length > 0) this.timeIndex.append(timeEntries)
    return { truncated, reason: result.reason }
  }

  // File position of the batch holding `offset` or an earlier one (never past it).
  private positionFor(offset: number): number {
    this.ensureIndexes()
    const position = this.offsets.floorValue(offset - this.baseOffset)
    return position < 0 ? 0 : position
  }

  // Whole batches from the one holding `offset`, at most maxBytes of them, except that with
  // minOneBatch the first batch is returned even when larger (KIP-74); none from `endOffset` on.
  // One copy of the bytes returned: the first batch is found by its header alone, then exactly
  // the range from it is read (a reply holds at most 64 MiB per partition).
  read(offset: number, maxBytes: number, minOneBatch: boolean, endOffset = Number.MAX_SAFE_INTEGER, lease?: ReadLease): Buffer | null {
    const start = this.positionOf(offset)
    if (start < 0) return null
    const limit = Math.min(maxBytes, MAX_READ)
    const window = this.log.read(start, limit + HEADER_SIZE, lease)
    let end = 0
    while (end + HEADER_SIZE <= window.length) {
      if (baseOffsetAt(window, end) >= endOffset) break
      const size = batchSizeAt(window, end)
      if (end + size > limit || end + size > window.length) {
        if (end > 0 || size <= limit) break
        // A first batch larger than the limit.
        return minOneBatch ? this.log.read(start, size, lease) : null
      }
      end += size
    }
    return end === 0 ? null : window.subarray(0, end)
  }

  // File position of the first batch whose last offset is at least `offset`, or -1. Reads
  // headers only: the index leads to within index.interval.bytes, usually one small read.
  positionOf(offset: number): number {
    let pos = this.positionFor(offset)
    const fileSize = this.log.size
    locateScratch ??= Buffer.allocUnsafeSlow(LOCATE_CHUNK)
    const head = locateScratch
    while (pos + HEADER_SIZE <= fileSize) {
      const n = this.log.readInto(head, pos)
      let at = 0
      while (at + HEADER_SIZE <= n) {
        if (lastOffsetAt(head, at) >= offset) return pos + at
        at += batchSizeAt(head, at)
      }
      pos += at
    }
    return -1
  }

  // The batches that may hold the first record with timestamp >= target, from the time index
  // (Kafka's LogSegment.findOffsetByTimestamp): the caller decodes records to find the exact one.
  *batchesFrom(offset: number): Generator<{ meta: BatchMeta; buf: Buffer; at: number }> {
    let pos = this.positionFor(offset)
    while (pos + HEADER_SIZE <= this.log.size) {
      const head = this.log.read(pos, HEADER_SIZE)
      const size = batchSizeAt(head, 0)
      const buf = this.log.read(pos, size)
      yield { meta: readHeader(buf, 0, pos), buf, at: 0 }
      pos += size
    }
  }

  // Header walk (no CRC check) over the batches from the one holding `offset`.
  forEachBatch(offset: number, visit: (m: BatchMeta, buf: Buffer, at: number) => void): void {
    scanFile(this.log, this.positionFor(offset), false, (m, buf, at) => {
      if (m.lastOffset >= offset) visit(m, buf, at)
    })
  }

  offsetForTimestampLookup(timestamp: number): number {
    this.ensureIndexes()
    const rel = this.times.floorValue(timestamp)
    return rel < 0 ? this.baseOffset : this.baseOffset + rel
  }

  flush(): void {
    this.log.flush()
    this.index.flush()
    this.timeIndex.flush()
  }

  // flush() without blocking the event loop (the cleaner's new segments).
  async flushAsync(): Promise<void> {
    await Promise.all([this.log.flushAsync(), this.index.flushAsync(), this.timeIndex.flushAsync()])
  }

  close(): void {
    this.closed = true
    this.log.close()
    this.index.close()
    this.timeIndex.close()
  }
}
