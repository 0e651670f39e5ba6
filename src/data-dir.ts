// The data directory's safety checks, done before Rivulet writes anything there:
//  - whose directory it is: Rivulet's own (it has cluster.json, which every Rivulet start has
//    written since the first version), new (missing or empty), a Kafka log dir (refused: Rivulet
//    would rewrite meta.properties and append to Kafka's partitions), or another program's
//    (refused unless the user adopts it explicitly);
//  - who uses it: Kafka's LogManager takes an OS file lock on `<log dir>/.lock` and refuses to start
//    ("Failed to acquire lock on file .lock in <dir>. A Kafka instance in another process or thread
//    is using this directory."). Node has no flock, so the lock is a file created atomically
//    (link(2) of a fully written temp file fails with EEXIST if the lock exists) that names its
//    holder: pid, the process's start time and host. A holder that is no longer running (a
//    SIGKILLed broker) leaves a stale lock, which the next start detects and replaces.

import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export const LOCK_FILE = 'rivulet.lock'
const CLUSTER_FILE = 'cluster.json'
// Entries that do not make a directory someone else's: our own lock, and the directory a
// filesystem root has when a dedicated volume is mounted as the data dir.
const IGNORABLE = new Set([LOCK_FILE, 'lost+found'])
// Files and directories only Kafka writes into a log dir (Rivulet writes none of them; both write
// cleaner-offset-checkpoint, so it tells nothing).
const KAFKA_ONLY = ['__cluster_metadata-0', 'bootstrap.checkpoint', '.lock', 'recovery-point-offset-checkpoint', 'replication-offset-checkpoint']

export class DataDirError extends Error {
  constructor(
    readonly code: 'DATA_DIR_NOT_A_DIRECTORY' | 'DATA_DIR_IS_KAFKA' | 'DATA_DIR_FOREIGN' | 'DATA_DIR_LOCKED' | 'DATA_DIR_UNREADABLE',
    // (UNREADABLE also covers a directory that cannot be created or written.)
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'DataDirError'
  }
}

export interface LockHolder {
  pid: number
  start: string | null // the process's start time in clock ticks after boot (Linux), to see pid reuse
  host: string
  since: string
  token: string
}

// Read-only: throws a DataDirError if Rivulet must not use `dir`; creates nothing.
export function inspectDataDir(dir: string, o: { adopt?: boolean } = {}): 'new' | 'rivulet' | 'adopted' {
  let stat: fs.Stats
  try {
    stat = fs.statSync(dir)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return 'new'
    if (code === 'ENOTDIR') throw new DataDirError('DATA_DIR_NOT_A_DIRECTORY', `data directory ${dir} cannot be created: part of its path is a file`, { cause: err })
    throw new DataDirError('DATA_DIR_UNREADABLE', `data directory ${dir} cannot be read: ${(err as Error).message}`, { cause: err })
  }
  if (!stat.isDirectory()) throw new DataDirError('DATA_DIR_NOT_A_DIRECTORY', `data directory ${dir} is a file, not a directory`)
  let entries: string[]
  try {
    entries = fs.readdirSync(dir)
  } catch (err) {
    throw new DataDirError('DATA_DIR_UNREADABLE', `data directory ${dir} cannot be read: ${(err as Error).message}`, { cause: err })
  }
  const kafka = kafkaSigns(dir, entries)
  if (kafka.length > 0) {
    throw new DataDirError(
      'DATA_DIR_IS_KAFKA',
      `data directory ${dir} is an Apache Kafka log directory (${kafka.join(', ')}): Rivulet does not write into Kafka's data. Use another directory for Rivulet.`,
    )
  }
  const holder = liveHolder(dir)
  if (holder) throw lockedError(dir, holder)
  if (entries.includes(CLUSTER_FILE)) return 'rivulet'
  // rivulet.lock.* are lock files in the making or stale locks moved aside: ours as well.
  const foreign = entries.filter((e) => !IGNORABLE.has(e) && !e.startsWith(`${LOCK_FILE}.`))
  if (foreign.length === 0) return 'new'
  if (o.adopt) return 'adopted'
  const shown = foreign.sort().slice(0, 5).join(', ') + (foreign.length > 5 ? `, … (${foreign.length} entries)` : '')
  throw new DataDirError(
    'DATA_DIR_FOREIGN',
    `data directory ${dir} is not empty and is not a Rivulet data directory (it has no ${CLUSTER_FILE}; it holds ${shown}). ` +
      'Rivulet will not mix its files with another program\'s: use a new or empty directory, or --adopt-data-dir (embedded: adoptDataDir: true) to use this one anyway.',
  )
}

// What marks `dir` as Kafka's; empty when nothing does.
function kafkaSigns(dir: string, entries: readonly string[]): string[] {
  const signs = KAFKA_ONLY.filter((e) => entries.includes(e))
  if (entries.includes('meta.properties')) {
    let text = ''
    try {
      text = fs.readFileSync(path.join(dir, 'meta.properties'), 'utf8')
    } catch {
      // Unreadable: the other signs decide.
    }
    // Kafka 3.7+ writes directory.id into every log dir's meta.properties, ZooKeeper-era Kafka
    // wrote broker.id; Rivulet writes only version, cluster.id and node.id.
    const keys = text.split('\n').map((l) => l.split('=')[0]!.trim())
    for (const k of ['directory.id', 'broker.id']) if (keys.includes(k)) signs.unshift(`meta.properties has ${k}`)
  }
  return signs
}

// Takes the lock (creating `dir` if needed); returns the function that releases it.
export function lockDataDir(dir: string): () => void {
  try {
    return takeLock(dir)
  } catch (err) {
    if (err instanceof DataDirError) throw err
    throw new DataDirError('DATA_DIR_UNREADABLE', `cannot create or lock data directory ${dir}: ${(err as Error).message}`, { cause: err })
  }
}

function takeLock(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true })
  const lock = path.join(dir, LOCK_FILE)
  const me: LockHolder = { pid: process.pid, start: processStart(process.pid), host: os.hostname(), since: new Date().toISOString(), token: randomBytes(8).toString('hex') }
  const tmp = path.join(dir, `${LOCK_FILE}.${me.pid}.${me.token}`)
  fs.writeFileSync(tmp, JSON.stringify(me))
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        fs.linkSync(tmp, lock)
        break
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw err
      }
      const holder = readHolder(lock)
      if (holder === undefined) continue // released meanwhile
      if (holder && isRunning(holder)) throw lockedError(dir, holder)
      removeStale(lock, holder)
    }
  } finally {
    fs.rmSync(tmp, { force: true })
  }
  return () => {
    const holder = readHolder(lock)
    if (holder && holder.token === me.token) fs.rmSync(lock, { force: true })
  }
}

// Moves a stale lock aside, then checks that what moved is the stale one: a second starter may
// have replaced it between our read and the rename, and then its live lock is put back.
function removeStale(lock: string, stale: LockHolder | null): void {
  const aside = `${lock}.stale.${process.pid}.${randomBytes(4).toString('hex')}`
  try {
    fs.renameSync(lock, aside)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  const moved = readHolder(aside)
  if (moved && moved.token !== stale?.token) {
    try {
      fs.linkSync(aside, lock)
    } catch {
      // Someone holds the lock again; the next attempt reads who.
    }
  }
  fs.rmSync(aside, { force: true })
}

// The live holder of `dir`'s lock, if any.
function liveHolder(dir: string): LockHolder | null {
  const holder = readHolder(path.join(dir, LOCK_FILE))
  return holder && isRunning(holder) ? holder : null
}

// undefined: no lock file; null: a lock file that names no one (corrupt), treated as stale.
function readHolder(file: string): LockHolder | null | undefined {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  try {
    const h = JSON.parse(text) as LockHolder
    return Number.isInteger(h.pid) && typeof h.token === 'string' ? h : null
  } catch {
    return null
  }
}

function isRunning(h: LockHolder): boolean {
  // A lock taken on another machine (a shared filesystem) cannot be checked: assume it is held.
  if (h.host !== os.hostname()) return true
  try {
    process.kill(h.pid, 0)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false
  }
  // The pid is in use; by the holder only if it is the same process (pids are reused).
  const start = processStart(h.pid)
  return start === null || h.start === null || start === h.start
}

// Field 22 of /proc/<pid>/stat (after the parenthesised command name, which may hold spaces).
function processStart(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null
  } catch {
    return null
  }
}

function lockedError(dir: string, h: LockHolder): DataDirError {
  const here = h.host === os.hostname()
  const who = here && h.pid === process.pid ? `another broker in this process (pid ${h.pid})` : `another Rivulet process (pid ${h.pid}${here ? '' : ` on ${h.host}`}, running since ${h.since})`
  // Kafka: "Failed to acquire lock on file .lock in <dir>. A Kafka instance in another process or
  // thread is using this directory."
  return new DataDirError('DATA_DIR_LOCKED', `Failed to acquire lock on file ${LOCK_FILE} in ${dir}: ${who} is using this directory.`)
}
