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
import { TxnIndex, encodeAbortedTxn, type AbortedTxn } from './txn-index.js'
import { CLEANED, commitSwap, discardCleaned, type SwapStep } from './cleaner/swap.js'
import { loadProducerSnapshot, loadSegments, replayProducerState, saveProducerSnapshot, type OpenOptions } from './log-loader.js'
import { ProducerStateTable, type ProducerCheck } from './producer-state.js'
import { RollFlusher } from './roll-flusher.js'
import { batchAt, batchesForTimestamp, segmentIndexFor, keyedRecords, lastOffsetsByKey, maxTimestamp, offsetForTimestamp, offsetOfMaxTimestamp } from './lookups.js'
import type { AppendOptions, AppendResult, Isolation, LogMark, PartitionStore, ProducerInfo, ReadOptions, ReadResult, TimestampHit } from './partition-store.js'
import { buildControlBatch, endOffsetOf, readHeaders, stampForAppend, validateRecordContents, type RecordSpans } from '../../protocol/records/index.js'

const INT32_MAX = 2147483647
const NO_RECORDS: AbortedTxn[] = []

export type { OpenOptions } from './log-loader.js'

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
  closed = false
  // Rolled segments are flushed off the event loop; Kafka's recovery point follows them.
  private readonly rolls: RollFlusher
  private warn: OpenOptions['warn']

  private constructor(readonly storage: Storage, readonly dir: string, public config: LogConfig, nowMs: number) {
    this.lastFlushMs = nowMs
    this.aborted = new TxnIndex(storage, (base) => `${path.join(dir, segmentName(base))}.txnindex`)
    this.rolls = new RollFlusher((seg, err) => {
      if (!this.closed) this.warn?.('flushing a rolled segment failed; the recovery point stays', { dir, segment: seg.baseOffset, error: String(err) })
    })
  }

  static open(o: OpenOptions): PartitionLog {
    const log = new PartitionLog(o.storage, o.dir, o.config, o.nowMs)
    log.segments = loadSegments(o, log.aborted, (base) => log.openSegment(base, o.nowMs))
    log.logStartOffset = Math.max(o.logStartOffset, log.segments[0]!.baseOffset)
    if (log.logStartOffset > log.logEndOffset) log.logStartOffset = log.logEndOffset
    log.loadProducerState()
    log.rolls.recoveryPoint = log.logEndOffset
    log.warn = o.warn
    return log
  }

  // Below it every segment is on disk (RollFlusher).
  get recoveryPoint(): number {
    return this.rolls.recoveryPoint
  }

  // Resolves once the segments rolled so far are flushed.
  flushed(): Promise<void> {
    return this.rolls.flushed()
  }

  private openSegment(base: number, nowMs: number, suffix = ''): Segment {
    const name = path.join(this.dir, segmentName(base))
    const s = this.storage
    return new Segment(base, s.open(`${name}.log${suffix}`), s.open(`${name}.index${suffix}`), s.open(`${name}.timeindex${suffix}`), nowMs)
  }

  // ---- what the cleaner needs (CleanableLog) ----

  segmentList(): readonly Segment[] {
    return this.segments
  }

  abortedTxns(): AbortedTxn[] {
    return this.aborted.overlapping(0, Number.MAX_SAFE_INTEGER).sort((a, b) => a.firstOffset - b.firstOffset)
  }

  lastDataOffsetOf(producerId: number): number {
    const e = this.producers.entry(producerId)
    return e && e.batches.length > 0 ? e.batches[e.batches.length - 1]!.lastOffset : -1
  }

  openCleanedSegment(baseOffset: number, nowMs: number): Segment {
    discardCleaned(this.storage, this.dir, baseOffset)
    return this.openSegment(baseOffset, nowMs, CLEANED)
  }

  // A segment the cleaner's worker thread wrote (flushed and closed) under `.cleaned`, opened
  // here for the swap; its indexes are read back from its files.
  adoptCleanedSegment(baseOffset: number, nowMs: number): Segment {
    const s = this.openSegment(baseOffset, nowMs, CLEANED)
    if (!s.loadIndexes()) {
      s.close()
      throw new Error(`cleaned segment ${baseOffset} of ${this.dir} is unreadable`)
    }
    return s
  }

  // Each producer's last data batch offset (the worker thread gets them instead of asking).
  lastDataOffsets(): [number, number][] {
    const out: [number, number][] = []
    for (const e of this.producers.entries()) if (e.batches.length > 0) out.push([e.producerId, e.batches[e.batches.length - 1]!.lastOffset])
    return out
  }

  discardCleaned(cleaned: Segment): void {
    cleaned.close()
    discardCleaned(this.storage, this.dir, cleaned.baseOffset)
  }

  // Swaps a cleaned segment in for the consecutive sealed segments it replaces (cleaner/swap.ts
  // orders the file moves so that a crash at any point loses nothing). False when the log changed
  // since the cleaning began (a segment went, or the log closed).
  replaceSegments(old: readonly Segment[], cleaned: Segment, cleanedAborts: readonly AbortedTxn[], step?: (s: SwapStep) => void): boolean {
    const at = this.segments.indexOf(old[0]!)
    if (this.closed || at < 0 || at + old.length >= this.segments.length || old.some((s, i) => this.segments[at + i] !== s)) return false
    if (cleanedAborts.length > 0) {
      const txn = this.storage.open(`${path.join(this.dir, segmentName(cleaned.baseOffset))}.txnindex${CLEANED}`)
      txn.append(cleanedAborts.map(encodeAbortedTxn))
      if (this.storage.persistent) txn.flush()
      txn.close()
    }
    const trash = commitSwap(this.storage, this.dir, old.map((s) => s.baseOffset), cleaned.baseOffset, step)
    // Closed while their files are still linked (as .trash): the last close of an unlinked file
    // is what frees its blocks, which is the slow part, and that happens in the pool below.
    for (const s of old) s.close()
    for (const f of trash) {
      this.storage.removeAsync(f).catch((err) => this.warn?.('removing a replaced segment failed; the next start removes it', { file: f, error: String(err) }))
    }
    cleaned.nextOffset = Math.max(cleaned.nextOffset, this.segments[at + old.length]!.baseOffset)
    this.aborted.replaceRange(cleaned.baseOffset, cleaned.nextOffset, cleanedAborts)
    this.segments.splice(at, old.length, cleaned)
    return true
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
    let maxTimestamp = -1
    for (const m of metas) if (m.maxTimestamp > maxTimestamp) maxTimestamp = m.maxTimestamp
    this.maybeRoll(records.length, metas[metas.length - 1]!.lastOffset, nowMs, maxTimestamp)
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
    this.maybeRoll(batch.length, offset, nowMs, nowMs)
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
  private maybeRoll(incoming: number, lastOffset: number, nowMs: number, maxTimestamp: number): void {
    const a = this.active
    if (a.size === 0) return
    // KIP-354: a compacted log also rolls once its active segment is max.compaction.lag.ms old, so
    // that it can be cleaned within that time.
    const maxAge = this.config.compact ? Math.min(this.config.segmentMs, this.config.maxCompactionLagMs) : this.config.segmentMs
    if (a.size + incoming > this.config.segmentBytes || a.timeWaitedForRoll(nowMs, maxTimestamp) > maxAge || lastOffset - a.baseOffset > INT32_MAX) {
      this.roll(nowMs)
    }
  }

  // Seals the active segment and opens the next; nothing here waits for the disk (the rolled
  // segment is flushed in the background, the producer snapshot is written without fsync).
  roll(nowMs: number): void {
    const old = this.active
    if (old.size === 0) return
    old.seal()
    const txnFile = this.aborted.detach()
    this.segments.push(this.openSegment(this.logEndOffset, nowMs))
    this.saveProducerState(false)
    if (this.storage.persistent) this.rolls.flushRolled(old, txnFile, this.logEndOffset)
    else txnFile?.close()
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
    return segmentIndexFor(this.segments, offset)
  }

  // Time lookups over the segments (lookups.ts).
  batchesForTimestamp(timestamp: number): Generator<{ meta: BatchMeta; buf: Buffer }> {
    return batchesForTimestamp(this, timestamp)
  }

  maxTimestamp(): { timestamp: number; batchLastOffset: number } {
    return maxTimestamp(this)
  }

  batchAt(offset: number): { meta: BatchMeta; buf: Buffer } | null {
    return batchAt(this, offset)
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
        if (oldest.size === 0 ? oldest === this.active : oldest.maxTimestamp < 0 || nowMs - oldest.maxTimestamp <= retentionMs) break
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

  private saveProducerState(durable = true): void {
    saveProducerSnapshot(this.storage, this.dir, this.producers, this.logStartOffset, this.logEndOffset, durable)
  }

  private loadProducerState(): void {
    const from = loadProducerSnapshot(this.storage, this.dir, this.producers, this.logStartOffset, this.logEndOffset)
    if (from >= this.logEndOffset) return
    replayProducerState(this.segments.slice(this.segmentIndexFor(from)), from, this.producers, (m, commit) => this.completeTxn(m, commit, true))
  }

  close(): void {
    this.closed = true
    this.rolls.recoveryPoint = this.logEndOffset
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
    this.closed = true
    this.aborted.release()
    for (const s of this.segments) s.close()
    this.storage.remove(this.dir)
  }
}
