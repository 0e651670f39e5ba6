#!/usr/bin/env node
// rivulet [options]: the broker as a command (`npx rivulet`, `npm start`); see USAGE.

import fs from 'node:fs'
import path from 'node:path'
import { readPropertiesFile } from './config.js'
import { checkLogLevel, createLogger, LOG_LEVELS } from './logger.js'
import { startBroker, startCluster } from './index.js'
import { writeDevCerts } from './security/dev-certs.js'
import { watchNpmWrapper } from './wrapper-watch.js'

const USAGE = `Usage: rivulet [options]
       rivulet certs DIR      write a dev CA, broker and client certificates (PEM, PKCS12) and
                              broker.properties / client.properties using them (needs openssl)
A Kafka-compatible broker for development and tests. Prints "Rivulet is ready. Bootstrap: HOST:PORT"
on stdout once clients can connect (with several listeners or a secured one, a "Listener NAME
(PROTOCOL): HOST:PORT" line for each before it); logs go to stderr. SIGINT/SIGTERM stop it gracefully.

Options:
  --port N                 listen port (default 9092; 0 picks a free port)
  --brokers N              N brokers in this process over one store (node ids from node.id,
                           ports from --port: 9092, 9093, ...); partitions get
                           replication.factor replicas on distinct brokers
  --host H                 listen address (default 127.0.0.1)
  --data-dir DIR           data directory (default ./data; created if missing). Rivulet refuses a
                           directory in use by another broker, a Kafka log directory, and a
                           non-empty directory that is not a Rivulet data directory
  --adopt-data-dir         use a non-empty --data-dir that is not Rivulet's anyway
  --memory                 keep everything in memory (nothing is written, nothing survives a stop)
  --store URL              keep everything in PostgreSQL (postgres://user@host:port/db; the
                           store.url config): topics, configs, record batches, producer state,
                           group offsets and transactions survive a restart or a kill
  --manual-clock           the broker's time moves only when told to (the test kit's
                           POST /clock/advance on the admin port): session timeouts, retention,
                           transaction timeouts and offset expiry without waiting
  --config FILE            a Kafka server.properties file (listeners, log.dirs, num.partitions, ...)
  --override key=value     set one config on top of --config (repeatable),
                           e.g. --override num.partitions=3
  --listeners LIST         Kafka's listeners, e.g. PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0
                           (--port/--host then set the first one)
  --user NAME:PASSWORD     a SASL user (repeatable): PLAIN accepts it, and it gets SCRAM-SHA-256
                           and SCRAM-SHA-512 credentials
  --tls-dir DIR            TLS listeners use DIR/broker-keystore.pem and DIR/ca.pem (as written by
                           rivulet certs) unless ssl.keystore.* / ssl.truststore.* are set
  --admin-port N           serve the admin HTTP port (/metrics for Prometheus) on N; 0 picks a
                           free port. Off by default. Prints "Admin: http://HOST:PORT" on stdout
  --admin-host H           the admin port's bind address (default 127.0.0.1, loopback only;
                           anything else lets other machines in, and is logged as a warning)
  --log-level LEVEL        ${LOG_LEVELS.join(', ')} (default info; env RIVULET_LOG_LEVEL)
  -V, --version            print the version and exit
  -h, --help               print this text and exit

Every config key, its default and whether Rivulet applies it: ${packageFile('docs/CONFIG.md')}`

// dist/src/cli.js and dist/bundle/cli.mjs both sit two levels below the package root.
function packageFile(name: string): string {
  const file = new URL(`../../${name}`, import.meta.url).pathname
  return fs.existsSync(file) ? file : `${name} in the Rivulet repository`
}

function version(): string {
  try {
    return (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
}

function fail(msg: string): never {
  process.stderr.write(`rivulet: ${msg}\n\n${USAGE}\n`)
  process.exit(2)
}

interface Args {
  port?: number
  host?: string
  dataDir?: string
  adoptDataDir?: boolean
  memory?: boolean
  store?: string
  manualClock?: boolean
  configFile?: string
  overrides: [string, string][]
  logLevel?: string
  users: Record<string, string>
  tlsDir?: string
  adminPort?: number
  adminHost?: string
  brokers?: number
}

function parseArgs(argv: string[]): Args {
  const o: Args = { overrides: [], users: {} }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    const value = () => inline ?? argv[++i] ?? fail(`${flag} needs a value`)
    switch (flag) {
      case '--port': {
        const n = Number(value())
        if (!Number.isInteger(n) || n < 0 || n > 65535) fail('--port must be 0-65535')
        o.port = n
        break
      }
      case '--brokers': {
        const n = Number(value())
        if (!Number.isInteger(n) || n < 1 || n > 64) fail('--brokers must be a whole number from 1 to 64')
        o.brokers = n
        break
      }
      case '--host': o.host = value(); break
      case '--admin-port': {
        const text = value()
        const n = Number(text)
        if (text.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) fail(`--admin-port must be 0-65535, got ${JSON.stringify(text)}`)
        o.adminPort = n
        break
      }
      case '--admin-host': o.adminHost = value(); break
      case '--data-dir': o.dataDir = value(); break
      case '--adopt-data-dir': o.adoptDataDir = true; break
      case '--memory': o.memory = true; break
      case '--store': o.store = value(); break
      case '--manual-clock': o.manualClock = true; break
      case '--config': o.configFile = value(); break
      case '--listeners': o.overrides.push(['listeners', value()]); break
      case '--tls-dir': o.tlsDir = value(); break
      case '--user': {
        const up = value()
        const colon = up.indexOf(':')
        if (colon <= 0) fail(`--user needs NAME:PASSWORD, got ${JSON.stringify(up.slice(0, Math.max(0, colon)) || up.replace(/:.*/, ':...'))}`)
        o.users[up.slice(0, colon)] = up.slice(colon + 1)
        break
      }
      case '--log-level': {
        const level = value()
        try {
          checkLogLevel(level, '--log-level')
        } catch (err) {
          fail((err as Error).message)
        }
        o.logLevel = level
        break
      }
      case '--override': {
        const kv = value()
        const eq = kv.indexOf('=')
        if (eq <= 0) fail(`--override needs key=value, got ${JSON.stringify(kv)}`)
        o.overrides.push([kv.slice(0, eq), kv.slice(eq + 1)])
        break
      }
      case '-h':
      case '--help':
        process.stdout.write(`${USAGE}\n`)
        process.exit(0)
      case '-V':
      case '--version':
        process.stdout.write(`${version()}\n`)
        process.exit(0)
      default:
        fail(`unknown option ${arg}`)
    }
  }
  if (o.memory && o.dataDir) fail('--memory and --data-dir exclude each other')
  if (o.store !== undefined && (o.memory || o.dataDir !== undefined)) fail('--store keeps the data in PostgreSQL: it excludes --memory and --data-dir')
  if (o.memory && o.adoptDataDir) fail('--adopt-data-dir needs a data directory, not --memory')
  if (o.adminHost !== undefined && o.adminPort === undefined) fail('--admin-host needs --admin-port')
  return o
}

// `rivulet certs DIR`: the files a TLS test setup needs, then exit.
function certs(argv: string[]): void {
  if (argv.length !== 1 || argv[0]!.startsWith('-')) fail('certs needs one argument: the directory to write into')
  try {
    const c = writeDevCerts(argv[0]!)
    process.stdout.write(`Wrote a dev CA, broker and client certificates to ${c.dir}:\n  ca.pem (truststore), broker-keystore.pem (ssl.keystore.type=PEM), broker.p12 and client.p12 (PKCS12, password rivulet),\n  client.pem + client.key (client certificate, CN=client), broker.properties, client.properties\nStart a broker with them: rivulet --memory --config ${path.join(c.dir, 'broker.properties')}\n`)
  } catch (err) {
    process.stderr.write(`rivulet: ${(err as Error).message}\n`)
    process.exit(1)
  }
}

// --tls-dir: the PEM files rivulet certs writes, for keys the config does not set.
function tlsDirConfig(dir: string, config: Record<string, string>): void {
  const files = { keystore: path.join(dir, 'broker-keystore.pem'), ca: path.join(dir, 'ca.pem') }
  for (const f of Object.values(files)) if (!fs.existsSync(f)) fail(`--tls-dir ${dir} has no ${path.basename(f)} (write one with: rivulet certs ${dir})`)
  if (config['ssl.keystore.location'] === undefined && config['ssl.keystore.key'] === undefined) Object.assign(config, { 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': files.keystore })
  if (config['ssl.truststore.location'] === undefined && config['ssl.truststore.certificates'] === undefined) Object.assign(config, { 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': files.ca })
}

async function main(): Promise<void> {
  if (process.argv[2] === 'certs') return certs(process.argv.slice(3))
  const args = parseArgs(process.argv.slice(2))
  let logger
  try {
    logger = createLogger({ level: args.logLevel })
  } catch (err) {
    fail((err as Error).message)
  }
  const config: Record<string, string> = {}
  if (args.configFile) {
    try {
      for (const [k, v] of readPropertiesFile(args.configFile)) config[k] = v
    } catch (err) {
      fail(`cannot read ${args.configFile}: ${(err as Error).message}`)
    }
  }
  for (const [k, v] of args.overrides) config[k] = v
  if (args.tlsDir) tlsDirConfig(args.tlsDir, config)
  // The command's defaults (the embedded API's are port 0 and memory): Kafka's port, ./data.
  const port = args.port ?? (config.listeners === undefined ? 9092 : undefined)
  const memory = args.memory ?? false
  // Signal handlers go in before anything is printed: a supervisor may send SIGTERM the moment
  // it reads the bootstrap line.
  let running: Awaited<ReturnType<typeof startBroker>> | null = null
  let requested: string | null = null
  const shutdown = (signal: string) => {
    if (requested !== null) process.exit(1)
    requested = signal
    if (!running) return
    logger.info({ signal }, 'shutting down')
    running.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  watchNpmWrapper((reason) => {
    // Ctrl-C in a terminal signals npm, the shell and the broker alike: the broker's own SIGINT
    // is already stopping it, and a second request would force an exit.
    if (requested !== null) return
    logger.info({ reason }, 'npx/npm asked to stop')
    shutdown('npm')
  })
  // The CLI records requests only when the admin port serves the test kit's routes (GET
  // /requests); otherwise a served broker's dispatch has no request hook until a fault is added.
  const kit = args.adminPort === undefined ? { maxRequests: 0 } : undefined
  const options = { port, host: args.host, dataDir: args.dataDir, store: args.store, adoptDataDir: args.adoptDataDir, memory, config, logger, users: args.users, kit, clock: args.manualClock ? ('manual' as const) : undefined, adminPort: args.adminPort, adminHost: args.adminHost }
  running = args.brokers !== undefined && args.brokers > 1 ? await startCluster({ ...options, brokers: args.brokers }) : await startBroker(options)
  if (requested !== null) {
    const signal: string = requested
    requested = null
    return shutdown(signal)
  }
  const ls = running.listeners
  if (ls.length > 1 || ls[0]!.securityProtocol !== 'PLAINTEXT') for (const l of ls) process.stdout.write(`Listener ${l.name} (${l.securityProtocol}): ${l.bootstrap}\n`)
  if (running.adminUrl) process.stdout.write(`Admin: ${running.adminUrl}\n`)
  process.stdout.write(`Rivulet is ready. Bootstrap: ${running.bootstrap}\n`)
}

main().catch((err) => {
  process.stderr.write(`rivulet: ${(err as Error).message}\n`)
  process.exit(1)
})
