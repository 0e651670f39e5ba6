// A partition's log on files (Kafka's UnifiedLog/LocalLog): an ordered set of segments in
// directory `<topic>-<partition>`, the log start offset, producer state, and the rules for append,
// read, roll, retention and recovery. The PartitionStore behind which the rest of the broker sees
// it; the same code serves the disk and the in-memory file tree (storage.ts).
// Single replica: the high watermark is the log end offset, since an append returns only once its
// bytes are in the OS.

import path from 'node:path'
import { Segment, segmentName } from './segment.js'
import type { ReadLease } from './read-pool.js'
import type { Storage } from './storage.js'
import { LogError, type BatchMeta, type LogConfig } from './types.js'
import { TxnIndex, type AbortedTxn } from './txn-index.js'
import { ProducerStateTable, type ProducerCheck } from './producer-state.js'
import { keyedRecords, lastOffsetsByKey, offsetForTimestamp, offsetOfMaxTimestamp } from './lookups.js'
import type { AppendOptions, AppendResult, Isolation, LogMark, PartitionStore, ProducerInfo, ReadOptions, ReadResult, TimestampHit } from './partition-store.js'
import { buildControlBatch, ControlRecordType, decodeBatchRecords, endOffsetOf, readControlRecord, readHeaders, stampForAppend, validateRecordContents, type RecordSpans } from '../../protocol/records/index.js'

const INT32_MAX = 2147483647
const PRODUCER_STATE_FILE = 'producer-state.json'
const NO_RECORDS: AbortedTxn[] = []

export interface OpenOptions {
  storage: Storage
  dir: string
  config: LogConfig
  clean: boolean
  logStartOffset: number
  nowMs: number
  warn?: (msg: string, details: object) => void
}

export class PartitionLog implements PartitionStore {
  private segments: Segment[] = []
  logStartOffset = 0
  // The partition's leader epoch, stamped on every batch appended (PartitionLeaderEpoch).
  leaderEpoch = 0
  // Called after every append that wrote something (long-polling fetches wait on it).
  onAppend: (() => void) | null = null
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

  get size(): number {
    let n = 0
    for (const s of this.segments) n += s.size
    return n
  }

  get segmentCount(): number {
    return this.segments.length
  }

  checkProducer(metas: readonly BatchMeta[]): ProducerCheck {
    let result: ProducerCheck = { kind: 'append' }
    for (const m of metas) {
      result = this.producers.check(m)
      if (result.kind !== 'append') return result
    }
    return result
  }

  // Appends validated batches (CRC and framing already checked by the caller), stamping offsets,
  // leader epoch and the topic's timestamp type (protocol/records stampForAppend).
  append(records: Buffer, o: AppendOptions): AppendResult {
    const nowMs = o.nowMs
    const metas = readHeaders(records)
    for (const m of metas) {
      if (m.size > this.config.maxMessageBytes) {
        throw new LogError('MESSAGE_TOO_LARGE', `batch of ${m.size} bytes exceeds max.message.bytes ${this.config.maxMessageBytes}`)
      }
    }
    if (o.origin !== 'coordinator') this.validateContents(records, metas, nowMs)
    const check: ProducerCheck = o.origin === 'coordinator' ? { kind: 'append' } : this.checkProducer(metas)
    if (check.kind === 'duplicate') {
      return { baseOffset: check.firstOffset, lastOffset: check.lastOffset, logAppendTime: -1, logStartOffset: this.logStartOffset, duplicate: true }
    }
    if (check.kind === 'error') throw new LogError(check.code, check.message)

    let next = this.logEndOffset
    const first = next
    let count = 0
    const appendTime = this.config.logAppendTime ? nowMs : -1
    for (const m of metas) {
      const delta = m.lastOffset - m.baseOffset
      stampForAppend(records, m.position, next, this.leaderEpoch, appendTime)
      m.baseOffset = next
      m.lastOffset = next + delta
      m.partitionLeaderEpoch = this.leaderEpoch
      if (appendTime >= 0) m.maxTimestamp = appendTime
      next += delta + 1
      count += m.recordCount
    }
    this.maybeRoll(records.length, metas[metas.length - 1]!.lastOffset, nowMs)
    this.active.append([records], metas, this.config.indexIntervalBytes)
    for (const m of metas) this.producers.update(m)
    this.afterAppend(count, nowMs)
    return { baseOffset: first, lastOffset: next - 1, logAppendTime: appendTime, logStartOffset: this.logStartOffset, duplicate: false }
  }

  // LogValidator's record checks (timestamps; keys on compacted topics), before the producer state.
  private validateContents(records: Buffer, metas: readonly BatchMeta[], nowMs: number): void {
    const c = this.config
    const opts = { nowMs, logAppendTime: c.logAppendTime, timestampBeforeMaxMs: c.timestampBeforeMaxMs, timestampAfterMaxMs: c.timestampAfterMaxMs, compactedTopicPartition: c.compact ? path.basename(this.dir) : undefined }
    for (const m of metas) {
      const bad = validateRecordContents(records, m.position, opts)
      if (bad) throw new LogError(bad.error, bad.message, { recordErrors: bad.recordErrors })
    }
  }

  private afterAppend(messages: number, nowMs: number): void {
    this.unflushedMessages += messages
    if (this.unflushedMessages >= this.config.flushMessages || nowMs - this.lastFlushMs >= this.config.flushMs) this.flush(nowMs)
    this.onAppend?.()
  }

  // Writes a transaction marker (Kafka's appendAsLeader with origin Coordinator): a control batch
  // that ends the producer's open transaction here; an abort is added to the aborted-transaction
  // index. Returns the marker's offset.
  appendMarker(producerId: number, producerEpoch: number, commit: boolean, coordinatorEpoch: number, nowMs: number): number {
    const batch = buildControlBatch({ type: commit ? 'commit' : 'abort', producerId, producerEpoch, coordinatorEpoch, timestamp: nowMs })
    const offset = this.logEndOffset
    stampForAppend(batch, 0, offset, this.leaderEpoch, this.config.logAppendTime ? nowMs : -1)
    const [m] = readHeaders(batch)
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

  read(offset: number, maxBytes: number, o: ReadOptions): ReadResult {
    const committed = o.isolation === 'committed'
    const records = this.readRange(offset, maxBytes, o.minOneBatch, committed ? this.lastStableOffset : this.highWatermark, o.lease)
    // The aborted transactions that may have records in what was read: from the fetch offset up to
    // the end of the last batch returned.
    const aborted = committed && records !== null && this.aborted.size > 0 ? this.aborted.overlapping(offset, endOffsetOf(records, offset)) : NO_RECORDS
    return { records, aborted }
  }

  // Whole batches from the one holding `offset`, none starting at or after `endOffset`. With a
  // lease, the bytes may live in its reused buffers and are valid until it is released.
  readRange(offset: number, maxBytes: number, minOneBatch: boolean, endOffset: number, lease?: ReadLease): Buffer | null {
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

  // Kafka's delayed fetch keeps the fetch offset's LogOffsetMetadata (segment, position) and counts
  // the bytes after it from positions alone. The log end is known without reading; an offset inside
  // the log costs one header walk from its index entry, once per wait.
  mark(offset: number): LogMark {
    if (offset >= this.logEndOffset) return { offset: this.logEndOffset, segmentBase: this.active.baseOffset, position: this.active.size }
    const seg = this.segments[this.segmentIndexFor(offset)]!
    const position = seg.positionOf(offset)
    return { offset, segmentBase: seg.baseOffset, position: position < 0 ? seg.size : position }
  }

  // An upper bound for read_committed (bytes past the last stable offset are counted once it has
  // moved past the mark), as a response that comes early is harmless and one that waits is not.
  bytesAfter(mark: LogMark, isolation: Isolation): number {
    const bound = isolation === 'committed' ? this.lastStableOffset : this.highWatermark
    if (bound <= mark.offset) return 0
    let n = 0
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const s = this.segments[i]!
      if (s.baseOffset < mark.segmentBase) break
      n += s.baseOffset === mark.segmentBase ? Math.max(0, s.size - mark.position) : s.size
    }
    return n
  }

  keyedRecords(visit: (record: RecordSpans) => void): void {
    keyedRecords(this, visit)
  }

  lastOffsetsByKey(eligible?: (record: RecordSpans) => boolean): Set<number> {
    return lastOffsetsByKey(this, eligible)
  }

  offsetForTimestamp(timestamp: number): TimestampHit | null {
    return offsetForTimestamp(this, timestamp)
  }

  offsetOfMaxTimestamp(): TimestampHit | null {
    return offsetOfMaxTimestamp(this)
  }

  activeProducers(): ProducerInfo[] {
    return [...this.producers.entries()].map((e) => ({
      producerId: e.producerId,
      epoch: e.epoch,
      lastSequence: e.batches.length > 0 ? e.batches[e.batches.length - 1]!.lastSeq : -1,
      lastTimestamp: e.lastTimestamp,
      currentTxnStartOffset: e.txnFirstOffset,
    }))
  }

  producerEpoch(producerId: number): { epoch: number; txnFirstOffset: number } | undefined {
    const e = this.producers.entry(producerId)
    return e && { epoch: e.epoch, txnFirstOffset: e.txnFirstOffset }
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
  segmentOffsetTimes(nowMs: number): { offset: number; time: number }[] {
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
  // when every segment has expired the active one is rolled first so the log stays writable. Only
  // for cleanup.policy=delete (or compact,delete): a compact-only log is never time- or
  // size-deleted (UnifiedLog.deleteOldSegments checks config.delete).
  applyRetention(nowMs: number): number {
    if (!this.config.delete) return 0
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
