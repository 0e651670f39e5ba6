// An internal-topic partition (`__consumer_offsets`, `__transaction_state`,
// `__share_group_state`) when the broker's data lives in PostgreSQL. The coordinators write and
// replay their topics synchronously, so the partition is served from an in-memory log (the same
// PartitionLog as `--memory`), rebuilt from the store's batches when this broker takes the
// partition's lease (broker-store.ts; the coordinators of its keys then load it, as Kafka's
// coordinators load a partition they become leader of), and every batch appended to it is also
// committed to the store, in order, through the write-behind queue: the bytes as the local log
// stamped them (same offsets), conditioned on the leader epoch this broker held when it wrote and on
// the offset the store should be at. A write made without the lease, or whose epoch another broker
// has moved on, is refused for good (FencedWrite: its requests answer NOT_COORDINATOR), never
// claimed again behind the coordinators' back. The response to the request that wrote waits for
// that commit (write-behind.ts), so an acknowledged offset commit or transaction step is in the
// database. Coordinator state is small (compaction keeps one record per key), which is what makes
// holding it in memory reasonable; record data of ordinary topics never is (partition.ts).

import { decodeBatchRecords, readControlRecord, readHeaders, ControlRecordType } from '../../../protocol/records/index.js'
import type { AppendOptions, AppendResult, Isolation, LogMark, PartitionStore, ProducerInfo, ReadOptions, ReadResult, TimestampHit } from '../../log/partition-store.js'
import type { LogConfig } from '../../log/types.js'
import type { RecordSpans } from '../../../protocol/records/index.js'
import type { Db } from './db.js'
import { insertBatchesSql } from './sql.js'
import { FencedWrite, type WriteBehind } from './write-behind.js'

export interface MirrorRef {
  topicId: string
  topicName: string
  partition: number
}

export interface StoredBatch {
  bytes: Buffer
  isControl: boolean
  producerId: number
  producerEpoch: number
  maxTimestamp: number
}

const ALL = 0x7fffffff

export class MirroredPartition implements PartitionStore {
  // The lease epoch this broker holds on the partition, null while it holds none.
  epoch: number | null = null

  constructor(
    private log: PartitionStore,
    readonly ref: MirrorRef,
    private readonly db: Db,
    private readonly writes: WriteBehind,
    // A write found the store's epoch moved past `epoch`: another broker took the partition.
    private readonly fenced: (epoch: number) => void,
  ) {}

  // The partition's lease was taken at `epoch`: the local copy becomes `log` filled with every
  // batch the store holds (other brokers wrote some since this copy was last filled, and this copy
  // may hold writes the store refused).
  rebuild(log: PartitionStore, batches: readonly StoredBatch[], epoch: number): void {
    this.log = log
    this.fill(batches)
    this.epoch = epoch
  }

  // Rebuilds the local log from the store's batches (oldest first) when the broker starts: data
  // batches as the coordinator's own appends, markers through appendMarker so the transaction
  // state (aborted transactions, open ones) is rebuilt as the file log's recovery would.
  fill(batches: readonly StoredBatch[]): void {
    for (const b of batches) {
      if (!b.isControl) {
        this.log.append(Buffer.from(b.bytes), { nowMs: b.maxTimestamp, origin: 'coordinator' })
        continue
      }
      const [record] = decodeBatchRecords(b.bytes)
      const marker = record ? readControlRecord(record) : null
      if (!marker || (marker.type !== ControlRecordType.commit && marker.type !== ControlRecordType.abort)) continue
      this.log.appendMarker(b.producerId, b.producerEpoch, marker.type === ControlRecordType.commit, marker.coordinatorEpoch, b.maxTimestamp)
    }
  }

  get config(): LogConfig {
    return this.log.config
  }
  set config(c: LogConfig) {
    this.log.config = c
  }
  get logStartOffset(): number {
    return this.log.logStartOffset
  }
  get logEndOffset(): number {
    return this.log.logEndOffset
  }
  get highWatermark(): number {
    return this.log.highWatermark
  }
  get lastStableOffset(): number {
    return this.log.lastStableOffset
  }
  get size(): number {
    return this.log.size
  }
  get segmentCount(): number {
    return this.log.segmentCount
  }

  append(records: Buffer, o: AppendOptions): AppendResult {
    const from = this.log.logEndOffset
    const r = this.log.append(records, o)
    if (!r.duplicate) this.persist(from)
    return r
  }

  appendMarker(producerId: number, producerEpoch: number, commit: boolean, coordinatorEpoch: number, nowMs: number): number {
    const from = this.log.logEndOffset
    const offset = this.log.appendMarker(producerId, producerEpoch, commit, coordinatorEpoch, nowMs)
    this.persist(from)
    return offset
  }

  // Queues the batches the local log now holds from `from` to its end, as it stamped them.
  private persist(from: number): void {
    const to = this.log.logEndOffset
    const read = this.log.read(from, ALL, { minOneBatch: true })
    if (!read.records || to <= from) return
    const bytes = Buffer.from(read.records)
    const metas = readHeaders(bytes).filter((m) => m.baseOffset >= from && m.lastOffset < to)
    const epoch = this.epoch
    this.writes.push(() => this.commit(epoch, from, to, bytes, metas))
  }

  private async commit(epoch: number | null, from: number, to: number, bytes: Buffer, metas: ReturnType<typeof readHeaders>): Promise<void> {
    if (epoch === null) throw new FencedWrite(`${this.name}: this broker does not hold the partition's lease`)
    const { text, values } = insertBatchesSql(this.ref, epoch, from, to, bytes, metas, null)
    if ((await this.db.query(text, values)).length > 0) return
    const [row] = await this.db.query<{ next_offset: string; leader_epoch: number }>('SELECT next_offset, leader_epoch FROM rivulet_partitions WHERE topic_id = $1 AND partition = $2', [this.ref.topicId, this.ref.partition])
    // An earlier attempt committed and only its answer was lost (this broker is the only writer).
    if (row && row.leader_epoch === epoch && Number(row.next_offset) >= to) return
    if (!row || row.leader_epoch !== epoch) {
      this.fenced(epoch)
      throw new FencedWrite(`${this.name}: the leader epoch moved on in the store (another broker took the partition)`)
    }
    throw new Error(`${this.name}: the store is at offset ${row.next_offset}, this broker expected ${from}`)
  }

  private get name(): string {
    return `${this.ref.topicName}-${this.ref.partition}`
  }

  read(offset: number, maxBytes: number, o: ReadOptions): ReadResult {
    return this.log.read(offset, maxBytes, o)
  }
  mark(offset: number): LogMark {
    return this.log.mark(offset)
  }
  bytesAfter(mark: LogMark, isolation: Isolation): number {
    return this.log.bytesAfter(mark, isolation)
  }
  offsetForTimestamp(timestamp: number): TimestampHit | null {
    return this.log.offsetForTimestamp(timestamp)
  }
  offsetOfMaxTimestamp(): TimestampHit | null {
    return this.log.offsetOfMaxTimestamp()
  }
  activeProducers(): ProducerInfo[] {
    return this.log.activeProducers()
  }
  producerEpoch(producerId: number): { epoch: number; txnFirstOffset: number } | undefined {
    return this.log.producerEpoch(producerId)
  }
  keyedRecords(visit: (record: RecordSpans) => void): void {
    this.log.keyedRecords(visit)
  }
  lastOffsetsByKey(eligible?: (record: RecordSpans) => boolean): Set<number> {
    return this.log.lastOffsetsByKey(eligible)
  }
  // Internal topics are compacted, never trimmed by offset; the local copy moves alone (the store
  // keeps every batch, replayed with the same result at the next start).
  deleteRecordsBefore(offset: number): number {
    return this.log.deleteRecordsBefore(offset)
  }
  applyRetention(nowMs: number): number {
    return this.log.applyRetention(nowMs)
  }
  flush(nowMs: number): void {
    this.log.flush(nowMs)
  }
  close(): void {
    this.log.close()
  }
  remove(): void {
    this.log.remove()
  }
}
