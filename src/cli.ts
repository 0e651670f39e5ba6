#!/usr/bin/env node
// rivulet [--port N] [--host H] [--data-dir DIR | --memory] [--config server.properties]
//         [--override key=value ...] [--log-level LEVEL]

import { readPropertiesFile } from './config.js'
import { createLogger } from './logger.js'
import { startBroker } from './index.js'

const USAGE = `Usage: rivulet [options]
  --port N                 listen port (default 9092; 0 picks a free port)
  --host H                 listen address (default 127.0.0.1)
  --data-dir DIR           data directory (default ./data)
  --memory                 keep everything in memory (nothing survives a stop)
  --config FILE            Kafka server.properties file
  --override key=value     set a config (repeatable), e.g. --override num.partitions=3
  --log-level LEVEL        trace, debug, info (default), warn, error, silent
  -h, --help               this text`

function fail(msg: string): never {
  process.stderr.write(`rivulet: ${msg}\n\n${USAGE}\n`)
  process.exit(2)
}

function parseArgs(argv: string[]) {
  const o: { port?: number; host?: string; dataDir?: string; memory?: boolean; configFile?: string; overrides: [string, string][]; logLevel?: string } = { overrides: [] }
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
      case '--memory': o.memory = true; break
      case '--config': o.configFile = value(); break
      case '--log-level': o.logLevel = value(); break
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
      default:
        fail(`unknown option ${arg}`)
    }
  }
  if (o.memory && o.dataDir) fail('--memory and --data-dir exclude each other')
  return o
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const logger = createLogger({ level: args.logLevel })
  const config: Record<string, string> = {}
  if (args.configFile) {
    try {
      for (const [k, v] of readPropertiesFile(args.configFile)) config[k] = v
    } catch (err) {
      fail(`cannot read ${args.configFile}: ${(err as Error).message}`)
    }
  }
  for (const [k, v] of args.overrides) config[k] = v
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
  running = await startBroker({ port: args.port, host: args.host, dataDir: args.dataDir, memory: args.memory, config, logger })
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
