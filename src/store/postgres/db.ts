// The one file that knows the PostgreSQL driver: porsager's `postgres` (postgres.js), chosen by
// measurement on this store's workload (bench/pg-drivers.js, bench/RESULTS.md, README
// "Dependencies, and why"). The rest of the store speaks `Db`: parameterised statements that
// return rows (bigint columns as text), and multi-statement scripts.

import postgres from 'postgres'
import { LogError } from '../../log/types.js'

export interface Db {
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>
  // Several statements (no parameters) in one transaction.
  transaction(script: string): Promise<void>
  end(): Promise<void>
}

export interface DbOptions {
  // Connections in the pool (default 4).
  max?: number
  // Seconds to wait for a connection before the statement fails (default 5): a store that is
  // down must answer clients with an error soon, not hold their requests.
  connectTimeoutSec?: number
}

export function connect(url: string, o: DbOptions = {}): Db {
  const sql = postgres(url, {
    max: o.max ?? 4,
    connect_timeout: o.connectTimeoutSec ?? 5,
    onnotice: () => {},
    // Offsets and ids are bigint: text in, Number out at the call site (exact below 2^53).
    types: {},
  })
  return {
    query: async <T>(text: string, values: unknown[] = []) => (await sql.unsafe(text, values as never[], { prepare: true })) as unknown as T[],
    transaction: async (script) => {
      await sql.begin((tx) => tx.unsafe(script).simple())
    },
    end: () => sql.end({ timeout: 5 }),
  }
}

// A failed statement as the broker reports it: KAFKA_STORAGE_ERROR, which Kafka's clients retry
// (KafkaStorageException is retriable), with the driver's error as the cause. An append whose
// connection broke may or may not have committed: the partition re-reads the store before its
// next write, and the client's retry is recognised as a duplicate by its producer sequence.
export function storageError(err: unknown, partition: string): LogError {
  if (err instanceof LogError) return err
  const e = err as { code?: string; message?: string }
  return new LogError('KAFKA_STORAGE_ERROR', `the PostgreSQL store failed for ${partition}: ${e?.code ? `${e.code} ` : ''}${e?.message ?? String(err)}`, { cause: err })
}
