// What a cleaning pass knows about transactions as it walks the log from its start (Kafka's
// CleanedTransactionMetadata): which data batches belong to aborted transactions (removed), and
// which markers may go because no batch of their transaction is left.

import type { AbortedTxn } from '../txn-index.js'

interface OngoingAborted {
  txn: AbortedTxn
  observedData: boolean // a data batch of it was seen (and removed) in this pass
}

export class CleaningTxnState {
  private next = 0
  private readonly aborted = new Map<number, OngoingAborted>()
  private readonly committed = new Set<number>()
  // Aborted transactions whose data this pass removed: the cleaned segment's .txnindex keeps them
  // (with their markers) until a later pass finds no data left.
  readonly observedAborts: AbortedTxn[] = []

  // `abortedTxns`: every aborted transaction of the log, sorted by first offset.
  constructor(private readonly abortedTxns: readonly AbortedTxn[]) {}

  private startAbortedUpTo(offset: number): void {
    while (this.next < this.abortedTxns.length && this.abortedTxns[this.next]!.firstOffset <= offset) {
      const txn = this.abortedTxns[this.next++]!
      this.aborted.set(txn.producerId, { txn, observedData: false })
    }
  }

  // A transactional data batch: true when it belongs to an aborted transaction (discard it).
  onDataBatch(producerId: number, lastOffset: number): boolean {
    this.startAbortedUpTo(lastOffset)
    const ongoing = this.aborted.get(producerId)
    if (ongoing) {
      ongoing.observedData = true
      return true
    }
    this.committed.add(producerId)
    return false
  }

  // A transaction marker: true when no batch of its transaction remains, so that (once past its
  // delete horizon) it may go too.
  onMarker(producerId: number, offset: number, commit: boolean): boolean {
    this.startAbortedUpTo(offset)
    if (commit) return !this.committed.delete(producerId)
    const ongoing = this.aborted.get(producerId)
    this.aborted.delete(producerId)
    if (ongoing?.observedData) {
      this.observedAborts.push(ongoing.txn)
      return false
    }
    return true
  }
}
