// pino, one line per event that matters. Pretty output when a terminal is attached (pino-pretty
// as an in-process stream: no worker thread, so start-up stays fast), JSON lines otherwise.

import { createRequire } from 'node:module'
import { pino, type Logger } from 'pino'

export type { Logger }

export interface LoggerOptions {
  level?: string
  pretty?: boolean
  destination?: NodeJS.WritableStream
}

export function createLogger(o: LoggerOptions = {}): Logger {
  const level = o.level ?? process.env.RIVULET_LOG_LEVEL ?? 'info'
  const base = { level, base: { name: 'rivulet' } }
  const wantPretty = o.pretty ?? (process.stdout.isTTY === true && o.destination === undefined)
  if (wantPretty) {
    try {
      const pretty = createRequire(import.meta.url)('pino-pretty') as (opts: object) => NodeJS.WritableStream
      return pino(base, pretty({ sync: true, ignore: 'pid,hostname,name', translateTime: 'HH:MM:ss.l' }))
    } catch {
      // pino-pretty is optional: fall back to JSON lines.
    }
  }
  // Synchronous writes: lines are never reordered with other output nor lost at process.exit.
  return pino(base, o.destination ?? pino.destination({ dest: 1, sync: true }))
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}
