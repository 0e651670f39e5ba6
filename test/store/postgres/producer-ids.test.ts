// Producer id blocks from the database (schema v3): concurrent allocations from several brokers'
// connections never overlap, and the counter starts at the floor a broker gives (the ids its
// cluster.json handed out before it shared the store) and never goes back.
import { expect, it } from 'vitest'
import { PostgresStore } from '../../../src/store/postgres/store.js'
import { describePostgres } from '../../helpers/postgres.js'

describePostgres('PostgreSQL producer id blocks', (pg) => {
  it('allocates disjoint blocks to concurrent brokers, from the highest floor on', async () => {
    const url = await pg.freshDatabase()
    const a = await PostgresStore.open(url)
    const b = await PostgresStore.open(url)
    expect(await a.allocateProducerIds(42, 1000)).toBe(42)
    const starts = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).allocateProducerIds(0, 1000)))
    // Twenty blocks of 1000 after the first, in some order: each start distinct, none overlapping.
    expect([...starts].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => 1042 + i * 1000))
    // A floor above the counter moves it; one below does not.
    expect(await b.allocateProducerIds(50_000, 1000)).toBe(50_000)
    expect(await a.allocateProducerIds(7, 1000)).toBe(51_000)
    await a.close()
    await b.close()
  })
})
