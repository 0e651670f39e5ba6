// The PostgreSQL store's schema (issue 11, DESIGN.md "The cluster"). One row per record batch, as
// Inkless / KIP-1150's batch table (not a row per record): the bytes whole, with the header fields
// reads and producer state need as columns. A partition row holds what Kafka's leader keeps for a
// partition (next offset = log end, log start, high watermark, leader epoch) and its leadership
// lease; brokers hold a membership lease. Lease times use PostgreSQL's clock (now()), so the
// brokers' clocks never matter.
//
// Versioning: `rivulet_schema` holds one row with the schema version. A Rivulet that finds a newer
// version refuses to start (it would not know the newer layout's rules); an older or missing one is
// brought up to date under an advisory lock, so several brokers may start at once.

import type { Db } from './db.js'

export const SCHEMA_VERSION = 4

// pg_advisory_xact_lock key: "rivulet" in ASCII, so it does not collide with an application's.
const MIGRATION_LOCK = 0x726976756c6574

const V1 = `
CREATE TABLE IF NOT EXISTS rivulet_topics (
  topic_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  partitions int NOT NULL,
  configs jsonb NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS rivulet_partitions (
  topic_id uuid NOT NULL REFERENCES rivulet_topics ON DELETE CASCADE,
  partition int NOT NULL,
  next_offset bigint NOT NULL DEFAULT 0,
  log_start_offset bigint NOT NULL DEFAULT 0,
  high_watermark bigint NOT NULL DEFAULT 0,
  leader_epoch int NOT NULL DEFAULT 0,
  leader_id int,
  lease_expires_at timestamptz,
  PRIMARY KEY (topic_id, partition)
);
CREATE TABLE IF NOT EXISTS rivulet_batches (
  topic_id uuid NOT NULL,
  partition int NOT NULL,
  base_offset bigint NOT NULL,
  last_offset bigint NOT NULL,
  max_timestamp bigint NOT NULL,
  producer_id bigint NOT NULL,
  producer_epoch smallint NOT NULL,
  base_sequence int NOT NULL,
  is_transactional boolean NOT NULL,
  is_control boolean NOT NULL,
  leader_epoch int NOT NULL,
  record_count int NOT NULL,
  size int NOT NULL,
  bytes bytea NOT NULL,
  PRIMARY KEY (topic_id, partition, last_offset),
  FOREIGN KEY (topic_id, partition) REFERENCES rivulet_partitions ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS rivulet_aborted_txns (
  topic_id uuid NOT NULL,
  partition int NOT NULL,
  producer_id bigint NOT NULL,
  first_offset bigint NOT NULL,
  last_offset bigint NOT NULL,
  last_stable_offset bigint NOT NULL,
  PRIMARY KEY (topic_id, partition, last_offset),
  FOREIGN KEY (topic_id, partition) REFERENCES rivulet_partitions ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS rivulet_brokers (
  node_id int PRIMARY KEY,
  endpoint text NOT NULL,
  incarnation uuid NOT NULL,
  lease_expires_at timestamptz NOT NULL
);`

// v2: the broker's metadata documents (cluster.json with topics, configs and the producer id
// block; SCRAM credentials, quotas, ACLs), one row per file of the data directory's root, so a
// broker over PostgreSQL keeps nothing on its own disk (src/store/postgres/mirror-storage.ts).
const V2 = `
CREATE TABLE IF NOT EXISTS rivulet_files (
  path text PRIMARY KEY,
  data bytea NOT NULL
);`

// v3 (issue 11 part 2, several processes over one database): what other brokers need to reach a
// member, every listener's advertised endpoint by name and the broker's rack, as Kafka's
// RegisterBrokerRecord carries them; and the producer id counter brokers take blocks from, as
// Kafka's controller keeps the next producer id block (ProducerIdsRecord); and a version per
// metadata document, so brokers sharing them write compare-and-set (mirror-storage.ts).
const V3 = `
ALTER TABLE rivulet_files ADD COLUMN IF NOT EXISTS version bigint NOT NULL DEFAULT 1;
ALTER TABLE rivulet_brokers ADD COLUMN IF NOT EXISTS listeners jsonb NOT NULL DEFAULT '[]';
ALTER TABLE rivulet_brokers ADD COLUMN IF NOT EXISTS rack text;
CREATE TABLE IF NOT EXISTS rivulet_producer_ids (
  id int PRIMARY KEY CHECK (id = 1),
  next_id bigint NOT NULL
);`

// v4 (group commit): batch bytes stored out of line without PostgreSQL's compression
// attempt (STORAGE EXTERNAL). Producers' batches are usually compressed already, and pglz's
// attempt on every batch cost the server 28% of its CPU per MiB appended for nothing
// (bench/PG-CAPACITY.md: 28 -> 20 ms/MiB, +29% appends). Rows written before keep their layout.
const V4 = `
ALTER TABLE rivulet_batches ALTER COLUMN bytes SET STORAGE EXTERNAL;`

export class SchemaError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SchemaError'
  }
}

// The version the database holds, 0 when it has no Rivulet schema yet.
export async function schemaVersion(db: Db): Promise<number> {
  const [exists] = await db.query<{ t: string | null }>(`SELECT to_regclass('rivulet_schema')::text AS t`)
  if (!exists?.t) return 0
  const [row] = await db.query<{ version: number }>('SELECT version FROM rivulet_schema')
  return row?.version ?? 0
}

// Creates or upgrades the schema; refuses a database written by a newer Rivulet.
export async function migrate(db: Db): Promise<void> {
  const check = async () => {
    const found = await schemaVersion(db)
    if (found > SCHEMA_VERSION) {
      throw new SchemaError(`the database holds Rivulet schema version ${found}, newer than this Rivulet's ${SCHEMA_VERSION}: upgrade Rivulet (it refuses to run on a layout it does not know)`)
    }
    return found
  }
  if ((await check()) === SCHEMA_VERSION) return
  await db.transaction(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK});
CREATE TABLE IF NOT EXISTS rivulet_schema (id int PRIMARY KEY CHECK (id = 1), version int NOT NULL);
${V1}
${V2}
${V3}
${V4}
INSERT INTO rivulet_schema VALUES (1, ${SCHEMA_VERSION}) ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;`)
  await check()
}
