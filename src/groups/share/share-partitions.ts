// The share-partitions of every share group on this broker (Kafka's SharePartitionManager): their
// creation with the start offset share.auto.offset.reset picks, reads from the log that acquire
// records for a member, acknowledgements, and releasing a closed session's records. Each
// share-partition writes its state to __share_group_state on every change (share-state-store.ts)
// and is rebuilt from there at start-up, so acknowledged records are never delivered again and
// acquired but unacknowledged ones are.
//
// The read path hands back whole stored batches (the log's bytes, never re-encoded), trimmed to
// the batches that hold acquired records; in read_committed (share.isolation.level) reads stop at
// the last stable offset and aborted transactional batches and transaction markers are archived
// without being delivered, as SharePartition does.

import { LOG_OVERHEAD, RECORD_BATCH_OVERHEAD, getBatchSize, readBatchInfo } from '../../../protocol/records/index.js'
import type { Clock } from '../../clock.js'
import type { Logger } from '../../logger.js'
import type { ReadOptions, ReadResult } from '../../log/partition-store.js'
import { settle, type AsyncPartitionStore, type MaybePromise } from '../../store/async-partition-store.js'
import { AckError, SharePartition, type AckBatch, type AcquiredRange, type LogBatch } from './share-partition.js'
import { coordinatorKey, type ShareStateStore } from './share-state-store.js'
import type { ShareAssignment } from './share-assignor.js'

export interface SharePartitionsConfig {
  lockDurationMs(groupId: string): number // share.record.lock.duration.ms / group.share.record.lock.duration.ms
  deliveryCountLimit(groupId: string): number // share.delivery.count.limit
  maxRecordLocks(groupId: string): number // share.partition.max.record.locks
  autoOffsetReset(groupId: string): string // share.auto.offset.reset
  readCommitted(groupId: string): boolean // share.isolation.level
}

export interface SharePartitionsDeps {
  clock: Clock
  logger: Logger
  config: SharePartitionsConfig
  topicName(topicId: string): string | undefined
  partition(topic: string, partition: number): AsyncPartitionStore | undefined
  store: ShareStateStore
}

export interface ShareRead {
  records: Buffer | null
  acquired: AcquiredRange[]
  bytes: number
}

interface ReadBatch extends LogBatch {
  pos: number
  size: number
}

// The batches of a read, with the ones a share group must not deliver marked `skip`: transaction
// markers, and in read_committed the data of aborted transactions (the aborted list of the read).
function walkBatches(records: Buffer, aborted: { producerId: number; firstOffset: number }[] | null): ReadBatch[] {
  const out: ReadBatch[] = []
  const pending = aborted ? [...aborted].sort((a, b) => a.firstOffset - b.firstOffset) : []
  const open = new Set<number>()
  let next = 0
  let pos = 0
  while (pos + LOG_OVERHEAD <= records.length) {
    const size = getBatchSize(records, pos)
    if (size < RECORD_BATCH_OVERHEAD || pos + size > records.length) break
    const b = readBatchInfo(records, pos)
    while (next < pending.length && pending[next]!.firstOffset <= b.baseOffset) open.add(pending[next++]!.producerId)
    const control = b.isControl
    const skip = control || (b.isTransactional && open.has(b.producerId))
    if (control) open.delete(b.producerId)
    out.push({ baseOffset: b.baseOffset, lastOffset: b.baseOffset + b.lastOffsetDelta, skip, pos, size })
    pos += size
  }
  return out
}

// java.time.Duration.parse's form, days to seconds: PnDTnHnMn.nS (null when it is not one).
export function durationMs(iso: string): number | null {
  const m = /^p(?:(\d+)d)?(?:t(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?)?$/.exec(iso.trim().toLowerCase())
  if (!m || iso.trim().length <= 1) return null
  const [d, h, min, sec] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number]
  return Math.round((((d * 24 + h) * 60 + min) * 60 + sec) * 1000)
}

// Share fetch read sizing (readSize): the bytes per record assumed before a share-partition's
// first read, and the least a read asks for (a few batches; cheap even when records are small).
const INITIAL_BYTES_PER_RECORD = 1024
const MIN_READ_BYTES = 64 * 1024

export class SharePartitions {
  private readonly partitions = new Map<string, SharePartition>()
  private readonly bytesPerRecord = new WeakMap<SharePartition, number>()

  constructor(private readonly deps: SharePartitionsDeps) {}

  // Rebuilds every stored share-partition (start-up).
  load(): number {
    for (const [id, s] of this.deps.store.load()) {
      const sp = this.newPartition(s.groupId, s.topicId, s.partition, s.startOffset)
      sp.restore(s.snapshotEpoch, s.batches)
      this.partitions.set(id, sp)
    }
    return this.partitions.size
  }

  get(groupId: string, topicId: string, partition: number): SharePartition | undefined {
    return this.partitions.get(coordinatorKey({ groupId, topicId, partition }))
  }

  // The share-partition, created on first use with its start offset from share.auto.offset.reset
  // (latest: the high watermark; earliest: the log start offset) and written at once, so a member
  // that comes back later still starts where the group started (InitializeShareGroupState).
  ensure(groupId: string, topicId: string, partition: number): SharePartition | undefined {
    const id = coordinatorKey({ groupId, topicId, partition })
    const existing = this.partitions.get(id)
    if (existing) return existing
    const name = this.deps.topicName(topicId)
    const log = name === undefined ? undefined : this.deps.partition(name, partition)
    if (!log) return undefined
    const sp = this.newPartition(groupId, topicId, partition, this.initialOffset(groupId, log))
    this.partitions.set(id, sp)
    this.persist(groupId, topicId, partition, sp)
    return sp
  }

  // share.auto.offset.reset: earliest is the log start, latest (the default) the high watermark,
  // by_duration:<ISO-8601 duration> the first record at most that old (else latest), as Kafka's
  // ShareGroupAutoOffsetResetStrategy.
  // by_duration on a store that answers later (PostgreSQL) starts at latest: the share-partition
  // is created synchronously, on assignment.
  private initialOffset(groupId: string, log: AsyncPartitionStore): number {
    const reset = this.deps.config.autoOffsetReset(groupId).trim().toLowerCase()
    if (reset === 'earliest') return log.logStartOffset
    if (reset.startsWith('by_duration:')) {
      const ms = durationMs(reset.slice('by_duration:'.length))
      const hit = ms === null ? null : log.offsetForTimestamp(this.deps.clock.now() - ms)
      if (hit instanceof Promise) hit.catch(() => undefined)
      else if (ms !== null) return hit?.offset ?? log.highWatermark
    }
    return log.highWatermark
  }

  onAssigned(groupId: string, assignment: ShareAssignment): void {
    for (const [topicId, ps] of assignment) for (const p of ps) this.ensure(groupId, topicId, p)
  }

  // Acquires records of one partition for a member: reads from the first record it could
  // acquire, up to maxBytes (at least one batch when `first`) and maxRecords.
  // A store that answers later (PostgreSQL) acquires once its read is back; a store failure
  // rejects with its LogError (KAFKA_STORAGE_ERROR).
  read(groupId: string, memberId: string, topicId: string, partition: number, maxBytes: number, maxRecords: number, first: boolean, lease: ReadOptions['lease']): MaybePromise<ShareRead | null> {
    const sp = this.ensure(groupId, topicId, partition)
    const log = sp && this.deps.partition(this.deps.topicName(topicId)!, partition)
    if (!sp || !log) return null
    sp.moveStartTo(log.logStartOffset)
    const committed = this.deps.config.readCommitted(groupId)
    const limit = committed ? log.lastStableOffset : log.highWatermark
    const from = sp.nextFetchOffset()
    if (from >= limit || (from >= sp.endOffset && !sp.canAcquireNew()) || maxRecords <= 0) return { records: null, acquired: [], bytes: 0 }
    const opts: ReadOptions = { minOneBatch: first, isolation: committed ? 'committed' : 'uncommitted', lease }
    const want = this.readSize(sp, Math.max(0, maxBytes), maxRecords)
    const acquire = (r: ReadResult) => this.acquireRead(sp, memberId, r, committed, limit, maxRecords)
    // The batch at `from` is larger than the estimate: read it within the request's own limit.
    const onRead = (r: ReadResult): MaybePromise<ShareRead> => ((!r.records || r.records.length === 0) && want < maxBytes ? settle(log.read(from, maxBytes, opts), acquire) : acquire(r))
    const r = log.read(from, want, opts)
    return r instanceof Promise ? r.then(onRead) : onRead(r)
  }

  private acquireRead(sp: SharePartition, memberId: string, r: ReadResult, committed: boolean, limit: number, maxRecords: number): ShareRead {
    if (!r.records || r.records.length === 0) return { records: null, acquired: [], bytes: 0 }
    const batches = walkBatches(r.records, committed ? r.aborted : null).filter((b) => b.baseOffset < limit)
    this.learnRecordSize(sp, batches)
    const acquired = sp.acquire(memberId, batches, maxRecords)
    if (acquired.length === 0) return { records: null, acquired, bytes: 0 }
    const firstOffset = acquired[0]!.firstOffset
    const lastOffset = acquired[acquired.length - 1]!.lastOffset
    const held = batches.filter((b) => b.lastOffset >= firstOffset && b.baseOffset <= lastOffset)
    const start = held[0]!.pos
    const end = held[held.length - 1]!.pos + held[held.length - 1]!.size
    return { records: r.records.subarray(start, end), acquired, bytes: end - start }
  }

  // Bytes to read for one share fetch of up to maxRecords records. Kafka hands its log's
  // FileRecords to the response without copying and slices them to the acquired batches, so its
  // read size costs nothing; Rivulet's file log copies what it reads, and reading the request's
  // maxBytes (the Java client's fetch.max.bytes, 50 MiB) to hand out max.poll.records (500)
  // records read up to a whole partition per fetch (bench/RESULTS.md, "Share-group throughput").
  // So the read is sized from the bytes per record of this share-partition's last read, with room
  // to spare; a short read only means fewer records this time.
  private readSize(sp: SharePartition, maxBytes: number, maxRecords: number): number {
    const perRecord = this.bytesPerRecord.get(sp) ?? INITIAL_BYTES_PER_RECORD
    return Math.min(maxBytes, Math.max(MIN_READ_BYTES, Math.ceil(maxRecords * perRecord * 1.25)))
  }

  private learnRecordSize(sp: SharePartition, batches: ReadBatch[]): void {
    const first = batches[0]
    const last = batches[batches.length - 1]
    if (!first || !last) return
    this.bytesPerRecord.set(sp, (last.pos + last.size - first.pos) / (last.lastOffset - first.baseOffset + 1))
  }

  // Null when applied, else the error code and message for the partition.
  acknowledge(groupId: string, memberId: string, topicId: string, partition: number, batches: AckBatch[], allowRenew: boolean): { code: 'INVALID_REQUEST' | 'INVALID_RECORD_STATE' | 'UNKNOWN_TOPIC_OR_PARTITION'; message: string } | null {
    const sp = this.get(groupId, topicId, partition)
    if (!sp) {
      if (batches.length === 0) return null
      return { code: 'INVALID_RECORD_STATE', message: `No records are acquired in ${topicId}-${partition} for group ${groupId}.` }
    }
    try {
      sp.acknowledge(memberId, batches, allowRenew)
      return null
    } catch (err) {
      if (err instanceof AckError) return { code: err.code, message: err.message }
      throw err
    }
  }

  // A member's share session closed: its acquired records become available again.
  releaseMember(groupId: string, memberId: string, refs: Iterable<{ topicId: string; partition: number }>): number {
    let n = 0
    for (const r of refs) n += this.get(groupId, r.topicId, r.partition)?.releaseMember(memberId) ?? 0
    return n
  }

  groupIds(): Set<string> {
    return new Set([...this.partitions.keys()].map((id) => /^(.*):[^:]+:\d+$/.exec(id)![1]!))
  }

  // Every share-partition of a group (DeleteGroups, describe tools).
  ofGroup(groupId: string): { topicId: string; partition: number; sp: SharePartition }[] {
    const out: { topicId: string; partition: number; sp: SharePartition }[] = []
    for (const [id, sp] of this.partitions) {
      const m = /^(.*):([^:]+):(\d+)$/.exec(id)
      if (m && m[1] === groupId) out.push({ topicId: m[2]!, partition: Number(m[3]), sp })
    }
    return out
  }

  // A deleted topic takes its share-partitions with it, in every group (Kafka deletes their
  // share-group state with the topic).
  deleteTopic(topicId: string): number {
    let n = 0
    for (const id of [...this.partitions.keys()]) {
      const m = /^(.*):([^:]+):(\d+)$/.exec(id)!
      if (m[2] !== topicId) continue
      this.partitions.get(id)!.stop()
      this.partitions.delete(id)
      this.deps.store.write({ groupId: m[1]!, topicId, partition: Number(m[3]) }, null)
      n++
    }
    return n
  }

  // AlterShareGroupOffsets (Kafka's InitializeShareGroupState with the given start offset): the
  // share-partition starts over at `startOffset`, its in-flight state dropped, and the new state is
  // written to __share_group_state before the caller answers. The snapshot epoch keeps counting up.
  setStartOffset(groupId: string, topicId: string, partition: number, startOffset: number): SharePartition {
    const id = coordinatorKey({ groupId, topicId, partition })
    const old = this.partitions.get(id)
    old?.stop()
    const sp = this.newPartition(groupId, topicId, partition, startOffset)
    sp.snapshotEpoch = old?.snapshotEpoch ?? 0
    this.partitions.set(id, sp)
    this.persist(groupId, topicId, partition, sp)
    return sp
  }

  // DeleteShareGroupOffsets: every share-partition of the group on one topic goes, with a tombstone
  // each, so the next fetch starts again from share.auto.offset.reset. The number deleted.
  deleteGroupTopic(groupId: string, topicId: string): number {
    let n = 0
    for (const { topicId: t, partition, sp } of this.ofGroup(groupId)) {
      if (t !== topicId) continue
      sp.stop()
      this.partitions.delete(coordinatorKey({ groupId, topicId, partition }))
      this.deps.store.write({ groupId, topicId, partition }, null)
      n++
    }
    return n
  }

  // DeleteGroups of an empty share group (Kafka's DeleteShareGroupState): every share-partition of
  // the group goes, with a tombstone in __share_group_state.
  deleteGroup(groupId: string): number {
    const gone = this.ofGroup(groupId)
    for (const { topicId, partition, sp } of gone) {
      sp.stop()
      this.partitions.delete(coordinatorKey({ groupId, topicId, partition }))
      this.deps.store.write({ groupId, topicId, partition }, null)
    }
    return gone.length
  }

  stop(): void {
    for (const sp of this.partitions.values()) sp.stop()
  }

  private newPartition(groupId: string, topicId: string, partition: number, startOffset: number): SharePartition {
    const c = this.deps.config
    return new SharePartition(startOffset, this.deps.clock, {
      lockDurationMs: () => c.lockDurationMs(groupId),
      deliveryCountLimit: () => c.deliveryCountLimit(groupId),
      maxInFlight: () => c.maxRecordLocks(groupId),
    }, (sp) => this.persist(groupId, topicId, partition, sp))
  }

  private persist(groupId: string, topicId: string, partition: number, sp: SharePartition): void {
    sp.snapshotEpoch++
    this.deps.store.write({ groupId, topicId, partition }, { snapshotEpoch: sp.snapshotEpoch, startOffset: sp.startOffset, batches: sp.stateBatches() })
  }
}
