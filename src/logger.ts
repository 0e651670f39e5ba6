// pino, one line per event that matters, on stderr: stdout carries only what a harness reads
// ("Rivulet is ready. Bootstrap: host:port"). Pretty output when stderr is a terminal (pino-pretty
// as an in-process stream: no worker thread, so start-up stays fast), JSON lines otherwise.

import { createRequire } from 'node:module'
import { pino, type Logger } from 'pino'

export type { Logger }

export interface LoggerOptions {
  level?: string
  pretty?: boolean
  destination?: NodeJS.WritableStream
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const

// pino's own message for a bad level ("default level:bogus must be included in custom levels")
// names neither the setting nor the levels that exist.
export function checkLogLevel(level: string, source = 'log level'): void {
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new Error(`unknown ${source} ${JSON.stringify(level)}: use one of ${LOG_LEVELS.join(', ')}`)
}

export function createLogger(o: LoggerOptions = {}): Logger {
  const level = o.level ?? process.env.RIVULET_LOG_LEVEL ?? 'info'
  checkLogLevel(level, o.level === undefined && process.env.RIVULET_LOG_LEVEL !== undefined ? 'RIVULET_LOG_LEVEL' : 'log level')
  const base = { level, base: { name: 'rivulet' } }
  const wantPretty = o.pretty ?? (process.stderr.isTTY === true && o.destination === undefined)
  if (wantPretty) {
    try {
      const pretty = createRequire(import.meta.url)('pino-pretty') as (opts: object) => NodeJS.WritableStream
      return pino(base, pretty({ sync: true, destination: 2, ignore: 'pid,hostname,name', translateTime: 'HH:MM:ss.l' }))
    } catch {
      // pino-pretty is optional: fall back to JSON lines.
    }
  }
  // Synchronous writes: lines are never reordered with other output nor lost at process.exit.
  return pino(base, o.destination ?? pino.destination({ dest: 2, sync: true }))
}

// The names of the keys whose values differ: config change logs name keys, never values (which
// may be secrets such as sasl.jaas.config).
export function changedKeys(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => before[k] !== after[k]).sort()
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}
