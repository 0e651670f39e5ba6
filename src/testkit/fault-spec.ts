// A fault rule as the kit's users write it (embedded API and the admin port's JSON), checked once
// when added so a typo is a clear error, never a rule that silently matches nothing.

import { ErrorCode } from '../../protocol/errors.js'
import { handlers } from '../handlers/registry.js'

export interface FaultSpec {
  // API name ('FindCoordinator') or key (10). Not needed by the partition faults.
  api?: string | number
  // Versions the rule applies to: '3-5', '3+', '4', or { min, max }.
  versions?: string | { min?: number; max?: number }
  topic?: string
  partition?: number
  clientId?: string
  // Applies to this many matching requests, then goes away (default: until removed or cleared).
  times?: number
  // Goes away after this many milliseconds of real time.
  durationMs?: number
  // The fault: exactly one of these.
  error?: string | number
  delayMs?: number
  drop?: 'before' | 'after'
  hang?: boolean
  throttleMs?: number
  pauseAppends?: boolean
  notLeader?: boolean
}

export type FaultKind = 'error' | 'delay' | 'drop-before' | 'drop-after' | 'hang' | 'throttle' | 'pause-appends' | 'not-leader'

// A checked rule: its API keys (null: any), version bounds, action and remaining uses.
export interface Rule {
  readonly id: number
  readonly spec: FaultSpec
  readonly kind: FaultKind
  readonly apiKeys: ReadonlySet<number> | null
  readonly minVersion: number
  readonly maxVersion: number
  readonly code: number
  readonly ms: number
  remaining: number
}

export class FaultSpecError extends Error {}

const ACTIONS = ['error', 'delayMs', 'drop', 'hang', 'throttleMs', 'pauseAppends', 'notLeader'] as const
const KEYS = new Set<string>(['api', 'versions', 'topic', 'partition', 'clientId', 'times', 'durationMs', ...ACTIONS])
const API_KEYS: ReadonlyMap<string, number> = new Map(handlers.map((h) => [h.api.name.toLowerCase(), h.api.key]))
const SERVED = new Set(handlers.map((h) => h.api.key))
const PRODUCE = 0
// The APIs a partition leader answers (Kafka's ReplicaManager checks leadership for these).
const LEADER_APIS = new Set([0, 1, 2])

export function checkSpec(id: number, input: unknown): Rule {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new FaultSpecError('a fault is a JSON object such as {"api":"Produce","error":"NOT_LEADER_OR_FOLLOWER","times":1}')
  const spec = input as FaultSpec
  for (const k of Object.keys(spec)) if (!KEYS.has(k)) throw new FaultSpecError(`unknown fault field "${k}" (known: ${[...KEYS].join(', ')})`)
  const actions = ACTIONS.filter((a) => spec[a] !== undefined && spec[a] !== false)
  if (actions.length !== 1) throw new FaultSpecError(`a fault needs exactly one of ${ACTIONS.join(', ')} (got ${actions.length === 0 ? 'none' : actions.join(', ')})`)
  if (spec.topic !== undefined && typeof spec.topic !== 'string') throw new FaultSpecError('topic must be a string')
  if (spec.clientId !== undefined && typeof spec.clientId !== 'string') throw new FaultSpecError('clientId must be a string')
  const partition = spec.partition === undefined ? 0 : count('partition', spec.partition)
  if (spec.partition !== undefined && spec.topic === undefined) throw new FaultSpecError(`partition ${partition} needs a topic`)
  const remaining = spec.times === undefined ? Infinity : count('times', spec.times)
  if (remaining === 0) throw new FaultSpecError('times must be at least 1')
  if (spec.durationMs !== undefined) count('durationMs', spec.durationMs)
  const [minVersion, maxVersion] = versions(spec.versions)
  const action = actions[0]!
  const base = { id, spec, minVersion, maxVersion, remaining, code: 0, ms: 0 }
  if (action === 'pauseAppends' || action === 'notLeader') {
    if (spec.topic === undefined) throw new FaultSpecError(`${action} needs a topic (and optionally a partition)`)
    if (spec.api !== undefined) throw new FaultSpecError(`${action} applies to the partition's own APIs; leave out "api"`)
    if (action === 'pauseAppends') return { ...base, kind: 'pause-appends', apiKeys: new Set([PRODUCE]) }
    return { ...base, kind: 'not-leader', apiKeys: LEADER_APIS, code: ErrorCode.NOT_LEADER_OR_FOLLOWER }
  }
  const apiKeys = spec.api === undefined ? null : new Set([apiKey(spec.api)])
  // A topic filter reads the partitions a request names; other APIs would never match.
  if (spec.topic !== undefined && apiKeys !== null && ![...apiKeys].some((k) => LEADER_APIS.has(k))) throw new FaultSpecError('topic and partition filters apply to Produce, Fetch and ListOffsets only')
  switch (action) {
    case 'error':
      return { ...base, kind: 'error', apiKeys, code: errorCode(spec.error!) }
    case 'delayMs':
      return { ...base, kind: 'delay', apiKeys, ms: count('delayMs', spec.delayMs) }
    case 'throttleMs':
      return { ...base, kind: 'throttle', apiKeys, ms: count('throttleMs', spec.throttleMs) }
    case 'hang':
      if (spec.hang !== true) throw new FaultSpecError('hang must be true')
      return { ...base, kind: 'hang', apiKeys }
    default:
      if (spec.drop !== 'before' && spec.drop !== 'after') throw new FaultSpecError('drop must be "before" or "after" (handling the request)')
      return { ...base, kind: spec.drop === 'before' ? 'drop-before' : 'drop-after', apiKeys }
  }
}

function apiKey(api: string | number): number {
  if (typeof api === 'number' && SERVED.has(api)) return api
  const key = typeof api === 'string' ? (API_KEYS.get(api.toLowerCase()) ?? (/^\d+$/.test(api) && SERVED.has(Number(api)) ? Number(api) : undefined)) : undefined
  if (key === undefined) throw new FaultSpecError(`unknown API ${JSON.stringify(api)}: use a name such as "Produce" or a served API key`)
  return key
}

function errorCode(e: string | number): number {
  if (typeof e === 'number' && Number.isInteger(e) && e >= -1 && e <= 32767) return e
  if (typeof e === 'string' && Object.hasOwn(ErrorCode, e)) return ErrorCode[e as keyof typeof ErrorCode]
  throw new FaultSpecError(`unknown error ${JSON.stringify(e)}: use Kafka's name (e.g. "COORDINATOR_NOT_AVAILABLE") or its code`)
}

function count(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1) throw new FaultSpecError(`${name} must be a non-negative integer (got ${JSON.stringify(v)})`)
  return v
}

function versions(v: FaultSpec['versions']): [number, number] {
  if (v === undefined) return [0, 32767]
  if (typeof v === 'object' && v !== null) return [v.min === undefined ? 0 : count('versions.min', v.min), v.max === undefined ? 32767 : count('versions.max', v.max)]
  const m = typeof v === 'string' ? /^(\d+)(?:(\+)|-(\d+))?$/.exec(v.trim()) : null
  if (!m) throw new FaultSpecError(`versions must look like "3-5", "3+" or "4" (got ${JSON.stringify(v)})`)
  return [Number(m[1]), m[2] ? 32767 : Number(m[3] ?? m[1])]
}
