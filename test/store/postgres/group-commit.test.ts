// Group commit (src/store/postgres/group-commit.ts) against a real PostgreSQL: appends of many
// partitions, several in flight on each, share transactions; one partition fenced or refused in a
// group fails only that partition's appends; PostgreSQL dying mid-commit fails the appends in
// flight with a retriable KAFKA_STORAGE_ERROR and loses nothing acknowledged.
import { expect, it } from 'vitest'
import { readHeaders } from '../../../protocol/records/index.js'
import type { AppendResult } from '../../../src/log/partition-store.js'
import { DEFAULT_LOG_CONFIG } from '../../../src/log/types.js'
import { committerOf } from '../../../src/store/postgres/group-commit.js'
import type { PostgresPartition } from '../../../src/store/postgres/partition.js'
import { PostgresStore } from '../../../src/store/postgres/store.js'
import { describePostgres } from '../../helpers/postgres.js'
import { NOW, Waiter, batch } from './fixtures.js'

async function ledPartitions(url: string, n: number): Promise<{ store: PostgresStore; topicId: string; parts: PostgresPartition[] }> {
  const store = await PostgresStore.open(url)
  const topic = (await store.createTopic('g', n))!
  const leases = store.leases(1, 60_000)
  const parts = await Promise.all([...Array(n).keys()].map(async (i) => store.openPartition(topic, i, (await leases.acquireLeadership(topic.topicId, i))!, DEFAULT_LOG_CONFIG)))
  return { store, topicId: topic.topicId, parts }
}

const outcome = (p: Promise<AppendResult> | AppendResult) => Promise.resolve(p).then((r) => r, (e: unknown) => e)

describePostgres('PostgreSQL group commit', (pg) => {
  it('commits concurrent appends of many partitions, several in flight on each, in shared transactions with gapless offsets', async () => {
    const { store, parts } = await ledPartitions(await pg.freshDatabase(), 6)
    const committer = committerOf(store.db)
    const PER = 8
    // every append of every partition issued at once: one statement cannot take them one by one
    const results = await Promise.all(parts.flatMap((p, i) => [...Array(PER).keys()].map((s) => p.append(batch(2, { from: s * 2, producerId: 50 + i, producerEpoch: 0, baseSequence: s * 2 }), { nowMs: NOW }))))
    expect(committer.entries).toBe(6 * PER)
    expect(committer.groups).toBeLessThan(6 * PER / 4)
    for (const [i, p] of parts.entries()) {
      expect(results.slice(i * PER, (i + 1) * PER).map((r) => r.baseOffset)).toEqual([...Array(PER).keys()].map((s) => s * 2))
      expect(p.logEndOffset).toBe(PER * 2)
      const stored = readHeaders((await p.read(0, 10_000_000, { minOneBatch: true })).records!)
      expect(stored.map((h) => [h.baseOffset, h.baseSequence, h.producerId])).toEqual([...Array(PER).keys()].map((s) => [s * 2, s * 2, 50 + i]))
    }
    const rows = await store.db.query<{ partition: number; next_offset: string; n: string }>(
      'SELECT p.partition, p.next_offset, (SELECT count(*) FROM rivulet_batches b WHERE b.topic_id = p.topic_id AND b.partition = p.partition) AS n FROM rivulet_partitions p ORDER BY 1',
    )
    expect(rows.map((r) => [r.partition, Number(r.next_offset), Number(r.n)])).toEqual(parts.map((_, i) => [i, PER * 2, PER]))
    // a retried batch still in a group is answered once it has committed, as a duplicate
    const again = parts[0]!.append(batch(2, { from: 0, producerId: 99, producerEpoch: 0, baseSequence: 0 }), { nowMs: NOW })
    const dup = parts[0]!.append(batch(2, { from: 0, producerId: 99, producerEpoch: 0, baseSequence: 0 }), { nowMs: NOW })
    expect(await dup).toMatchObject({ duplicate: true, baseOffset: (await again).baseOffset })
    await store.close()
  })

  it('fails only the fenced partition of a group: the others commit, and the fenced one stores nothing', async () => {
    const { store, topicId, parts } = await ledPartitions(await pg.freshDatabase(), 3)
    const committer = committerOf(store.db)
    await Promise.all(parts.map((p) => p.append(batch(1), { nowMs: NOW })))
    // Another broker takes partition 1 (its epoch moves on) while this one still leads it here.
    await store.db.query('UPDATE rivulet_partitions SET leader_epoch = leader_epoch + 1 WHERE topic_id = $1 AND partition = 1', [topicId])
    const before = committer.groups
    // the first append occupies the committer; the next ones, one per partition and two on the
    // fenced one, queue behind it and go together
    const first = outcome(parts[0]!.append(batch(1, { from: 1 }), { nowMs: NOW }))
    const group = [outcome(parts[0]!.append(batch(1, { from: 2 }), { nowMs: NOW })), outcome(parts[1]!.append(batch(1, { from: 1 }), { nowMs: NOW })), outcome(parts[1]!.append(batch(1, { from: 2 }), { nowMs: NOW })), outcome(parts[2]!.append(batch(1, { from: 1 }), { nowMs: NOW }))]
    const [r0, r1a, r1b, r2] = await Promise.all(group)
    expect(await first).toMatchObject({ baseOffset: 1 })
    expect(committer.groups - before).toBe(2)
    expect(r0).toMatchObject({ baseOffset: 2 })
    expect(r2).toMatchObject({ baseOffset: 1 })
    expect(r1a).toMatchObject({ name: 'LogError', code: 'NOT_LEADER_OR_FOLLOWER' })
    expect(r1b).toMatchObject({ name: 'LogError', code: 'NOT_LEADER_OR_FOLLOWER' })
    const counts = await store.db.query<{ partition: number; n: string }>('SELECT partition, count(*) AS n FROM rivulet_batches GROUP BY 1 ORDER BY 1')
    expect(counts.map((c) => [c.partition, Number(c.n)])).toEqual([[0, 3], [1, 1], [2, 2]])
    // and the fenced leader keeps refusing (its re-read finds the newer epoch)
    await expect(Promise.resolve(parts[1]!.append(batch(1, { from: 3 }), { nowMs: NOW }))).rejects.toMatchObject({ code: 'NOT_LEADER_OR_FOLLOWER' })
    expect(parts[0]!.logEndOffset).toBe(3)
    await store.close()
  })

  it('a statement the server refuses fails only the partition at fault: the group is retried partition by partition', async () => {
    const { store, topicId, parts } = await ledPartitions(await pg.freshDatabase(), 2)
    await Promise.all(parts.map((p) => p.append(batch(1), { nowMs: NOW })))
    // A row already at partition 1's next offset (as a corrupted table would hold): its insert
    // violates the primary key, which refuses the whole group statement.
    await store.db.query(
      `INSERT INTO rivulet_batches SELECT topic_id, partition, 1, 1, max_timestamp, producer_id, producer_epoch, base_sequence, is_transactional, is_control, leader_epoch, record_count, size, bytes
       FROM rivulet_batches WHERE topic_id = $1 AND partition = 1`,
      [topicId],
    )
    const first = outcome(parts[0]!.append(batch(1, { from: 1 }), { nowMs: NOW }))
    const [a, b] = await Promise.all([outcome(parts[0]!.append(batch(1, { from: 2 }), { nowMs: NOW })), outcome(parts[1]!.append(batch(1, { from: 1 }), { nowMs: NOW }))])
    expect(await first).toMatchObject({ baseOffset: 1 })
    expect(a).toMatchObject({ baseOffset: 2 })
    expect(b).toMatchObject({ name: 'LogError', code: 'KAFKA_STORAGE_ERROR' })
    expect(parts[0]!.logEndOffset).toBe(3)
    expect(parts[1]!.logEndOffset).toBe(1)
    await store.close()
  })

  it('stores batch bytes out of line without a compression attempt (schema v4)', async () => {
    const store = await PostgresStore.open(await pg.freshDatabase())
    const [col] = await store.db.query<{ attstorage: string }>(`SELECT attstorage FROM pg_attribute WHERE attrelid = 'rivulet_batches'::regclass AND attname = 'bytes'`)
    expect(col).toEqual({ attstorage: 'e' })
    await store.close()
  })

  it('PostgreSQL dying mid-commit fails the appends in flight with KAFKA_STORAGE_ERROR; retried, every acknowledged one is stored once', async () => {
    const { store, parts } = await ledPartitions(await pg.freshDatabase(), 4)
    const SEQS = 30
    const IN_FLIGHT = 5
    const acked = parts.map(() => new Map<number, number>())
    const errors: unknown[] = []
    const progress = new Waiter()
    // An idempotent producer with max.in.flight 5: sends the next sequences without waiting; on a
    // failure it resends everything from the first unacknowledged sequence, in order, as Kafka's
    // producer does after a retriable error.
    const produce = async (i: number) => {
      let nextSeq = 0
      while (acked[i]!.size < SEQS) {
        const from = nextSeq
        const sends = []
        for (let s = from; s < Math.min(SEQS, from + IN_FLIGHT); s++) sends.push(outcome(parts[i]!.append(batch(1, { from: s, producerId: 200 + i, producerEpoch: 0, baseSequence: s }), { nowMs: NOW })).then((r) => [s, r] as const))
        for (const [s, r] of await Promise.all(sends)) {
          if (r instanceof Error) errors.push(r)
          else acked[i]!.set(s, (r as AppendResult).baseOffset)
        }
        while (acked[i]!.has(nextSeq)) nextSeq++
        progress.notify()
        if (nextSeq === from) await new Promise((resolve) => setTimeout(resolve, 10)) // retry backoff
      }
    }
    const producers = Promise.all(parts.map((_, i) => produce(i)))
    await progress.until(() => acked.every((a) => a.size >= 5))
    await pg.server.stop('immediate')
    await progress.until(() => errors.length >= 4)
    await pg.server.start()
    await producers
    for (const e of errors) expect(e).toMatchObject({ name: 'LogError', code: expect.stringMatching(/^(KAFKA_STORAGE_ERROR|OUT_OF_ORDER_SEQUENCE_NUMBER)$/) })
    expect(errors.some((e) => (e as { code: string }).code === 'KAFKA_STORAGE_ERROR')).toBe(true)
    for (const [i, p] of parts.entries()) {
      const stored = readHeaders((await p.read(0, 10_000_000, { minOneBatch: true })).records!)
      expect(stored.map((h) => h.baseSequence)).toEqual([...Array(SEQS).keys()])
      expect(stored.map((h) => h.baseOffset)).toEqual([...Array(SEQS).keys()].map((s) => acked[i]!.get(s)))
    }
    await store.close()
  })
})
