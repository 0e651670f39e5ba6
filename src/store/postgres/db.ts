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
  // How long a statement (or a transaction script) may wait for its answer (default 15 s, under
  // the Kafka clients' request.timeout.ms of 30 s). A server that stopped answering without
  // closing the connection (a hung host, a partition that drops packets) would otherwise hold the
  // statement, and every write queued behind it on its partition, until TCP gives up. The
  // connection is then discarded, not reused: its unanswered statement may still complete.
  queryTimeoutMs?: number
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
  const timeoutMs = o.queryTimeoutMs ?? 15_000
  // Runs `work` on a pooled connection; past the timeout the connection is destroyed (release
  // with an error), which also fails the statement still waiting on it.
  const onConnection = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect()
    let broken: Error | undefined
    // A checked-out connection reports the server going away as an 'error' event as well as by
    // failing its statement; unheard, the event would end the process (pool.query listens for it
    // the same way).
    const onError = (err: Error) => void (broken ??= err)
    client.on('error', onError)
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject((broken = new Error(`no answer from PostgreSQL within ${timeoutMs} ms`))), timeoutMs)
    })
    const running = work(client)
    running.catch(() => undefined) // after a timeout its failure (the destroyed connection) is nobody's
    try {
      return await Promise.race([running, timeout])
    } catch (err) {
      // the server's own refusal (a constraint, a bad statement) leaves the connection usable
      if (!(err instanceof pg.DatabaseError)) broken ??= err as Error
      throw err
    } finally {
      clearTimeout(timer)
      if (!broken) client.off('error', onError) // a broken one is destroyed: it may still report
      client.release(broken)
    }
  }
  return {
    query: <T>(text: string, values: unknown[] = []) => onConnection(async (client) => (await client.query({ name: nameOf(text), text, values })).rows as T[]),
    transaction: (script) =>
      onConnection(async (client) => {
        await client.query('BEGIN')
        try {
          await client.query(script)
          await client.query('COMMIT')
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined)
          throw err
        }
      }),
    end: () => pool.end(),
  }
}

// The server refused the statement itself (a constraint, a bad value): an ERROR, the connection
// still usable and nothing of it committed. Not the server going away or out of resources (classes
// 08 connection, 53 resources, 57 operator intervention such as a shutdown, or a FATAL), which
// every statement meets alike.
export function isServerRefusal(err: unknown): boolean {
  return err instanceof pg.DatabaseError && err.severity === 'ERROR' && !/^(08|53|57)/.test(err.code ?? '')
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
