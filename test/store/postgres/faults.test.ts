// PostgreSQL going away under a leader: appends fail with a retriable KAFKA_STORAGE_ERROR (no
// crash, no hang), an append whose outcome was unknown is retried by its producer and stored
// once, and nothing acknowledged is lost when the server is back; also under concurrent producers,
// for a leader fenced while its connection was broken, and for brokers starting on one database.
import { expect, it, onTestFinished } from 'vitest'
import { readHeaders } from '../../../protocol/records/index.js'
import { DEFAULT_LOG_CONFIG, LogError } from '../../../src/log/types.js'
import { SCHEMA_VERSION } from '../../../src/store/postgres/schema.js'
import { PostgresStore } from '../../../src/store/postgres/store.js'
import { describePostgres } from '../../helpers/postgres.js'
import { NOW, Waiter, acquireWhenFree, batch, ledPartition, serverPids } from './fixtures.js'

describePostgres('PostgreSQL store faults', (pg) => {
  it('fails appends with KAFKA_STORAGE_ERROR while PostgreSQL is down and loses nothing acknowledged', async () => {
    const { store, part } = await ledPartition(await pg.freshDatabase())
    const idem = (seq: number) => batch(2, { from: seq * 2, producerId: 42, producerEpoch: 0, baseSequence: seq * 2 })
    const acked = new Map<number, number>() // sequence → base offset
    for (let seq = 0; seq < 3; seq++) acked.set(seq, (await part.append(idem(seq), { nowMs: NOW })).baseOffset)

    // One append in flight as the server goes down hard: it may or may not have committed.
    const inflight = Promise.resolve(part.append(idem(3), { nowMs: NOW })).then((r) => r, (e: unknown) => e)
    await pg.server.stop('immediate')
    const outcome = await inflight
    if (outcome instanceof Error) expect(outcome).toMatchObject({ name: 'LogError', code: 'KAFKA_STORAGE_ERROR' })
    else acked.set(3, (outcome as { baseOffset: number }).baseOffset)

    const down = await Promise.resolve(part.append(idem(4), { nowMs: NOW })).then(() => null, (e: unknown) => e)
    expect(down).toBeInstanceOf(LogError)
    expect((down as LogError).code).toBe('KAFKA_STORAGE_ERROR')
    expect((down as LogError).message).toMatch('the PostgreSQL store failed for t-0')
    await expect(part.read(0, 1000, { minOneBatch: true })).rejects.toMatchObject({ code: 'KAFKA_STORAGE_ERROR' })

    await pg.server.start()
    // The producer retries what was not acknowledged, in order: stored once either way.
    if (!acked.has(3)) acked.set(3, (await part.append(idem(3), { nowMs: NOW })).baseOffset)
    acked.set(4, (await part.append(idem(4), { nowMs: NOW })).baseOffset)
    expect(await part.append(idem(4), { nowMs: NOW })).toMatchObject({ duplicate: true, baseOffset: acked.get(4) })

    const stored = readHeaders((await part.read(0, 10_000_000, { minOneBatch: true })).records!)
    expect(stored.map((h) => [h.baseSequence, h.baseOffset])).toEqual([...acked].map(([seq, offset]) => [seq * 2, offset]))
    expect(stored.map((h) => h.baseOffset)).toEqual([0, 2, 4, 6, 8])
    expect(part.logEndOffset).toBe(10)
    await store.close()
  })

  it('keeps concurrent idempotent producers on three partitions going across a restart: every acknowledged append stored once', async () => {
    const url = await pg.freshDatabase()
    const store = await PostgresStore.open(url)
    const topic = (await store.createTopic('load', 3))!
    const leases = store.leases(1, 60_000)
    const parts = await Promise.all([0, 1, 2].map(async (i) => store.openPartition(topic, i, (await leases.acquireLeadership(topic.topicId, i))!, DEFAULT_LOG_CONFIG)))
    const SEQS = 20
    const acked = parts.map(() => new Map<number, number>()) // sequence → base offset
    const errors: unknown[] = []
    const progress = new Waiter()
    // An idempotent producer: one batch in flight, retried with the same sequence until acknowledged
    // (a retriable error), after a retry backoff as Kafka's producers wait retry.backoff.ms.
    const produce = async (i: number) => {
      for (let seq = 0; seq < SEQS; seq++) {
        for (;;) {
          try {
            const r = await parts[i]!.append(batch(1, { from: seq, producerId: 100 + i, producerEpoch: 0, baseSequence: seq }), { nowMs: NOW })
            acked[i]!.set(seq, r.baseOffset)
            break
          } catch (err) {
            errors.push(err)
            await new Promise((resolve) => setTimeout(resolve, 10))
          } finally {
            progress.notify()
          }
        }
      }
    }
    const producers = Promise.all([0, 1, 2].map(produce))
    await progress.until(() => acked.every((a) => a.size >= 5))
    await pg.server.stop('immediate')
    await progress.until(() => errors.length >= 3)
    await pg.server.start()
    await producers

    expect(errors.length).toBeGreaterThanOrEqual(3)
    for (const e of errors) expect(e).toMatchObject({ name: 'LogError', code: 'KAFKA_STORAGE_ERROR' })
    for (const [i, part] of parts.entries()) {
      const stored = readHeaders((await part.read(0, 10_000_000, { minOneBatch: true })).records!)
      // each sequence once, at the offset its acknowledgement gave, offsets without a gap
      expect(stored.map((h) => h.baseSequence)).toEqual([...Array(SEQS).keys()])
      expect(stored.map((h) => h.baseOffset)).toEqual([...Array(SEQS).keys()].map((seq) => acked[i]!.get(seq)))
      expect(part.logEndOffset).toBe(SEQS)
    }
    await store.close()
  })

  it('fences a leader whose write had an unknown outcome and whose lease was taken meanwhile: NOT_LEADER_OR_FOLLOWER, nothing written', async () => {
    const url = await pg.freshDatabase()
    const one = await PostgresStore.open(url)
    const two = await PostgresStore.open(url)
    const topic = (await one.createTopic('t', 1))!
    const l1 = one.leases(1, 200)
    const e1 = (await l1.acquireLeadership(topic.topicId, 0))!
    const p1 = await one.openPartition(topic, 0, e1, DEFAULT_LOG_CONFIG)
    await p1.append(batch(2), { nowMs: NOW })
    const lost = Promise.resolve(p1.append(batch(1, { from: 2 }), { nowMs: NOW })).then((r) => r, (e: unknown) => e)
    await pg.server.stop('immediate')
    const outcome = await lost
    await pg.server.start()
    // Broker 1 is paused: it renews nothing; broker 2 takes the partition once the lease runs out.
    const l2 = two.leases(2, 60_000)
    const e2 = await acquireWhenFree(() => l2.acquireLeadership(topic.topicId, 0))
    expect(e2).toBe(e1 + 1)
    const p2 = await two.openPartition(topic, 0, e2, DEFAULT_LOG_CONFIG)
    // committed or not before the connection broke, the new leader sees the store as it is
    const end = p2.logEndOffset
    expect(outcome instanceof Error ? [2, 3] : [3]).toContain(end)

    // Broker 1 wakes up: its re-read before the next write finds the newer epoch.
    await expect(Promise.resolve(p1.append(batch(1, { from: 3 }), { nowMs: NOW }))).rejects.toMatchObject({ code: 'NOT_LEADER_OR_FOLLOWER' })
    await expect(Promise.resolve(p1.appendMarker(7, 0, false, 0, NOW))).rejects.toMatchObject({ code: 'NOT_LEADER_OR_FOLLOWER' })
    expect(await l1.renewLeadership(topic.topicId, 0, e1)).toBe(false)
    const [row] = await two.db.query<{ n: string; epochs: number[] }>('SELECT count(*) AS n, array_agg(DISTINCT leader_epoch) AS epochs FROM rivulet_batches')
    expect(Number(row!.n)).toBe(end === 3 ? 2 : 1)
    expect(row!.epochs).toEqual([e1])
    expect(await p2.append(batch(1, { from: 3 }), { nowMs: NOW })).toMatchObject({ baseOffset: end })
    await one.close()
    await two.close()
  })

  it('three brokers opening one empty database at once create the schema once', async () => {
    const url = await pg.freshDatabase()
    const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.open(url)))
    expect(await stores[0]!.db.query('SELECT version FROM rivulet_schema')).toEqual([{ version: SCHEMA_VERSION }])
    expect(await stores[1]!.createTopic('x', 1)).not.toBeNull()
    expect(await stores[2]!.createTopic('x', 1)).toBeNull()
    for (const s of stores) await s.close()
  })

  it('answers KAFKA_STORAGE_ERROR within the query timeout while PostgreSQL does not answer at all, and recovers when it does', async () => {
    const url = await pg.freshDatabase()
    const store = await PostgresStore.open(url, { queryTimeoutMs: 300, connectTimeoutMs: 300 })
    const topic = (await store.createTopic('t', 1))!
    const epoch = (await store.leases(1, 60_000).acquireLeadership(topic.topicId, 0))!
    const part = await store.openPartition(topic, 0, epoch, DEFAULT_LOG_CONFIG)
    const idem = (seq: number) => batch(1, { from: seq, producerId: 9, producerEpoch: 0, baseSequence: seq })
    await part.append(idem(0), { nowMs: NOW })
    const pids = serverPids(pg.server.dir)
    expect(pids.length).toBeGreaterThan(1)
    const resume = () => pids.forEach((pid) => {
      try {
        process.kill(pid, 'SIGCONT')
      } catch {
        // exited meanwhile (the backend of a discarded connection)
      }
    })
    onTestFinished(resume) // a failure or timeout must not leave the server stopped
    for (const pid of pids) process.kill(pid, 'SIGSTOP')
    let outcome: unknown
    try {
      // an append the server never answers: its outcome is unknown (the server may commit it later)
      outcome = await Promise.resolve(part.append(idem(1), { nowMs: NOW })).then((r) => r, (e: unknown) => e)
      // and one that cannot get a connection at all
      const next = await Promise.resolve(part.append(idem(1), { nowMs: NOW })).then((r) => r, (e: unknown) => e)
      expect(next).toMatchObject({ name: 'LogError', code: 'KAFKA_STORAGE_ERROR' })
    } finally {
      resume()
    }
    expect(outcome).toMatchObject({ name: 'LogError', code: 'KAFKA_STORAGE_ERROR' })
    expect((outcome as Error).message).toMatch('the PostgreSQL store failed for t-0')
    // The producer retries sequence 1: stored once, whether the first attempt committed or not.
    const retried = await part.append(idem(1), { nowMs: NOW })
    expect(retried.baseOffset).toBe(1)
    expect(await part.append(idem(2), { nowMs: NOW })).toMatchObject({ baseOffset: 2, duplicate: false })
    const stored = readHeaders((await part.read(0, 1_000_000, { minOneBatch: true })).records!)
    expect(stored.map((h) => h.baseSequence)).toEqual([0, 1, 2])
    await store.close()
  })
})
