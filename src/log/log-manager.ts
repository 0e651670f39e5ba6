// Owns every partition log of the data directory: opening them at start-up (with recovery after
// an unclean stop), creating and deleting them, the log-start-offset checkpoint, retention, the
// clean-shutdown marker that lets the next start skip recovery, and the append notifications that
// wake long-polling fetches.

import path from 'node:path'
import { PartitionLog } from './partition-log.js'
import type { Storage } from './storage.js'
import type { LogConfig } from './types.js'

// Kafka's names, so the directory reads like a Kafka log dir.
const CLEAN_SHUTDOWN = '.kafka_cleanshutdown'
const LOG_START_CHECKPOINT = 'log-start-offset-checkpoint'
const CLEANER_CHECKPOINT = 'cleaner-offset-checkpoint'
// Not Kafka's name (recovery-point-offset-checkpoint): that file marks a Kafka log directory,
// which Rivulet refuses to open (data-dir.ts). Same format.
const RECOVERY_CHECKPOINT = 'rivulet-recovery-point-checkpoint'

export interface LogManagerOptions {
  storage: Storage
  now: () => number
  warn?: (msg: string, details: object) => void
}

export function partitionDir(topic: string, partition: number): string {
  return `${topic}-${partition}`
}

export interface DirDescription {
  logDir: string // absolute for a data directory; the storage root for the in-memory store
  usage: { totalBytes: bigint; usableBytes: bigint } | null // null: in memory
  offline: Error | null // the file system could not be queried (Kafka reports the dir offline)
}

export class LogManager {
  private readonly logs = new Map<string, PartitionLog>()
  private readonly waiters = new Map<string, Set<() => void>>()
  private clean = true
  private startOffsets = new Map<string, number>()
  // Where each compacted log's dirty part begins (Kafka's cleaner-offset-checkpoint).
  private cleanerOffsets = new Map<string, number>()
  // Kafka's recovery-point-offset-checkpoint (RECOVERY_CHECKPOINT); null when the directory has
  // none (written before rolls were flushed asynchronously: its sealed segments were flushed when
  // they rolled).
  private recoveryPoints: Map<string, number> | null = null

  constructor(private readonly o: LogManagerOptions) {}

  get storage(): Storage {
    return this.o.storage
  }

  // Reads and removes the clean-shutdown marker: until the next clean close, a restart recovers.
  start(): { clean: boolean } {
    const s = this.o.storage
    const marker = path.join(s.root, CLEAN_SHUTDOWN)
    // Data: a partition directory or the cluster file (not the lock a new start takes first).
    const hasData = s.list(s.root).some((f) => f === 'cluster.json' || /-\d+$/.test(f))
    this.clean = !hasData || s.exists(marker)
    if (s.exists(marker)) s.remove(marker)
    this.startOffsets = this.readCheckpoint(LOG_START_CHECKPOINT)
    this.cleanerOffsets = this.readCheckpoint(CLEANER_CHECKPOINT)
    this.recoveryPoints = s.exists(path.join(s.root, RECOVERY_CHECKPOINT)) ? this.readCheckpoint(RECOVERY_CHECKPOINT) : null
    return { clean: this.clean }
  }

  key(topic: string, partition: number): string {
    return partitionDir(topic, partition)
  }

  get(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(this.key(topic, partition))
  }

  open(topic: string, partition: number, config: LogConfig): PartitionLog {
    const key = this.key(topic, partition)
    let log = this.logs.get(key)
    if (log) return log
    log = PartitionLog.open({
      storage: this.o.storage,
      dir: path.join(this.o.storage.root, key),
      config,
      clean: this.clean,
      logStartOffset: this.startOffsets.get(key) ?? 0,
      // A log missing from an existing checkpoint was created after it was written: all of it.
      recoveryPoint: this.recoveryPoints === null ? undefined : (this.recoveryPoints.get(key) ?? 0),
      nowMs: this.o.now(),
      warn: this.o.warn,
    })
    log.onAppend = () => this.wake(key)
    this.logs.set(key, log)
    return log
  }

  // Long polling: a fetch waits on the partitions it reads; an append to one of them calls `fn`.
  onAppend(keys: readonly string[], fn: () => void): () => void {
    for (const k of keys) {
      let set = this.waiters.get(k)
      if (!set) this.waiters.set(k, (set = new Set()))
      set.add(fn)
    }
    return () => {
      for (const k of keys) {
        const set = this.waiters.get(k)
        if (!set) continue
        set.delete(fn)
        if (set.size === 0) this.waiters.delete(k)
      }
    }
  }

  wake(key: string): void {
    const set = this.waiters.get(key)
    if (!set) return
    for (const fn of [...set]) fn()
  }

  // Shutdown: long-polling fetches answer now with what they have.
  wakeAll(): void {
    for (const set of [...this.waiters.values()]) for (const fn of [...set]) fn()
  }

  // DescribeLogDirs: the one log dir and the space of the file system holding it.
  describeDir(): DirDescription {
    const s = this.o.storage
    const logDir = s.persistent ? path.resolve(s.root) : s.root
    try {
      return { logDir, usage: s.usage(), offline: null }
    } catch (err) {
      return { logDir, usage: null, offline: err as Error }
    }
  }

  remove(topic: string, partition: number): void {
    const key = this.key(topic, partition)
    this.wake(key)
    const log = this.logs.get(key)
    if (log) log.remove()
    else this.o.storage.remove(path.join(this.o.storage.root, key))
    this.logs.delete(key)
    this.startOffsets.delete(key)
    this.cleanerOffsets.delete(key)
  }

  firstDirtyOffset(key: string): number {
    return this.cleanerOffsets.get(key) ?? 0
  }

  setFirstDirtyOffset(key: string, offset: number): void {
    this.cleanerOffsets.set(key, offset)
    // Without fsync: written after every cleaning pass, on the event loop that serves produce and
    // fetch. One lost or older after a machine crash only means cleaning part of a log again (the
    // offsets before it stay cleaned).
    this.writeCheckpoint(CLEANER_CHECKPOINT, [...this.cleanerOffsets].filter(([k]) => this.logs.has(k)), false)
  }

  // Kafka's checkpoint text format: version, count, then "topic partition offset" lines.
  private readCheckpoint(name: string): Map<string, number> {
    const out = new Map<string, number>()
    const text = this.o.storage.readText(path.join(this.o.storage.root, name))
    if (!text) return out
    const lines = text.split('\n').filter((l) => l.trim() !== '')
    for (const line of lines.slice(2)) {
      const parts = line.trim().split(' ')
      if (parts.length !== 3 || !Number.isSafeInteger(Number(parts[2]))) continue
      out.set(this.key(parts[0]!, Number(parts[1])), Number(parts[2]))
    }
    return out
  }

  checkpointLogStartOffsets(): void {
    this.writeCheckpoint(LOG_START_CHECKPOINT, [...this.logs].filter(([, log]) => log.logStartOffset > 0).map(([key, log]) => [key, log.logStartOffset]))
  }

  // Every log.flush.offset.checkpoint.interval.ms and at close (Kafka's checkpointLogRecoveryOffsets).
  checkpointRecoveryPoints(): void {
    this.writeCheckpoint(RECOVERY_CHECKPOINT, [...this.logs].map(([key, log]) => [key, log.recoveryPoint]))
  }

  private writeCheckpoint(name: string, entries: [string, number][], durable = true): void {
    const lines = entries.map(([key, offset]) => {
      const cut = key.lastIndexOf('-')
      return `${key.slice(0, cut)} ${key.slice(cut + 1)} ${offset}`
    })
    this.o.storage.writeAtomic(path.join(this.o.storage.root, name), `0\n${lines.length}\n${lines.join('\n')}${lines.length ? '\n' : ''}`, { durable })
  }

  applyRetention(): number {
    const now = this.o.now()
    let deleted = 0
    for (const log of this.logs.values()) deleted += log.applyRetention(now)
    if (deleted > 0) this.checkpointLogStartOffsets()
    return deleted
  }

  flushDue(): void {
    const now = this.o.now()
    for (const log of this.logs.values()) if (log.config.flushMs < Number.MAX_SAFE_INTEGER) log.flush(now)
  }

  all(): IterableIterator<[string, PartitionLog]> {
    return this.logs.entries()
  }

  close(): void {
    for (const log of this.logs.values()) log.close()
    this.checkpointLogStartOffsets()
    this.checkpointRecoveryPoints()
    this.logs.clear()
    this.o.storage.writeAtomic(path.join(this.o.storage.root, CLEAN_SHUTDOWN), '')
  }
}
