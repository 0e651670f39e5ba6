// Embedded API: start a broker inside this process.
//   const broker = await startBroker()          // a free port, in memory
//   ... new Kafka({ brokers: [broker.bootstrap] }) ...
//   await broker.stop()

import { openAdminPort, serveAdmin, type OpenAdmin } from './admin/start.js'
import type { AdminHttpServer } from './admin/http-server.js'
import { Broker } from './broker.js'
import { BrokerConfig } from './cluster/broker-config.js'
import { ManualClock, systemClock, type Clock } from './clock.js'
import { reportConfig, validateStartupConfig } from './config.js'
import { inspectDataDir, lockDataDir } from './data-dir.js'
import { diskStorage, memoryStorage } from './log/storage.js'
import type { SharedStore } from './store/shared-store.js'
import { createLogger, silentLogger, type Logger } from './logger.js'
import { listenerSecurity } from './security/listener-security.js'
import { closeTokenValidators, startTokenValidators } from './security/oauth/config.js'
import { credentialFromPassword, SCRAM_MECHANISMS } from './security/scram-credentials.js'
import { Server, type BoundListener } from './server/server.js'
import { endpointsOf, InProcessCluster, shiftPorts, type RunningNode } from './in-process-cluster.js'
import { TestKit, type RequestLogLimits } from './testkit/kit.js'

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
  // Keep the data in PostgreSQL (`store.url`, the CLI's --store): postgres://user@host:port/db.
  // Excludes dataDir and memory.
  store?: string
  // Use a non-empty directory that is not a Rivulet data directory anyway (the CLI's --adopt-data-dir).
  adoptDataDir?: boolean
  // Kafka server.properties names, e.g. { 'num.partitions': 3, 'log.segment.bytes': 1048576 }.
  config?: Record<string, string | number | boolean>
  logger?: Logger
  logLevel?: string
  // 'manual': a ManualClock that moves only with kit.advance(ms) (session timeouts, retention,
  // transaction timeouts and offset expiry in milliseconds of test time).
  clock?: Clock | 'manual'
  // The test kit's request recording (default: the last 10,000 requests or 64 MiB of frames;
  // { maxRequests: 0 } records nothing).
  kit?: RequestLogLimits
  // Users for SASL listeners, name ─▶ password: PLAIN accepts them (besides the JAAS
  // user_<name> entries) and each gets SCRAM-SHA-256 and SCRAM-SHA-512 credentials (4096
  // iterations, stored salted as AlterUserScramCredentials stores them).
  users?: Record<string, string>
  // A TLS handshake not finished by then is dropped (default 10 s).
  tlsHandshakeTimeoutMs?: number
  // The admin HTTP port (/metrics, the test kit's routes); off unless given. 0 picks a free port.
  adminPort?: number
  // Its bind address (default 127.0.0.1: loopback only). Anything else is logged as a warning.
  adminHost?: string
}

// One bound listener: its name, security protocol and the address clients are told.
export interface RunningListener {
  name: string
  securityProtocol: string
  host: string
  port: number
  bootstrap: string
}

export interface RunningBroker {
  bootstrap: string
  host: string
  port: number
  // Every listener, in the order of `listeners`; bootstrap/host/port are the first one's.
  listeners: RunningListener[]
  // The current broker (reset() replaces it with an empty one on the same port).
  readonly broker: Broker
  // Faults, request inspection, await helpers and the clock: see docs/TESTKIT.md.
  readonly kit: TestKit
  // The admin port and its base URL (http://127.0.0.1:PORT), null when it is off; it serves
  // /metrics and the test kit's routes, and more tables are registered with admin.addRoutes(table).
  adminPort: number | null
  adminUrl: string | null
  admin: AdminHttpServer | null
  stop(): Promise<void>
}

// startCluster: several brokers in this process over one store (DESIGN.md, "The cluster").
export interface ClusterOptions extends StartOptions {
  // How many brokers; node ids count up from node.id (default 1), listener ports from `port`.
  brokers: number
  // broker.rack of each broker, in order (default none).
  racks?: (string | null)[]
}

// host, port and listeners are the first broker's.
export interface RunningCluster extends RunningBroker {
  // Every broker's first listener, comma separated, as clients' bootstrap lists take them.
  bootstrap: string
  brokers: RunningNode[]
  stopBroker(id: number): Promise<void>
  killBroker(id: number): Promise<void>
  restartBroker(id: number): Promise<void>
  isolateBroker(id: number, on?: boolean): void
  moveLeader(topic: string, partition: number, toBroker: number): void
  leaderOf(topic: string, partition: number): number
  stop(): Promise<void>
}

export { Broker } from './broker.js'
export type { RunningNode } from './in-process-cluster.js'
export { DataDirError } from './data-dir.js'
export { ManualClock, systemClock, type Clock } from './clock.js'
export { TestKit, type FaultSpec, type FaultInfo, type RecordedRequest, type KitRecord } from './testkit/kit.js'

export async function startBroker(o: StartOptions = {}): Promise<RunningBroker> {
  return (await startNodes(o)).running
}

export async function startCluster(o: ClusterOptions): Promise<RunningCluster> {
  if (!Number.isInteger(o.brokers) || o.brokers < 1 || o.brokers > 64) throw new Error(`brokers must be a whole number from 1 to 64, got ${o.brokers}`)
  if (o.racks && o.racks.length !== o.brokers) throw new Error(`racks names ${o.racks.length} rack(s) for ${o.brokers} broker(s)`)
  const { running, cluster } = await startNodes(o, o.racks ?? new Array<null>(o.brokers).fill(null))
  const brokers = cluster.nodes
  return {
    ...running,
    bootstrap: brokers.map((b) => b.bootstrap).join(','),
    get brokers() {
      return cluster.nodes
    },
    broker: running.broker,
    stopBroker: (id) => cluster.stopBroker(id),
    killBroker: (id) => cluster.killBroker(id),
    restartBroker: (id) => cluster.restartBroker(id),
    isolateBroker: (id, on) => cluster.isolateBroker(id, on),
    moveLeader: (topic, partition, to) => cluster.moveLeader(topic, partition, to),
    leaderOf: (topic, partition) => cluster.leaderOf(topic, partition),
    stop: () => running.stop(),
  }
}

// One broker, or (racks given) one per rack over the same store; every listener binds before
// anything is written.
async function startNodes(o: StartOptions, racks?: (string | null)[]): Promise<{ running: RunningBroker; cluster: InProcessCluster }> {
  const logger = o.logger ?? (o.logLevel ? createLogger({ level: o.logLevel }) : silentLogger())
  if (o.memory && o.dataDir) throw new Error('memory and dataDir exclude each other')
  const values = new Map<string, string>(Object.entries(o.config ?? {}).map(([k, v]) => [k, String(v)]))
  validateStartupConfig(values)
  reportConfig(values, logger, racks?.length ?? 1)
  if (o.dataDir) values.set('log.dirs', o.dataDir)
  if (o.store) values.set('store.url', o.store)
  const storeUrl = values.get('store.url') ?? ''
  if (storeUrl !== '' && (o.dataDir || o.memory)) throw new Error('store.url (--store) keeps the data in PostgreSQL: it excludes a data directory and memory')
  if (storeUrl !== '' && (racks?.length ?? 1) > 1) throw new Error('store.url (--store) serves one broker per process: start one process per broker over the same database')
  const memory = storeUrl !== '' || (o.memory ?? !(values.has('log.dirs') || values.has('log.dir')))
  values.set('listeners', firstListenerOverridden(values.get('listeners') ?? 'PLAINTEXT://127.0.0.1:0', o.host, o.port))
  const advertised = values.get('advertised.listeners')
  if (advertised !== undefined && o.port !== undefined) values.set('advertised.listeners', advertisedPortOverridden(advertised, values.get('listeners')!, o.port))
  // A manual clock starts at the real time: clients stamp records with theirs, and Kafka refuses
  // timestamps more than log.message.timestamp.after.max.ms (1 h) ahead of the broker's.
  const clock = o.clock === 'manual' ? new ManualClock(Date.now()) : (o.clock ?? systemClock)
  const security = listenerSecurity(values, { users: o.users, now: () => clock.now(), warn: (msg) => logger.warn(msg) })
  const validators = security.map((s) => s.sasl?.oauth)
  const config = new BrokerConfig(values)
  const dir = config.get('log.dirs') ?? config.get('log.dir') ?? './data'
  // Order matters: every check that can fail runs before the first byte is written, so a refused
  // directory or a port in use leaves no trace (not even a created data directory).
  // Kafka spreads partitions over a comma-separated list; read as one path it would be a new
  // directory named after the whole list.
  if (!memory && dir.includes(',')) throw new Error(`log.dirs lists several directories (${dir}): Rivulet keeps its data in one directory; set one with --data-dir or log.dirs`)
  const kind = memory ? 'memory' : inspectDataDir(dir, { adopt: o.adoptDataDir })
  await startTokenValidators(validators)
  const securities = (racks ?? [null]).map((_, i) => shiftPorts(security, i))
  const servers: Server[] = []
  const bounds: BoundListener[][] = []
  let admin: OpenAdmin | null = null
  try {
    for (const s of securities) {
      const server = new Server(logger, s, o.tlsHandshakeTimeoutMs)
      servers.push(server)
      bounds.push(await server.listen())
    }
    if (o.adminPort !== undefined) admin = await openAdminPort(o.adminPort, o.adminHost, logger)
  } catch (err) {
    await Promise.all(servers.map((s) => s.close()))
    closeTokenValidators(validators)
    throw err
  }
  const bound = bounds[0]!
  let unlock: (() => void) | null = null
  let broker: Broker
  let started: { clean: boolean; topics: number }
  let shared: SharedStore | null = null
  try {
    if (!memory) unlock = lockDataDir(dir)
    if (kind === 'adopted') logger.warn({ dataDir: dir }, 'adopting a directory that is not a Rivulet data directory (adoptDataDir)')
    if (storeUrl !== '') shared = await openSharedStore(storeUrl, config, bound, logger)
    broker = new Broker({ config, storage: shared ? shared.storage : memory ? memoryStorage() : diskStorage(dir), clock, logger, racks, shared })
    broker.nodes.list.forEach((node, i) => (node.endpoints = endpointsOf(bounds[i]!)))
    // A failed start is not stopped: stop() would mark the directory clean and rewrite its
    // checkpoints from a half-loaded state.
    started = broker.start()
    await shared?.ready()
    // The first producer id block before clients are served.
    await broker.cluster.producerIds?.prime()
  } catch (err) {
    await shared?.close().catch(() => undefined)
    await admin?.server.close()
    await Promise.all(servers.map((s) => s.close()))
    closeTokenValidators(validators)
    unlock?.()
    throw err
  }
  addUsers(broker, o.users)
  const cluster = new InProcessCluster(broker, logger, o.tlsHandshakeTimeoutMs, broker.nodes.list.map((node, i) => ({ node, security: securities[i]!, server: servers[i]! })))
  servers.forEach((s, i) => s.serve(broker, broker.nodes.list[i]))
  const listeners = bound.map((l) => ({ name: l.name, securityProtocol: l.securityProtocol, host: l.host, port: l.port, bootstrap: `${l.host}:${l.port}` }))
  broker.advertisedHost = listeners[0]!.host
  broker.advertisedPort = listeners[0]!.port
  const bootstrap = listeners[0]!.bootstrap
  const named = listeners.length > 1 || listeners[0]!.securityProtocol !== 'PLAINTEXT' ? { listeners: listeners.map((l) => `${l.name}://${l.bootstrap}`) } : {}
  const others = servers.length > 1 ? { brokers: cluster.nodes.map((n) => `${n.nodeId}@${n.bootstrap}`) } : {}
  logger.info({ bootstrap, ...named, ...others, ...(admin ? { admin: admin.url } : {}), storage: storeUrl !== '' ? redactUrl(storeUrl) : memory ? 'memory' : dir, clean: started.clean, topics: started.topics, pid: process.pid }, 'listening')
  let stopping: Promise<void> | null = null
  const kit = new TestKit(
    {
      broker: () => broker,
      clock,
      reset: async () => {
        if (storeUrl !== '') throw new Error('reset() empties an in-memory broker; this one keeps its data in PostgreSQL (store.url)')
        if (!memory) throw new Error(`reset() empties an in-memory broker; this one keeps its data in ${dir}`)
        if (servers.length > 1) throw new Error('reset() empties a single broker; stop this cluster and start a new one')
        const old = broker
        broker = new Broker({ config: new BrokerConfig(values), storage: memoryStorage(), clock, logger })
        broker.nodes.list[0]!.endpoints = old.nodes.list[0]!.endpoints
        broker.start()
        addUsers(broker, o.users)
        broker.advertisedHost = old.advertisedHost
        broker.advertisedPort = old.advertisedPort
        broker.metrics = old.metrics
        kit.attach(broker)
        cluster.replaceBroker(broker)
        old.wakeAll()
        old.stop()
        logger.info('reset: the broker is empty')
      },
    },
    o.kit,
  )
  if (admin) await serveAdmin(admin, () => broker, servers, kit)
  const running: RunningBroker = {
    bootstrap,
    host: broker.advertisedHost,
    port: broker.advertisedPort,
    listeners,
    get broker() {
      return broker
    },
    kit,
    adminPort: admin?.port ?? null,
    adminUrl: admin?.url ?? null,
    admin: admin?.server ?? null,
    stop: () =>
      (stopping ??= (async () => {
        kit.close()
        await admin?.server.close()
        await cluster.close()
        closeTokenValidators(validators)
        try {
          broker.stop()
        } finally {
          unlock?.()
          await shared?.close()
        }
        logger.info('stopped')
      })()),
  }
  return { running, cluster }
}

// The embedded `host`/`port` options (and the CLI's --host/--port) set the first listener; a bare
// host:port is a PLAINTEXT listener, as before listener names existed here.
function firstListenerOverridden(value: string, host: string | undefined, port: number | undefined): string {
  const parts = value.split(',').map((s) => s.trim()).filter((s) => s !== '').map((p) => (p.includes('://') ? p : `PLAINTEXT://${p}`))
  if (parts.length === 0 || (host === undefined && port === undefined)) return parts.join(',')
  const m = /^([^:]+:\/\/)(\[[^\]]*\]|[^:]*):(\d+)$/.exec(parts[0]!)
  if (m) parts[0] = `${m[1]}${host ?? m[2]}:${port ?? m[3]}`
  return parts.join(',')
}

// --port (or `port`) also moves the first listener's advertised port when advertised.listeners
// names it: a config written for 9092 (Kafka's stock server.properties advertises
// localhost:9092) must not send clients to 9092 when the broker listens elsewhere. Port 0
// advertises the port bound. The advertised host stays.
function advertisedPortOverridden(advertised: string, listeners: string, port: number): string {
  const first = /^([^:]+):\/\//.exec(listeners.split(',')[0]!.trim())?.[1]?.toUpperCase()
  return advertised
    .split(',')
    .map((a) => {
      const m = /^\s*([^:]+:\/\/)(\[[^\]]*\]|[^:]*):(\d+)\s*$/.exec(a)
      return m && m[1]!.slice(0, -3).toUpperCase() === first ? `${m[1]}${m[2]}:${port}` : a
    })
    .join(',')
}

// Start-up users get SCRAM credentials for both mechanisms (PLAIN reads them from the listener).
function addUsers(broker: Broker, users: Record<string, string> | undefined): void {
  if (!users || Object.keys(users).length === 0) return
  const upsert = Object.entries(users).flatMap(([name, password]) => SCRAM_MECHANISMS.map((m) => [name, m.type, credentialFromPassword(m, password)] as [string, number, ReturnType<typeof credentialFromPassword>]))
  broker.scramCredentials.apply({ upsert })
}

// The PostgreSQL store, loaded only when asked for (the driver stays out of a plain start).
async function openSharedStore(url: string, config: BrokerConfig, bound: BoundListener[], logger: Logger): Promise<SharedStore> {
  const { PgBrokerStore } = await import('./store/postgres/broker-store.js')
  return PgBrokerStore.open(url, {
    nodeId: config.int('node.id'),
    leaseMs: config.int('store.lease.ms'),
    heartbeatMs: config.int('store.heartbeat.interval.ms'),
    multiProcess: config.bool('store.multi.process.enable'),
    endpoint: `${bound[0]!.host}:${bound[0]!.port}`,
    listeners: endpointsOf(bound),
    rack: config.get('broker.rack'),
    warn: (err, msg) => logger.warn({ err }, msg),
  })
}

// A connection URL as logged: without its password.
function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'postgres://?'
  }
}
