// Broker configuration from Kafka's server.properties names: a properties file, --override
// key=value pairs and short flags, in increasing precedence. Unknown keys warn and are ignored.

import fs from 'node:fs'
import { BROKER_CONFIG_BY_NAME } from './cluster/config-defs.js'

// java.util.Properties' line format: key=value, key:value or key value; # and ! comments;
// a trailing backslash continues the line.
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>()
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trimStart()
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.trimStart()
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line)
    if (m) out.set(m[1]!, m[2]!.trim())
    else out.set(line.trim(), '')
  }
  return out
}

export interface Listener {
  host: string
  port: number
}

export function parseListener(value: string): Listener {
  const first = value.split(',')[0]!.trim()
  const m = /^(?:[A-Za-z_]+:\/\/)?(\[[^\]]*\]|[^:]*):(\d+)$/.exec(first)
  if (!m) throw new Error(`cannot parse listener ${JSON.stringify(value)} (expected PLAINTEXT://host:port)`)
  const host = m[1]!.replace(/^\[|\]$/g, '')
  return { host, port: Number(m[2]) }
}

export function readPropertiesFile(file: string): Map<string, string> {
  return parseProperties(fs.readFileSync(file, 'utf8'))
}

export function unknownKeys(values: ReadonlyMap<string, string>): string[] {
  return [...values.keys()].filter((k) => !BROKER_CONFIG_BY_NAME.has(k))
}
