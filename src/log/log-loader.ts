// Opening a partition log (Kafka's LogLoader): finishing or undoing an interrupted cleaner swap,
// opening the segments (recovering the active one after an unclean stop, the others lazily),
// and the producer-state snapshot with the replay of the batch headers after it.

import path from 'node:path'
import { ControlRecordType, decodeBatchRecords, readControlRecord } from '../../protocol/records/index.js'
import { recoverSwaps } from './cleaner/swap.js'
import type { ProducerStateTable } from './producer-state.js'
import type { Segment } from './segment.js'
import type { Storage } from './storage.js'
import type { TxnIndex } from './txn-index.js'
import type { BatchMeta, LogConfig } from './types.js'

const PRODUCER_STATE_FILE = 'producer-state.json'

export interface OpenOptions {
  storage: Storage
  dir: string
  config: LogConfig
  clean: boolean
  logStartOffset: number
  // Unclean start: segments ending after it are recovered (undefined: only the active one, for a
  // data directory written before recovery points were checkpointed, whose rolls fsynced).
  recoveryPoint?: number
  nowMs: number
  warn?: (msg: string, details: object) => void
}

// The segments of the directory, oldest first (at least one: an empty log starts at the log start).
export function loadSegments(o: OpenOptions, aborted: TxnIndex, openSegment: (base: number) => Segment): Segment[] {
  o.storage.mkdirp(o.dir)
  for (const done of recoverSwaps(o.storage, o.dir)) o.warn?.(done, { dir: o.dir })
  const files = o.storage.list(o.dir)
  const bases = files
    .filter((f) => /^\d{20}\.log$/.test(f))
    .map((f) => Number(f.slice(0, 20)))
    .sort((a, b) => a - b)
  for (const f of files) if (f.endsWith('.tmp')) o.storage.remove(path.join(o.dir, f))
  aborted.load(bases, new Set(files.filter((f) => f.endsWith('.txnindex')).map((f) => path.join(o.dir, f))))
  const segments: Segment[] = []
  for (let i = 0; i < bases.length; i++) {
    const seg = openSegment(bases[i]!)
    const last = i === bases.length - 1
    // After an unclean stop the active segment can hold a torn write, and so can the sealed ones
    // past the recovery point (their flush after the roll may not have happened: Kafka's
    // LogLoader recovers from the recovery point too); older segments open lazily, and are
    // recovered when their files do not look sealed.
    const unflushed = !last && o.recoveryPoint !== undefined && bases[i + 1]! > o.recoveryPoint
    if (unflushed && !o.clean) {
      const r = seg.recover(o.config.indexIntervalBytes)
      if (r.truncated > 0) o.warn?.('truncated torn segment past the recovery point', { dir: o.dir, segment: bases[i], bytes: r.truncated, reason: r.reason })
      // Sealed again as at its roll; its offsets end where the next segment's begin (a cleaned
      // segment's last batch may end earlier).
      seg.seal()
      seg.nextOffset = Math.max(seg.nextOffset, bases[i + 1]!)
    } else if (last && !o.clean) {
      const r = seg.recover(o.config.indexIntervalBytes)
      if (r.truncated > 0) o.warn?.('truncated torn log tail', { dir: o.dir, segment: bases[i], bytes: r.truncated, reason: r.reason })
      aborted.truncateTo(seg.nextOffset, seg.baseOffset)
    } else if (!(last ? seg.loadIndexes() : seg.openSealed(bases[i + 1]!))) {
      const r = seg.recover(o.config.indexIntervalBytes)
      if (r.truncated > 0) o.warn?.('truncated corrupt segment', { dir: o.dir, segment: bases[i], bytes: r.truncated, reason: r.reason })
    }
    segments.push(seg)
  }
  if (segments.length === 0) segments.push(openSegment(o.logStartOffset))
  return segments
}

// Written even when no producer is known (unless the log is empty): the snapshot's offset is
// what spares the next start a replay of the whole log.
// A roll writes it without fsync (`durable: false`), as Kafka's roll takes its snapshot unflushed:
// one missing, unreadable or older after a machine crash only means a longer replay, and one
// past the end of what survived is ignored (loadProducerSnapshot).
export function saveProducerSnapshot(storage: Storage, dir: string, producers: ProducerStateTable, logStartOffset: number, logEndOffset: number, durable = true): void {
  const file = path.join(dir, PRODUCER_STATE_FILE)
  if (producers.size === 0 && logEndOffset === logStartOffset && !storage.exists(file)) return
  storage.writeAtomic(file, producers.toJSON(logEndOffset), { durable })
}

// Loads the last snapshot; returns the offset to replay from (the log start when there is no
// usable snapshot, as Kafka's ProducerStateManager does).
export function loadProducerSnapshot(storage: Storage, dir: string, producers: ProducerStateTable, logStartOffset: number, logEndOffset: number): number {
  const text = storage.readText(path.join(dir, PRODUCER_STATE_FILE))
  const from = text === null ? -1 : producers.load(text)
  if (from >= 0 && from <= logEndOffset) return from
  producers.clear()
  return logStartOffset
}

// Replays batch headers from `from` (the first segment given holds it); markers end transactions.
export function replayProducerState(segments: readonly Segment[], from: number, producers: ProducerStateTable, completeTxn: (m: BatchMeta, commit: boolean) => void): void {
  for (const seg of segments) {
    seg.forEachBatch(from, (m, buf, at) => {
      if (!m.control) return producers.update(m)
      const marker = readControlRecord(decodeBatchRecords(buf.subarray(at, at + m.size))[0] ?? { key: null, value: null })
      if (marker && (marker.type === ControlRecordType.commit || marker.type === ControlRecordType.abort)) {
        completeTxn(m, marker.type === ControlRecordType.commit)
      } else {
        producers.update(m)
      }
    })
  }
}
