// kcat (librdkafka) round-trips keyed messages with headers under every codec, lists metadata,
// and looks offsets up by timestamp. kcat is installed by .ci/run (Debian package).
import { spawnSync } from 'node:child_process'
import { runProgram } from '../helpers/process.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'

const hasKcat = spawnSync('kcat', ['-V']).status === 0
let broker: TestBroker

// Asynchronous: the broker runs in this process and must keep serving while kcat runs.
function kcat(args: string[], input?: string): Promise<string> {
  return runProgram('kcat', ['-b', broker.bootstrap, ...args], { input }).then((r) => {
    if (r.code !== 0) throw new Error(`kcat ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
    return r.stdout
  })
}

beforeAll(async () => {
  broker = await startTestBroker({ disk: true, config: { 'num.partitions': 3 } })
})
afterAll(async () => {
  await broker?.cleanup()
})

describe.skipIf(!hasKcat)('kcat', () => {
  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'])('produces and consumes with %s', async (codec) => {
    const topic = `kcat-${codec}`
    const lines = Array.from({ length: 300 }, (_, i) => `key${i % 11}\tvalue-${i}`)
    await kcat(['-P', '-t', topic, '-K', '\t', '-z', codec, '-H', `codec=${codec}`, '-X', 'linger.ms=5'], lines.join('\n') + '\n')
    const out = await kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p\t%o\t%k\t%s\t%h\n'])
    const got = out.trim().split('\n').map((l) => l.split('\t'))
    expect(got.length).toBe(300)
    const byPartition = new Map<string, number[]>()
    for (const [p, o, k, v, h] of got) {
      expect(h).toBe(`codec=${codec}`)
      const i = Number(v!.slice('value-'.length))
      expect(k).toBe(`key${i % 11}`)
      const list = byPartition.get(p!) ?? []
      list.push(Number(o))
      byPartition.set(p!, list)
    }
    for (const offsets of byPartition.values()) expect(offsets).toEqual(offsets.map((_, i) => i))
    // The same key always goes to the same partition (librdkafka's consistent_random).
    const keyPartition = new Map<string, string>()
    for (const [p, , k] of got) {
      if (keyPartition.has(k!)) expect(keyPartition.get(k!)).toBe(p)
      keyPartition.set(k!, p!)
    }
  })

  it('lists metadata', async () => {
    await kcat(['-P', '-t', 'kcat-meta'], 'x\n')
    const out = await kcat(['-L', '-t', 'kcat-meta'])
    expect(out).toMatch(/1 brokers:/)
    expect(out).toMatch(/broker \d+ at 127\.0\.0\.1:\d+ \(controller\)/)
    expect(out).toMatch(/topic "kcat-meta" with 3 partitions/)
  })

  it('looks offsets up by timestamp (-Q)', async () => {
    const topic = 'kcat-times'
    await kcat(['-P', '-t', topic, '-p', '0'], Array.from({ length: 5 }, (_, i) => `m${i}`).join('\n') + '\n')
    const times = (await kcat(['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o %T\n'])).trim().split('\n').map((l) => l.split(' ').map(Number))
    const [, ts] = times[2]!
    const q = await kcat(['-Q', '-t', `${topic}:0:${ts}`])
    expect(q).toMatch(new RegExp(`${topic} \\[0\\] offset (\\d+)`))
    const offset = Number(new RegExp(`${topic} \\[0\\] offset (\\d+)`).exec(q)![1])
    // The first record at or after the timestamp: records 0-2 may share a millisecond.
    expect(offset).toBe(times.findIndex(([, t]) => t! >= ts!))
    const past = await kcat(['-Q', '-t', `${topic}:0:${Date.now() + 3_600_000}`])
    expect(past).toMatch(/offset -1/)
  })
})
