// The cleaner's key → latest offset map (Kafka's SkimpyOffsetMap): keys are stored as their MD5
// hash (16 bytes) beside an 8-byte offset, in one open-addressing table, so memory is bounded by
// `log.cleaner.dedupe.buffer.size` whatever the keys are. The table starts small and doubles up to
// that bound (a broker that cleans small logs does not hold the whole buffer); once it is full the
// cleaner cleans only the part of the log whose keys fit, as Kafka does.

import { md5Into } from './md5.js'

const HASH = 16
const ENTRY = HASH + 8
const INITIAL_SLOTS = 1 << 14

// The same MD5 as Kafka's SkimpyOffsetMap (so the same collision odds), computed in JavaScript
// (md5.ts: several times cheaper per short key than a call into node:crypto). Into one scratch
// buffer: put and get use the digest before they return, and nothing between them awaits.
const digest = Buffer.alloc(HASH)
const md5 = (key: Buffer): Buffer => md5Into(key, digest)

export class OffsetMap {
  private table: Buffer
  private slots: number
  private used = 0
  private readonly maxSlots: number
  // The largest offset put: where the part of the log the map covers ends.
  latestOffset = -1

  // memoryBytes: log.cleaner.dedupe.buffer.size divided among the cleaner threads. expectedKeys:
  // how many keys the last pass over the same log mapped, so that the table starts at its size:
  // growing it rehashes every key synchronously, which held produce 10-35 ms in every pass of
  // bench/compaction.js (20,000 keys) when each pass started from the smallest table.
  // recycled: the table of an earlier map (`table`), reused when large enough, so that a thread
  // that does pass after pass does not leave a table behind for V8 to collect each time.
  constructor(memoryBytes: number, private readonly loadFactor = 0.9, expectedKeys = 0, recycled?: Buffer) {
    this.maxSlots = Math.max(INITIAL_SLOTS, Math.floor(memoryBytes / ENTRY))
    let slots = INITIAL_SLOTS
    while (slots * loadFactor <= expectedKeys && slots < this.maxSlots) slots *= 2
    this.slots = Math.min(slots, this.maxSlots)
    const bytes = this.slots * ENTRY
    this.table = recycled && recycled.length >= bytes ? recycled.subarray(0, bytes).fill(0) : Buffer.alloc(bytes)
  }

  // The memory of the table, for the next map (recycled).
  get tableBuffer(): Buffer {
    return this.table
  }

  get size(): number {
    return this.used
  }

  // Slots in the table now (24 bytes each).
  get capacity(): number {
    return this.slots
  }

  // No room for another key (Kafka stops building the map here, at a batch boundary).
  get full(): boolean {
    return this.slots === this.maxSlots && this.used >= this.maxSlots * this.loadFactor
  }

  put(key: Buffer, offset: number): void {
    if (this.used >= this.slots * this.loadFactor && this.slots < this.maxSlots) this.grow()
    const hash = md5(key)
    const at = this.find(this.table, this.slots, hash)
    if (this.isEmpty(this.table, at)) {
      hash.copy(this.table, at)
      this.used++
    }
    // Offsets are stored + 1 so that an all-zero slot means empty.
    this.table.writeDoubleBE(offset + 1, at + HASH)
    if (offset > this.latestOffset) this.latestOffset = offset
  }

  // The latest offset of the key, or -1.
  get(key: Buffer): number {
    const hash = md5(key)
    const at = this.find(this.table, this.slots, hash)
    return this.isEmpty(this.table, at) ? -1 : this.table.readDoubleBE(at + HASH) - 1
  }

  private isEmpty(table: Buffer, at: number): boolean {
    return table.readDoubleBE(at + HASH) === 0
  }

  // The slot holding `hash`, or the empty slot where it would go (linear probing).
  private find(table: Buffer, slots: number, hash: Buffer): number {
    let slot = hash.readUInt32BE(0) % slots
    for (;;) {
      const at = slot * ENTRY
      if (this.isEmpty(table, at) || hash.compare(table, at, at + HASH) === 0) return at
      slot = slot + 1 === slots ? 0 : slot + 1
    }
  }

  private grow(): void {
    const slots = Math.min(this.maxSlots, this.slots * 2)
    const table = Buffer.alloc(slots * ENTRY)
    for (let at = 0; at < this.table.length; at += ENTRY) {
      if (this.isEmpty(this.table, at)) continue
      const to = this.find(table, slots, this.table.subarray(at, at + HASH))
      this.table.copy(table, to, at, at + ENTRY)
    }
    this.table = table
    this.slots = slots
  }
}
