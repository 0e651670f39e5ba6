// The PostgreSQL store (issue 11 part 2): one database shared by every broker of a cluster. It
// holds topics and their partitions, the record batches (one row each), aborted transactions and
// the brokers' leases. A broker opens a PostgresPartition for each partition it leads, at the
// epoch its leadership lease gave it.

import type { LogConfig } from '../../log/types.js'
import { connect, type Db, type DbOptions } from './db.js'
import { BrokerLeases } from './leases.js'
import { PostgresPartition } from './partition.js'
import { migrate } from './schema.js'

export interface TopicRow {
  topicId: string
  name: string
  partitions: number
  configs: Record<string, string>
}

export class PostgresStore {
  private constructor(readonly db: Db) {}

  // Connects and creates or upgrades the schema; refuses a database from a newer Rivulet.
  static async open(url: string, o: DbOptions = {}): Promise<PostgresStore> {
    const db = connect(url, o)
    try {
      await migrate(db)
    } catch (err) {
      await db.end()
      throw err
    }
    return new PostgresStore(db)
  }

  // Creates a topic with its partitions in one transaction; null when the name is taken.
  async createTopic(name: string, partitions: number, configs: Record<string, string> = {}): Promise<TopicRow | null> {
    if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partitions must be a positive integer, not ${partitions}`)
    const rows = await this.db.query<{ topic_id: string }>(
      `WITH t AS (INSERT INTO rivulet_topics (name, partitions, configs) VALUES ($1, $2, $3::jsonb) ON CONFLICT (name) DO NOTHING RETURNING topic_id),
            p AS (INSERT INTO rivulet_partitions (topic_id, partition) SELECT t.topic_id, g FROM t, generate_series(0, $2::int - 1) g)
       SELECT topic_id::text FROM t`,
      [name, partitions, JSON.stringify(configs)],
    )
    return rows[0] ? { topicId: rows[0].topic_id, name, partitions, configs } : null
  }

  async topic(name: string): Promise<TopicRow | null> {
    const [row] = await this.db.query<{ topic_id: string; partitions: number; configs: Record<string, string> }>('SELECT topic_id::text, partitions, configs FROM rivulet_topics WHERE name = $1', [name])
    return row ? { topicId: row.topic_id, name, partitions: row.partitions, configs: row.configs } : null
  }

  async deleteTopic(name: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM rivulet_topics WHERE name = $1 RETURNING 1', [name])).length === 1
  }

  // Reserves `size` producer ids at or above `floor` in one statement (the row lock orders
  // concurrent brokers), returning the first: no two calls, from any broker, overlap.
  async allocateProducerIds(floor: number, size: number): Promise<number> {
    const [row] = await this.db.query<{ start: string }>(
      `INSERT INTO rivulet_producer_ids AS p (id, next_id) VALUES (1, $1::bigint + $2::int)
       ON CONFLICT (id) DO UPDATE SET next_id = greatest(p.next_id, $1::bigint) + $2::int RETURNING next_id - $2::int AS start`,
      [floor, size],
    )
    return Number(row!.start)
  }

  leases(nodeId: number, leaseMs: number): BrokerLeases {
    return new BrokerLeases(this.db, nodeId, leaseMs)
  }

  // The partition as its leader at `epoch` serves it.
  openPartition(topic: TopicRow, partition: number, epoch: number, config: LogConfig): Promise<PostgresPartition> {
    return PostgresPartition.open(this.db, { topicId: topic.topicId, topicName: topic.name, partition }, epoch, config)
  }

  close(): Promise<void> {
    return this.db.end()
  }
}
