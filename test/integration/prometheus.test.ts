// A real Prometheus (Debian's `prometheus` package) scrapes the CLI broker's /metrics (issue 14,
// "Done when"): it must parse our exposition, and the series must reach its query API with the
// value the broker counted. Skipped when prometheus is not installed, except under CI=true.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/broker.js'
import { Kafka, logLevel } from '../helpers/kafkajs.js'
import { startChildBroker, type ChildBroker } from '../helpers/process.js'

const HAVE_PROMETHEUS = spawnSync('prometheus', ['--version'], { stdio: 'ignore' }).status === 0
const UNDER_CI = process.env.CI === 'true'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

// The TCP ports a process listens on, from /proc (Prometheus binds port 0 but logs only ":0").
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>()
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))
      if (m) inodes.add(m[1]!)
    } catch {
      // the fd closed meanwhile
    }
  }
  const ports: number[] = []
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/)
      if (f.length > 9 && f[3] === '0A' && inodes.has(f[9]!)) ports.push(parseInt(f[1]!.split(':')[1]!, 16))
    }
  }
  return ports
}

// Polls `check` every 100 ms until it returns a value, or fails with the last reason after `ms`.
async function until<T>(what: string, ms: number, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + ms
  let last: unknown
  for (;;) {
    try {
      const v = await check()
      if (v !== undefined) return v
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function startPrometheus(adminPort: number): { proc: ChildProcess; log: () => string } {
  const dir = tempDir('rivulet-prometheus-')
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }))
  const config = path.join(dir, 'prometheus.yml')
  fs.writeFileSync(config, [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    'scrape_configs:',
    '  - job_name: rivulet',
    '    static_configs:',
    `      - targets: ['127.0.0.1:${adminPort}']`,
    '',
  ].join('\n'))
  const proc = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, '--web.listen-address=127.0.0.1:0', '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  proc.stderr!.on('data', (c: Buffer) => (log += c.toString()))
  const exited = new Promise((resolve) => proc.once('exit', resolve))
  cleanups.push(async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM')
    await exited
  })
  return { proc, log: () => log }
}

describe.skipIf(!HAVE_PROMETHEUS && !UNDER_CI)('Prometheus scraping /metrics', () => {
  it('stores the series the broker counted, with Kafka\'s names', async () => {
    expect(HAVE_PROMETHEUS, 'prometheus is not installed (Debian: apt-get install prometheus)').toBe(true)
    const broker: ChildBroker = await startChildBroker(['--memory', '--admin-port', '0'])
    cleanups.push(async () => void (await broker.kill()))
    const adminPort = Number(/^Admin: http:\/\/127\.0\.0\.1:(\d+)$/m.exec(broker.output())![1])

    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: 'scraped', messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] })
    await producer.disconnect()

    const prom = startPrometheus(adminPort)
    const port = await until(`prometheus to listen (${prom.log()})`, 20_000, () => listeningPorts(prom.proc.pid!)[0])
    const query = async (q: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`)
      const body = (await res.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } }
      return body.status === 'success' ? body.data.result : undefined
    }
    const series = await until('the messagesin series in Prometheus', 20_000, async () => {
      const r = await query('kafka_server_brokertopicmetrics_messagesin_total{topic="scraped"}')
      return r && r.length > 0 ? r : undefined
    })
    expect(series[0]!.metric).toMatchObject({ job: 'rivulet', topic: 'scraped', instance: `127.0.0.1:${adminPort}` })
    expect(Number(series[0]!.value[1])).toBe(3)
    const up = await query('up{job="rivulet"}')
    expect(up?.[0]?.value[1]).toBe('1')
    // The histogram parsed as one: quantiles computed from our buckets.
    const p99 = await query('histogram_quantile(0.99, kafka_network_requestmetrics_totaltimems_bucket{request="Produce"})')
    expect(p99?.length).toBe(1)
    expect(Number(p99![0]!.value[1])).toBeGreaterThan(0)
  }, 60_000)
})
