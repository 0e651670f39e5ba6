// One partition in the PostgreSQL store, as its leader serves it (AsyncPartitionStore). The
// leader is the partition's only writer while it holds the leadership lease at `epoch`: it keeps
// the offsets and the producer state in memory (as Kafka's leader does from its own log) and
// every write it sends is conditioned on `leader_epoch = epoch` and on the next offset it expects,
// so a leader that lost its lease (paused, partitioned away) writes nothing and answers
// NOT_LEADER_OR_FOLLOWER. Offsets are assigned inside the committing statement: the batch bytes
// carry the offsets the conditional UPDATE checks, and an append is answered only after COMMIT.
// Appends are committed in groups (group-commit.ts): a partition assigns the offsets of its next
// append as soon as the previous one is queued, so several may be in flight, and readers see only
// what has committed (`end`); the producer state moves on with the assigned offsets, as Kafka's
// leader's does with its local log before the high watermark reaches them.

import { buildControlBatch, lastOffsetAt, readHeaders, stampForAppend, validateRecordContents, type BatchHeader, type RecordSpans } from '../../../protocol/records/index.js'
import type { AppendOptions, AppendResult, Isolation, LogMark, ProducerInfo, ReadOptions, ReadResult, TimestampHit } from '../../log/partition-store.js'
import { ProducerStateTable, type ProducerCheck } from '../../log/producer-state.js'
import type { AbortedTxn } from '../../log/txn-index.js'
import { LogError, type LogConfig } from '../../log/types.js'
import type { AsyncPartitionStore } from '../async-partition-store.js'
import { storageError, type Db } from './db.js'
import { committerOf, type GroupCommitter } from './group-commit.js'
import { keyedRecordsOf, recordForTimestamp, recordWithTimestamp } from './records.js'
import { HEADER_COLUMNS, PARTITION_ROW_SQL, headerOf, retentionStartSql, type BatchRow, type PartitionRow } from './sql.js'

export interface PartitionRef {
  topicId: string
  topicName: string
  partition: number
}

const NO_ABORTS: AbortedTxn[] = []
// A read returns at most this many batches (fewer than maxBytes allows is fine: the consumer
// fetches again), so its running byte count never scans the rest of a long partition.
const READ_BATCHES = 1000

export class PostgresPartition implements AsyncPartitionStore {
  private readonly producers = new ProducerStateTable()
  private start = 0
  // The committed log end (what reads, the high watermark and long polls see) and the next offset
  // to assign (past the appends queued for commit).
  private end = 0
  private next = 0
  // The last append queued for commit: a duplicate of a batch still in flight waits for it.
  private lastCommit: Promise<void> = Promise.resolve()
  private readonly committer: GroupCommitter
  private bytes = 0
  // Bytes this leader appended since it opened: long-polling fetches count from it.
  private appended = 0
  // Operations that write run one at a time, in order (each expects the offsets the previous left).
  private tail: Promise<unknown> = Promise.resolve()
  // Set when a write failed or its outcome is unknown (the connection broke mid-statement): the
  // next write first re-reads what the database holds (the producer state too, which had moved on
  // with the appends that failed).
  private stale = false
  private closed = false

  private constructor(
    private readonly db: Db,
    readonly ref: PartitionRef,
    readonly epoch: number,
    public config: LogConfig,
  ) {
    this.committer = committerOf(db)
  }

  // Opens the partition for the leader holding `epoch`: loads its offsets, size and producer state.
  static async open(db: Db, ref: PartitionRef, epoch: number, config: LogConfig): Promise<PostgresPartition> {
    const p = new PostgresPartition(db, ref, epoch, config)
    await p.resync()
    return p
  }

  get logStartOffset(): number {
    return this.start
  }
  get logEndOffset(): number {
    return this.end
  }
  // The store replicates: a committed append is on every broker's view at once, so the high
  // watermark is the log end offset, as for the single-replica file log.
  get highWatermark(): number {
    return this.end
  }
  get lastStableOffset(): number {
    return this.producers.firstUnstableOffset(this.end)
  }
  get size(): number {
    return this.bytes
  }

  // Re-reads the partition row and replays the producer state from every batch header from the
  // log start (on open, and after a failed write: the state had moved on with appends that failed).
  private async resync(): Promise<void> {
    const [row] = await this.run(() => this.db.query<PartitionRow>(PARTITION_ROW_SQL, [this.ref.topicId, this.ref.partition]))
    if (!row) throw new LogError('NOT_LEADER_OR_FOLLOWER', `partition ${this.name} does not exist in the store`)
    if (row.leader_epoch !== this.epoch) throw this.fenced(row.leader_epoch)
    const from = Number(row.log_start_offset)
    this.producers.clear()
    const rows = await this.run(() => this.db.query<BatchRow>(`SELECT ${HEADER_COLUMNS} FROM rivulet_batches WHERE topic_id = $1 AND partition = $2 AND last_offset >= $3 ORDER BY last_offset`, [this.ref.topicId, this.ref.partition, from]))
    for (const r of rows) {
      const h = headerOf(r)
      if (h.control) this.producers.completeTxn(h)
      else this.producers.update(h)
    }
    const [sum] = await this.run(() => this.db.query<{ n: string | null }>('SELECT sum(size) AS n FROM rivulet_batches WHERE topic_id = $1 AND partition = $2', [this.ref.topicId, this.ref.partition]))
    this.start = Number(row.log_start_offset)
    this.end = Number(row.next_offset)
    this.next = this.end
    // Nothing of this partition is queued any more (a failure fails the appends queued after it).
    this.lastCommit = Promise.resolve()
    this.bytes = Number(sum?.n ?? 0)
    this.stale = false
  }

  private get name(): string {
    return `${this.ref.topicName}-${this.ref.partition}`
  }

  private fenced(current: number): LogError {
    return new LogError('NOT_LEADER_OR_FOLLOWER', `this broker led ${this.name} at leader epoch ${this.epoch}; the partition is now at epoch ${current}`)
  }

  // Runs a statement, turning a driver or server failure into a retriable KAFKA_STORAGE_ERROR.
  private async run<T>(statement: () => Promise<T>): Promise<T> {
    try {
      return await statement()
    } catch (err) {
      throw storageError(err, this.name)
    }
  }

  // Queues a write behind the previous ones; a failed write does not stop the next.
  private serial<T>(write: () => Promise<T>): Promise<T> {
    const next = this.tail.then(async () => {
      if (this.closed) throw new LogError('NOT_LEADER_OR_FOLLOWER', `${this.name} was closed on this broker`)
      if (this.stale) {
        await this.lastCommit.catch(() => undefined) // an append still in a group in flight
        await this.resync()
      }
      return write()
    })
    this.tail = next.catch(() => undefined)
    return next
  }

  append(records: Buffer, o: AppendOptions): Promise<AppendResult> {
    const metas = readHeaders(records)
    if (metas.length === 0) throw new LogError('CORRUPT_MESSAGE', `no complete record batch in ${records.length} bytes`)
    for (const m of metas) {
      if (m.size > this.config.maxMessageBytes) throw new LogError('MESSAGE_TOO_LARGE', `batch of ${m.size} bytes exceeds max.message.bytes ${this.config.maxMessageBytes}`)
    }
    if (o.origin !== 'coordinator') this.validateContents(records, metas, o.nowMs)
    return this.serial(async () => {
      const check = o.origin === 'coordinator' ? ({ kind: 'append' } as ProducerCheck) : this.checkProducer(metas)
      if (check.kind === 'duplicate') {
        // Answered once the batch it repeats has committed (Kafka answers a duplicate at acks=all
        // once the high watermark passes it); a failure there is this answer's too.
        const committed = this.lastCommit.then((): AppendResult => ({ baseOffset: check.firstOffset, lastOffset: check.lastOffset, logAppendTime: -1, logStartOffset: this.start, duplicate: true }))
        return { committed }
      }
      if (check.kind === 'error') throw new LogError(check.code, check.message)
      const appendTime = this.config.logAppendTime ? o.nowMs : -1
      const first = this.next
      let next = first
      for (const m of metas) {
        const delta = m.lastOffset - m.baseOffset
        stampForAppend(records, m.position, next, this.epoch, appendTime)
        m.baseOffset = next
        m.lastOffset = next + delta
        m.partitionLeaderEpoch = this.epoch
        if (appendTime >= 0) m.maxTimestamp = appendTime
        next += delta + 1
      }
      const done = this.enqueue(records, metas, next, null)
      for (const m of metas) this.producers.update(m)
      const committed = done.then((): AppendResult => ({ baseOffset: first, lastOffset: next - 1, logAppendTime: appendTime, logStartOffset: this.start, duplicate: false }))
      return { committed }
    }).then((queued) => queued.committed)
  }

  private checkProducer(metas: readonly BatchHeader[]): ProducerCheck {
    let result: ProducerCheck = { kind: 'append' }
    for (const m of metas) {
      result = this.producers.check(m)
      if (result.kind !== 'append') return result
    }
    return result
  }

  private validateContents(records: Buffer, metas: readonly BatchHeader[], nowMs: number): void {
    const c = this.config
    const opts = { nowMs, logAppendTime: c.logAppendTime, timestampBeforeMaxMs: c.timestampBeforeMaxMs, timestampAfterMaxMs: c.timestampAfterMaxMs, compactedTopicPartition: c.compact ? this.name : undefined }
    for (const m of metas) {
      const bad = validateRecordContents(records, m.position, opts)
      if (bad) throw new LogError(bad.error, bad.message, { recordErrors: bad.recordErrors })
    }
  }

  // Queues the batches (offsets from `next` assigned) for the group commit: one statement with
  // other partitions' appends advances the partition if it is still at our epoch and at the offset
  // we expect, inserts the batches and, for an abort marker, the aborted transaction. Resolves
  // after COMMIT; rejects when this partition's condition failed (fenced) or the store did.
  private enqueue(records: Buffer, metas: readonly BatchHeader[], next: number, abort: AbortedTxn | null): Promise<void> {
    const expected = this.next
    this.next = next
    let size = 0
    for (const m of metas) size += m.size
    const done = new Promise<void>((resolve, reject) => {
      this.committer.submit({
        key: `${this.ref.topicId}:${this.ref.partition}`,
        name: this.name,
        topicId: this.ref.topicId,
        partition: this.ref.partition,
        epoch: this.epoch,
        expected,
        next,
        records,
        metas,
        abort,
        // Synchronous, in queue order: the offsets move before any later append's answer.
        done: (err) => {
          if (err) {
            this.stale = true
            if (err.code === 'NOT_LEADER_OR_FOLLOWER') this.currentEpoch().then((epoch) => reject(this.fenced(epoch)), () => reject(err))
            else reject(err)
            return
          }
          this.end = next
          this.bytes += size
          this.appended += size
          resolve()
        },
      })
    })
    this.lastCommit = done
    done.catch(() => undefined) // answered through the append's own promise
    return done
  }

  // The leader epoch the store holds for the partition now (-1 when it is gone), for the answer to
  // a fenced write.
  private async currentEpoch(): Promise<number> {
    const [row] = await this.db.query<PartitionRow>(PARTITION_ROW_SQL, [this.ref.topicId, this.ref.partition])
    return row?.leader_epoch ?? -1
  }

  // A transaction marker (Kafka's appendAsLeader with origin Coordinator) ending the producer's
  // open transaction here; an abort is recorded for read_committed fetches.
  appendMarker(producerId: number, producerEpoch: number, commit: boolean, coordinatorEpoch: number, nowMs: number): Promise<number> {
    return this.serial(async () => {
      const batch = buildControlBatch({ type: commit ? 'commit' : 'abort', producerId, producerEpoch, coordinatorEpoch, timestamp: nowMs })
      const offset = this.next
      stampForAppend(batch, 0, offset, this.epoch, this.config.logAppendTime ? nowMs : -1)
      const metas = readHeaders(batch)
      const first = this.producers.entry(producerId)?.txnFirstOffset ?? -1
      let abort: AbortedTxn | null = null
      if (!commit && first >= 0) {
        // Kafka's LastStableOffset of an aborted transaction: the first unstable offset once it ends.
        let lso = offset + 1
        for (const p of this.producers.entries()) if (p.producerId !== producerId && p.txnFirstOffset >= 0 && p.txnFirstOffset < lso) lso = p.txnFirstOffset
        abort = { producerId, firstOffset: first, lastOffset: offset, lastStableOffset: lso }
      }
      const done = this.enqueue(batch, metas, offset + 1, abort)
      this.producers.completeTxn(metas[0]!)
      return { committed: done.then(() => offset) }
    }).then((queued) => queued.committed)
  }

  // Whole batches from the one holding `offset` (KIP-74: the first even when larger than
  // maxBytes, when minOneBatch), none starting at or after the high watermark (read_committed:
  // the last stable offset).
  async read(offset: number, maxBytes: number, o: ReadOptions): Promise<ReadResult> {
    if (offset < this.start || offset > this.end) throw new LogError('OFFSET_OUT_OF_RANGE', `offset ${offset} is outside [${this.start}, ${this.end}]`)
    const committed = o.isolation === 'committed'
    const upper = committed ? this.lastStableOffset : this.end
    if (offset >= upper) return { records: null, aborted: NO_ABORTS }
    const rows = await this.run(() =>
      this.db.query<{ bytes: Buffer; size: number }>(
        `SELECT bytes, size FROM (SELECT bytes, size, sum(size) OVER (ORDER BY last_offset) - size AS before FROM (SELECT bytes, size, last_offset FROM rivulet_batches
           WHERE topic_id = $1 AND partition = $2 AND last_offset >= $3 AND base_offset < $4 ORDER BY last_offset LIMIT ${READ_BATCHES}) c) s WHERE before < $5`,
        [this.ref.topicId, this.ref.partition, offset, upper, Math.max(maxBytes, 1)],
      ),
    )
    const parts: Buffer[] = []
    let total = 0
    for (const r of rows) {
      if (total + r.size > maxBytes && !(parts.length === 0 && o.minOneBatch)) break
      parts.push(r.bytes)
      total += r.size
    }
    if (parts.length === 0) return { records: null, aborted: NO_ABORTS }
    const records = parts.length === 1 ? parts[0]! : Buffer.concat(parts, total)
    if (!committed) return { records, aborted: NO_ABORTS }
    const last = lastOffsetAt(parts[parts.length - 1]!, 0)
    const aborted = await this.run(() =>
      this.db.query<{ producer_id: string; first_offset: string; last_offset: string; last_stable_offset: string }>(
        'SELECT producer_id, first_offset, last_offset, last_stable_offset FROM rivulet_aborted_txns WHERE topic_id = $1 AND partition = $2 AND last_offset >= $3 AND first_offset <= $4 ORDER BY first_offset',
        [this.ref.topicId, this.ref.partition, offset, last],
      ),
    )
    return { records, aborted: aborted.map((a) => ({ producerId: Number(a.producer_id), firstOffset: Number(a.first_offset), lastOffset: Number(a.last_offset), lastStableOffset: Number(a.last_stable_offset) })) }
  }

  // Long polling counts bytes without reading: the mark remembers how much this leader had
  // appended; an offset inside the log counts everything stored after the log start (an upper bound).
  mark(offset: number): LogMark {
    return offset >= this.end ? { offset: this.end, segmentBase: -1, position: this.appended } : { offset, segmentBase: -1, position: -1 }
  }

  bytesAfter(mark: LogMark, isolation: Isolation): number {
    const upper = isolation === 'committed' ? this.lastStableOffset : this.end
    if (upper <= mark.offset) return 0
    return mark.position >= 0 ? this.appended - mark.position : this.bytes
  }

  async offsetForTimestamp(timestamp: number): Promise<TimestampHit | null> {
    const rows = await this.run(() =>
      this.db.query<{ bytes: Buffer }>('SELECT bytes FROM rivulet_batches WHERE topic_id = $1 AND partition = $2 AND last_offset >= $3 AND max_timestamp >= $4 ORDER BY last_offset LIMIT 1', [this.ref.topicId, this.ref.partition, this.start, timestamp]),
    )
    return rows[0] ? recordForTimestamp(rows[0].bytes, timestamp, this.start) : null
  }

  async offsetOfMaxTimestamp(): Promise<TimestampHit | null> {
    const rows = await this.run(() =>
      this.db.query<{ bytes: Buffer }>('SELECT bytes FROM rivulet_batches WHERE topic_id = $1 AND partition = $2 AND last_offset >= $3 AND max_timestamp >= 0 ORDER BY max_timestamp DESC, last_offset LIMIT 1', [this.ref.topicId, this.ref.partition, this.start]),
    )
    return rows[0] ? recordWithTimestamp(rows[0].bytes) : null
  }

  // Coordinator replay: every keyed record from the log start, then the last offset of each key
  // among those `eligible` accepts (what a compaction would keep), as the file log's lookups.
  keyedRecords(visit: (record: RecordSpans) => void): Promise<void> {
    return keyedRecordsOf((offset, maxBytes, o) => this.read(offset, maxBytes, o), this.start, this.end, visit)
  }

  async lastOffsetsByKey(eligible: (record: RecordSpans) => boolean = () => true): Promise<Set<number>> {
    const latest = new Map<string, number>()
    await this.keyedRecords((r) => {
      if (eligible(r)) latest.set(r.keyString(), r.offset)
    })
    return new Set(latest.values())
  }

  activeProducers(): ProducerInfo[] {
    const out: ProducerInfo[] = []
    for (const e of this.producers.entries()) {
      const last = e.batches[e.batches.length - 1]
      out.push({ producerId: e.producerId, epoch: e.epoch, lastSequence: last ? last.lastSeq : -1, lastTimestamp: e.lastTimestamp, currentTxnStartOffset: e.txnFirstOffset })
    }
    return out
  }

  producerEpoch(producerId: number): { epoch: number; txnFirstOffset: number } | undefined {
    const e = this.producers.entry(producerId)
    return e ? { epoch: e.epoch, txnFirstOffset: e.txnFirstOffset } : undefined
  }

  // DeleteRecords: moves the log start offset (never past the high watermark) and deletes the
  // batches wholly below it, in one statement conditioned on the epoch.
  deleteRecordsBefore(offset: number): Promise<number> {
    if (offset > this.end) throw new LogError('OFFSET_OUT_OF_RANGE', `offset ${offset} is above the high watermark ${this.end}`)
    return this.serial(async () => {
      if (offset > this.start) await this.moveStart(offset)
      return this.start
    })
  }

  private async moveStart(offset: number): Promise<void> {
    const rows = await this.run(() =>
      this.db.query<{ freed: string | null }>(
        `WITH p AS (UPDATE rivulet_partitions SET log_start_offset = $4 WHERE topic_id = $1 AND partition = $2 AND leader_epoch = $3 RETURNING 1),
              d AS (DELETE FROM rivulet_batches b USING p WHERE b.topic_id = $1 AND b.partition = $2 AND b.last_offset < $4 RETURNING b.size),
              a AS (DELETE FROM rivulet_aborted_txns t USING p WHERE t.topic_id = $1 AND t.partition = $2 AND t.last_offset < $4)
         SELECT (SELECT sum(size) FROM d) AS freed FROM p`,
        [this.ref.topicId, this.ref.partition, this.epoch, offset],
      ),
    )
    if (rows.length === 0) {
      this.stale = true
      throw this.fenced(-1)
    }
    this.start = offset
    this.bytes -= Number(rows[0]!.freed ?? 0)
    this.producers.truncateBelow(offset)
  }

  // Kafka's deleteOldSegments with a batch as the unit: by age (the oldest batches whose largest
  // timestamp is older than retention.ms, up to the first that is not), then by size (the oldest
  // batches while the rest is still over retention.bytes). Returns the batches deleted.
  applyRetention(nowMs: number): Promise<number> {
    if (!this.config.delete) return Promise.resolve(0)
    return this.serial(async () => {
      const { retentionMs, retentionBytes } = this.config
      let target = this.start
      if (retentionMs >= 0) target = Math.max(target, await this.retentionStart('time', nowMs - retentionMs))
      if (retentionBytes >= 0 && this.bytes > retentionBytes) target = Math.max(target, await this.retentionStart('size', this.bytes - retentionBytes))
      if (target <= this.start) return 0
      const [count] = await this.run(() => this.db.query<{ n: string }>('SELECT count(*) AS n FROM rivulet_batches WHERE topic_id = $1 AND partition = $2 AND last_offset < $3', [this.ref.topicId, this.ref.partition, target]))
      await this.moveStart(target)
      return Number(count?.n ?? 0)
    })
  }

  private async retentionStart(by: 'time' | 'size', limit: number): Promise<number> {
    const rows = await this.run(() => this.db.query<{ base_offset: string }>(retentionStartSql(by), [this.ref.topicId, this.ref.partition, this.start, limit]))
    return rows[0] ? Number(rows[0].base_offset) : this.end
  }

  // Waits for the writes in flight; later ones are refused.
  async close(): Promise<void> {
    this.closed = true
    await this.tail
    await this.lastCommit.catch(() => undefined)
  }
}
