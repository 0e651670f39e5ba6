// The PostgreSQL store's statements that are built per call (a VALUES row per batch).

import type { BatchHeader } from '../../../protocol/records/index.js'
import type { AbortedTxn } from '../../log/txn-index.js'

// A batch row's header columns as the drivers return them (bigint as text).
export interface BatchRow {
  base_offset: string
  last_offset: string
  max_timestamp: string
  producer_id: string
  producer_epoch: number
  base_sequence: number
  is_transactional: boolean
  is_control: boolean
  leader_epoch: number
  record_count: number
  size: number
}

const BATCH_COLUMNS = 11

export interface PartitionRow {
  next_offset: string
  log_start_offset: string
  leader_epoch: number
}

export const PARTITION_ROW_SQL = 'SELECT next_offset, log_start_offset, leader_epoch FROM rivulet_partitions WHERE topic_id = $1 AND partition = $2'

export const HEADER_COLUMNS = 'base_offset, last_offset, max_timestamp, producer_id, producer_epoch, base_sequence, is_transactional, is_control, leader_epoch, record_count, size'

export function headerOf(r: BatchRow): BatchHeader {
  return {
    position: 0,
    size: r.size,
    baseOffset: Number(r.base_offset),
    lastOffset: Number(r.last_offset),
    partitionLeaderEpoch: r.leader_epoch,
    maxTimestamp: Number(r.max_timestamp),
    producerId: Number(r.producer_id),
    producerEpoch: r.producer_epoch,
    baseSequence: r.base_sequence,
    recordCount: r.record_count,
    transactional: r.is_transactional,
    control: r.is_control,
  }
}

// Advances the partition from `expected` to `next` if it is still at `epoch` and `expected`, and
// in the same statement inserts one row per batch (and, for an abort marker, the aborted
// transaction). Returns one row per batch inserted, none when the condition failed.
export function insertBatchesSql(
  ref: { topicId: string; partition: number },
  epoch: number,
  expected: number,
  next: number,
  records: Buffer,
  metas: readonly BatchHeader[],
  abort: AbortedTxn | null,
): { text: string; values: unknown[] } {
  const values: unknown[] = [ref.topicId, ref.partition, epoch, expected, next]
  const rows: string[] = []
  for (const m of metas) {
    const at = values.length
    values.push(m.baseOffset, m.lastOffset, m.maxTimestamp, m.producerId, m.producerEpoch, m.baseSequence, m.transactional, m.control, m.recordCount, m.size)
    values.push(m.position === 0 && m.size === records.length ? records : records.subarray(m.position, m.position + m.size))
    const p = Array.from({ length: BATCH_COLUMNS }, (_, i) => `$${at + i + 1}`)
    rows.push(`(${p[0]}::bigint, ${p[1]}::bigint, ${p[2]}::bigint, ${p[3]}::bigint, ${p[4]}::smallint, ${p[5]}::int, ${p[6]}::boolean, ${p[7]}::boolean, ${p[8]}::int, ${p[9]}::int, ${p[10]}::bytea)`)
  }
  let aborted = ''
  if (abort) {
    const at = values.length
    values.push(abort.producerId, abort.firstOffset, abort.lastOffset, abort.lastStableOffset)
    aborted = `, a AS (INSERT INTO rivulet_aborted_txns SELECT $1, $2, $${at + 1}::bigint, $${at + 2}::bigint, $${at + 3}::bigint, $${at + 4}::bigint FROM p)`
  }
  const text = `WITH p AS (UPDATE rivulet_partitions SET next_offset = $5, high_watermark = $5
    WHERE topic_id = $1 AND partition = $2 AND leader_epoch = $3 AND next_offset = $4 RETURNING 1)${aborted}
  INSERT INTO rivulet_batches (topic_id, partition, base_offset, last_offset, max_timestamp, producer_id, producer_epoch, base_sequence,
    is_transactional, is_control, record_count, size, bytes, leader_epoch)
  SELECT $1, $2, v.*, $3 FROM p, (VALUES ${rows.join(', ')}) v
  RETURNING 1`
  return { text, values }
}

// The base offset of the first batch retention keeps, from the log start ($3): by time, the first
// whose largest timestamp is not older than $4 (or unknown, which Kafka never deletes by time); by
// size, the first after the oldest batches whose sizes add up to at most $4 (the excess bytes).
export function retentionStartSql(by: 'time' | 'size'): string {
  if (by === 'time') {
    return `SELECT base_offset FROM rivulet_batches WHERE topic_id = $1 AND partition = $2 AND last_offset >= $3
      AND (max_timestamp < 0 OR max_timestamp >= $4) ORDER BY last_offset LIMIT 1`
  }
  return `SELECT base_offset FROM (SELECT base_offset, last_offset, sum(size) OVER (ORDER BY last_offset) AS cum FROM rivulet_batches
      WHERE topic_id = $1 AND partition = $2 AND last_offset >= $3) s WHERE cum > $4 ORDER BY last_offset LIMIT 1`
}

// One partition's share of a group commit (group-commit.ts): its condition and the appends it carries.
export interface GroupPart<E extends { records: Buffer; metas: readonly BatchHeader[]; abort: AbortedTxn | null }> {
  topicId: string
  partition: number
  epoch: number
  expected: number
  next: number
  entries: E[]
}

// Group commit in one statement: advances each partition row still at its epoch and expected
// offset, and inserts the batches (and aborted transactions) of the partitions it advanced only.
// Returns one row per partition advanced, with its index `k` in `parts`; a partition missing from
// the answer failed its condition and stored nothing. The text depends only on the counts of
// partitions, batches and aborts, so it is prepared once per shape.
export function groupInsertSql<E extends { records: Buffer; metas: readonly BatchHeader[]; abort: AbortedTxn | null }>(parts: readonly GroupPart<E>[]): { text: string; values: unknown[] } {
  const values: unknown[] = []
  const at = (v: unknown, cast: string) => `$${values.push(v)}::${cast}`
  const conds: string[] = []
  const batches: string[] = []
  const aborts: string[] = []
  parts.forEach((p, k) => {
    conds.push(`(${at(k, 'int')}, ${at(p.topicId, 'uuid')}, ${at(p.partition, 'int')}, ${at(p.epoch, 'int')}, ${at(p.expected, 'bigint')}, ${at(p.next, 'bigint')})`)
    for (const e of p.entries) {
      for (const m of e.metas) {
        const bytes = m.position === 0 && m.size === e.records.length ? e.records : e.records.subarray(m.position, m.position + m.size)
        batches.push(
          `(${at(k, 'int')}, ${at(m.baseOffset, 'bigint')}, ${at(m.lastOffset, 'bigint')}, ${at(m.maxTimestamp, 'bigint')}, ${at(m.producerId, 'bigint')}, ${at(m.producerEpoch, 'smallint')}, ${at(m.baseSequence, 'int')}, ${at(m.transactional, 'boolean')}, ${at(m.control, 'boolean')}, ${at(m.recordCount, 'int')}, ${at(m.size, 'int')}, ${at(bytes, 'bytea')})`,
        )
      }
      const a = e.abort
      if (a) aborts.push(`(${at(k, 'int')}, ${at(a.producerId, 'bigint')}, ${at(a.firstOffset, 'bigint')}, ${at(a.lastOffset, 'bigint')}, ${at(a.lastStableOffset, 'bigint')})`)
    }
  })
  const aborted = aborts.length === 0 ? '' : `,
  a AS (INSERT INTO rivulet_aborted_txns SELECT p.topic_id, p.partition, y.producer_id, y.first_offset, y.last_offset, y.lso
    FROM (VALUES ${aborts.join(', ')}) y(k, producer_id, first_offset, last_offset, lso) JOIN p USING (k))`
  const text = `WITH v(k, topic_id, partition, epoch, expected, next) AS (VALUES ${conds.join(', ')}),
  p AS (UPDATE rivulet_partitions r SET next_offset = v.next, high_watermark = v.next FROM v
    WHERE r.topic_id = v.topic_id AND r.partition = v.partition AND r.leader_epoch = v.epoch AND r.next_offset = v.expected
    RETURNING v.k, r.topic_id, r.partition, r.leader_epoch),
  b AS (INSERT INTO rivulet_batches (topic_id, partition, base_offset, last_offset, max_timestamp, producer_id, producer_epoch, base_sequence,
      is_transactional, is_control, record_count, size, bytes, leader_epoch)
    SELECT p.topic_id, p.partition, x.base_offset, x.last_offset, x.max_timestamp, x.producer_id, x.producer_epoch, x.base_sequence,
      x.is_transactional, x.is_control, x.record_count, x.size, x.bytes, p.leader_epoch
    FROM (VALUES ${batches.join(', ')}) x(k, base_offset, last_offset, max_timestamp, producer_id, producer_epoch, base_sequence, is_transactional, is_control, record_count, size, bytes)
    JOIN p USING (k))${aborted}
  SELECT k FROM p`
  return { text, values }
}
