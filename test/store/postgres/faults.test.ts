// PostgreSQL going away under a leader: appends fail with a retriable KAFKA_STORAGE_ERROR (no
// crash, no hang), an append whose outcome was unknown is retried by its producer and stored
// once, and nothing acknowledged is lost when the server is back.
import { expect, it } from 'vitest'
import { readHeaders } from '../../../protocol/records/index.js'
import { LogError } from '../../../src/log/types.js'
import { describePostgres } from '../../helpers/postgres.js'
import { NOW, batch, ledPartition } from './fixtures.js'

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
})
