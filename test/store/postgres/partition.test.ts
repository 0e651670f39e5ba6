// The PostgreSQL partition store against a real PostgreSQL (test/helpers/postgres.ts): offsets
// assigned in the committing statement, reads with KIP-74's first-batch rule, producer state,
// transactions, ListOffsets by time, DeleteRecords, retention and the schema version guard.
import { expect, it } from 'vitest'
import { buildBatch, getBaseOffset, getPartitionLeaderEpoch, readHeaders } from '../../../protocol/records/index.js'
import { LogError } from '../../../src/log/types.js'
import { connect } from '../../../src/store/postgres/db.js'
import { SCHEMA_VERSION, SchemaError } from '../../../src/store/postgres/schema.js'
import { PostgresStore } from '../../../src/store/postgres/store.js'
import { describePostgres } from '../../helpers/postgres.js'
import { NOW, batch, ledPartition } from './fixtures.js'

const offsetsIn = (buf: Buffer | null) => (buf ? readHeaders(buf).map((h) => [h.baseOffset, h.lastOffset]) : [])

async function rejected(p: Promise<unknown> | unknown): Promise<LogError> {
  try {
    await p
  } catch (err) {
    if (err instanceof LogError) return err
    throw err
  }
  throw new Error('expected a LogError')
}

describePostgres('PostgreSQL partition store', (pg) => {
  it('creates its schema once, and refuses a database written by a newer Rivulet', async () => {
    const url = await pg.freshDatabase()
    const a = await PostgresStore.open(url)
    const b = await PostgresStore.open(url) // already at the current version: nothing to do
    expect(await a.db.query('SELECT version FROM rivulet_schema')).toEqual([{ version: SCHEMA_VERSION }])
    await b.close()
    await a.db.query('UPDATE rivulet_schema SET version = $1', [SCHEMA_VERSION + 1])
    await a.close()
    const err = await PostgresStore.open(url).then(() => null, (e: unknown) => e)
    expect(err).toBeInstanceOf(SchemaError)
    expect((err as Error).message).toMatch(`schema version ${SCHEMA_VERSION + 1}, newer than this Rivulet's ${SCHEMA_VERSION}`)
  })

  it('assigns offsets in the committing statement: one row per batch, offsets and epoch in the stored bytes', async () => {
    const url = await pg.freshDatabase()
    const { store, part, epoch } = await ledPartition(url)
    const r1 = await part.append(batch(3), { nowMs: NOW })
    const r2 = await part.append(Buffer.concat([batch(2, { from: 3 }), batch(1, { from: 5 })]), { nowMs: NOW })
    expect([r1.baseOffset, r1.lastOffset, r2.baseOffset, r2.lastOffset]).toEqual([0, 2, 3, 5])
    expect([part.logStartOffset, part.logEndOffset, part.highWatermark]).toEqual([0, 6, 6])
    // Committed when append returned: another connection sees the rows and the partition's offset.
    const other = connect(url)
    const rows = await other.query<{ base_offset: string; last_offset: string; bytes: Buffer }>('SELECT base_offset, last_offset, bytes FROM rivulet_batches ORDER BY last_offset')
    expect(rows.map((r) => [Number(r.base_offset), Number(r.last_offset)])).toEqual([[0, 2], [3, 4], [5, 5]])
    expect(rows.map((r) => [getBaseOffset(r.bytes, 0), getPartitionLeaderEpoch(r.bytes, 0)])).toEqual([[0, epoch], [3, epoch], [5, epoch]])
    expect(await other.query('SELECT next_offset::int, high_watermark::int FROM rivulet_partitions')).toEqual([{ next_offset: 6, high_watermark: 6 }])
    await other.end()
    expect(part.size).toBe(rows.reduce((n, r) => n + r.bytes.length, 0))
    await store.close()
  })

  it('reads whole batches from the one holding the offset, up to maxBytes, the first always (KIP-74)', async () => {
    const { store, part } = await ledPartition(await pg.freshDatabase())
    for (let i = 0; i < 4; i++) await part.append(batch(2, { from: i * 2, valueBytes: 1000 }), { nowMs: NOW })
    const one = readHeaders((await part.read(0, 1_000_000, { minOneBatch: true })).records!)[0]!.size
    expect(offsetsIn((await part.read(0, 1_000_000, { minOneBatch: true })).records)).toEqual([[0, 1], [2, 3], [4, 5], [6, 7]])
    expect(offsetsIn((await part.read(3, 2 * one, { minOneBatch: true })).records)).toEqual([[2, 3], [4, 5]])
    expect(offsetsIn((await part.read(3, 10, { minOneBatch: true })).records)).toEqual([[2, 3]])
    expect((await part.read(3, 10, { minOneBatch: false })).records).toBeNull()
    expect((await part.read(8, 1000, { minOneBatch: true })).records).toBeNull()
    expect((await rejected(part.read(9, 1000, { minOneBatch: true }))).code).toBe('OFFSET_OUT_OF_RANGE')
    await store.close()
  })

  it('checks producer state: a retried batch is answered with its offsets, a gap is refused, and a new leader knows both', async () => {
    const db = await pg.freshDatabase()
    const { store, topic, part } = await ledPartition(db, {}, 0)
    const idem = (seq: number, n = 2) => batch(n, { producerId: 7, producerEpoch: 0, baseSequence: seq })
    await part.append(idem(0), { nowMs: NOW })
    const dup = await part.append(idem(0), { nowMs: NOW })
    expect(dup).toMatchObject({ baseOffset: 0, lastOffset: 1, duplicate: true })
    expect((await rejected(part.append(idem(5), { nowMs: NOW }))).code).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER')
    await part.append(idem(2), { nowMs: NOW })
    expect(part.logEndOffset).toBe(4)
    // Lease 0 ms: expired at once, so the next leader takes the partition at epoch + 1 and rebuilds
    // the producer state from the batch headers.
    const epoch2 = (await store.leases(2, 60_000).acquireLeadership(topic.topicId, 0))!
    const next = await store.openPartition(topic, 0, epoch2, part.config)
    expect(await next.append(idem(2), { nowMs: NOW })).toMatchObject({ baseOffset: 2, lastOffset: 3, duplicate: true })
    expect((await rejected(next.append(batch(1, { producerId: 7, producerEpoch: 0, baseSequence: 9 }), { nowMs: NOW }))).code).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER')
    expect(next.activeProducers()).toMatchObject([{ producerId: 7, epoch: 0, lastSequence: 3 }])
    await store.close()
  })

  it('refuses batches over max.message.bytes, and no batch at all', async () => {
    const { store, part } = await ledPartition(await pg.freshDatabase(), { maxMessageBytes: 500 })
    expect(() => part.append(batch(1, { valueBytes: 1000 }), { nowMs: NOW })).toThrow(/max.message.bytes/)
    expect(() => part.append(Buffer.alloc(0), { nowMs: NOW })).toThrow(/no complete record batch/)
    expect(part.logEndOffset).toBe(0)
    await store.close()
  })

  it('keeps transactions: the last stable offset, markers, and aborted transactions for read_committed', async () => {
    const { store, part } = await ledPartition(await pg.freshDatabase())
    await part.append(batch(1), { nowMs: NOW })
    const txn = (pid: number, seq: number) => batch(2, { producerId: pid, producerEpoch: 0, baseSequence: seq, transactional: true })
    await part.append(txn(1, 0), { nowMs: NOW }) // offsets 1-2
    expect(part.lastStableOffset).toBe(1)
    expect(offsetsIn((await part.read(0, 100_000, { minOneBatch: true, isolation: 'committed' })).records)).toEqual([[0, 0]])
    expect(part.producerEpoch(1)).toEqual({ epoch: 0, txnFirstOffset: 1 })
    expect(await part.appendMarker(1, 0, false, 5, NOW)).toBe(3)
    expect(part.lastStableOffset).toBe(4)
    await part.append(txn(2, 0), { nowMs: NOW }) // 4-5
    expect(await part.appendMarker(2, 0, true, 5, NOW)).toBe(6)
    const read = await part.read(0, 100_000, { minOneBatch: true, isolation: 'committed' })
    expect(offsetsIn(read.records)).toEqual([[0, 0], [1, 2], [3, 3], [4, 5], [6, 6]])
    expect(read.aborted).toEqual([{ producerId: 1, firstOffset: 1, lastOffset: 3, lastStableOffset: 4 }])
    expect((await part.read(4, 100_000, { minOneBatch: true, isolation: 'committed' })).aborted).toEqual([])
    await store.close()
  })

  it('finds offsets by timestamp and the record with the largest timestamp (ListOffsets)', async () => {
    const { store, part } = await ledPartition(await pg.freshDatabase())
    await part.append(batch(3, { ts: NOW }), { nowMs: NOW }) // 0-2 at NOW..NOW+2
    await part.append(batch(3, { from: 3, ts: NOW + 100 }), { nowMs: NOW }) // 3-5 at NOW+100..
    await part.append(batch(1, { from: 6, ts: NOW + 50 }), { nowMs: NOW }) // 6
    expect(await part.offsetForTimestamp(NOW + 1)).toMatchObject({ offset: 1, timestamp: NOW + 1 })
    expect(await part.offsetForTimestamp(NOW + 3)).toMatchObject({ offset: 3, timestamp: NOW + 100 })
    expect(await part.offsetForTimestamp(NOW + 1000)).toBeNull()
    expect(await part.offsetOfMaxTimestamp()).toMatchObject({ offset: 5, timestamp: NOW + 102 })
    await store.close()
  })

  it('DeleteRecords moves the log start and deletes the batches below it, never past the high watermark', async () => {
    const { store, part } = await ledPartition(await pg.freshDatabase())
    for (let i = 0; i < 3; i++) await part.append(batch(2, { from: i * 2 }), { nowMs: NOW })
    const before = part.size
    expect(await part.deleteRecordsBefore(3)).toBe(3)
    expect(part.logStartOffset).toBe(3)
    expect(part.size).toBeLessThan(before)
    expect((await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM rivulet_batches'))[0]!.n).toBe(2)
    expect((await rejected(part.read(1, 1000, { minOneBatch: true }))).code).toBe('OFFSET_OUT_OF_RANGE')
    expect(offsetsIn((await part.read(3, 100_000, { minOneBatch: true })).records)).toEqual([[2, 3], [4, 5]])
    expect(await part.offsetForTimestamp(0)).toMatchObject({ offset: 3 })
    expect(() => part.deleteRecordsBefore(7)).toThrow(/above the high watermark/)
    await store.close()
  })

  it('applies retention by time and by size, as Kafka deletes segments: oldest first', async () => {
    const { store, part } = await ledPartition(await pg.freshDatabase(), { retentionMs: 1000 })
    await part.append(batch(2, { ts: NOW - 5000 }), { nowMs: NOW })
    await part.append(batch(2, { from: 2, ts: NOW - 4000 }), { nowMs: NOW })
    await part.append(batch(2, { from: 4, ts: NOW }), { nowMs: NOW })
    await part.append(batch(2, { from: 6, ts: NOW - 9000 }), { nowMs: NOW }) // old, but after a live batch: kept
    expect(await part.applyRetention(NOW)).toBe(2)
    expect(part.logStartOffset).toBe(4)
    const one = readHeaders((await part.read(4, 100_000, { minOneBatch: true })).records!)[0]!.size
    part.config = { ...part.config, retentionMs: -1, retentionBytes: one }
    expect(await part.applyRetention(NOW)).toBe(1)
    expect(part.logStartOffset).toBe(6)
    expect(part.size).toBe(one)
    part.config = { ...part.config, delete: false, retentionBytes: 0 }
    expect(await part.applyRetention(NOW)).toBe(0)
    await store.close()
  })

  it('walks every keyed record from the log start for coordinator replay, in chunks, and finds the last offset per key', async () => {
    const { store, part } = await ledPartition(await pg.freshDatabase())
    // 40 batches of 20 KiB: more than one 256 KiB replay chunk.
    for (let i = 0; i < 40; i++) await part.append(buildBatch({ records: [{ key: `k${i % 3}`, value: Buffer.alloc(20_000, i), timestamp: NOW }, { key: null, value: 'unkeyed', timestamp: NOW }] }), { nowMs: NOW })
    await part.deleteRecordsBefore(2)
    const seen: string[] = []
    await part.keyedRecords((r) => seen.push(`${r.offset}:${r.keyString()}`))
    expect(seen.length).toBe(39)
    expect(seen[0]).toBe('2:k1')
    expect(seen.at(-1)).toBe('78:k0')
    expect([...(await part.lastOffsetsByKey())].sort((a, b) => a - b)).toEqual([74, 76, 78])
    expect([...(await part.lastOffsetsByKey((r) => r.keyString() !== 'k0'))].sort((a, b) => a - b)).toEqual([74, 76])
    await store.close()
  })
})
