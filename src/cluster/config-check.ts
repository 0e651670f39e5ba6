// Kafka's parsing and validation of one config value (ConfigDef.parseType, then the config's
// Validator), with Kafka's messages, so a bad value is refused in the same words at start-up
// (server.properties, --override, embedded `config`) and by AlterConfigs / IncrementalAlterConfigs.
// test/cluster/config-check.test.ts holds every message against what Kafka 4.4 answers.

export type ConfigType = 'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD'

// Kafka's validators, as far as Rivulet can reproduce them: Range (with compression.gzip.level's
// "or equal to -1"), ValidString / CaseInsensitiveValidString, ValidList, NonEmptyString and the
// topic configs' ThrottledReplicaListValidator.
// Class loading and the quorum address validators have no check: any value of the type passes.
export type Check =
  | { kind: 'range'; min?: string; max?: string; orEqual?: string }
  | { kind: 'in'; values: readonly string[]; caseInsensitive?: boolean }
  | { kind: 'list'; values: readonly string[]; nonEmpty: boolean }
  | { kind: 'nonEmptyString' }
  | { kind: 'throttledReplicas' }

// One row of Kafka's broker or topic config table (generated: kafka-broker-configs.ts,
// kafka-topic-configs.ts).
export interface KafkaConfigKey {
  name: string
  type: ConfigType
  default: string | null
  dynamic: boolean
  internal?: boolean
  check?: Check
  doc: string
}

const RANGES: Partial<Record<ConfigType, readonly [bigint, bigint]>> = {
  SHORT: [-(2n ** 15n), 2n ** 15n - 1n],
  INT: [-(2n ** 31n), 2n ** 31n - 1n],
  LONG: [-(2n ** 63n), 2n ** 63n - 1n],
}

// Java's Integer/Short/Long.parseLong: an optional sign and ASCII digits, within the type's range.
function parseInteger(type: ConfigType, v: string): bigint | null {
  if (!/^[+-]?\d+$/.test(v)) return null
  const n = BigInt(v)
  const [min, max] = RANGES[type]!
  return n >= min && n <= max ? n : null
}

// Java's Double.parseDouble for decimal input (hexadecimal floats are not accepted here).
function parseDouble(v: string): number | null {
  if (!/^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)$/.test(v)) return null
  return Number(v.replace(/[fFdD]$/, '').replace(/Infinity$/, 'Infinity'))
}

// Java's Double.toString for the values a range message shows ("3.0", "0.5").
function javaDouble(n: number): string {
  const abs = Math.abs(n)
  if (!Number.isFinite(n) || n === 0 || (abs >= 1e-3 && abs < 1e7)) return Number.isInteger(n) ? n.toFixed(1) : String(n)
  const [mantissa, exp] = n.toExponential().split('e')
  return `${mantissa!.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exp)}`
}

type Parsed = { ok: true; value: bigint | number | string | boolean | string[] } | { ok: false; reason: string }

// ConfigDef.parseType: numbers and booleans are trimmed first; a LIST splits on commas with the
// whitespace around them, and an empty (or blank) value is the empty list.
function parse(type: ConfigType, raw: string): Parsed {
  const v = raw.trim()
  switch (type) {
    case 'BOOLEAN':
      if (/^true$/i.test(v)) return { ok: true, value: true }
      if (/^false$/i.test(v)) return { ok: true, value: false }
      return { ok: false, reason: 'Expected value to be either true or false' }
    case 'SHORT':
    case 'INT':
    case 'LONG': {
      const n = parseInteger(type, v)
      return n === null ? { ok: false, reason: `Not a number of type ${type}` } : { ok: true, value: n }
    }
    case 'DOUBLE': {
      const n = parseDouble(v)
      return n === null ? { ok: false, reason: 'Not a number of type DOUBLE' } : { ok: true, value: n }
    }
    case 'LIST':
      return { ok: true, value: v === '' ? [] : v.split(/\s*,\s*/) }
    case 'STRING':
      return { ok: true, value: v }
    default:
      // PASSWORD keeps its value as given; CLASS cannot be loaded here, so any name passes.
      return { ok: true, value: raw }
  }
}

const invalid = (name: string, value: string, reason: string) => `Invalid value ${value} for configuration ${name}: ${reason}`

function checkRange(name: string, c: { min?: string; max?: string; orEqual?: string }, value: bigint | number): string | null {
  const shown = typeof value === 'number' ? javaDouble(value) : String(value)
  const n = Number(value)
  if (c.orEqual !== undefined) {
    if (n === Number(c.orEqual) || (n >= Number(c.min) && n <= Number(c.max))) return null
    return invalid(name, shown, `Value must be between ${c.min} and ${c.max} or equal to ${c.orEqual}`)
  }
  const below = c.min !== undefined && (typeof value === 'bigint' && /^-?\d+$/.test(c.min) ? value < BigInt(c.min) : n < Number(c.min))
  if (below) return invalid(name, shown, `Value must be at least ${c.min}`)
  const above = c.max !== undefined && (typeof value === 'bigint' && /^-?\d+$/.test(c.max) ? value > BigInt(c.max) : n > Number(c.max))
  if (above) return invalid(name, shown, `Value must be no more than ${c.max}`)
  return null
}

function checkIn(name: string, values: readonly string[], item: string, caseInsensitive = false): string | null {
  const ok = caseInsensitive ? values.some((x) => x.toUpperCase() === item.toUpperCase()) : values.includes(item)
  if (ok) return null
  return invalid(name, item, `String must be one of${caseInsensitive ? ' (case insensitive)' : ''}: ${values.join(', ')}`)
}

// ThrottledReplicaListValidator: "*" or partition:broker pairs; the message shows Java's List.toString.
function checkThrottledReplicas(name: string, items: string[]): string | null {
  if (items.join('') === '*' || items.every((i) => /^(\d+:\d+)?$/.test(i.trim()))) return null
  const reason = `${name} must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...`
  return invalid(name, `[${items.join(', ')}]`, reason)
}

// Kafka's message for a value of this config that it would refuse, or null when Kafka accepts it.
export function configValueError(name: string, type: ConfigType, check: Check | undefined, raw: string): string | null {
  const parsed = parse(type, raw)
  if (!parsed.ok) return invalid(name, raw, parsed.reason)
  const value = parsed.value
  switch (check?.kind) {
    case undefined:
      return null
    case 'range':
      return typeof value === 'bigint' || typeof value === 'number' ? checkRange(name, check, value) : null
    case 'in':
      return checkIn(name, check.values, String(value), check.caseInsensitive)
    case 'nonEmptyString':
      return String(value).trim() === '' ? invalid(name, String(value), 'String must be non-empty') : null
    case 'throttledReplicas':
      return checkThrottledReplicas(name, value as string[])
    case 'list': {
      const items = value as string[]
      if (check.nonEmpty && items.length === 0) {
        const valid = check.values.length === 0 ? 'any non-empty value' : `[${check.values.join(', ')}]`
        return `Configuration '${name}' must not be empty. Valid values include: ${valid}`
      }
      if (check.values.length === 0) return null
      for (const item of items) {
        const err = checkIn(name, check.values, item)
        if (err) return err
      }
      return null
    }
  }
}
