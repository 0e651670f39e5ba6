// The admin port through the command (issue 14): --admin-port prints its URL, bad values and an
// admin port in use are refused before anything is written, and bad input over HTTP (unknown
// paths, malformed JSON, huge bodies, a foreign Host header) gets a 4xx while the broker keeps
// serving Kafka clients.
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { scratchDirs } from '../helpers/broker.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'
import { runCli, startChildBroker, type ChildBroker } from '../helpers/process.js'

const scratch = scratchDirs('rivulet-admin-cli-')
const running: ChildBroker[] = []
afterEach(async () => {
  for (const b of running.splice(0)) await b.kill()
})

async function start(args: string[]): Promise<{ broker: ChildBroker; url: string }> {
  const broker = await startChildBroker(['--memory', ...args])
  running.push(broker)
  const m = /^Admin: (http:\/\/\S+)$/m.exec(broker.output())
  expect(m, broker.output()).not.toBeNull()
  return { broker, url: m![1]! }
}

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; error: string }> {
  try {
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })
    return { status: res.status, error: ((await res.json()) as { error: string }).error }
  } catch (err) {
    return { status: -1, error: String((err as Error).cause ?? err) }
  }
}

describe('rivulet --admin-port', () => {
  it('prints the admin URL before the ready line and serves /metrics there', async () => {
    const { broker, url } = await start(['--admin-port', '0'])
    expect(broker.output()).toMatch(/^Admin: http:\/\/127\.0\.0\.1:\d+\nRivulet is ready\. Bootstrap: /m)
    const res = await fetch(`${url}/metrics`)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('# TYPE kafka_server_replicamanager_partitioncount gauge')
  })

  it('answers bad input with a clear 4xx and keeps serving Kafka clients and the admin port', async () => {
    const { broker, url } = await start(['--admin-port', '0'])
    const notFound = await fetch(`${url}/no/such/route`)
    expect(notFound.status).toBe(404)
    expect(await notFound.json()).toEqual({ error: 'no admin route /no/such/route' })
    // A POST to a GET-only route: 405, the body is never parsed.
    expect(await post(`${url}/metrics`, '{"broken":')).toEqual({ status: 405, error: 'POST is not allowed on /metrics (allowed: GET)' })
    // Refused from its declared length, before routing; the server may close while it is sent.
    const huge = await post(`${url}/metrics`, ' '.repeat(8 * 1024 * 1024))
    expect([413, -1]).toContain(huge.status)
    if (huge.status === 413) expect(huge.error).toBe("request body exceeds the admin port's limit of 1048576 bytes")
    // What a browser sends after DNS rebinding (fetch() will not set Host, node:http will).
    const rebinding = await new Promise<number>((resolve, reject) => {
      http.get(`${url}/metrics`, { headers: { host: 'rebind.attacker.example' } }, (res) => (res.resume(), resolve(res.statusCode!))).on('error', reject)
    })
    expect(rebinding).toBe(403)
    // Raw garbage on the admin socket.
    await new Promise<void>((resolve) => {
      const s = net.connect(Number(new URL(url).port), '127.0.0.1', () => s.end('\x16\x03\x01 not http at all\r\n\r\n'))
      s.on('close', () => resolve())
      s.on('error', () => resolve())
      s.resume()
    })
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: 'after-bad-input', messages: [{ value: 'still here' }] })
    await producer.disconnect()
    const metrics = await (await fetch(`${url}/metrics`)).text()
    expect(metrics).toContain('kafka_server_brokertopicmetrics_messagesin_total{topic="after-bad-input"} 1')
    expect(broker.proc.exitCode).toBeNull()
  })

  it('serves the test kit there: the CLI records requests and takes faults over HTTP (docs/TESTKIT.md)', async () => {
    const { broker, url } = await start(['--admin-port', '0'])
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } })
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: 'kit-over-http', messages: [{ value: 'v' }] })
    const recorded = (await (await fetch(`${url}/requests?api=Produce`)).json()) as { requests: { apiName: string; topics?: string[] }[] }
    expect(recorded.requests.length).toBeGreaterThanOrEqual(1)
    expect(recorded.requests.every((r) => r.apiName === 'Produce')).toBe(true)
    const added = await fetch(`${url}/faults`, { method: 'POST', body: JSON.stringify({ api: 'Produce', error: 'NOT_ENOUGH_REPLICAS' }), headers: { 'content-type': 'application/json' } })
    expect(added.status).toBe(201)
    await expect(producer.send({ topic: 'kit-over-http', messages: [{ value: 'refused' }] })).rejects.toThrow(/fewer in-sync replicas/)
    expect((await fetch(`${url}/faults`, { method: 'DELETE' })).status).toBe(200)
    await producer.send({ topic: 'kit-over-http', messages: [{ value: 'accepted' }] })
    await producer.disconnect()
  })

  it('warns when --admin-host opens the admin port to other machines', async () => {
    const { broker, url } = await start(['--admin-port', '0', '--admin-host', '0.0.0.0'])
    expect(url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/)
    expect(broker.output()).toContain('the admin port accepts connections from other machines (--admin-host)')
  })

  it('refuses a bad --admin-port, --admin-host alone and an admin port in use, writing nothing', async () => {
    const bad = await runCli(['--memory', '--port', '0', '--admin-port', 'x1'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--admin-port must be 0-65535, got "x1"')
    const alone = await runCli(['--memory', '--port', '0', '--admin-host', '0.0.0.0'])
    expect(alone.code).toBe(2)
    expect(alone.stderr).toContain('--admin-host needs --admin-port')
    const holder = net.createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    try {
      const port = (holder.address() as net.AddressInfo).port
      const dataDir = path.join(scratch(), 'data')
      const taken = await runCli(['--data-dir', dataDir, '--port', '0', '--admin-port', String(port)])
      expect(taken.code).toBe(1)
      expect(taken.stderr).toContain(`cannot listen on 127.0.0.1:${port} for the admin port: the port is already in use`)
      expect(taken.stdout).toBe('')
      expect(fs.existsSync(dataDir)).toBe(false)
    } finally {
      await new Promise((resolve) => holder.close(resolve))
    }
  })
})
