// The admin HTTP server on its own (issue 14, "Test kit": the admin port): route tables with
// :param paths, and bad input (unknown paths, wrong methods, malformed JSON, huge bodies, foreign
// Host headers) answered with a clear 4xx while the server keeps serving.
import http from 'node:http'
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { AdminHttpServer, isLoopbackAddress } from '../../src/admin/http-server.js'
import { AdminError, type AdminRoute } from '../../src/admin/routes.js'
import { silentLogger } from '../../src/logger.js'

interface Reply {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

function call(port: number, method: string, path: string, o: { body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: o.headers, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
    })
    // The server may close while a refused body is still being sent; the reply is what matters.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)))
    req.end(o.body)
  })
}

const echo: AdminRoute[] = [
  { method: 'GET', path: '/faults', handle: () => ({ status: 200, json: { list: true } }) },
  { method: 'GET', path: '/faults/clear', handle: () => ({ status: 200, json: { literal: true } }) },
  { method: 'GET', path: '/faults/:id', handle: (r) => ({ status: 200, json: { id: r.params.id, q: r.query.get('q') } }) },
  { method: 'POST', path: '/faults', handle: (r) => ({ status: 201, json: { got: r.body, big: 2n ** 70n, small: 5n } }) },
  { method: 'DELETE', path: '/faults/:id', handle: (r) => { throw new AdminError(409, `fault ${r.params.id} is in use`) } },
  { method: 'GET', path: '/boom', handle: () => { throw new Error('handler bug') } },
  { method: 'GET', path: '/text', handle: async () => ({ status: 200, text: 'plain', contentType: 'text/x-test' }) },
]

let servers: AdminHttpServer[] = []
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()))
  servers = []
})

async function start(o: { host?: string; maxBodyBytes?: number } = {}): Promise<number> {
  const s = new AdminHttpServer({ logger: silentLogger(), ...o })
  servers.push(s)
  s.addRoutes(echo)
  return (await s.listen(0)).port
}

describe('admin HTTP server routing', () => {
  it('matches literal segments before parameters and decodes parameters', async () => {
    const port = await start()
    expect(JSON.parse((await call(port, 'GET', '/faults/clear')).body)).toEqual({ literal: true })
    expect(JSON.parse((await call(port, 'GET', '/faults/a%20b?q=1')).body)).toEqual({ id: 'a b', q: '1' })
    expect(JSON.parse((await call(port, 'GET', '/faults')).body)).toEqual({ list: true })
  })

  it('parses a JSON body and writes bigints as numbers when safe, else strings', async () => {
    const port = await start()
    const r = await call(port, 'POST', '/faults', { body: '{"apiKey":0,"times":3}', headers: { 'content-type': 'application/json' } })
    expect(r.status).toBe(201)
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(JSON.parse(r.body)).toEqual({ got: { apiKey: 0, times: 3 }, big: '1180591620717411303424', small: 5 })
  })

  it('serves text answers with their content type', async () => {
    const port = await start()
    const r = await call(port, 'GET', '/text')
    expect(r).toMatchObject({ status: 200, body: 'plain' })
    expect(r.headers['content-type']).toBe('text/x-test')
  })

  it('refuses a second registration of the same method and path', () => {
    const s = new AdminHttpServer({ logger: silentLogger() })
    s.addRoutes(echo)
    expect(() => s.addRoutes([{ method: 'GET', path: '/faults/:other', handle: () => ({ status: 200 }) }])).toThrow('GET /faults/:other is registered twice')
  })
})

describe('admin HTTP server bad input', () => {
  it('answers 404 for an unknown path and 405 with the allowed methods for a wrong one', async () => {
    const port = await start()
    const notFound = await call(port, 'GET', '/nothing/here')
    expect(notFound.status).toBe(404)
    expect(JSON.parse(notFound.body)).toEqual({ error: 'no admin route /nothing/here' })
    const wrong = await call(port, 'PUT', '/faults/7')
    expect(wrong.status).toBe(405)
    expect(JSON.parse(wrong.body).error).toBe('PUT is not allowed on /faults/7 (allowed: GET, DELETE)')
  })

  it('answers 400 with the parser message for malformed JSON', async () => {
    const port = await start()
    const r = await call(port, 'POST', '/faults', { body: '{"apiKey": 0,', headers: { 'content-type': 'application/json' } })
    expect(r.status).toBe(400)
    expect(JSON.parse(r.body).error).toMatch(/^malformed JSON body: /)
  })

  it('answers 400 for a malformed percent escape in a path parameter', async () => {
    const port = await start()
    const r = await call(port, 'GET', '/faults/%E0%A4%A')
    expect(r.status).toBe(400)
    expect(JSON.parse(r.body).error).toContain('malformed path segment')
  })

  it('answers 413 for a body over the limit, declared or streamed, and keeps serving', async () => {
    const port = await start({ maxBodyBytes: 1000 })
    const declared = await call(port, 'POST', '/faults', { body: Buffer.alloc(5000, 0x20) })
    expect(declared.status).toBe(413)
    expect(JSON.parse(declared.body).error).toBe("request body exceeds the admin port's limit of 1000 bytes")
    const streamed = await call(port, 'POST', '/faults', { body: Buffer.alloc(200_000, 0x20), headers: { 'transfer-encoding': 'chunked' } })
    expect(streamed.status).toBe(413)
    expect((await call(port, 'GET', '/faults')).status).toBe(200)
  })

  it('turns a thrown AdminError into its status and anything else into a 500, and keeps serving', async () => {
    const port = await start()
    const conflict = await call(port, 'DELETE', '/faults/3')
    expect(conflict.status).toBe(409)
    expect(JSON.parse(conflict.body)).toEqual({ error: 'fault 3 is in use' })
    const bug = await call(port, 'GET', '/boom')
    expect(bug.status).toBe(500)
    expect(JSON.parse(bug.body)).toEqual({ error: 'internal error: handler bug' })
    expect((await call(port, 'GET', '/faults')).status).toBe(200)
  })

  it('refuses a Host header that is not a loopback name (DNS rebinding) unless widened', async () => {
    const port = await start()
    const r = await call(port, 'GET', '/faults', { headers: { host: 'attacker.example:80' } })
    expect(r.status).toBe(403)
    expect(JSON.parse(r.body).error).toContain('not a loopback name')
    for (const host of ['localhost', `127.0.0.1:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      expect((await call(port, 'GET', '/faults', { headers: { host } })).status).toBe(200)
    }
    const widened = await start({ host: '0.0.0.0' })
    expect((await call(widened, 'GET', '/faults', { headers: { host: 'broker.example' } })).status).toBe(200)
  })

  it('answers bytes that are not HTTP with 400 and keeps serving', async () => {
    const port = await start()
    const reply = await new Promise<string>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => s.write('\x00\x00\x00\x10garbage-not-http\r\n\r\n'))
      let got = ''
      s.on('data', (c) => (got += c.toString()))
      s.on('close', () => resolve(got))
      s.on('error', reject)
    })
    expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request/)
    expect((await call(port, 'GET', '/faults')).status).toBe(200)
  })

  it('knows which peer addresses are loopback', () => {
    for (const a of ['127.0.0.1', '127.3.2.1', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a)).toBe(true)
    for (const a of ['10.0.0.1', '::ffff:10.0.0.1', '0.0.0.0', '', undefined, 'fe80::1']) expect(isLoopbackAddress(a)).toBe(false)
  })
})
