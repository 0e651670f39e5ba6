// The broker's file tree when its data lives in PostgreSQL: an in-memory tree (src/log/storage.ts)
// whose metadata documents (the JSON files at its root: cluster.json with the topics, their ids and
// configs; SCRAM credentials, client quotas, ACLs; meta.properties) are loaded from `rivulet_files`
// at start-up and written back through the write-behind queue. Logs under it hold only the
// internal topics' in-memory copies, which internal-mirror.ts persists as batches; the log
// manager's checkpoints stay in memory (they describe those copies only).
//
// The documents are shared by every broker over the database (issue 11 part 2): each row has a
// version, every write is a compare-and-set on the version this broker last read or wrote, and a
// write that finds a newer version merges the other broker's change into its own (a three-way
// merge from the common base, src/store/json-merge.ts) and tries again. refresh(), every
// heartbeat, merges in what other brokers wrote and names the documents that changed. A removed
// document is an empty row at a new version, never a deleted one, so versions only grow.

import path from 'node:path'
import { memoryStorage, type Storage } from '../../log/storage.js'
import { mergeDocuments } from '../json-merge.js'
import type { Db } from './db.js'
import type { WriteBehind } from './write-behind.js'

const ROOT = '/memory'

function persisted(file: string): string | null {
  if (path.dirname(file) !== ROOT) return null
  const name = path.basename(file)
  return name.endsWith('.json') || name === 'meta.properties' ? name : null
}

// What the database held for a document when this broker last read or wrote it (version 0 and
// null: no row yet; null text: removed).
interface Synced {
  version: number
  text: string | null
}

export interface MirroredDocuments {
  readonly storage: Storage
  // Merges in the documents other brokers changed since they were last read; the names of those
  // whose copy here changed since the last refresh (watchers were told at once).
  refresh(): Promise<string[]>
  // `fn` is called as soon as another broker's change is merged into a document here, before any
  // other code runs: a broker's in-memory state must take it in before it next writes the
  // document from that state (which would otherwise write the change away again).
  watch(fn: (name: string) => void): void
}

const textOf = (data: Buffer) => (data.length === 0 ? null : data.toString('utf8'))

// Loads the documents, then mirrors every later write of one of them.
export async function mirrorStorage(db: Db, writes: WriteBehind): Promise<MirroredDocuments> {
  const base = memoryStorage(ROOT)
  const synced = new Map<string, Synced>()
  const rows = await db.query<{ path: string; data: Buffer; version: string }>('SELECT path, data, version FROM rivulet_files')
  for (const r of rows) {
    const text = textOf(r.data)
    synced.set(r.path, { version: Number(r.version), text })
    if (text !== null) base.writeAtomic(path.join(ROOT, r.path), text)
  }
  const local = (name: string) => base.readText(path.join(ROOT, name))
  const setLocal = (name: string, text: string | null) => (text === null ? base.exists(path.join(ROOT, name)) && base.remove(path.join(ROOT, name)) : base.writeAtomic(path.join(ROOT, name), text))

  // One sync at a time (writes and refreshes both move `synced`).
  let lock: Promise<unknown> = Promise.resolve()
  const locked = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = lock.then(fn)
    lock = run.catch(() => undefined)
    return run
  }

  // Documents whose copy here took in another broker's change (on a refresh, or on a write that
  // found a newer version), until the next refresh reports them.
  const changed = new Set<string>()
  const watchers: ((name: string) => void)[] = []

  // The other brokers' latest version merged into this broker's copy.
  const pull = async (name: string): Promise<void> => {
    const [row] = await db.query<{ data: Buffer; version: string }>('SELECT data, version FROM rivulet_files WHERE path = $1', [name])
    const theirs: Synced = row ? { version: Number(row.version), text: textOf(row.data) } : { version: 0, text: null }
    const was = synced.get(name) ?? { version: 0, text: null }
    if (theirs.version === was.version) return
    const ours = local(name)
    const merged = mergeDocuments(was.text, ours, theirs.text)
    synced.set(name, theirs)
    if (merged === ours) return
    setLocal(name, merged)
    changed.add(name)
    for (const fn of watchers) fn(name)
  }

  // Writes this broker's copy under the version it last saw; merges and retries when another
  // broker wrote first.
  const push = async (name: string): Promise<void> => {
    for (;;) {
      const ours = local(name)
      const was = synced.get(name) ?? { version: 0, text: null }
      if (ours === was.text) return
      const data = Buffer.from(ours ?? '', 'utf8')
      const done = was.version === 0
        ? await db.query<{ version: string }>('INSERT INTO rivulet_files (path, data, version) VALUES ($1, $2, 1) ON CONFLICT (path) DO NOTHING RETURNING version', [name, data])
        : await db.query<{ version: string }>('UPDATE rivulet_files SET data = $2, version = version + 1 WHERE path = $1 AND version = $3 RETURNING version', [name, data, was.version])
      if (done.length === 1) {
        synced.set(name, { version: Number(done[0]!.version), text: ours })
        return
      }
      await pull(name)
    }
  }
  const sync = (name: string) => writes.push(() => locked(() => push(name)))

  const storage: Storage = {
    ...base,
    open: (file) => base.open(file),
    exists: (p) => base.exists(p),
    list: (dir) => base.list(dir),
    mkdirp: (dir) => base.mkdirp(dir),
    readText: (file) => base.readText(file),
    usage: () => base.usage(),
    persistent: base.persistent,
    root: base.root,
    writeAtomic(file, data) {
      base.writeAtomic(file, data)
      const name = persisted(file)
      if (name) sync(name)
    },
    remove(p) {
      base.remove(p)
      const name = persisted(p)
      if (name) sync(name)
    },
    rename(from, to) {
      base.rename(from, to)
      for (const name of [persisted(from), persisted(to)]) if (name) sync(name)
    },
  }
  const refresh = () =>
    locked(async () => {
      const versions = await db.query<{ path: string; version: string }>('SELECT path, version FROM rivulet_files')
      for (const r of versions) if (Number(r.version) !== (synced.get(r.path)?.version ?? 0)) await pull(r.path)
      const names = [...changed].sort()
      changed.clear()
      return names
    })
  return { storage, refresh, watch: (fn) => watchers.push(fn) }
}
