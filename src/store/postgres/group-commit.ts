// Group commit for the PostgreSQL store (issue 11: acks=all produce over PostgreSQL >= 0.5x the
// local log). One commit per append is bound by PostgreSQL's commit latency (the WAL flush, ~3-9 ms
// with fsync here: bench/PG-CAPACITY.md), so a partition with one append in flight moved at most a
// batch per flush. Here every append of every partition a broker leads is queued; one statement
// (so one transaction, one flush) is in flight at a time, and what arrives meanwhile goes into the
// next. A partition may have several appends queued (their offsets follow one another: the
// partition assigns them before they commit), which the statement merges into one conditional
// UPDATE of the partition row and all their batch rows.
//
// Each partition's condition (its leader epoch, and the offset it expects the row to be at) is
// checked per partition inside the statement: the partitions whose row did not match insert
// nothing and are the only ones failed (NOT_LEADER_OR_FOLLOWER); the others commit. A statement the
// server refuses is retried partition by partition, so a refusal fails only its partition. A
// connection that broke fails everything in flight with KAFKA_STORAGE_ERROR (the outcome is
// unknown: the partitions re-read the store before their next write). When a partition's append
// fails, its later appends still queued are failed with it: they expected offsets it did not reach.

import type { BatchHeader } from '../../../protocol/records/index.js'
import { LogError } from '../../log/types.js'
import type { AbortedTxn } from '../../log/txn-index.js'
import { isServerRefusal, storageError, type Db } from './db.js'
import { groupInsertSql, type GroupPart } from './sql.js'

export interface CommitEntry {
  // The partition's identity in the queue (one writer per partition per broker).
  key: string
  name: string
  topicId: string
  partition: number
  epoch: number
  // The partition row's next_offset before and after this append.
  expected: number
  next: number
  records: Buffer
  metas: readonly BatchHeader[]
  abort: AbortedTxn | null
  // Called synchronously when the entry's fate is known (null: committed), in queue order per key,
  // before any entry queued after it is sent.
  done: (err: LogError | null) => void
}

// A statement's parameters are limited to 65,535 (the protocol's Int16 count); a group stops short
// of that, and of this many bytes, and the rest goes into the next.
const MAX_PARAMS = 60_000
const MAX_GROUP_BYTES = 32 * 1024 * 1024

export class GroupCommitter {
  private queue: CommitEntry[] = []
  private running = false
  // Groups committed, the entries and bytes they carried, and their time in PostgreSQL (for tests
  // and bench/pg-group-commit.js). One group is in flight at a time: a second one on another
  // connection, tried, halved throughput (bench/RESULTS.md): its partitions' conditions raced the
  // first group's row locks and failed.
  groups = 0
  entries = 0
  bytes = 0
  ms = 0

  constructor(private readonly db: Db) {}

  submit(entry: CommitEntry): void {
    this.queue.push(entry)
    if (!this.running) void this.drain()
  }

  private async drain(): Promise<void> {
    this.running = true
    try {
      while (this.queue.length > 0) {
        const group = this.take()
        await this.commitGroup(group)
      }
    } finally {
      this.running = false
    }
  }

  // The oldest entries that fit in one statement, in queue order.
  private take(): CommitEntry[] {
    let params = 0
    let bytes = 0
    let n = 0
    for (const e of this.queue) {
      const cost = 6 + e.metas.length * 12 + (e.abort ? 5 : 0)
      if (n > 0 && (params + cost > MAX_PARAMS || bytes + e.records.length > MAX_GROUP_BYTES)) break
      params += cost
      bytes += e.records.length
      n++
    }
    return this.queue.splice(0, n)
  }

  private async commitGroup(group: CommitEntry[]): Promise<void> {
    const parts = partsOf(group)
    let advanced: Set<number>
    const t0 = performance.now()
    try {
      advanced = await this.run(parts)
      this.ms += performance.now() - t0
    } catch (err) {
      // a refusal (nothing committed): each partition alone, so only the one at fault fails
      if (parts.length > 1 && isServerRefusal(err)) return this.oneByOne(parts)
      for (const p of parts) this.fail(p, storageError(err, p.entries[0]!.name))
      return
    }
    this.groups++
    this.entries += group.length
    for (const e of group) this.bytes += e.records.length
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k]!
      if (advanced.has(k)) for (const e of p.entries) e.done(null)
      else this.fail(p, fenced(p.entries[0]!))
    }
  }

  // After a refused group statement: each partition alone, so only the culprit fails.
  private async oneByOne(parts: GroupPart<CommitEntry>[]): Promise<void> {
    for (const p of parts) {
      try {
        const advanced = await this.run([p])
        if (advanced.has(0)) for (const e of p.entries) e.done(null)
        else this.fail(p, fenced(p.entries[0]!))
      } catch (err) {
        this.fail(p, storageError(err, p.entries[0]!.name))
      }
    }
  }

  private async run(parts: GroupPart<CommitEntry>[]): Promise<Set<number>> {
    const { text, values } = groupInsertSql(parts)
    const rows = await this.db.query<{ k: number }>(text, values)
    return new Set(rows.map((r) => r.k))
  }

  // Fails a partition's entries in the group and those still queued behind them.
  private fail(p: GroupPart<CommitEntry>, err: LogError): void {
    const key = p.entries[0]!.key
    for (const e of p.entries) e.done(err)
    const later = this.queue.filter((e) => e.key === key)
    if (later.length === 0) return
    this.queue = this.queue.filter((e) => e.key !== key)
    for (const e of later) e.done(err)
  }
}

// The group's entries per partition, in order; a partition's appends are contiguous in offsets.
function partsOf(group: readonly CommitEntry[]): GroupPart<CommitEntry>[] {
  const byKey = new Map<string, GroupPart<CommitEntry>>()
  const parts: GroupPart<CommitEntry>[] = []
  for (const e of group) {
    const p = byKey.get(e.key)
    if (p && p.next === e.expected && p.epoch === e.epoch) {
      p.entries.push(e)
      p.next = e.next
      continue
    }
    if (p) {
      // Not contiguous (cannot happen with one writer per partition): committed alone, failing.
      const lone: GroupPart<CommitEntry> = { topicId: e.topicId, partition: e.partition, epoch: -1, expected: e.expected, next: e.next, entries: [e] }
      parts.push(lone)
      continue
    }
    const fresh: GroupPart<CommitEntry> = { topicId: e.topicId, partition: e.partition, epoch: e.epoch, expected: e.expected, next: e.next, entries: [e] }
    byKey.set(e.key, fresh)
    parts.push(fresh)
  }
  // The same lock order in every group (partition rows), as a habit against deadlocks with other
  // writers of these rows (retention, DeleteRecords, lease renewals).
  return parts.sort((a, b) => (a.topicId < b.topicId ? -1 : a.topicId > b.topicId ? 1 : a.partition - b.partition))
}

function fenced(e: CommitEntry): LogError {
  return new LogError('NOT_LEADER_OR_FOLLOWER', `this broker led ${e.name} at leader epoch ${e.epoch}; the store no longer has it at that epoch and offset ${e.expected}`)
}

// One committer per database connection pool: every partition a broker leads shares it.
const committers = new WeakMap<Db, GroupCommitter>()

export function committerOf(db: Db): GroupCommitter {
  let c = committers.get(db)
  if (!c) committers.set(db, (c = new GroupCommitter(db)))
  return c
}
