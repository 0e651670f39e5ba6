// The test kit over HTTP (docs/TESTKIT.md): the same faults, request log, clock and topic
// controls as the embedded `kit`, for tests written in Java, Python or Go that start
// `rivulet --admin-port`. The admin server (src/admin/http-server.ts) owns sockets, loopback
// checks, body limits and JSON parsing; these routes only validate and translate.

import { KafkaError, errorName } from '../../protocol/errors.js'
import type { TestKit } from '../testkit/kit.js'
import { FaultSpecError } from '../testkit/fault-spec.js'
import type { RecordedRequest } from '../testkit/requests.js'
import { AdminError, type AdminRequest, type AdminRoute } from './routes.js'

export function kitRoutes(kit: TestKit): AdminRoute[] {
  return [
    { method: 'GET', path: '/faults', handle: () => ({ status: 200, json: { faults: kit.faults.list() } }) },
    { method: 'POST', path: '/faults', handle: (req) => addFaults(kit, req) },
    { method: 'DELETE', path: '/faults', handle: () => (kit.faults.clear(), { status: 200, json: { cleared: true } }) },
    {
      method: 'DELETE',
      path: '/faults/:id',
      handle: (req) => {
        if (!kit.faults.remove(positiveInt(req.params.id, 'fault id'))) throw new AdminError(404, `no fault ${req.params.id}`)
        return { status: 200, json: { removed: Number(req.params.id) } }
      },
    },
    { method: 'GET', path: '/requests', handle: (req) => listRequests(kit, req) },
    { method: 'DELETE', path: '/requests', handle: () => (kit.requests.clear(), { status: 200, json: { cleared: true } }) },
    {
      method: 'POST',
      path: '/clock/advance',
      handle: (req) => {
        const ms = (object(req.body, '{"ms": 45000}') as { ms?: unknown }).ms
        if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new AdminError(400, 'body must be {"ms": <non-negative number>}')
        try {
          return { status: 200, json: { now: kit.advance(ms) } }
        } catch (err) {
          throw new AdminError(409, (err as Error).message)
        }
      },
    },
    { method: 'POST', path: '/topics', handle: (req) => createTopic(kit, req) },
    {
      method: 'GET',
      path: '/topics/:topic/records',
      handle: (req) => {
        if (!kit.broker.cluster.topic(req.params.topic!)) throw new AdminError(404, `unknown topic ${req.params.topic}`)
        const p = req.query.get('partition')
        const records = kit.records(req.params.topic!, p === null ? undefined : positiveInt(p, 'partition', true)).map((r) => ({
          partition: r.partition,
          offset: r.offset,
          timestamp: r.timestamp,
          key: r.key?.toString('utf8') ?? null,
          value: r.value?.toString('utf8') ?? null,
          keyBase64: r.key?.toString('base64') ?? null,
          valueBase64: r.value?.toString('base64') ?? null,
          headers: r.headers.map((h) => ({ key: h.key, value: h.value?.toString('utf8') ?? null })),
        }))
        return { status: 200, json: { topic: req.params.topic, records } }
      },
    },
    { method: 'POST', path: '/reset', handle: async () => (await kit.reset(), { status: 200, json: { reset: true } }) },
  ]
}

// One fault object or an array of them; all are checked before any is added.
function addFaults(kit: TestKit, req: AdminRequest) {
  const specs = Array.isArray(req.body) ? req.body : [object(req.body, '{"api":"Produce","error":"NOT_LEADER_OR_FOLLOWER","times":1}')]
  const ids: number[] = []
  try {
    for (const spec of specs) ids.push(kit.faults.add(spec))
  } catch (err) {
    for (const id of ids) kit.faults.remove(id)
    if (err instanceof FaultSpecError) throw new AdminError(400, err.message)
    throw err
  }
  return { status: 201, json: { ids, faults: kit.faults.list().filter((f) => ids.includes(f.id)) } }
}

function listRequests(kit: TestKit, req: AdminRequest) {
  const api = req.query.get('api')
  const clientId = req.query.get('clientId')
  const since = req.query.get('since')
  const after = since === null ? 0 : positiveInt(since, 'since', true)
  const list = kit.requests.list((r) => r.seq > after && (api === null || r.apiName.toLowerCase() === api.toLowerCase() || String(r.apiKey) === api) && (clientId === null || r.clientId === clientId))
  return { status: 200, json: { requests: list.map(plain) } }
}

function createTopic(kit: TestKit, req: AdminRequest) {
  const b = object(req.body, '{"name":"orders","partitions":3,"config":{"cleanup.policy":"compact"}}') as { name?: unknown; partitions?: unknown; config?: unknown }
  if (typeof b.name !== 'string' || b.name === '') throw new AdminError(400, 'name must be a non-empty string')
  if (b.partitions !== undefined && (typeof b.partitions !== 'number' || !Number.isInteger(b.partitions) || b.partitions < 1)) throw new AdminError(400, 'partitions must be a positive integer')
  if (b.config !== undefined && (typeof b.config !== 'object' || b.config === null || Array.isArray(b.config))) throw new AdminError(400, 'config must be an object of topic configs')
  try {
    return { status: 201, json: kit.createTopic(b.name, { partitions: b.partitions as number | undefined, config: b.config as Record<string, string> | undefined }) }
  } catch (err) {
    if (err instanceof KafkaError) throw new AdminError(err.errorCode === 36 ? 409 : 400, `${errorName(err.errorCode)}: ${err.message}`)
    throw err
  }
}

// A recorded request as JSON: int64 as a number when exact (else a string), bytes as base64.
function plain(r: RecordedRequest): unknown {
  return JSON.parse(JSON.stringify({ ...r, body: r.body }, (_k, v: unknown) => {
    if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()
    if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) return { base64: Buffer.from((v as { data: number[] }).data).toString('base64') }
    return v
  }))
}

function object(body: unknown, example: string): object {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AdminError(400, `body must be a JSON object, e.g. ${example}`)
  return body
}

function positiveInt(s: string | undefined, what: string, zero = false): number {
  const n = Number(s)
  if (!/^\d+$/.test(s ?? '') || !Number.isSafeInteger(n) || (!zero && n === 0)) throw new AdminError(400, `${what} must be a ${zero ? 'non-negative' : 'positive'} integer (got ${JSON.stringify(s)})`)
  return n
}
