// The one file that knows the PostgreSQL driver: `pg` (node-postgres), chosen by measurement on
// this store's workload (bench/pg-drivers.js, bench/RESULTS.md, README "Dependencies, and why"):
// it sends a Buffer parameter as binary bytea, where postgres.js hex-encodes it (twice the bytes
// and a string as large on every append). The rest of the store speaks `Db`: parameterised
// statements that return rows (bigint columns as text, Number() at the call site), and
// multi-statement scripts run as one transaction.

import pg from 'pg'
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
  // How long a statement waits for a connection before it fails (default 5 s): a store that is
  // down must answer clients with an error soon, not hold their requests.
  connectTimeoutMs?: number
}

// Statements are prepared once per connection under a name; texts built per call (one VALUES row
// per batch) stay few, and past this many distinct texts the rest run unnamed.
const NAMED_STATEMENTS = 256

export function connect(url: string, o: DbOptions = {}): Db {
  const pool = new pg.Pool({ connectionString: url, max: o.max ?? 4, connectionTimeoutMillis: o.connectTimeoutMs ?? 5000 })
  // An idle connection the server dropped (restart, failover) is reported here; without a
  // listener it would be an unhandled 'error' event and end the process. The pool replaces it.
  pool.on('error', () => {})
  const names = new Map<string, string>()
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text)
    if (name === undefined && names.size < NAMED_STATEMENTS) names.set(text, (name = `rivulet_${names.size}`))
    return name
  }
  return {
    query: async <T>(text: string, values: unknown[] = []) => (await pool.query({ name: nameOf(text), text, values })).rows as T[],
    transaction: async (script) => {
      const client = await pool.connect()
      let broken: Error | undefined
      try {
        await client.query('BEGIN')
        await client.query(script)
        await client.query('COMMIT')
      } catch (err) {
        broken = err as Error
        await client.query('ROLLBACK').catch(() => undefined)
        throw err
      } finally {
        client.release(broken)
      }
    },
    end: () => pool.end(),
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
