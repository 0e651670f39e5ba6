// An internal topic as a coordinator uses it (`__consumer_offsets`, `__transaction_state`): keys
// mapped to partitions as Kafka maps them, keyed records appended as the broker's own writes, and
// the start-up replay of the records compaction would keep. One module for both coordinators, so
// they cannot drift apart again. It reaches the topic through two narrow functions wired by the
// hub (src/broker.ts), never through the cluster or the broker.

import { buildBatch, CONTROL_FLAG_MASK, TRANSACTIONAL_FLAG_MASK, type RecordSpans } from '../../protocol/records/index.js'
import type { PartitionStore } from './partition-store.js'

export interface InternalTopicDeps {
  readonly name: string
  // The topic's partition count, creating the topic first when `create` (the first write does).
  partitions(create: boolean): number
  store(partition: number): PartitionStore
  now(): number
}

export interface Txn {
  producerId: number
  epoch: number
}

// Java's String.hashCode.
export function javaHash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0
  return h
}

// Kafka's Utils.abs(key.hashCode) % partitions (GroupCoordinatorService.partitionFor,
// TransactionStateManager.partitionFor): Utils.abs maps Integer.MIN_VALUE to 0.
export function kafkaPartitionFor(key: string, partitions: number): number {
  const h = javaHash(key)
  return (h === -2147483648 ? 0 : Math.abs(h)) % partitions
}

// Rivulet before this version put groups in (hashCode & 0x7fffffff) % partitions, which differs
// from Kafka's choice for negative hash codes when there is more than one partition.
export function legacyGroupPartitionFor(key: string, partitions: number): number {
  return (javaHash(key) & 0x7fffffff) % partitions
}

export class InternalTopic {
  constructor(private readonly o: InternalTopicDeps) {}

  get name(): string {
    return this.o.name
  }

  // 0 while the topic does not exist.
  get partitionCount(): number {
    return this.o.partitions(false)
  }

  partitionFor(key: string): number {
    return kafkaPartitionFor(key, this.o.partitions(true))
  }

  store(partition: number): PartitionStore {
    return this.o.store(partition)
  }

  // Appends keyed records to `partition` as one batch; a transactional write (TxnOffsetCommit)
  // carries the producer's id and epoch and its marker decides it. Returns the first record's
  // offset, or -1 when there was nothing to write. Throws LogError (MESSAGE_TOO_LARGE, ...).
  append(partition: number, records: { key: Buffer; value: Buffer | null }[], txn?: Txn): number {
    if (records.length === 0) return -1
    this.o.partitions(true)
    const now = this.o.now()
    const batch = buildBatch({
      records: records.map((r) => ({ ...r, timestamp: now })),
      ...(txn ? { producerId: txn.producerId, producerEpoch: txn.epoch, transactional: true } : {}),
    })
    return this.o.store(partition).append(batch, { nowMs: now, origin: 'coordinator' }).baseOffset
  }

  // Visits, oldest first, the records of `partition` that a compaction would keep: of the records
  // outside transactions only the last of each key (the cleaner may not have run yet), and every
  // transactional record and control record, since markers decide those. The first pass reads
  // keys only; the second hands the survivors to `visit` (views valid during the call only).
  replay(partition: number, visit: (record: RecordSpans) => void): void {
    const store = this.o.store(partition)
    const kept = store.lastOffsetsByKey((r) => (r.attributes & (TRANSACTIONAL_FLAG_MASK | CONTROL_FLAG_MASK)) === 0)
    store.keyedRecords((r) => {
      if ((r.attributes & (TRANSACTIONAL_FLAG_MASK | CONTROL_FLAG_MASK)) !== 0 || kept.has(r.offset)) visit(r)
    })
  }
}
