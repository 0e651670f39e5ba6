// A broker's view of the PostgreSQL store (SharedStore, src/store/shared-store.ts): it registers
// the broker with a membership lease, claims the leadership of the partitions it serves (a lease
// with an epoch each), renews both every heartbeat, and hands the broker its partitions: ordinary
// ones served from the batch table (leased-partition.ts), internal ones as local logs whose writes
// are committed behind (internal-mirror.ts), and its metadata documents (mirror-storage.ts). Every
// heartbeat it also re-reads what other brokers over the database changed: the membership, the
// documents (merged in) and the partition leases they hold, and tells the broker.

import type { PartitionStore } from '../../log/partition-store.js'
import type { Storage } from '../../log/storage.js'
import { LogError, type LogConfig } from '../../log/types.js'
import type { InternalEvents, PartitionEvents, SharedStore, SharedTopic, StoreMember } from '../shared-store.js'
import type { Db } from './db.js'
import { MirroredPartition, type MirrorRef, type StoredBatch } from './internal-mirror.js'
import { LeasedPartition } from './leased-partition.js'
import type { BrokerLeases, MemberListener } from './leases.js'
import { mirrorStorage, type MirroredDocuments } from './mirror-storage.js'
import { PostgresStore } from './store.js'
import { WriteBehind } from './write-behind.js'

export interface PgBrokerOptions {
  nodeId: number
  // How long a membership or leadership lease lasts without renewal, and how often they renew.
  leaseMs: number
  heartbeatMs: number
  // Where clients reach this broker (host:port), recorded with its membership, with every
  // listener's advertised endpoint by name and the broker's rack (the other brokers list them).
  endpoint: string
  listeners?: MemberListener[]
  rack?: string | null
  warn: (err: unknown, msg: string) => void
  // store.multi.process.enable: whether another live broker process may share the database.
  multiProcess?: boolean
}

// An internal-topic partition with the lease its coordinators follow.
interface Internal {
  m: MirroredPartition
  topic: SharedTopic
  events: InternalEvents
  claiming: Promise<void> | null
}

export class PgBrokerStore implements SharedStore {
  private readonly leased = new Map<string, LeasedPartition>()
  private readonly mirrors = new Map<string, Internal>()
  private readonly ensured = new Map<string, number>()
  private heartbeat: NodeJS.Timeout | null = null
  // The membership as last read (every heartbeat), and who is told when it changes.
  private members: StoreMember[] = []
  private readonly memberWatchers: ((members: readonly StoreMember[]) => void)[] = []
  private readonly leaderWatchers: ((leases: readonly { topicId: string; partition: number; leaderId: number; epoch: number }[]) => void)[] = []
  private closed = false
  // The last renewal failure reported, so a broker fenced for good (or a database away) logs it
  // once every few seconds rather than every heartbeat.
  private lastWarn = { message: '', at: 0 }

  private constructor(
    private readonly store: PostgresStore,
    private readonly leases: BrokerLeases,
    private readonly writes: WriteBehind,
    private readonly documents: MirroredDocuments,
    private readonly preloaded: Map<string, StoredBatch[]>,
    private readonly o: PgBrokerOptions,
  ) {}

  static async open(url: string, o: PgBrokerOptions): Promise<PgBrokerStore> {
    const store = await PostgresStore.open(url)
    try {
      const leases = store.leases(o.nodeId, o.leaseMs)
      await registerWhenFree(leases, o, o.leaseMs)
      // Several processes form one cluster (membership, documents, producer ids, leadership and
      // the group/transaction coordinators follow the leases), but transaction markers for a
      // partition another process leads and share-group state do not yet: unless asked for
      // (store.multi.process.enable), a second live broker is refused rather than left with
      // transactions that never complete.
      const others = o.multiProcess ? [] : (await leases.liveBrokers()).filter((b) => b.nodeId !== o.nodeId)
      if (others.length > 0) {
        await store.db.query('UPDATE rivulet_brokers SET lease_expires_at = now() WHERE node_id = $1 AND incarnation = $2', [o.nodeId, leases.incarnation])
        throw new Error(`broker ${others.map((b) => `${b.nodeId} (${b.endpoint})`).join(', ')} is live on this database: several broker processes over one database are incomplete (transactions across processes) and off unless store.multi.process.enable=true`)
      }
      const writes = new WriteBehind(o.warn)
      const documents = await mirrorStorage(store.db, writes)
      const s = new PgBrokerStore(store, leases, writes, documents, await preloadInternal(store.db), o)
      await s.readMembers()
      s.heartbeat = setInterval(() => void s.renew(), o.heartbeatMs)
      s.heartbeat.unref()
      return s
    } catch (err) {
      await store.close()
      throw err
    }
  }

  get storage(): Storage {
    return this.documents.storage
  }

  get db(): Db {
    return this.store.db
  }

  get writeSeq(): number {
    return this.writes.seq
  }

  durable(since: number): Promise<void> | null {
    return this.writes.durable(since)
  }

  partition(topic: SharedTopic, partition: number, config: LogConfig, events: PartitionEvents): LeasedPartition {
    const topicId = uuidOf(topic.id)
    const key = `${topicId}:${partition}`
    let p = this.leased.get(key)
    if (!p) {
      const ref = { topicId, topicName: topic.name, partition }
      p = new LeasedPartition(`${topic.name}-${partition}`, {
        open: async (cfg) => {
          const epoch = await this.claim(ref, topic.partitions, this.preferredLeader(topic.id, partition) === this.o.nodeId)
          if (epoch === null) return null
          const opened = await this.store.openPartition({ topicId, name: topic.name, partitions: topic.partitions, configs: {} }, partition, epoch, cfg)
          events.led(epoch, opened.logEndOffset)
          return opened
        },
      }, config, () => events.appended())
      this.leased.set(key, p)
      p.open().catch(() => undefined)
    }
    return p
  }

  internal(topic: SharedTopic, partition: number, log: PartitionStore, events: InternalEvents): PartitionStore {
    const topicId = uuidOf(topic.id)
    const key = `${topicId}:${partition}`
    let e = this.mirrors.get(key)
    if (!e) {
      // A write fenced by a newer epoch unloads the partition at once, as a lost renewal does.
      const m = new MirroredPartition(log, { topicId, topicName: topic.name, partition }, this.store.db, this.writes, (epoch) => {
        const held = this.mirrors.get(key)
        if (held && held.m.epoch === epoch) this.dropInternal(held)
      })
      const stored = this.preloaded.get(`${topic.name}:${partition}`)
      this.preloaded.delete(`${topic.name}:${partition}`)
      if (stored && log.logEndOffset === 0) m.fill(stored)
      e = { m, topic, events, claiming: null }
      this.mirrors.set(key, e)
      this.claimInternal(e)
    }
    return e.m
  }

  // Takes an internal-topic partition's lease when this broker is its preferred leader among the
  // live brokers and nobody else's lease on it runs (a dead broker's lapses; claimLeadership
  // refuses a live one), rebuilds the local copy from the store at the new epoch, then tells the
  // coordinators (Kafka's GroupCoordinator.onElection / TransactionStateManager.loadTransactions
  // ForTxnTopicPartition). Tried when the partition opens and every heartbeat while not held.
  private claimInternal(e: Internal): void {
    if (e.claiming || e.m.epoch !== null || this.closed) return
    if (this.preferredLeader(e.topic.id, e.m.ref.partition) !== this.o.nodeId) return
    e.claiming = (async () => {
      try {
        const epoch = await this.claim(e.m.ref, e.topic.partitions)
        if (epoch === null || this.closed || this.mirrors.get(`${e.m.ref.topicId}:${e.m.ref.partition}`) !== e) return
        const batches = await internalBatches(this.store.db, e.m.ref)
        e.m.rebuild(e.events.fresh(), batches, epoch)
        e.events.led(epoch)
      } catch (err) {
        this.o.warn(err, `taking ${e.m.ref.topicName}-${e.m.ref.partition} failed`)
      } finally {
        e.claiming = null
      }
    })()
  }

  takeOver(topic: SharedTopic, partition: number): void {
    this.leased.get(`${uuidOf(topic.id)}:${partition}`)?.open().catch(() => undefined)
  }

  removeTopic(topic: SharedTopic): void {
    const topicId = uuidOf(topic.id)
    for (let p = 0; p < topic.partitions; p++) {
      const key = `${topicId}:${p}`
      void this.leased.get(key)?.close().catch(() => undefined)
      this.leased.delete(key)
      const e = this.mirrors.get(key)
      if (e) e.m.epoch = null
      this.mirrors.delete(key)
    }
    this.ensured.delete(topicId)
    this.writes.push(async () => {
      await this.store.db.query('DELETE FROM rivulet_topics WHERE topic_id = $1', [topicId])
    })
  }

  allocateProducerIds(floor: number, size: number): Promise<number> {
    return this.store.allocateProducerIds(floor, size)
  }

  watchDocuments(fn: (names: readonly string[]) => void): void {
    this.documents.watch((name) => {
      try {
        fn([name])
      } catch (err) {
        this.o.warn(err, `applying ${name} as another broker changed it failed`)
      }
    })
  }

  watchLeaders(fn: (leases: readonly { topicId: string; partition: number; leaderId: number; epoch: number }[]) => void): void {
    this.leaderWatchers.push(fn)
  }

  watchMembers(fn: (members: readonly StoreMember[]) => void): void {
    this.memberWatchers.push(fn)
    fn(this.members)
  }

  // Re-reads the membership (Kafka's brokers learn registrations and fencings from the metadata
  // log; here each broker reads the brokers table every heartbeat) and tells the watchers when it
  // changed.
  private async readMembers(): Promise<void> {
    const read = (await this.leases.members()).map(({ nodeId, listeners, rack, live }) => ({ nodeId, listeners, rack, live }))
    if (JSON.stringify(read) === JSON.stringify(this.members)) return
    this.members = read
    for (const fn of this.memberWatchers) fn(read)
  }

  // Start-up waits for the partitions this broker leads; those another live broker leads (it
  // started first) are served there.
  async ready(): Promise<void> {
    await Promise.all([...this.leased.values()].map((p) => p.open().catch((err: unknown) => {
      if (!(err instanceof LogError && err.code === 'NOT_LEADER_OR_FOLLOWER')) throw err
    })))
    await Promise.all([...this.mirrors.values()].map((e) => e.claiming))
  }

  // Where a partition should lead: one of the live brokers (this one included), the same on every
  // broker that sees the same membership, spread as Kafka's replica assignment spreads leaders
  // (partition p of a topic on the broker after p - 1's). A broker leaves a free partition to its
  // preferred leader and takes it only from a broker whose lease has run out (or when it is the
  // preferred leader itself); a single broker leads everything.
  preferredLeader(topicId: string, partition: number): number {
    const live = [...new Set([this.o.nodeId, ...this.members.filter((m) => m.live).map((m) => m.nodeId)])].sort((a, b) => a - b)
    return live[(javaHash(topicId) + partition) % live.length]!
  }

  // The topic's rows (created, or grown to `partitions`) then, when `lead`, this broker's
  // leadership of one.
  private async claim(ref: MirrorRef, partitions: number, lead = true): Promise<number | null> {
    if ((this.ensured.get(ref.topicId) ?? 0) < partitions) {
      // The broker's metadata names topics; a row left under the name by a deleted topic whose
      // removal has not been committed yet gives way to the live one.
      await this.store.db.query('DELETE FROM rivulet_topics WHERE name = $1 AND topic_id <> $2', [ref.topicName, ref.topicId])
      await this.store.db.query(
        `WITH t AS (INSERT INTO rivulet_topics (topic_id, name, partitions) VALUES ($1, $2, $3) ON CONFLICT (topic_id) DO UPDATE SET partitions = greatest(rivulet_topics.partitions, EXCLUDED.partitions) RETURNING topic_id)
         INSERT INTO rivulet_partitions (topic_id, partition) SELECT t.topic_id, g FROM t, generate_series(0, $3::int - 1) g ON CONFLICT DO NOTHING`,
        [ref.topicId, ref.topicName, partitions],
      )
      this.ensured.set(ref.topicId, partitions)
    }
    return lead ? this.leases.claimLeadership(ref.topicId, ref.partition) : null
  }

  // Every heartbeat: the membership lease, then every leadership this broker holds; a partition
  // whose lease is gone is dropped (its next use claims it again, at a new epoch).
  private async renew(): Promise<void> {
    if (this.closed) return
    try {
      if (!(await this.leases.heartbeat())) await this.leases.register(this.o.endpoint, this.o.listeners, this.o.rack ?? null)
      const held = [...this.leased.values()].flatMap((l) => (l.served ? [{ l, p: l.served }] : []))
      const internal = [...this.mirrors.values()].flatMap((e) => (e.m.epoch !== null ? [{ e, epoch: e.m.epoch }] : []))
      const kept = await this.leases.renewAll([
        ...held.map(({ p }) => ({ topicId: p.ref.topicId, partition: p.ref.partition, epoch: p.epoch })),
        ...internal.map(({ e, epoch }) => ({ topicId: e.m.ref.topicId, partition: e.m.ref.partition, epoch })),
      ])
      for (const { l, p } of held) if (!kept.has(`${p.ref.topicId}:${p.ref.partition}`)) l.drop(p)
      for (const { e, epoch } of internal) if (!kept.has(`${e.m.ref.topicId}:${e.m.ref.partition}`) && e.m.epoch === epoch) this.dropInternal(e)
      await this.readMembers()
      for (const e of this.mirrors.values()) this.claimInternal(e)
      if (this.leaderWatchers.length > 0) {
        const leases = (await this.leases.othersLeases()).map((l) => ({ ...l, topicId: topicIdOf(l.topicId) }))
        for (const fn of this.leaderWatchers) fn(leases)
      }
      await this.documents.refresh()
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      const now = Date.now()
      if (message !== this.lastWarn.message || now - this.lastWarn.at > 10_000) {
        this.lastWarn = { message, at: now }
        this.o.warn(err, 'renewing the PostgreSQL leases failed')
      }
    }
  }

  // The lease was lost: writes made from now on are refused, and the coordinators unload.
  private dropInternal(e: Internal): void {
    e.m.epoch = null
    try {
      e.events.lost()
    } catch (err) {
      this.o.warn(err, `unloading ${e.m.ref.topicName}-${e.m.ref.partition} failed`)
    }
  }

  // A crash as the database sees it (tests' stand-in for SIGKILL in one process): renewals stop
  // and the connections close, nothing is given up, so the leases run out on their own.
  async abandon(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.heartbeat) clearInterval(this.heartbeat)
    await this.writes.close(0)
    await this.store.close()
  }

  // A clean stop: pending writes committed (bounded), leases given up so a restarted or another
  // broker takes the partitions at once.
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.heartbeat) clearInterval(this.heartbeat)
    await this.writes.close(5000)
    const open = [...this.leased.values()].flatMap((l) => (l.served ? [{ ref: l.served.ref, epoch: l.served.epoch }] : []))
    for (const e of this.mirrors.values()) if (e.m.epoch !== null) open.push({ ref: e.m.ref, epoch: e.m.epoch })
    await Promise.all([...this.leased.values()].map((l) => l.close().catch(() => undefined)))
    try {
      for (const p of open) await this.leases.releaseLeadership(p.ref.topicId, p.ref.partition, p.epoch)
      await this.store.db.query('UPDATE rivulet_brokers SET lease_expires_at = now() WHERE node_id = $1 AND incarnation = $2', [this.o.nodeId, this.leases.incarnation])
    } catch (err) {
      this.o.warn(err, 'giving up the PostgreSQL leases failed')
    }
    await this.store.close()
  }
}

// A broker restarted after a crash finds its previous process's membership lease still running:
// it waits for it to end (at most a lease and a bit), as Kafka's broker waits for its old session.
async function registerWhenFree(leases: BrokerLeases, o: PgBrokerOptions, leaseMs: number): Promise<void> {
  const deadline = Date.now() + leaseMs * 2 + 1000
  for (;;) {
    try {
      await leases.register(o.endpoint, o.listeners, o.rack ?? null)
      return
    } catch (err) {
      if (Date.now() > deadline || !(err instanceof Error) || !err.message.includes('is held by another live broker')) throw err
      await new Promise((resolve) => setTimeout(resolve, Math.min(200, leaseMs / 4)))
    }
  }
}

// Every batch of the internal topics, oldest first per partition, to rebuild their local logs.
async function preloadInternal(db: Db): Promise<Map<string, StoredBatch[]>> {
  const rows = await db.query<{ name: string; partition: number; bytes: Buffer; is_control: boolean; producer_id: string; producer_epoch: number; max_timestamp: string }>(
    `SELECT t.name, b.partition, b.bytes, b.is_control, b.producer_id, b.producer_epoch, b.max_timestamp FROM rivulet_batches b JOIN rivulet_topics t USING (topic_id)
     WHERE t.name IN ('__consumer_offsets', '__transaction_state', '__share_group_state') ORDER BY t.name, b.partition, b.last_offset`,
  )
  const out = new Map<string, StoredBatch[]>()
  for (const r of rows) {
    const key = `${r.name}:${r.partition}`
    let list = out.get(key)
    if (!list) out.set(key, (list = []))
    list.push({ bytes: r.bytes, isControl: r.is_control, producerId: Number(r.producer_id), producerEpoch: r.producer_epoch, maxTimestamp: Number(r.max_timestamp) })
  }
  return out
}

// Every batch of one internal-topic partition, oldest first, to rebuild its local copy.
async function internalBatches(db: Db, ref: MirrorRef): Promise<StoredBatch[]> {
  const rows = await db.query<{ bytes: Buffer; is_control: boolean; producer_id: string; producer_epoch: number; max_timestamp: string }>(
    'SELECT bytes, is_control, producer_id, producer_epoch, max_timestamp FROM rivulet_batches WHERE topic_id = $1 AND partition = $2 ORDER BY last_offset',
    [ref.topicId, ref.partition],
  )
  return rows.map((r) => ({ bytes: r.bytes, isControl: r.is_control, producerId: Number(r.producer_id), producerEpoch: r.producer_epoch, maxTimestamp: Number(r.max_timestamp) }))
}

// Utils.abs(String.hashCode) as Kafka maps keys to partitions: a spread every broker computes alike.
function javaHash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0
  return h & 0x7fffffff
}

// The broker's form of a topic id from the store's uuid text.
function topicIdOf(uuid: string): string {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex').toString('base64url')
}

// Kafka's topic ids travel as 16 bytes, which the broker writes base64url (as Kafka's tools show
// them); the store's uuid column takes the same 16 bytes in hex.
function uuidOf(topicId: string): string {
  const h = Buffer.from(topicId, 'base64url').toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
