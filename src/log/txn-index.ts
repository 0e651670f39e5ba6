// Aborted transactions of a partition (Kafka's TransactionIndex): one entry per abort marker, kept
// in the `.txnindex` file of the segment holding the marker, in Kafka's layout (version i16,
// producer id i64, first offset i64, last offset i64, last stable offset i64). A read_committed
// fetch gets the entries overlapping what it reads, so the consumer can drop aborted records.
// Every entry is held in memory: there is one per aborted transaction, and they go with their
// segments.

import type { ByteFile, Storage } from './storage.js'

export const TXN_ENTRY = 34
const VERSION = 0

export interface AbortedTxn {
  producerId: number
  firstOffset: number
  lastOffset: number // the abort marker's offset
  lastStableOffset: number
}

export function encodeAbortedTxn(a: AbortedTxn): Buffer {
  const b = Buffer.allocUnsafe(TXN_ENTRY)
  b.writeInt16BE(VERSION, 0)
  b.writeBigInt64BE(BigInt(a.producerId), 2)
  b.writeBigInt64BE(BigInt(a.firstOffset), 10)
  b.writeBigInt64BE(BigInt(a.lastOffset), 18)
  b.writeBigInt64BE(BigInt(a.lastStableOffset), 26)
  return b
}

// Whole entries of a known version; a torn or unknown tail is ignored.
export function decodeAbortedTxns(buf: Buffer): AbortedTxn[] {
  const out: AbortedTxn[] = []
  for (let at = 0; at + TXN_ENTRY <= buf.length; at += TXN_ENTRY) {
    if (buf.readInt16BE(at) !== VERSION) break
    out.push({
      producerId: Number(buf.readBigInt64BE(at + 2)),
      firstOffset: Number(buf.readBigInt64BE(at + 10)),
      lastOffset: Number(buf.readBigInt64BE(at + 18)),
      lastStableOffset: Number(buf.readBigInt64BE(at + 26)),
    })
  }
  return out
}

export class TxnIndex {
  // Sorted by lastOffset (markers are appended in offset order).
  private entries: AbortedTxn[] = []
  private file: ByteFile | null = null
  private fileBase = -1

  constructor(private readonly storage: Storage, private readonly pathFor: (segmentBase: number) => string) {}

  get size(): number {
    return this.entries.length
  }

  // Reads the `.txnindex` files of the given segments (only those that exist).
  load(segmentBases: readonly number[], existing: ReadonlySet<string>): void {
    this.entries = []
    for (const base of segmentBases) {
      const file = this.pathFor(base)
      if (!existing.has(file)) continue
      const f = this.storage.open(file)
      try {
        this.entries.push(...decodeAbortedTxns(f.read(0, f.size)))
      } finally {
        f.close()
      }
    }
    this.entries.sort((a, b) => a.lastOffset - b.lastOffset)
  }

  has(lastOffset: number): boolean {
    const i = this.firstAtOrAfter(lastOffset)
    return i < this.entries.length && this.entries[i]!.lastOffset === lastOffset
  }

  // Appends an entry to the index file of the segment holding its marker.
  add(a: AbortedTxn, segmentBase: number): void {
    if (this.fileBase !== segmentBase) {
      this.file?.close()
      this.file = this.storage.open(this.pathFor(segmentBase))
      this.fileBase = segmentBase
    }
    this.file!.append([encodeAbortedTxn(a)])
    const i = this.firstAtOrAfter(a.lastOffset)
    this.entries.splice(i, 0, a)
  }

  // After recovery cut the log at `end`: entries for markers at or past it go, in memory and in
  // the file of the segment starting at `segmentBase` (the only one recovery truncates).
  truncateTo(end: number, segmentBase: number): void {
    const keep = this.firstAtOrAfter(end)
    if (keep === this.entries.length) return
    this.entries.length = keep
    const inSegment = this.entries.filter((e) => e.lastOffset >= segmentBase).length
    const f = this.storage.open(this.pathFor(segmentBase))
    try {
      f.truncate(inSegment * TXN_ENTRY)
    } finally {
      f.close()
    }
  }

  // Drops the entries of a deleted segment (markers below `nextBase`); its file goes with it.
  dropBelow(nextBase: number): void {
    const i = this.firstAtOrAfter(nextBase)
    if (i > 0) this.entries.splice(0, i)
  }

  // The cleaner swapped in a segment for the markers in [from, to): the entries it kept replace the
  // ones there, in memory as in its file. An entry left behind for a marker the cleaner removed
  // would open an aborted transaction nothing closes: read_committed consumers (and the next pass)
  // would then drop the producer's later committed batches.
  replaceRange(from: number, to: number, kept: readonly AbortedTxn[]): void {
    const start = this.firstAtOrAfter(from)
    this.entries.splice(start, this.firstAtOrAfter(to) - start, ...kept)
  }

  // Kafka's collectAbortedTransactions: the transactions a read of [from, to) may contain records
  // of — aborted at or after `from` and begun before `to`. Past an entry whose last stable offset
  // reaches `to`, no later transaction can have begun before `to`.
  overlapping(from: number, to: number): AbortedTxn[] {
    const out: AbortedTxn[] = []
    for (let i = this.firstAtOrAfter(from); i < this.entries.length; i++) {
      const e = this.entries[i]!
      if (e.firstOffset < to) out.push(e)
      if (e.lastStableOffset >= to) break
    }
    return out
  }

  flush(): void {
    this.file?.flush()
  }

  // The active segment rolled (or the log closes): the next abort opens its own file.
  release(): void {
    this.detach()?.close()
  }

  // release() that hands the file over instead of closing it (a roll flushes it off the event
  // loop, then closes it).
  detach(): ByteFile | null {
    const f = this.file
    this.file = null
    this.fileBase = -1
    return f
  }

  private firstAtOrAfter(lastOffset: number): number {
    let lo = 0
    let hi = this.entries.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.entries[mid]!.lastOffset < lastOffset) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}
