// The broker's file tree when its data lives in PostgreSQL: an in-memory tree (src/log/storage.ts)
// whose metadata documents (the JSON files at its root: cluster.json with the topics, their ids and
// configs and the producer id block; SCRAM credentials, client quotas, ACLs; meta.properties) are
// loaded from `rivulet_files` at start-up and written back through the write-behind queue. Logs
// under it hold only the internal topics' in-memory copies, which internal-mirror.ts persists as
// batches; the log manager's checkpoints stay in memory (they describe those copies only).

import path from 'node:path'
import { memoryStorage, type Storage } from '../../log/storage.js'
import type { Db } from './db.js'
import type { WriteBehind } from './write-behind.js'

const ROOT = '/memory'

function persisted(file: string): string | null {
  if (path.dirname(file) !== ROOT) return null
  const name = path.basename(file)
  return name.endsWith('.json') || name === 'meta.properties' ? name : null
}

// Loads the documents, then mirrors every later write of one of them.
export async function mirrorStorage(db: Db, writes: WriteBehind): Promise<Storage> {
  const base = memoryStorage(ROOT)
  const rows = await db.query<{ path: string; data: Buffer }>('SELECT path, data FROM rivulet_files')
  for (const r of rows) base.writeAtomic(path.join(ROOT, r.path), r.data)
  const upsert = (name: string, data: Buffer) => writes.push(async () => {
    await db.query('INSERT INTO rivulet_files (path, data) VALUES ($1, $2) ON CONFLICT (path) DO UPDATE SET data = EXCLUDED.data', [name, data])
  })
  const remove = (name: string) => writes.push(async () => {
    await db.query('DELETE FROM rivulet_files WHERE path = $1', [name])
  })
  return {
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
      if (name) upsert(name, Buffer.isBuffer(data) ? Buffer.from(data) : Buffer.from(data, 'utf8'))
    },
    remove(p) {
      base.remove(p)
      const name = persisted(p)
      if (name) remove(name)
    },
    rename(from, to) {
      base.rename(from, to)
      const a = persisted(from)
      const b = persisted(to)
      if (a) remove(a)
      if (b) {
        const text = base.readText(to)
        if (text !== null) upsert(b, Buffer.from(text, 'utf8'))
      }
    },
  }
}
