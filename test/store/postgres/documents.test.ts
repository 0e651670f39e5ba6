// Metadata documents shared by brokers over one database (mirror-storage.ts): writes are
// compare-and-set on a version; a broker whose write finds the other's newer version merges and
// writes again, so concurrent changes both survive; refresh() brings the other's changes in and
// names the documents that changed; a removal is seen by the other broker.
import { expect, it } from 'vitest'
import { mirrorStorage } from '../../../src/store/postgres/mirror-storage.js'
import { PostgresStore } from '../../../src/store/postgres/store.js'
import { WriteBehind } from '../../../src/store/postgres/write-behind.js'
import { describePostgres } from '../../helpers/postgres.js'

const FILE = '/memory/cluster.json'
const doc = (topics: string[]) => JSON.stringify({ clusterId: 'c', topics: topics.map((name) => ({ name })) }, null, 1)
const topicsOf = (text: string | null) => (JSON.parse(text!) as { topics: { name: string }[] }).topics.map((t) => t.name)

async function durable(w: WriteBehind): Promise<void> {
  await w.durable(0)
}

describePostgres('shared metadata documents', (pg) => {
  it('merges concurrent writes from two brokers and refreshes each with the other\'s', async () => {
    const url = await pg.freshDatabase()
    const [s1, s2] = [await PostgresStore.open(url), await PostgresStore.open(url)]
    const [w1, w2] = [new WriteBehind(() => {}), new WriteBehind(() => {})]
    const one = await mirrorStorage(s1.db, w1)
    one.storage.writeAtomic(FILE, doc(['base']))
    await durable(w1)
    const two = await mirrorStorage(s2.db, w2)
    expect(topicsOf(two.storage.readText(FILE))).toEqual(['base'])

    // Both change the same base at once: broker 1 adds a topic, broker 2 adds another.
    one.storage.writeAtomic(FILE, doc(['base', 'one']))
    two.storage.writeAtomic(FILE, doc(['base', 'two']))
    await Promise.all([durable(w1), durable(w2)])
    const [row] = await s1.db.query<{ data: Buffer; version: string }>("SELECT data, version FROM rivulet_files WHERE path = 'cluster.json'")
    expect(topicsOf(row!.data.toString())).toEqual(expect.arrayContaining(['base', 'one', 'two']))
    expect(Number(row!.version)).toBe(3)
    // Both took in the other's topic: the first writer on refresh, the other as its write merged.
    const changed = [await one.refresh(), await two.refresh()]
    expect(changed.flat()).toEqual(['cluster.json', 'cluster.json'])
    for (const s of [one, two]) expect(topicsOf(s.storage.readText(FILE)).sort()).toEqual(['base', 'one', 'two'])
    expect([await one.refresh(), await two.refresh()]).toEqual([[], []])

    // A removal reaches the other broker; a document it never had arrives.
    two.storage.remove(FILE)
    two.storage.writeAtomic('/memory/acls.json', '{"acls":[]}')
    await durable(w2)
    expect((await one.refresh()).sort()).toEqual(['acls.json', 'cluster.json'])
    expect(one.storage.readText(FILE)).toBeNull()
    expect(one.storage.readText('/memory/acls.json')).toBe('{"acls":[]}')
    // Files below the root (the internal topics' local logs) are not documents.
    one.storage.mkdirp('/memory/x-0')
    one.storage.writeAtomic('/memory/x-0/state.json', '{}')
    await durable(w1)
    expect((await s1.db.query('SELECT path FROM rivulet_files ORDER BY path')).map((r) => r.path)).toEqual(['acls.json', 'cluster.json'])
    await w1.close(1000)
    await w2.close(1000)
    await s1.close()
    await s2.close()
  })
})
