// Embedded API: start a broker inside this process.
//   const broker = await startBroker({ port: 0, memory: true })
//   ... new Kafka({ brokers: [broker.bootstrap] }) ...
//   await broker.stop()

import { Broker } from './broker.js'
import { BrokerConfig } from './cluster/broker-config.js'
import { systemClock, type Clock } from './clock.js'
import { parseListener, reportConfig, validateStartupConfig } from './config.js'
import { diskStorage, memoryStorage } from './log/storage.js'
import { createLogger, silentLogger, type Logger } from './logger.js'
import { Server } from './server/server.js'

export interface StartOptions {
  port?: number
  host?: string
  dataDir?: string
  memory?: boolean
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
export { ManualClock, systemClock, type Clock } from './clock.js'

export async function startBroker(o: StartOptions = {}): Promise<RunningBroker> {
  const logger = o.logger ?? (o.logLevel ? createLogger({ level: o.logLevel }) : silentLogger())
  const values = new Map<string, string>(Object.entries(o.config ?? {}).map(([k, v]) => [k, String(v)]))
  validateStartupConfig(values)
  reportConfig(values, logger)
  if (o.dataDir) values.set('log.dirs', o.dataDir)
  const listener = parseListener(values.get('listeners') ?? 'PLAINTEXT://127.0.0.1:9092')
  const host = o.host ?? listener.host ?? '127.0.0.1'
  const port = o.port ?? listener.port
  values.set('listeners', `PLAINTEXT://${host}:${port}`)
  const config = new BrokerConfig(values)
  const dir = config.get('log.dirs') ?? config.get('log.dir') ?? './data'
  const storage = o.memory ? memoryStorage() : diskStorage(dir)
  const broker = new Broker({ config, storage, clock: o.clock ?? systemClock, logger })
  const started = broker.start()
  const server = new Server(broker, logger)
  let bound
  try {
    bound = await server.listen(host || '0.0.0.0', port)
  } catch (err) {
    broker.stop()
    throw err
  }
  const advertised = config.get('advertised.listeners')
  if (advertised) {
    const a = parseListener(advertised)
    broker.advertisedHost = a.host
    broker.advertisedPort = a.port === 0 ? bound.port : a.port
  } else {
    broker.advertisedHost = host === '' || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
    broker.advertisedPort = bound.port
  }
  const bootstrap = `${broker.advertisedHost}:${broker.advertisedPort}`
  logger.info({ bootstrap, storage: o.memory ? 'memory' : dir, clean: started.clean, topics: started.topics }, 'listening')
  let stopping: Promise<void> | null = null
  return {
    bootstrap,
    host: broker.advertisedHost,
    port: broker.advertisedPort,
    broker,
    stop: () =>
      (stopping ??= (async () => {
        await server.close()
        broker.stop()
        logger.info('stopped')
      })()),
  }
}
