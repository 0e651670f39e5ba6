// Producer state of one partition (Kafka's ProducerStateManager): per producer id the current
// epoch and the last five batches' sequence ranges, so a retried batch is recognised as a
// duplicate and answered with its original offsets instead of being written twice; and the first
// offset of each producer's open transaction, which bounds the last stable offset.
// Mutated only by the PartitionLog that owns it, after a successful append or during replay.

import type { BatchMeta } from './types.js'

// Kafka keeps the metadata of this many batches per producer (ProducerStateEntry.NUM_BATCHES_TO_RETAIN),
// matching the client's max.in.flight.requests.per.connection limit of 5 for idempotence.
const BATCHES_RETAINED = 5
const INT32_MAX = 2147483647

interface SeqRange {
  firstSeq: number
  lastSeq: number
  firstOffset: number
  lastOffset: number
}

export interface ProducerEntry {
  producerId: number
  epoch: number
  batches: SeqRange[]
  lastTimestamp: number
  // First offset of the producer's open transaction in this partition, -1 when none.
  txnFirstOffset: number
}

export type ProducerCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; firstOffset: number; lastOffset: number }
  | { kind: 'error'; code: 'INVALID_PRODUCER_EPOCH' | 'OUT_OF_ORDER_SEQUENCE_NUMBER' | 'INVALID_TXN_STATE'; message: string }

function lastSeqOf(m: BatchMeta): number {
  const delta = m.lastOffset - m.baseOffset
  const last = m.baseSequence + delta
  return last > INT32_MAX ? last - INT32_MAX - 1 : last
}

export class ProducerStateTable {
  private readonly producers = new Map<number, ProducerEntry>()
  // Producer id → first offset of its open transaction (the entries with txnFirstOffset >= 0).
  private readonly ongoing = new Map<number, number>()

  get size(): number {
    return this.producers.size
  }

  entry(producerId: number): ProducerEntry | undefined {
    return this.producers.get(producerId)
  }

  entries(): IterableIterator<ProducerEntry> {
    return this.producers.values()
  }

  // Kafka's order: duplicate check first, then epoch, then sequence (UnifiedLog.analyzeAndValidateProducerState,
  // ProducerAppendInfo.checkProducerEpoch / checkSequence).
  check(m: BatchMeta): ProducerCheck {
    if (m.producerId < 0) return { kind: 'append' }
    const e = this.producers.get(m.producerId)
    if (!e) return { kind: 'append' } // unknown producer (new, or its state expired): any sequence is accepted
    const lastSeq = lastSeqOf(m)
    if (m.producerEpoch === e.epoch) {
      for (const b of e.batches) {
        if (b.firstSeq === m.baseSequence && b.lastSeq === lastSeq) {
          return { kind: 'duplicate', firstOffset: b.firstOffset, lastOffset: b.lastOffset }
        }
      }
    }
    if (m.producerEpoch < e.epoch) {
      return { kind: 'error', code: 'INVALID_PRODUCER_EPOCH', message: `epoch ${m.producerEpoch} is older than ${e.epoch} for producer ${m.producerId}` }
    }
    if (m.producerEpoch > e.epoch) {
      if (m.baseSequence !== 0) {
        return { kind: 'error', code: 'OUT_OF_ORDER_SEQUENCE_NUMBER', message: `sequence ${m.baseSequence} for new epoch ${m.producerEpoch} of producer ${m.producerId} (expected 0)` }
      }
      return this.checkTransactional(m, e)
    }
    const current = e.batches.length > 0 ? e.batches[e.batches.length - 1]!.lastSeq : -1
    const inSequence = m.baseSequence === current + 1 || (current === INT32_MAX && m.baseSequence === 0)
    if (current >= 0 && !inSequence) {
      return { kind: 'error', code: 'OUT_OF_ORDER_SEQUENCE_NUMBER', message: `sequence ${m.baseSequence} for producer ${m.producerId} does not follow ${current}` }
    }
    return this.checkTransactional(m, e)
  }

  // ProducerAppendInfo.appendDataBatch: a producer inside a transaction writes transactionally.
  private checkTransactional(m: BatchMeta, e: ProducerEntry): ProducerCheck {
    if (!m.transactional && e.txnFirstOffset >= 0) {
      return { kind: 'error', code: 'INVALID_TXN_STATE', message: `non-transactional batch from producer ${m.producerId}, which has a transaction open since offset ${e.txnFirstOffset}` }
    }
    return { kind: 'append' }
  }

  // Records an appended batch (offsets already assigned). Also used to replay the log.
  update(m: BatchMeta): void {
    if (m.producerId < 0) return
    let e = this.producers.get(m.producerId)
    if (!e) {
      e = { producerId: m.producerId, epoch: m.producerEpoch, batches: [], lastTimestamp: m.maxTimestamp, txnFirstOffset: -1 }
      this.producers.set(m.producerId, e)
    }
    if (m.producerEpoch !== e.epoch) {
      e.epoch = m.producerEpoch
      e.batches = []
    }
    e.lastTimestamp = m.maxTimestamp
    if (m.control) return
    e.batches.push({ firstSeq: m.baseSequence, lastSeq: lastSeqOf(m), firstOffset: m.baseOffset, lastOffset: m.lastOffset })
    if (e.batches.length > BATCHES_RETAINED) e.batches.shift()
    if (m.transactional && e.txnFirstOffset < 0) {
      e.txnFirstOffset = m.baseOffset
      this.ongoing.set(m.producerId, m.baseOffset)
    }
  }

  // A transaction marker (control batch `m`, offsets assigned) ends the producer's open
  // transaction here. Returns the transaction's first offset, or -1 when the producer wrote
  // nothing to this partition in it (Kafka then records no completed transaction, since 2.8).
  completeTxn(m: BatchMeta): number {
    this.update(m)
    const e = this.producers.get(m.producerId)!
    const first = e.txnFirstOffset
    e.txnFirstOffset = -1
    this.ongoing.delete(m.producerId)
    return first
  }

  // The first offset of the oldest open transaction, or `end` when none is open.
  firstUnstableOffset(end: number): number {
    let lso = end
    for (const first of this.ongoing.values()) if (first < lso) lso = first
    return lso
  }

  get openTransactions(): number {
    return this.ongoing.size
  }

  // Drops producers idle for longer than transactional.id... producer.id.expiration.ms.
  expire(nowMs: number, expirationMs: number): void {
    for (const [id, e] of this.producers) if (e.txnFirstOffset < 0 && nowMs - e.lastTimestamp > expirationMs) this.producers.delete(id)
  }

  // Forgets batches that fell below the log start offset, as Kafka does after retention.
  truncateBelow(offset: number): void {
    for (const [id, e] of this.producers) {
      e.batches = e.batches.filter((b) => b.lastOffset >= offset)
      if (e.batches.length === 0 && e.lastTimestamp < 0) this.producers.delete(id)
    }
  }

  toJSON(offset: number): string {
    return JSON.stringify({ version: 1, offset, producers: [...this.producers.values()] })
  }

  // Returns the offset the snapshot was taken at, or -1 when the text is unusable.
  load(text: string): number {
    try {
      const parsed = JSON.parse(text) as { version: number; offset: number; producers: ProducerEntry[] }
      if (parsed.version !== 1 || !Array.isArray(parsed.producers)) return -1
      this.clear()
      for (const p of parsed.producers) {
        // Snapshots written before transactions were served carry no txnFirstOffset.
        if (typeof p.txnFirstOffset !== 'number') p.txnFirstOffset = -1
        this.producers.set(p.producerId, p)
        if (p.txnFirstOffset >= 0) this.ongoing.set(p.producerId, p.txnFirstOffset)
      }
      return parsed.offset
    } catch {
      return -1
    }
  }

  clear(): void {
    this.producers.clear()
    this.ongoing.clear()
  }
}
