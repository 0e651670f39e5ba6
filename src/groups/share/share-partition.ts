// One share-partition (KIP-932; Kafka's SharePartition): the in-flight records of one topic
// partition for one share group. Offsets below `startOffset` (the SPSO) are done; offsets in
// [startOffset, endOffset) have a state; offsets from endOffset on were never delivered. A
// delivery acquires records for one member under a lock (group.share.record.lock.duration.ms on
// the broker clock) and counts it; the member accepts (ACKNOWLEDGED), releases (AVAILABLE again)
// or rejects (ARCHIVED) them; a lock that runs out releases them. A record whose delivery count
// reached group.share.delivery.count.limit is archived instead of made available again, as
// SharePartition does. Mutated only through these methods; `persist` sees every change that must
// survive a restart (share-state-store.ts).

import type { Clock, Timer } from '../../clock.js'
import type { StateBatch } from '../../../protocol/share-state-records.js'

// Kafka's RecordState ids, as __share_group_state stores them.
export const RecordState = { AVAILABLE: 0, ACQUIRED: 1, ACKNOWLEDGED: 2, ARCHIVED: 4 } as const
// Kafka's AcknowledgeType (0 is a gap: an offset with no record behind it).
export const AckType = { GAP: 0, ACCEPT: 1, RELEASE: 2, REJECT: 3, RENEW: 4 } as const

export interface SharePartitionConfig {
  lockDurationMs(): number
  deliveryCountLimit(): number
  maxInFlight(): number // group.share.partition.max.record.locks
}

export interface InFlight {
  state: number
  deliveryCount: number
  memberId: string | null
  lockDeadline: number
}

export interface AcquiredRange {
  firstOffset: number
  lastOffset: number
  deliveryCount: number
}

// What the log read found, batch by batch: `skip` batches (transaction markers, aborted
// transactional data) are archived without being delivered.
export interface LogBatch {
  baseOffset: number
  lastOffset: number
  skip: boolean
}

export interface AckBatch {
  firstOffset: number
  lastOffset: number
  types: number[]
}

export class AckError extends Error {
  constructor(readonly code: 'INVALID_REQUEST' | 'INVALID_RECORD_STATE', message: string) {
    super(message)
  }
}

export class SharePartition {
  startOffset: number
  endOffset: number
  snapshotEpoch = 0
  // Offsets in [startOffset, endOffset) with a state; an absent one has no record (a gap the log
  // left, e.g. by compaction) and counts as done.
  readonly records = new Map<number, InFlight>()
  private readonly timers = new Set<Timer>()

  constructor(
    startOffset: number,
    private readonly clock: Clock,
    private readonly config: SharePartitionConfig,
    private readonly persist: (p: SharePartition) => void,
  ) {
    this.startOffset = startOffset
    this.endOffset = startOffset
  }

  // Rebuilds the state a snapshot stored: acquired records were stored as available, so they are
  // delivered again (locks do not survive a restart). Offsets between stored batches are available.
  restore(snapshotEpoch: number, batches: StateBatch[]): void {
    this.snapshotEpoch = snapshotEpoch
    for (const b of batches) {
      for (let o = Math.max(b.firstOffset, this.startOffset); o <= b.lastOffset; o++) {
        const state = b.deliveryState === RecordState.ACQUIRED ? RecordState.AVAILABLE : b.deliveryState
        this.records.set(o, { state, deliveryCount: b.deliveryCount, memberId: null, lockDeadline: 0 })
      }
      this.endOffset = Math.max(this.endOffset, b.lastOffset + 1)
    }
    for (let o = this.startOffset; o < this.endOffset; o++) {
      if (!this.records.has(o)) this.records.set(o, { state: RecordState.AVAILABLE, deliveryCount: 0, memberId: null, lockDeadline: 0 })
    }
    this.advanceStart()
  }

  // The offset a log read for this partition starts at: the first record that may be acquired.
  nextFetchOffset(): number {
    for (let o = this.startOffset; o < this.endOffset; o++) {
      const r = this.records.get(o)
      if (r && r.state === RecordState.AVAILABLE) return o
    }
    return this.endOffset
  }

  // Whether anything could be acquired now (records beyond endOffset permitting).
  canAcquireNew(): boolean {
    return this.endOffset - this.startOffset < this.config.maxInFlight()
  }

  // The log moved its start past ours (retention, DeleteRecords): those records are gone.
  moveStartTo(logStartOffset: number): void {
    if (logStartOffset <= this.startOffset) return
    for (let o = this.startOffset; o < Math.min(logStartOffset, this.endOffset); o++) this.records.delete(o)
    this.startOffset = logStartOffset
    this.endOffset = Math.max(this.endOffset, logStartOffset)
    this.persist(this)
  }

  // Acquires, for `memberId`, up to maxRecords deliverable records of the batches read from the
  // log (SharePartition.acquire): available in-flight records and records beyond endOffset, while
  // the in-flight window stays within group.share.partition.max.record.locks.
  acquire(memberId: string, batches: LogBatch[], maxRecords: number): AcquiredRange[] {
    const now = this.clock.now()
    const deadline = now + this.config.lockDurationMs()
    const out: AcquiredRange[] = []
    let count = 0
    let changed = false
    const take = (o: number, r: InFlight) => {
      r.state = RecordState.ACQUIRED
      r.deliveryCount++
      r.memberId = memberId
      r.lockDeadline = deadline
      count++
      changed = true
      const last = out[out.length - 1]
      if (last && last.lastOffset === o - 1 && last.deliveryCount === r.deliveryCount) last.lastOffset = o
      else out.push({ firstOffset: o, lastOffset: o, deliveryCount: r.deliveryCount })
    }
    outer: for (const b of batches) {
      for (let o = Math.max(b.baseOffset, this.startOffset); o <= b.lastOffset; o++) {
        if (count >= maxRecords) break outer
        if (o < this.endOffset) {
          const r = this.records.get(o)
          if (r && r.state === RecordState.AVAILABLE && !b.skip) take(o, r)
          else if (r && r.state === RecordState.AVAILABLE && b.skip) { r.state = RecordState.ARCHIVED; changed = true }
          continue
        }
        if (!this.canAcquireNew()) break outer
        const r: InFlight = { state: b.skip ? RecordState.ARCHIVED : RecordState.AVAILABLE, deliveryCount: 0, memberId: null, lockDeadline: 0 }
        this.records.set(o, r)
        this.endOffset = o + 1
        changed = true
        if (!b.skip) take(o, r)
      }
    }
    if (out.length > 0) this.scheduleLockCheck(deadline - now)
    if (changed) {
      this.advanceStart()
      this.persist(this)
    }
    return out
  }

  // Applies one member's acknowledgements atomically (SharePartition.acknowledge rolls back on a
  // failure): every offset must be ACQUIRED by that member, else INVALID_RECORD_STATE and nothing
  // changes. `renew` (type 4, ShareFetch/ShareAcknowledge v2) restarts the lock instead.
  acknowledge(memberId: string, batches: AckBatch[], allowRenew: boolean): void {
    const plan: [InFlight, number][] = []
    for (const b of batches) {
      if (b.firstOffset > b.lastOffset) throw new AckError('INVALID_REQUEST', `Invalid acknowledgement batch: first offset ${b.firstOffset} is after last offset ${b.lastOffset}.`)
      const n = b.lastOffset - b.firstOffset + 1
      if (b.types.length !== 1 && b.types.length !== n) throw new AckError('INVALID_REQUEST', `Invalid acknowledge types length ${b.types.length} for ${n} offsets.`)
      for (const t of b.types) {
        if (t < 0 || t > 4 || (t === AckType.RENEW && !allowRenew)) throw new AckError('INVALID_REQUEST', `Invalid acknowledge type: ${t}.`)
      }
      if (b.lastOffset >= this.endOffset) throw new AckError('INVALID_REQUEST', 'Batch record not found. The last offset in request is past acquired records.')
      // Offsets below the start offset are finished already (another member's acknowledgement
      // after this member's lock ran out): skipped without an error, as Kafka 4.4 answers.
      for (let o = Math.max(b.firstOffset, this.startOffset); o <= b.lastOffset; o++) {
        const r = this.records.get(o)
        if (!r || r.state !== RecordState.ACQUIRED || r.memberId !== memberId) {
          throw new AckError('INVALID_RECORD_STATE', `The record at offset ${o} is not acquired by member ${memberId}.`)
        }
        plan.push([r, b.types.length === 1 ? b.types[0]! : b.types[o - b.firstOffset]!])
      }
    }
    if (plan.length === 0) return
    const renewDeadline = this.clock.now() + this.config.lockDurationMs()
    let renewed = false
    for (const [r, type] of plan) {
      if (type === AckType.RENEW) {
        r.lockDeadline = renewDeadline
        renewed = true
      } else if (type === AckType.ACCEPT) this.settle(r, RecordState.ACKNOWLEDGED)
      else if (type === AckType.RELEASE) this.release(r)
      else this.settle(r, RecordState.ARCHIVED) // reject, gap
    }
    if (renewed) this.scheduleLockCheck(this.config.lockDurationMs())
    this.advanceStart()
    this.persist(this)
  }

  // The member's locks end now (its share session closed or it left the group).
  releaseMember(memberId: string): number {
    let n = 0
    for (const r of this.records.values()) {
      if (r.state === RecordState.ACQUIRED && r.memberId === memberId) {
        this.release(r)
        n++
      }
    }
    if (n > 0) {
      this.advanceStart()
      this.persist(this)
    }
    return n
  }

  // The acquisition lock timeout: every lock past its deadline releases its record.
  expireLocks(): number {
    const now = this.clock.now()
    let n = 0
    for (const r of this.records.values()) {
      if (r.state === RecordState.ACQUIRED && r.lockDeadline <= now) {
        this.release(r)
        n++
      }
    }
    if (n > 0) {
      this.advanceStart()
      this.persist(this)
    }
    return n
  }

  // The state batches a snapshot stores: runs of equal (state, delivery count). An acquired record
  // is stored as available, so a restart delivers it again.
  stateBatches(): StateBatch[] {
    const out: StateBatch[] = []
    for (let o = this.startOffset; o < this.endOffset; o++) {
      const r = this.records.get(o)
      const state = !r ? RecordState.ARCHIVED : r.state === RecordState.ACQUIRED ? RecordState.AVAILABLE : r.state
      const count = r?.deliveryCount ?? 0
      const last = out[out.length - 1]
      if (last && last.lastOffset === o - 1 && last.deliveryState === state && last.deliveryCount === count) last.lastOffset = o
      else out.push({ firstOffset: o, lastOffset: o, deliveryState: state, deliveryCount: count })
    }
    return out
  }

  // KIP-1226's deliveryCompleteCount: in-flight records already finished (acknowledged or
  // archived), which the lag does not count.
  deliveryCompleteCount(): number {
    let n = 0
    for (const r of this.records.values()) if (r.state === RecordState.ACKNOWLEDGED || r.state === RecordState.ARCHIVED) n++
    return n
  }

  stop(): void {
    for (const t of this.timers) t.cancel()
    this.timers.clear()
  }

  private release(r: InFlight): void {
    this.settle(r, r.deliveryCount >= this.config.deliveryCountLimit() ? RecordState.ARCHIVED : RecordState.AVAILABLE)
  }

  private settle(r: InFlight, state: number): void {
    r.state = state
    r.memberId = null
    r.lockDeadline = 0
  }

  private scheduleLockCheck(delayMs: number): void {
    const t = this.clock.schedule(delayMs, () => {
      this.timers.delete(t)
      this.expireLocks()
    })
    this.timers.add(t)
  }

  // The SPSO moves over every finished record at the front of the window.
  private advanceStart(): void {
    while (this.startOffset < this.endOffset) {
      const r = this.records.get(this.startOffset)
      if (r && (r.state === RecordState.AVAILABLE || r.state === RecordState.ACQUIRED)) break
      this.records.delete(this.startOffset)
      this.startOffset++
    }
  }
}
