// Membership and leadership leases in the PostgreSQL store (DESIGN.md "The cluster"). A broker
// registers with a lease it renews by heartbeat; a partition's leadership is a lease with an epoch:
// taken when free or expired, each take bumping leader_epoch (Kafka's leader epoch, which clients
// see), renewed only by its holder at that epoch. Expiry is judged by PostgreSQL's now(), one
// clock for every broker. A broker that stops renewing (killed, paused) loses its leases; its
// writes, conditioned on the epoch it held, are then refused (see partition.ts).

import { randomUUID } from 'node:crypto'
import type { Db } from './db.js'

export interface LeaderLease {
  leaderId: number
  epoch: number
}

// One listener's advertised endpoint, by listener name (Kafka's BrokerEndpoint in its
// RegisterBrokerRecord).
export interface MemberListener {
  name: string
  host: string
  port: number
}

// A registered broker as the others see it: `live` while its membership lease runs (Kafka lists
// an unfenced broker; a fenced one only when DescribeCluster asks for them).
export interface BrokerMember {
  nodeId: number
  endpoint: string
  listeners: MemberListener[]
  rack: string | null
  live: boolean
}

export class BrokerLeases {
  // Distinguishes this process from an earlier one with the same node id.
  readonly incarnation = randomUUID()

  constructor(
    private readonly db: Db,
    readonly nodeId: number,
    readonly leaseMs: number,
  ) {}

  // Registers this broker with where clients reach it (`endpoint`, the first listener's host:port;
  // `listeners` every one by name) and its rack; refused while another live process holds the
  // node id.
  async register(endpoint: string, listeners: readonly MemberListener[] = [], rack: string | null = null): Promise<void> {
    const rows = await this.db.query(
      `INSERT INTO rivulet_brokers AS b (node_id, endpoint, incarnation, lease_expires_at, listeners, rack) VALUES ($1, $2, $3, now() + $4::int * interval '1 millisecond', $5::jsonb, $6)
       ON CONFLICT (node_id) DO UPDATE SET endpoint = EXCLUDED.endpoint, incarnation = EXCLUDED.incarnation, lease_expires_at = EXCLUDED.lease_expires_at, listeners = EXCLUDED.listeners, rack = EXCLUDED.rack
       WHERE b.lease_expires_at <= now() OR b.incarnation = EXCLUDED.incarnation RETURNING 1`,
      [this.nodeId, endpoint, this.incarnation, this.leaseMs, JSON.stringify(listeners), rack],
    )
    if (rows.length === 0) throw new Error(`node id ${this.nodeId} is held by another live broker (its lease has not expired)`)
  }

  // Renews the membership lease; false when it was lost (expired and taken by another process).
  async heartbeat(): Promise<boolean> {
    const rows = await this.db.query(`UPDATE rivulet_brokers SET lease_expires_at = now() + $3::int * interval '1 millisecond' WHERE node_id = $1 AND incarnation = $2 RETURNING 1`, [this.nodeId, this.incarnation, this.leaseMs])
    return rows.length === 1
  }

  // Live brokers: those whose lease has not expired, by PostgreSQL's clock.
  async liveBrokers(): Promise<{ nodeId: number; endpoint: string }[]> {
    const rows = await this.db.query<{ node_id: number; endpoint: string }>('SELECT node_id, endpoint FROM rivulet_brokers WHERE lease_expires_at > now() ORDER BY node_id')
    return rows.map((r) => ({ nodeId: r.node_id, endpoint: r.endpoint }))
  }

  // Every registered broker, live or not, by node id: the cluster's membership as each broker
  // re-reads it every heartbeat. A listener list absent (a broker registered before schema v3)
  // falls back to `endpoint` under no name.
  async members(): Promise<BrokerMember[]> {
    const rows = await this.db.query<{ node_id: number; endpoint: string; listeners: unknown; rack: string | null; live: boolean }>(
      'SELECT node_id, endpoint, listeners, rack, lease_expires_at > now() AS live FROM rivulet_brokers ORDER BY node_id',
    )
    return rows.map((r) => ({ nodeId: r.node_id, endpoint: r.endpoint, listeners: listenersOf(r.listeners, r.endpoint), rack: r.rack, live: r.live }))
  }

  // Every live partition lease held by a broker other than this one (topic ids in the uuid text
  // form), read each heartbeat so Metadata names the leader another process holds.
  async othersLeases(): Promise<{ topicId: string; partition: number; leaderId: number; epoch: number }[]> {
    const rows = await this.db.query<{ topic_id: string; partition: number; leader_id: number; leader_epoch: number }>(
      'SELECT topic_id::text, partition, leader_id, leader_epoch FROM rivulet_partitions WHERE leader_id IS NOT NULL AND leader_id <> $1 AND lease_expires_at > now()',
      [this.nodeId],
    )
    return rows.map((r) => ({ topicId: r.topic_id, partition: r.partition, leaderId: r.leader_id, epoch: r.leader_epoch }))
  }

  // Takes leadership of a partition when nobody holds it or its lease expired, bumping the epoch.
  // Returns the new epoch, or null while another broker's lease is live.
  async acquireLeadership(topicId: string, partition: number): Promise<number | null> {
    const rows = await this.db.query<{ leader_epoch: number }>(
      `UPDATE rivulet_partitions SET leader_id = $3, leader_epoch = leader_epoch + 1, lease_expires_at = now() + $4::int * interval '1 millisecond'
       WHERE topic_id = $1 AND partition = $2 AND (leader_id IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= now()) RETURNING leader_epoch`,
      [topicId, partition, this.nodeId, this.leaseMs],
    )
    return rows[0]?.leader_epoch ?? null
  }

  // As acquireLeadership, and also when the lease is held under this node id: by an earlier
  // process of this broker, which is dead or fenced since this one registered (register() waits
  // for its membership lease to end), so a restarted broker takes its partitions back at once.
  // Only while this process holds the node id's live membership: a process that was paused past
  // its lease and replaced (its node id registered by another incarnation) claims nothing.
  async claimLeadership(topicId: string, partition: number): Promise<number | null> {
    const rows = await this.db.query<{ leader_epoch: number }>(
      `UPDATE rivulet_partitions SET leader_id = $3, leader_epoch = leader_epoch + 1, lease_expires_at = now() + $4::int * interval '1 millisecond'
       WHERE topic_id = $1 AND partition = $2 AND (leader_id IS NULL OR leader_id = $3 OR lease_expires_at IS NULL OR lease_expires_at <= now())
         AND EXISTS (SELECT 1 FROM rivulet_brokers WHERE node_id = $3 AND incarnation = $5 AND lease_expires_at > now()) RETURNING leader_epoch`,
      [topicId, partition, this.nodeId, this.leaseMs, this.incarnation],
    )
    return rows[0]?.leader_epoch ?? null
  }

  // Renews every lease in `held` in one statement; returns the ones still held.
  async renewAll(held: readonly { topicId: string; partition: number; epoch: number }[]): Promise<Set<string>> {
    if (held.length === 0) return new Set()
    const rows = await this.db.query<{ topic_id: string; partition: number }>(
      `UPDATE rivulet_partitions p SET lease_expires_at = now() + $2::int * interval '1 millisecond'
       FROM unnest($3::uuid[], $4::int[], $5::int[]) AS h(topic_id, partition, epoch)
       WHERE p.topic_id = h.topic_id AND p.partition = h.partition AND p.leader_epoch = h.epoch AND p.leader_id = $1 RETURNING p.topic_id::text, p.partition`,
      [this.nodeId, this.leaseMs, held.map((h) => h.topicId), held.map((h) => h.partition), held.map((h) => h.epoch)],
    )
    return new Set(rows.map((r) => `${r.topic_id}:${r.partition}`))
  }

  // Renews leadership held at `epoch`; false when it was lost.
  async renewLeadership(topicId: string, partition: number, epoch: number): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE rivulet_partitions SET lease_expires_at = now() + $5::int * interval '1 millisecond' WHERE topic_id = $1 AND partition = $2 AND leader_id = $3 AND leader_epoch = $4 RETURNING 1`,
      [topicId, partition, this.nodeId, epoch, this.leaseMs],
    )
    return rows.length === 1
  }

  // Gives leadership up (a clean shutdown or a moved leader): the lease ends now, the epoch stays
  // until the next leader takes it.
  async releaseLeadership(topicId: string, partition: number, epoch: number): Promise<void> {
    await this.db.query(`UPDATE rivulet_partitions SET lease_expires_at = now() WHERE topic_id = $1 AND partition = $2 AND leader_id = $3 AND leader_epoch = $4`, [topicId, partition, this.nodeId, epoch])
  }

  async leader(topicId: string, partition: number): Promise<LeaderLease | null> {
    const [row] = await this.db.query<{ leader_id: number | null; leader_epoch: number; live: boolean }>(
      'SELECT leader_id, leader_epoch, lease_expires_at > now() AS live FROM rivulet_partitions WHERE topic_id = $1 AND partition = $2',
      [topicId, partition],
    )
    return row && row.leader_id !== null && row.live ? { leaderId: row.leader_id, epoch: row.leader_epoch } : null
  }
}

function listenersOf(stored: unknown, endpoint: string): MemberListener[] {
  const list = Array.isArray(stored) ? stored.filter((l): l is MemberListener => typeof l?.name === 'string' && typeof l?.host === 'string' && typeof l?.port === 'number') : []
  if (list.length > 0) return list
  const m = /^(.*):(\d+)$/.exec(endpoint)
  return m ? [{ name: '', host: m[1]!, port: Number(m[2]) }] : []
}
