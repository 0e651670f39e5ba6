// The message browser's reads: records of a topic from an offset, a timestamp or the newest end,
// decoded with protocol/records (compressed batches too) through the PartitionStore as a fetch at
// read_uncommitted would see them, transaction markers left out. A search looks at a bounded
// window of records per partition, so a console request never walks a whole large log.

import { isUtf8 } from 'node:buffer'
import { decodeBatchRecords, readBatchInfo, RecordDecodeError, type Record } from '../../../protocol/records/index.js'
import type { Broker } from '../../broker.js'
import type { PartitionStore } from '../../log/partition-store.js'
import { requireTopic } from './views.js'

export const MAX_LIMIT = 500
export const MAX_SCAN = 100_000
export const DEFAULT_SCAN = 10_000
// Bytes shown of one key, value or header; a search still sees all of it.
const SHOWN_BYTES = 64 * 1024
// Bytes of keys, values and headers one answer shows at most (500 records of 1 MiB values would
// otherwise be a 100 MB answer); a page stops early, and says so, once past it.
const ANSWER_BYTES = 4 * 1024 * 1024
const CHUNK = 1 << 20

export type Field = 'key' | 'value' | 'headers'

export interface BrowseOptions {
  partition?: number
  offset?: number
  timestamp?: number
  limit: number
  // A case-insensitive substring looked for in `fields`, over at most `scan` records in all
  // (shared evenly among the partitions read), so one search blocks the broker only briefly.
  q?: string
  fields: ReadonlySet<Field>
  scan: number
}

// What one answer has left to show, shared by the partitions it reads.
interface Budget {
  bytes: number
}

export interface Shown {
  encoding: 'utf8' | 'hex'
  data: string
  length: number
  truncated: boolean
}

// Text when the bytes are UTF-8 without control characters (other than tab and line breaks):
// small binary values are often valid UTF-8 by accident, and would show as invisible characters.
function isText(b: Buffer): boolean {
  if (!isUtf8(b)) return false
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return false
  }
  return true
}

export function show(b: Buffer | null): Shown | null {
  if (b === null) return null
  const cut = b.length > SHOWN_BYTES ? b.subarray(0, SHOWN_BYTES) : b
  // A cut may split a UTF-8 sequence: judge the whole buffer, decode the cut.
  const text = isText(b)
  return { encoding: text ? 'utf8' : 'hex', data: cut.toString(text ? 'utf8' : 'hex'), length: b.length, truncated: cut !== b }
}

function searchable(b: Buffer | null): string {
  if (b === null) return ''
  return (isText(b) ? b.toString('utf8') : b.toString('hex')).toLowerCase()
}

function matches(r: Record, q: string, fields: ReadonlySet<Field>): boolean {
  if (fields.has('key') && searchable(r.key).includes(q)) return true
  if (fields.has('value') && searchable(r.value).includes(q)) return true
  if (fields.has('headers')) {
    for (const h of r.headers) if (h.key.toLowerCase().includes(q) || searchable(h.value).includes(q)) return true
  }
  return false
}

function startOffset(log: PartitionStore, o: BrowseOptions): number {
  const { logStartOffset: first, highWatermark: hw } = log
  if (o.offset !== undefined) return Math.min(Math.max(o.offset, first), hw)
  if (o.timestamp !== undefined) return log.offsetForTimestamp(o.timestamp)?.offset ?? hw
  // The newest end: the last `limit` records, or the last `scan` when searching.
  return Math.max(first, hw - (o.q ? o.scan : o.limit))
}

export interface ShownRecord {
  partition: number
  offset: number
  timestamp: number
  key: Shown | null
  value: Shown | null
  headers: { key: string; value: Shown | null }[]
}

interface PartitionRead {
  records: ShownRecord[]
  // Where a further page would start, and how many records this read looked at.
  next: number
  scanned: number
  errors: { offset: number; error: string }[]
}

function readPartition(log: PartitionStore, partition: number, o: BrowseOptions, budget: Budget): PartitionRead {
  const out: PartitionRead = { records: [], next: startOffset(log, o), scanned: 0, errors: [] }
  const q = o.q?.toLowerCase()
  const hw = log.highWatermark
  while (out.next < hw && out.records.length < o.limit && out.scanned < o.scan && budget.bytes > 0) {
    const { records } = log.read(out.next, CHUNK, { minOneBatch: true })
    if (!records || records.length < 12) break
    const before = out.next
    for (let at = 0; at + 12 <= records.length && out.records.length < o.limit && out.scanned < o.scan && budget.bytes > 0; ) {
      const size = 12 + records.readInt32BE(at + 8)
      if (at + size > records.length) break
      const batch = records.subarray(at, at + size)
      at += size
      const info = readBatchInfo(batch, 0)
      const end = info.baseOffset + info.lastOffsetDelta + 1
      if (!info.isControl) visitBatch(batch, partition, hw, q, o, out, budget)
      // A full page may stop inside a batch: the next page starts at the record after the last shown.
      if (out.records.length >= o.limit || out.scanned >= o.scan || budget.bytes <= 0) break
      out.next = Math.max(out.next, Math.min(end, hw))
    }
    if (out.next === before) break
  }
  return out
}

function visitBatch(batch: Buffer, partition: number, hw: number, q: string | undefined, o: BrowseOptions, out: PartitionRead, budget: Budget): void {
  let decoded: Record[]
  try {
    decoded = decodeBatchRecords(batch)
  } catch (err) {
    if (!(err instanceof RecordDecodeError)) throw err
    out.errors.push({ offset: readBatchInfo(batch, 0).baseOffset, error: `${err.code}: ${err.message}` })
    return
  }
  for (const r of decoded) {
    if (r.offset < out.next || r.offset >= hw) continue
    if (out.records.length >= o.limit || out.scanned >= o.scan || budget.bytes <= 0) return
    out.scanned++
    out.next = r.offset + 1
    if (q !== undefined && q !== '' && !matches(r, q, o.fields)) continue
    const shown = { partition, offset: r.offset, timestamp: r.timestamp, key: show(r.key), value: show(r.value), headers: r.headers.map((h) => ({ key: h.key, value: show(h.value) })) }
    budget.bytes -= (shown.key?.data.length ?? 0) + (shown.value?.data.length ?? 0) + shown.headers.reduce((n, h) => n + h.key.length + (h.value?.data.length ?? 0), 0)
    out.records.push(shown)
  }
}

export function browse(b: Broker, topic: string, o: BrowseOptions) {
  const t = requireTopic(b, topic)
  const partitions = o.partition === undefined ? [...Array(t.partitions).keys()] : [o.partition]
  const each = { ...o, scan: Math.max(1, Math.ceil(o.scan / partitions.length)) }
  const budget: Budget = { bytes: ANSWER_BYTES }
  const reads = partitions.map((p) => {
    const log = b.localPartition(topic, p)
    return { partition: p, read: log ? readPartition(log, p, each, budget) : null }
  })
  const all = reads.flatMap((r) => r.read?.records ?? [])
  all.sort((x, y) => x.timestamp - y.timestamp || x.partition - y.partition || x.offset - y.offset)
  // Newest first is what a browser wants at its default position; a seek reads forward.
  const newest = o.offset === undefined && o.timestamp === undefined
  const records = newest ? all.slice(-o.limit).reverse() : all.slice(0, o.limit)
  return {
    topic,
    // True when the answer stopped at its size bound before `limit` records.
    truncated: budget.bytes <= 0,
    records,
    partitions: reads.map((r) => ({ partition: r.partition, next: r.read?.next ?? null, scanned: r.read?.scanned ?? 0, errors: r.read?.errors ?? [] })),
  }
}
