#!/usr/bin/env node
// rivulet [options]: the broker as a command (`npx rivulet`, `npm start`); see USAGE.

import fs from 'node:fs'
import { readPropertiesFile } from './config.js'
import { checkLogLevel, createLogger, LOG_LEVELS } from './logger.js'
import { startBroker } from './index.js'
import { watchNpmWrapper } from './wrapper-watch.js'

const USAGE = `Usage: rivulet [options]
A Kafka-compatible broker for development and tests. Prints "Rivulet is ready. Bootstrap: HOST:PORT"
on stdout once clients can connect; logs go to stderr. SIGINT/SIGTERM stop it gracefully.

Options:
  --port N                 listen port (default 9092; 0 picks a free port)
  --host H                 listen address (default 127.0.0.1)
  --data-dir DIR           data directory (default ./data; created if missing). Rivulet refuses a
                           directory in use by another broker, a Kafka log directory, and a
                           non-empty directory that is not a Rivulet data directory
  --adopt-data-dir         use a non-empty --data-dir that is not Rivulet's anyway
  --memory                 keep everything in memory (nothing is written, nothing survives a stop)
  --config FILE            a Kafka server.properties file (listeners, log.dirs, num.partitions, ...)
  --override key=value     set one config on top of --config (repeatable),
                           e.g. --override num.partitions=3
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
  configFile?: string
  overrides: [string, string][]
  logLevel?: string
}

function parseArgs(argv: string[]): Args {
  const o: Args = { overrides: [] }
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
      case '--host': o.host = value(); break
      case '--data-dir': o.dataDir = value(); break
      case '--adopt-data-dir': o.adoptDataDir = true; break
      case '--memory': o.memory = true; break
      case '--config': o.configFile = value(); break
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
  if (o.memory && o.adoptDataDir) fail('--adopt-data-dir needs a data directory, not --memory')
  return o
}

async function main(): Promise<void> {
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
  running = await startBroker({ port, host: args.host, dataDir: args.dataDir, adoptDataDir: args.adoptDataDir, memory, config, logger })
  if (requested !== null) {
    const signal: string = requested
    requested = null
    return shutdown(signal)
  }
  process.stdout.write(`Rivulet is ready. Bootstrap: ${running.bootstrap}\n`)
}

main().catch((err) => {
  process.stderr.write(`rivulet: ${(err as Error).message}\n`)
  process.exit(1)
})
