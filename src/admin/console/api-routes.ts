// The console's JSON API under /api (docs: README "Web console"). Reads come from the engines
// (views.ts, messages.ts); actions run the Kafka handlers (actions.ts). Every action needs a JSON
// Content-Type: a cross-site <form> can only send form encodings or text/plain, and a cross-site
// fetch with application/json needs a CORS preflight this server never grants, so a page the
// developer visits cannot create, delete or produce through the console (the loopback and Host
// checks of http-server.ts stop DNS rebinding).

import { AdminError, type AdminRequest, type AdminResponse, type AdminRoute } from '../routes.js'
import { addPartitions, alterTopicConfigs, createTopic, deleteTopic, produceRecord, resetOffsets, type ResetTarget } from './actions.js'
import { browse, DEFAULT_SCAN, MAX_LIMIT, MAX_SCAN, type Field } from './messages.js'
import { groupDetail, groupList, overview, topicDetail, topicList, transactions, type ConsoleSources } from './views.js'

type Handle = (req: AdminRequest) => unknown

const ok = (json: unknown, status = 200): AdminResponse => ({ status, json })

function read(path: string, fn: Handle): AdminRoute {
  return { method: 'GET', path, handle: async (req) => ok(await fn(req)) }
}

function action(method: 'POST' | 'DELETE', path: string, fn: Handle, status = 200): AdminRoute {
  return {
    method,
    path,
    handle: async (req) => {
      const type = (req.contentType ?? '').split(';')[0]!.trim().toLowerCase()
      if (type !== 'application/json') throw new AdminError(415, `console actions need Content-Type: application/json (got ${req.contentType === undefined ? 'none' : JSON.stringify(req.contentType)})`)
      return ok(await fn(req), status)
    },
  }
}

export function apiRoutes(src: ConsoleSources): AdminRoute[] {
  const b = () => src.broker
  return [
    read('/api/overview', () => overview(src)),
    read('/api/topics', () => ({ topics: topicList(b()) })),
    read('/api/topics/:topic', (req) => topicDetail(b(), req.params.topic!)),
    read('/api/topics/:topic/messages', (req) => browse(b(), req.params.topic!, browseOptions(req.query))),
    read('/api/groups', () => ({ groups: groupList(b()) })),
    read('/api/groups/:group', (req) => groupDetail(b(), req.params.group!)),
    read('/api/transactions', () => transactions(b())),
    action('POST', '/api/topics', (req) => {
      const o = object(req.body, '{"name":"orders","partitions":3,"configs":{"cleanup.policy":"compact"}}')
      return createTopic(b(), str(o.name, 'name'), o.partitions === undefined ? -1 : int(o.partitions, 'partitions', 1), stringMap(o.configs, 'configs'))
    }, 201),
    action('DELETE', '/api/topics/:topic', (req) => deleteTopic(b(), req.params.topic!)),
    action('POST', '/api/topics/:topic/partitions', (req) => addPartitions(b(), req.params.topic!, int(object(req.body, '{"count":6}').count, 'count', 1))),
    action('POST', '/api/topics/:topic/configs', (req) => {
      const o = object(req.body, '{"set":{"retention.ms":"3600000"},"delete":["cleanup.policy"]}')
      const remove = o.delete === undefined ? [] : array(o.delete, 'delete').map((k, i) => str(k, `delete[${i}]`))
      const set = stringMap(o.set, 'set')
      if (remove.length === 0 && Object.keys(set).length === 0) throw new AdminError(400, 'nothing to change: give "set" and/or "delete"')
      return alterTopicConfigs(b(), req.params.topic!, set, remove)
    }),
    action('POST', '/api/topics/:topic/messages', (req) => produceRecord(b(), req.params.topic!, produceInput(req.body))),
    action('POST', '/api/groups/:group/reset-offsets', (req) => {
      const o = object(req.body, '{"topic":"orders","to":"earliest"}')
      const partitions = o.partitions === undefined ? undefined : array(o.partitions, 'partitions').map((p, i) => int(p, `partitions[${i}]`, 0))
      return resetOffsets(b(), req.params.group!, str(o.topic, 'topic'), partitions, resetTarget(o))
    }),
  ]
}

function browseOptions(q: URLSearchParams) {
  const param = (name: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const v = q.get(name)
    if (v === null || v === '') return undefined
    if (!/^-?\d+$/.test(v)) throw new AdminError(400, `${name} must be an integer (got ${JSON.stringify(v)})`)
    return int(Number(v), name, min, max)
  }
  const fieldsParam = q.get('in')
  const fields = (fieldsParam ? fieldsParam.split(',') : ['key', 'value', 'headers']).map((f) => f.trim())
  const bad = fields.filter((f) => f !== 'key' && f !== 'value' && f !== 'headers')
  if (bad.length > 0) throw new AdminError(400, `"in" lists fields to search: key, value, headers (got ${bad.join(', ')})`)
  const offset = param('offset', 0)
  const timestamp = param('timestamp', 0)
  if (offset !== undefined && timestamp !== undefined) throw new AdminError(400, 'give either offset or timestamp, not both')
  return {
    partition: param('partition', 0),
    offset,
    timestamp,
    limit: param('limit', 1, MAX_LIMIT) ?? 50,
    q: q.get('q') ?? undefined,
    fields: new Set(fields as Field[]),
    scan: param('scan', 1, MAX_SCAN) ?? DEFAULT_SCAN,
  }
}

function produceInput(body: unknown) {
  const o = object(body, '{"key":"k1","value":"{\\"id\\":1}","headers":[{"key":"source","value":"console"}]}')
  const nullableStr = (v: unknown, what: string) => (v === null || v === undefined ? null : str(v, what, true))
  const headers = o.headers === undefined ? [] : array(o.headers, 'headers').map((h, i) => {
    const ho = object(h, '{"key":"source","value":"console"}')
    return { key: str(ho.key, `headers[${i}].key`, true), value: nullableStr(ho.value, `headers[${i}].value`) }
  })
  return { partition: o.partition === undefined || o.partition === null ? undefined : int(o.partition, 'partition', 0), key: nullableStr(o.key, 'key'), value: nullableStr(o.value, 'value'), headers }
}

function resetTarget(o: Record<string, unknown>): ResetTarget {
  switch (o.to) {
    case 'earliest':
    case 'latest':
      return { to: o.to }
    case 'offset':
      return { to: 'offset', offset: int(o.offset, 'offset', 0) }
    case 'timestamp':
      return { to: 'timestamp', timestamp: int(o.timestamp, 'timestamp', 0) }
    default:
      throw new AdminError(400, `"to" must be "earliest", "latest", "offset" (with "offset") or "timestamp" (with "timestamp" in ms), got ${JSON.stringify(o.to)}`)
  }
}

function object(body: unknown, example: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AdminError(400, `body must be a JSON object, e.g. ${example}`)
  return body as Record<string, unknown>
}

function array(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new AdminError(400, `${what} must be an array`)
  return v
}

function str(v: unknown, what: string, emptyOk = false): string {
  if (typeof v !== 'string' || (!emptyOk && v === '')) throw new AdminError(400, `${what} must be a ${emptyOk ? '' : 'non-empty '}string`)
  return v
}

function int(v: unknown, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw new AdminError(400, `${what} must be an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`} (got ${JSON.stringify(v)})`)
  return v
}

function stringMap(v: unknown, what: string): Record<string, string> {
  if (v === undefined) return {}
  const o = object(v, `{"${what}":{"retention.ms":"3600000"}}`)
  for (const [k, x] of Object.entries(o)) if (typeof x !== 'string') throw new AdminError(400, `${what}.${k} must be a string (Kafka config values are strings)`)
  return o as Record<string, string>
}
