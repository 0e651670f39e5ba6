// kcat (librdkafka) as a balanced consumer (-G): JoinGroup/SyncGroup/OffsetCommit/OffsetFetch as
// librdkafka speaks them. A second run of the same group resumes at the committed offsets, and
// metadata listings that include the internal __consumer_offsets topic still parse.
import { spawnSync } from 'node:child_process'
import { runProgram } from '../helpers/process.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'

const hasKcat = spawnSync('kcat', ['-V']).status === 0
let broker: TestBroker

function kcat(args: string[], input?: string): Promise<string> {
  return runProgram('kcat', ['-b', broker.bootstrap, ...args], { input }).then((r) => {
    if (r.code !== 0) throw new Error(`kcat ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
    return r.stdout
  })
}

// -G consumes as a group member; -o would override the committed offsets, so the start for a
// new group comes from auto.offset.reset. -e exits once every assigned partition is at its end.
const consume = async (group: string) =>
  (await kcat(['-C', '-G', group, '-X', 'auto.offset.reset=earliest', '-e', '-q', '-f', '%s\n', 'kcat-g'])).split('\n').filter((l) => l !== '')

beforeAll(async () => {
  broker = await startTestBroker({ config: { 'num.partitions': 3 } })
})
afterAll(async () => {
  await broker?.cleanup()
})

describe.skipIf(!hasKcat)('kcat balanced consumer', () => {
  it('consumes every message once per group and resumes at the committed offsets', { timeout: 60_000 }, async () => {
    const first = Array.from({ length: 30 }, (_, i) => `first-${i}`)
    await kcat(['-P', '-t', 'kcat-g'], first.join('\n') + '\n')
    expect((await consume('kcat-group')).sort()).toEqual([...first].sort())
    expect(await consume('kcat-group')).toEqual([])
    const second = Array.from({ length: 5 }, (_, i) => `second-${i}`)
    await kcat(['-P', '-t', 'kcat-g'], second.join('\n') + '\n')
    expect((await consume('kcat-group')).sort()).toEqual([...second].sort())
    expect(broker.broker.groups.group('kcat-group')!.state).toBe('Empty')
  })

  it('lists metadata with the internal __consumer_offsets topic', async () => {
    const meta = JSON.parse(await kcat(['-L', '-J'])) as { topics: { topic: string; partitions: unknown[] }[] }
    expect(meta.topics.map((t) => t.topic)).toContain('__consumer_offsets')
    expect(broker.broker.cluster.topic('__consumer_offsets')!.internal).toBe(true)
  })
})
