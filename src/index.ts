// Embedded API: start a broker inside this process.
//   const broker = await startBroker()          // a free port, in memory
//   ... new Kafka({ brokers: [broker.bootstrap] }) ...
//   await broker.stop()

import { Broker } from './broker.js'
import { BrokerConfig } from './cluster/broker-config.js'
import { systemClock, type Clock } from './clock.js'
import { parseListener, reportConfig, validateStartupConfig } from './config.js'
import { inspectDataDir, lockDataDir } from './data-dir.js'
import { diskStorage, memoryStorage } from './log/storage.js'
import { createLogger, silentLogger, type Logger } from './logger.js'
import { Server } from './server/server.js'

// Embedded defaults suit a test: a free port and memory. The CLI passes its own (9092, ./data).
export interface StartOptions {
  // Listen port; 0 (the default) lets the system pick a free one, read it from `port`/`bootstrap`.
  port?: number
  // Listen address (default 127.0.0.1, or the host of `listeners` in `config`).
  host?: string
  // Keep the log on disk in this directory (created if missing).
  dataDir?: string
  // Keep everything in memory. The default unless `dataDir` (or `log.dirs` in `config`) is given;
  // `memory: false` without a directory uses ./data.
  memory?: boolean
  // Use a non-empty directory that is not a Rivulet data directory anyway (the CLI's --adopt-data-dir).
  adoptDataDir?: boolean
  // Kafka server.properties names, e.g. { 'num.partitions': 3, 'log.segment.bytes': 1048576 }.
  config?: Record<string, string | number | boolean>
  logger?: Logger
  logLevel?: string
  clock?: Clock
}

export interface RunningBroker {
  bootstrap: string
  host: string
  port: number
  broker: Broker
  stop(): Promise<void>
}

export { Broker } from './broker.js'
export { DataDirError } from './data-dir.js'
export { ManualClock, systemClock, type Clock } from './clock.js'

export async function startBroker(o: StartOptions = {}): Promise<RunningBroker> {
  const logger = o.logger ?? (o.logLevel ? createLogger({ level: o.logLevel }) : silentLogger())
  if (o.memory && o.dataDir) throw new Error('memory and dataDir exclude each other')
  const values = new Map<string, string>(Object.entries(o.config ?? {}).map(([k, v]) => [k, String(v)]))
  validateStartupConfig(values)
  reportConfig(values, logger)
  if (o.dataDir) values.set('log.dirs', o.dataDir)
  const memory = o.memory ?? !(values.has('log.dirs') || values.has('log.dir'))
  const listener = parseListener(values.get('listeners') ?? 'PLAINTEXT://127.0.0.1:0')
  const host = o.host ?? listener.host ?? '127.0.0.1'
  const port = o.port ?? listener.port
  values.set('listeners', `PLAINTEXT://${host}:${port}`)
  const config = new BrokerConfig(values)
  const dir = config.get('log.dirs') ?? config.get('log.dir') ?? './data'
  // Order matters: every check that can fail runs before the first byte is written, so a refused
  // directory or a port in use leaves no trace (not even a created data directory).
  // Kafka spreads partitions over a comma-separated list; read as one path it would be a new
  // directory named after the whole list.
  if (!memory && dir.includes(',')) throw new Error(`log.dirs lists several directories (${dir}): Rivulet keeps its data in one directory; set one with --data-dir or log.dirs`)
  const kind = memory ? 'memory' : inspectDataDir(dir, { adopt: o.adoptDataDir })
  const server = new Server(logger)
  const bound = await server.listen(host || '0.0.0.0', port)
  let unlock: (() => void) | null = null
  let broker: Broker
  let started: { clean: boolean; topics: number }
  try {
    if (!memory) unlock = lockDataDir(dir)
    if (kind === 'adopted') logger.warn({ dataDir: dir }, 'adopting a directory that is not a Rivulet data directory (adoptDataDir)')
    broker = new Broker({ config, storage: memory ? memoryStorage() : diskStorage(dir), clock: o.clock ?? systemClock, logger })
    // A failed start is not stopped: stop() would mark the directory clean and rewrite its
    // checkpoints from a half-loaded state.
    started = broker.start()
  } catch (err) {
    await server.close()
    unlock?.()
    throw err
  }
  server.serve(broker)
  advertise(broker, config, host, bound.port)
  const bootstrap = `${broker.advertisedHost}:${broker.advertisedPort}`
  logger.info({ bootstrap, storage: memory ? 'memory' : dir, clean: started.clean, topics: started.topics, pid: process.pid }, 'listening')
  let stopping: Promise<void> | null = null
  return {
    bootstrap,
    host: broker.advertisedHost,
    port: broker.advertisedPort,
    broker,
    stop: () =>
      (stopping ??= (async () => {
        await server.close()
        try {
          broker.stop()
        } finally {
          unlock?.()
        }
        logger.info('stopped')
      })()),
  }
}

// The address clients are told (Metadata, FindCoordinator): advertised.listeners, else the bound one.
function advertise(broker: Broker, config: BrokerConfig, host: string, boundPort: number): void {
  const advertised = config.get('advertised.listeners')
  if (advertised) {
    const a = parseListener(advertised)
    broker.advertisedHost = a.host
    broker.advertisedPort = a.port === 0 ? boundPort : a.port
  } else {
    broker.advertisedHost = host === '' || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
    broker.advertisedPort = boundPort
  }
}
