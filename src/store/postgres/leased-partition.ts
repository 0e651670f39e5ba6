// An ordinary partition as a broker over PostgreSQL serves it: the PostgresPartition opened at the
// leader epoch this broker's lease gave it, opened on first use and again after it was fenced (a
// write refused because the epoch moved on: the lease expired while this process was paused) or
// after its lease could not be renewed. While it is not open its offsets read 0 and every
// operation waits for the open; a failed open answers KAFKA_STORAGE_ERROR (the database is away)
// or NOT_LEADER_OR_FOLLOWER (another live broker leads it), both retriable for clients.

import type { RecordSpans } from '../../../protocol/records/index.js'
import type { AppendOptions, AppendResult, Isolation, LogMark, ProducerInfo, ReadOptions, ReadResult, TimestampHit } from '../../log/partition-store.js'
import { LogError, type LogConfig } from '../../log/types.js'
import type { AsyncPartitionStore } from '../async-partition-store.js'
import { storageError } from './db.js'
import type { PostgresPartition } from './partition.js'

export interface PartitionOpener {
  // Claims the leadership and opens the partition at the epoch it got; null when another live
  // broker holds it.
  open(config: LogConfig): Promise<PostgresPartition | null>
}

const NO_MARK: LogMark = { offset: 0, segmentBase: -1, position: -1 }

export class LeasedPartition implements AsyncPartitionStore {
  private current: PostgresPartition | null = null
  private opening: Promise<PostgresPartition> | null = null

  constructor(
    readonly name: string,
    private readonly opener: PartitionOpener,
    private cfg: LogConfig,
    private readonly onAppend: () => void,
  ) {}

  // The partition this broker serves now (null while closed), for lease renewal.
  get served(): PostgresPartition | null {
    return this.current
  }

  get config(): LogConfig {
    return this.cfg
  }
  set config(c: LogConfig) {
    this.cfg = c
    if (this.current) this.current.config = c
  }
  get logStartOffset(): number {
    return this.current?.logStartOffset ?? 0
  }
  get logEndOffset(): number {
    return this.current?.logEndOffset ?? 0
  }
  get highWatermark(): number {
    return this.current?.highWatermark ?? 0
  }
  get lastStableOffset(): number {
    return this.current?.lastStableOffset ?? 0
  }
  get size(): number {
    return this.current?.size ?? 0
  }

  open(): Promise<PostgresPartition> {
    if (this.current) return Promise.resolve(this.current)
    this.opening ??= this.opener.open(this.cfg).then(
      (p) => {
        if (!p) throw new LogError('NOT_LEADER_OR_FOLLOWER', `${this.name} is led by another live broker`)
        this.current = p
        return p
      },
      (err) => {
        throw storageError(err, this.name)
      },
    ).finally(() => {
      this.opening = null
    })
    return this.opening
  }

  // Stops serving the partition this broker held (fenced, or its lease lost); the next operation
  // claims it again.
  drop(p: PostgresPartition | null = this.current): void {
    if (p === null || this.current !== p) return
    this.current = null
    void p.close().catch(() => undefined)
  }

  private use<T>(op: (p: PostgresPartition) => Promise<T>): Promise<T> {
    const run = (p: PostgresPartition) =>
      op(p).catch((err: unknown) => {
        if (err instanceof LogError && err.code === 'NOT_LEADER_OR_FOLLOWER') this.drop(p)
        throw err
      })
    return this.current ? run(this.current) : this.open().then(run)
  }

  append(records: Buffer, o: AppendOptions): Promise<AppendResult> {
    return this.use(async (p) => {
      const r = await p.append(records, o)
      if (!r.duplicate) this.onAppend()
      return r
    })
  }
  appendMarker(producerId: number, producerEpoch: number, commit: boolean, coordinatorEpoch: number, nowMs: number): Promise<number> {
    return this.use(async (p) => {
      const offset = await p.appendMarker(producerId, producerEpoch, commit, coordinatorEpoch, nowMs)
      this.onAppend()
      return offset
    })
  }
  read(offset: number, maxBytes: number, o: ReadOptions): Promise<ReadResult> {
    return this.use((p) => p.read(offset, maxBytes, o))
  }
  mark(offset: number): LogMark {
    return this.current ? this.current.mark(offset) : { ...NO_MARK, offset }
  }
  bytesAfter(mark: LogMark, isolation: Isolation): number {
    return this.current ? this.current.bytesAfter(mark, isolation) : 0
  }
  offsetForTimestamp(timestamp: number): Promise<TimestampHit | null> {
    return this.use((p) => p.offsetForTimestamp(timestamp))
  }
  offsetOfMaxTimestamp(): Promise<TimestampHit | null> {
    return this.use((p) => p.offsetOfMaxTimestamp())
  }
  activeProducers(): ProducerInfo[] {
    return this.current?.activeProducers() ?? []
  }
  producerEpoch(producerId: number): { epoch: number; txnFirstOffset: number } | undefined {
    return this.current?.producerEpoch(producerId)
  }
  keyedRecords(visit: (record: RecordSpans) => void): Promise<void> {
    return this.use((p) => p.keyedRecords(visit))
  }
  lastOffsetsByKey(eligible?: (record: RecordSpans) => boolean): Promise<Set<number>> {
    return this.use((p) => p.lastOffsetsByKey(eligible))
  }
  deleteRecordsBefore(offset: number): Promise<number> {
    return this.use(async (p) => p.deleteRecordsBefore(offset))
  }
  applyRetention(nowMs: number): Promise<number> {
    return this.current ? this.use((p) => p.applyRetention(nowMs)) : Promise.resolve(0)
  }
  async close(): Promise<void> {
    const p = this.current
    this.current = null
    await p?.close()
  }
}
