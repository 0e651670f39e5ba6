// A partition's log: an ordered set of segments in directory `<topic>-<partition>`, the log start
// offset, producer state, and the rules for append, read, roll, retention and recovery.
// Single replica: the high watermark is the log end offset, since an append returns only once its
// bytes are in the OS.

import path from 'node:path'
import { HEADER_SIZE, int64At, metaAt } from './batches.js'
import { Segment, segmentName } from './segment.js'
import { ReadLease } from './read-pool.js'
import type { Storage } from './storage.js'
import { LogError, type BatchMeta, type LogConfig } from './types.js'
import { TxnIndex, type AbortedTxn } from './txn-index.js'
import { ProducerStateTable, type ProducerCheck } from '../producers/producer-state.js'
import { crc32c } from '../../protocol/crc32c.js'
import { buildControlBatch, ControlRecordType, decodeBatchRecords, readControlRecord, RecordSpans } from '../../protocol/record-batch.js'

const INT32_MAX = 2147483647
const PRODUCER_STATE_FILE = 'producer-state.json'
// How much of an internal topic's log keyedRecords() reads at a time (a larger batch is read whole).
const REPLAY_CHUNK = 256 * 1024
const NO_CRC = { verifyCrc: false } as const

export interface AppendResult {
  baseOffset: number
  lastOffset: number
  logAppendTime: number // -1 unless message.timestamp.type=LogAppendTime
  logStartOffset: number
  duplicate: boolean
}

export interface OpenOptions {
  storage: Storage
  dir: string
  config: LogConfig
  clean: boolean
  logStartOffset: number
  nowMs: number
  warn?: (msg: string, details: object) => void
}

export class PartitionLog {
  private segments: Segment[] = []
  logStartOffset = 0
  readonly producers = new ProducerStateTable()
  readonly aborted: TxnIndex
  private unflushedMessages = 0
  private lastFlushMs: number

  private constructor(private readonly storage: Storage, readonly dir: string, public config: LogConfig, nowMs: number) {
    this.lastFlushMs = nowMs
    this.aborted = new TxnIndex(storage, (base) => `${path.join(dir, segmentName(base))}.txnindex`)
  }

  static open(o: OpenOptions): PartitionLog {
    const log = new PartitionLog(o.storage, o.dir, o.config, o.nowMs)
    o.storage.mkdirp(o.dir)
    const files = o.storage.list(o.dir)
    const bases = files
      .filter((f) => /^\d{20}\.log$/.test(f))
      .map((f) => Number(f.slice(0, 20)))
      .sort((a, b) => a - b)
    for (const f of files) if (f.endsWith('.tmp')) o.storage.remove(path.join(o.dir, f))
    log.aborted.load(bases, new Set(files.filter((f) => f.endsWith('.txnindex')).map((f) => path.join(o.dir, f))))
    for (let i = 0; i < bases.length; i++) {
      const seg = log.openSegment(bases[i]!, o.nowMs)
      const last = i === bases.length - 1
      // After an unclean stop only the active segment can hold a torn write; older segments
      // (sealed and flushed when they rolled) open lazily, and are recovered when their files
      // do not look sealed.
      if (last && !o.clean) {
        const r = seg.recover(o.config.indexIntervalBytes)
        if (r.truncated > 0) o.warn?.('truncated torn log tail', { dir: o.dir, segment: bases[i], bytes: r.truncated, reason: r.reason })
        log.aborted.truncateTo(seg.nextOffset, seg.baseOffset)
      } else if (!(last ? seg.loadIndexes() : seg.openSealed(bases[i + 1]!))) {
        const r = seg.recover(o.config.indexIntervalBytes)
        if (r.truncated > 0) o.warn?.('truncated corrupt segment', { dir: o.dir, segment: bases[i], bytes: r.truncated, reason: r.reason })
      }
      log.segments.push(seg)
    }
    if (log.segments.length === 0) log.segments.push(log.openSegment(o.logStartOffset, o.nowMs))
    log.logStartOffset = Math.max(o.logStartOffset, log.segments[0]!.baseOffset)
    if (log.logStartOffset > log.logEndOffset) log.logStartOffset = log.logEndOffset
    log.loadProducerState()
    return log
  }

  private openSegment(base: number, nowMs: number): Segment {
    const name = path.join(this.dir, segmentName(base))
    const s = this.storage
    return new Segment(base, s.open(`${name}.log`), s.open(`${name}.index`), s.open(`${name}.timeindex`), nowMs)
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1]!
  }

  get logEndOffset(): number {
    return this.active.nextOffset
  }

  get highWatermark(): number {
    return this.logEndOffset
  }

  // Kafka's last stable offset: below it every transaction is decided. read_committed consumers
  // read no further.
  get lastStableOffset(): number {
    return this.producers.firstUnstableOffset(this.highWatermark)
  }

  // The aborted transactions a read_committed fetch of [from, to) must be told about.
  abortedTransactions(from: number, to: number): AbortedTxn[] {
    return this.aborted.size === 0 ? [] : this.aborted.overlapping(from, to)
  }

  get size(): number {
    let n = 0
    for (const s of this.segments) n += s.size
    return n
  }

  get segmentCount(): number {
    return this.segments.length
  }

  // Headers of the validated batches in `records`, positions relative to its start.
  static metas(records: Buffer): BatchMeta[] {
    const out: BatchMeta[] = []
    for (let at = 0; at + HEADER_SIZE <= records.length; ) {
      const m = metaAt(records, at, at)
      out.push(m)
      at += m.size
    }
    return out
  }

  checkProducer(metas: readonly BatchMeta[]): ProducerCheck {
    let result: ProducerCheck = { kind: 'append' }
    for (const m of metas) {
      result = this.producers.check(m)
      if (result.kind !== 'append') return result
    }
    return result
  }

  // Appends validated batches (CRC and framing already checked by the caller), rewriting only
  // BaseOffset and PartitionLeaderEpoch, plus MaxTimestamp and the CRC under LogAppendTime.
  // `fromCoordinator`: the broker's own writes to internal topics (Kafka's AppendOrigin.COORDINATOR),
  // which carry no sequence numbers and skip the producer checks.
  append(records: Buffer, leaderEpoch: number, nowMs: number, fromCoordinator = false): AppendResult {
    const metas = PartitionLog.metas(records)
    for (const m of metas) {
      if (m.size > this.config.maxMessageBytes) {
        throw new LogError('MESSAGE_TOO_LARGE', `batch of ${m.size} bytes exceeds max.message.bytes ${this.config.maxMessageBytes}`)
      }
    }
    const check: ProducerCheck = fromCoordinator ? { kind: 'append' } : this.checkProducer(metas)
    if (check.kind === 'duplicate') {
      return { baseOffset: check.firstOffset, lastOffset: check.lastOffset, logAppendTime: -1, logStartOffset: this.logStartOffset, duplicate: true }
    }
    if (check.kind === 'error') throw new LogError(check.code, check.message)

    let next = this.logEndOffset
    const first = next
    let count = 0
    for (const m of metas) {
      const delta = m.lastOffset - m.baseOffset
      records.writeBigInt64BE(BigInt(next), m.position)
      records.writeInt32BE(leaderEpoch, m.position + 12)
      if (this.config.logAppendTime) setLogAppendTime(records, m.position, m.size, nowMs)
      m.baseOffset = next
      m.lastOffset = next + delta
      if (this.config.logAppendTime) m.maxTimestamp = nowMs
      next += delta + 1
      count += m.recordCount
    }
    this.maybeRoll(records.length, metas[metas.length - 1]!.lastOffset, nowMs)
    this.active.append([records], metas, this.config.indexIntervalBytes)
    for (const m of metas) this.producers.update(m)
    this.afterAppend(count, nowMs)
    return { baseOffset: first, lastOffset: next - 1, logAppendTime: this.config.logAppendTime ? nowMs : -1, logStartOffset: this.logStartOffset, duplicate: false }
  }

  private afterAppend(messages: number, nowMs: number): void {
    this.unflushedMessages += messages
    if (this.unflushedMessages >= this.config.flushMessages || nowMs - this.lastFlushMs >= this.config.flushMs) this.flush(nowMs)
  }

  // Writes a transaction marker (Kafka's appendAsLeader with origin Coordinator): a control batch
  // that ends the producer's open transaction here; an abort is added to the aborted-transaction
  // index. Returns the marker's offset.
  appendMarker(producerId: number, producerEpoch: number, commit: boolean, coordinatorEpoch: number, nowMs: number): number {
    const batch = buildControlBatch({ type: commit ? 'commit' : 'abort', producerId, producerEpoch, coordinatorEpoch, timestamp: nowMs })
    const offset = this.logEndOffset
    batch.writeBigInt64BE(BigInt(offset), 0)
    batch.writeInt32BE(0, 12)
    if (this.config.logAppendTime) setLogAppendTime(batch, 0, batch.length, nowMs)
    const [m] = PartitionLog.metas(batch)
    this.maybeRoll(batch.length, offset, nowMs)
    this.active.append([batch], [m!], this.config.indexIntervalBytes)
    this.completeTxn(m!, commit)
    this.afterAppend(1, nowMs)
    return offset
  }

  private completeTxn(m: BatchMeta, commit: boolean, replay = false): void {
    const firstOffset = this.producers.completeTxn(m)
    if (commit || firstOffset < 0 || (replay && this.aborted.has(m.baseOffset))) return
    const lastStableOffset = this.producers.firstUnstableOffset(m.baseOffset + 1)
    this.aborted.add({ producerId: m.producerId, firstOffset, lastOffset: m.baseOffset, lastStableOffset }, this.segments[this.segmentIndexFor(m.baseOffset)]!.baseOffset)
  }

  // Kafka's LogSegment.shouldRoll: size, age, or offsets that no longer fit the 32-bit index.
  private maybeRoll(incoming: number, lastOffset: number, nowMs: number): void {
    const a = this.active
    if (a.size === 0) return
    if (a.size + incoming > this.config.segmentBytes || nowMs - a.createdMs > this.config.segmentMs || lastOffset - a.baseOffset > INT32_MAX) {
      this.roll(nowMs)
    }
  }

  roll(nowMs: number): void {
    const old = this.active
    if (old.size === 0) return
    old.seal()
    if (this.storage.persistent) {
      old.flush()
      this.aborted.flush()
    }
    this.aborted.release()
    this.segments.push(this.openSegment(this.logEndOffset, nowMs))
    this.saveProducerState()
  }

  // Whole batches from the one holding `offset`, none starting at or after `endOffset` (the last
  // stable offset for read_committed reads). With a lease, the bytes may live in its reused
  // buffers and are valid until it is released.
  read(offset: number, maxBytes: number, minOneBatch: boolean, endOffset = this.logEndOffset, lease?: ReadLease): Buffer | null {
    if (offset < this.logStartOffset || offset > this.logEndOffset) {
      throw new LogError('OFFSET_OUT_OF_RANGE', `offset ${offset} is outside [${this.logStartOffset}, ${this.logEndOffset}]`)
    }
    if (offset >= endOffset) return null
    for (let i = this.segmentIndexFor(offset); i < this.segments.length; i++) {
      if (this.segments[i]!.baseOffset >= endOffset) return null
      const data = this.segments[i]!.read(offset, maxBytes, minOneBatch, endOffset, lease)
      if (data) return data
    }
    return null
  }

  // Every keyed record from the log start, oldest first: what the coordinators rebuild their
  // state from (`__consumer_offsets`, `__transaction_state`). visit() gets one RecordSpans,
  // positioned on each record in turn (offset, key and value spans, the batch's attributes and
  // transactional producer id). Nothing is decoded that the caller does not ask for, no object is
  // made per record, and the log is read in chunks through one reused buffer: key() and value()
  // views are valid only during the call, so a caller copies what it keeps.
  keyedRecords(visit: (record: RecordSpans) => void): void {
    const lease = new ReadLease()
    const spans = new RecordSpans()
    try {
      let offset = this.logStartOffset
      while (offset < this.logEndOffset) {
        lease.release()
        const data = this.read(offset, REPLAY_CHUNK, true, this.logEndOffset, lease)
        if (!data) break
        let at = 0
        while (at + 12 <= data.length) {
          // No CRC check, as Kafka's coordinator loader: recovery has checked what a crash could tear.
          const size = spans.reset(data, at, NO_CRC)
          while (spans.next()) {
            if (spans.offset >= offset && spans.keyLength >= 0) visit(spans)
          }
          offset = int64At(data, at) + data.readInt32BE(at + 23) + 1
          at += size
        }
      }
    } finally {
      lease.release()
    }
  }

  // The offsets of the last record of each key, among the keyed records `eligible` accepts: the
  // records a compaction of this log would keep. Reads keys only, as latin1 strings.
  lastOffsetsByKey(eligible: (record: RecordSpans) => boolean = () => true): Set<number> {
    const latest = new Map<string, number>()
    this.keyedRecords((r) => {
      if (eligible(r)) latest.set(r.keyString(), r.offset)
    })
    return new Set(latest.values())
  }

  private segmentIndexFor(offset: number): number {
    let lo = 0
    let hi = this.segments.length - 1
    let found = 0
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.segments[mid]!.baseOffset <= offset) {
        found = mid
        lo = mid + 1
      } else {
        hi = mid - 1
      }
    }
    return found
  }

  // Candidate batches for the first record with timestamp >= target (ListOffsets by time): the
  // first segment whose largest timestamp reaches it, from its time index entry on.
  *batchesForTimestamp(timestamp: number): Generator<{ meta: BatchMeta; buf: Buffer }> {
    for (const seg of this.segments) {
      if (seg.maxTimestamp < timestamp) continue
      const from = Math.max(seg.offsetForTimestampLookup(timestamp), this.logStartOffset)
      for (const b of seg.batchesFrom(from)) {
        if (b.meta.maxTimestamp >= timestamp && b.meta.lastOffset >= this.logStartOffset) yield b
      }
    }
  }

  // The segment holding the largest timestamp, and that timestamp (ListOffsets MAX_TIMESTAMP).
  maxTimestamp(): { timestamp: number; batchLastOffset: number } {
    let best = { timestamp: -1, batchLastOffset: -1 }
    for (const seg of this.segments) {
      if (seg.maxTimestamp > best.timestamp) best = { timestamp: seg.maxTimestamp, batchLastOffset: seg.offsetOfMaxTimestamp }
    }
    return best
  }

  // The batch holding `offset`. The sparse index may point at an earlier batch: skip to it.
  batchAt(offset: number): { meta: BatchMeta; buf: Buffer } | null {
    const seg = this.segments[this.segmentIndexFor(offset)]!
    for (const b of seg.batchesFrom(offset)) {
      if (b.meta.baseOffset > offset) return null
      if (b.meta.lastOffset >= offset) return b
    }
    return null
  }

  // Kafka 3.x's legacyFetchOffsetsBefore (ListOffsets v0): each segment's first offset with the
  // time it was last written (here: its largest record timestamp, or its creation time when
  // empty), then the log end offset at `nowMs` when the active segment holds data.
  offsetTimes(nowMs: number): { offset: number; time: number }[] {
    const out = this.segments.map((s) => ({ offset: Math.max(s.baseOffset, this.logStartOffset), time: s.maxTimestamp >= 0 ? s.maxTimestamp : s.createdMs }))
    if (this.active.size > 0) out.push({ offset: this.logEndOffset, time: nowMs })
    return out
  }

  // DeleteRecords: moves the log start offset (never past the high watermark) and drops the
  // segments wholly below it.
  deleteRecordsBefore(offset: number): number {
    if (offset > this.highWatermark) throw new LogError('OFFSET_OUT_OF_RANGE', `offset ${offset} is above the high watermark ${this.highWatermark}`)
    if (offset > this.logStartOffset) {
      this.logStartOffset = offset
      this.dropSegmentsBelowStart()
    }
    return this.logStartOffset
  }

  private dropSegmentsBelowStart(): void {
    while (this.segments.length > 1 && this.segments[1]!.baseOffset <= this.logStartOffset) this.dropOldest()
  }

  private dropOldest(): void {
    const seg = this.segments.shift()!
    seg.close()
    const name = path.join(this.dir, segmentName(seg.baseOffset))
    for (const ext of ['.log', '.index', '.timeindex', '.txnindex']) this.storage.remove(`${name}${ext}`)
    this.aborted.dropBelow(this.segments[0]!.baseOffset)
    this.logStartOffset = Math.max(this.logStartOffset, this.segments[0]!.baseOffset)
    this.producers.truncateBelow(this.logStartOffset)
  }

  // Kafka's deleteOldSegments: by age of the newest record in a segment, then by total size;
  // when every segment has expired the active one is rolled first so the log stays writable.
  applyRetention(nowMs: number): number {
    let deleted = 0
    const { retentionMs, retentionBytes } = this.config
    if (retentionMs >= 0) {
      while (this.segments.length > 0) {
        const oldest = this.segments[0]!
        if (oldest.size === 0 || oldest.maxTimestamp < 0 || nowMs - oldest.maxTimestamp <= retentionMs) break
        if (this.segments.length === 1) this.roll(nowMs)
        this.dropOldest()
        deleted++
      }
    }
    if (retentionBytes >= 0) {
      let excess = this.size - retentionBytes
      while (this.segments.length > 1 && excess >= this.segments[0]!.size) {
        excess -= this.segments[0]!.size
        this.dropOldest()
        deleted++
      }
    }
    return deleted
  }

  flush(nowMs: number): void {
    if (this.storage.persistent) {
      this.active.flush()
      this.aborted.flush()
    }
    this.unflushedMessages = 0
    this.lastFlushMs = nowMs
  }

  // Written even when no producer is known (unless the log is empty): the snapshot's offset is
  // what spares the next start a replay of the whole log.
  private saveProducerState(): void {
    const file = path.join(this.dir, PRODUCER_STATE_FILE)
    if (this.producers.size === 0 && this.logEndOffset === this.logStartOffset && !this.storage.exists(file)) return
    this.storage.writeAtomic(file, this.producers.toJSON(this.logEndOffset))
  }

  // Loads the last snapshot and replays batch headers after it; without a usable snapshot the
  // whole log is replayed (Kafka's ProducerStateManager does the same from its snapshots).
  private loadProducerState(): void {
    const text = this.storage.readText(path.join(this.dir, PRODUCER_STATE_FILE))
    let from = text === null ? -1 : this.producers.load(text)
    if (from < 0 || from > this.logEndOffset) {
      this.producers.clear()
      from = this.logStartOffset
    }
    if (from >= this.logEndOffset) return
    for (let i = this.segmentIndexFor(from); i < this.segments.length; i++) {
      this.segments[i]!.forEachBatch(from, (m, buf, at) => {
        if (!m.control) return this.producers.update(m)
        const marker = readControlRecord(decodeBatchRecords(buf.subarray(at, at + m.size))[0]!)
        if (marker && (marker.type === ControlRecordType.commit || marker.type === ControlRecordType.abort)) {
          this.completeTxn(m, marker.type === ControlRecordType.commit, true)
        } else {
          this.producers.update(m)
        }
      })
    }
  }

  close(): void {
    for (const s of this.segments) s.seal()
    this.saveProducerState()
    if (this.storage.persistent) this.aborted.flush()
    this.aborted.release()
    for (const s of this.segments) {
      if (this.storage.persistent) s.flush()
      s.close()
    }
  }

  remove(): void {
    this.aborted.release()
    for (const s of this.segments) s.close()
    this.storage.remove(this.dir)
  }
}

// Kafka rewrites MaxTimestamp and the timestamp-type attribute under LogAppendTime; both lie
// inside the CRC, so it is recomputed (the records themselves keep their create times).
function setLogAppendTime(buf: Buffer, at: number, size: number, nowMs: number): void {
  buf.writeInt16BE(buf.readInt16BE(at + 21) | 0x08, at + 21)
  buf.writeBigInt64BE(BigInt(nowMs), at + 35)
  buf.writeUInt32BE(crc32c(buf, at + 21, at + size), at + 17)
}
