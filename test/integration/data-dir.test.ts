// Data directory safety (issue 15 items 2 and 3): one broker per directory, as Kafka's log dir
// lock; a Kafka log dir or another program's directory is refused and left untouched; Rivulet's
// own directories, older ones included, keep working.
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DataDirError, startBroker } from '../../src/index.js'
import { tempDir } from '../helpers/broker.js'
import { runCli, startChildBroker, type ChildBroker } from '../helpers/process.js'

const dirs: string[] = []
const children: ChildBroker[] = []
afterEach(async () => {
  for (const c of children.splice(0)) await c.kill('SIGKILL')
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})
function scratch(): string {
  const d = tempDir('rivulet-datadir-')
  dirs.push(d)
  return d
}
async function child(args: string[]): Promise<ChildBroker> {
  const c = await startChildBroker(args)
  children.push(c)
  return c
}
// Every file under dir with its bytes, to show a refused start changed nothing.
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const p = path.join(e.parentPath, e.name)
    out[path.relative(dir, p)] = e.isFile() ? fs.readFileSync(p, 'base64') : '<dir>'
  }
  return out
}

describe('data directory lock', () => {
  it('refuses a second broker on the same directory and names the holder', async () => {
    const dir = path.join(scratch(), 'data')
    const first = await child(['--data-dir', dir])
    const r = await runCli(['--port', '0', '--data-dir', dir])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`Failed to acquire lock on file rivulet.lock in ${dir}: another Rivulet process (pid ${first.proc.pid}`)
  })

  it('is released on a clean stop', async () => {
    const dir = path.join(scratch(), 'data')
    const first = await child(['--data-dir', dir])
    expect(fs.existsSync(path.join(dir, 'rivulet.lock'))).toBe(true)
    expect(await first.kill('SIGTERM')).toBe(0)
    expect(fs.existsSync(path.join(dir, 'rivulet.lock'))).toBe(false)
    const second = await child(['--data-dir', dir])
    expect(await second.kill('SIGTERM')).toBe(0)
  })

  it('does not let the stale lock of a SIGKILLed broker block the next start', async () => {
    const dir = path.join(scratch(), 'data')
    const first = await child(['--data-dir', dir])
    await first.kill('SIGKILL')
    expect(fs.existsSync(path.join(dir, 'rivulet.lock'))).toBe(true)
    const second = await child(['--data-dir', dir])
    const holder = JSON.parse(fs.readFileSync(path.join(dir, 'rivulet.lock'), 'utf8')) as { pid: number }
    expect(holder.pid).toBe(second.proc.pid)
    expect(await second.kill('SIGTERM')).toBe(0)
  })

  it('refuses a second embedded broker on the same directory in one process', async () => {
    const dir = path.join(scratch(), 'data')
    const a = await startBroker({ dataDir: dir })
    try {
      const err = await startBroker({ dataDir: dir }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(DataDirError)
      expect((err as DataDirError).code).toBe('DATA_DIR_LOCKED')
      expect((err as Error).message).toContain('another broker in this process')
    } finally {
      await a.stop()
    }
    const b = await startBroker({ dataDir: dir })
    await b.stop()
  })

  it('takes no lock in memory', async () => {
    const b = await startBroker({ memory: true })
    await b.stop()
    const c = await child(['--memory'])
    expect(await c.kill('SIGTERM')).toBe(0)
  })
})

describe('whose directory it is', () => {
  it('refuses a Kafka log dir, says so, and changes none of its files', async () => {
    const dir = scratch()
    fs.writeFileSync(path.join(dir, 'meta.properties'), '#\n#Mon Dec 07 03:00:00 UTC 2026\nnode.id=1\ndirectory.id=Yl5ZWgqcTJGSG_1Ny7vI3w\nversion=1\ncluster.id=MkU3OEVBNTcwNTJENDM2Qk\n')
    fs.mkdirSync(path.join(dir, '__cluster_metadata-0'))
    fs.mkdirSync(path.join(dir, '__consumer_offsets-0'))
    fs.writeFileSync(path.join(dir, '__consumer_offsets-0', '00000000000000000000.log'), '')
    fs.writeFileSync(path.join(dir, '.lock'), '')
    const before = snapshot(dir)
    // As the user met it: Kafka's own server.properties, whose log.dirs is the Kafka log dir.
    const props = path.join(scratch(), 'server.properties')
    fs.writeFileSync(props, `process.roles=broker,controller\nnode.id=1\nlog.dirs=${dir}\n`)
    for (const args of [['--data-dir', dir], ['--data-dir', dir, '--adopt-data-dir'], ['--config', props]]) {
      const r = await runCli(['--port', '0', ...args])
      expect(r.code).toBe(1)
      expect(r.stderr).toContain(`data directory ${dir} is an Apache Kafka log directory (meta.properties has directory.id, __cluster_metadata-0, .lock)`)
      expect(snapshot(dir)).toEqual(before)
    }
  })

  it('refuses a non-empty directory that is not Rivulet\'s unless adopted', async () => {
    const dir = scratch()
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine')
    const before = snapshot(dir)
    const r = await runCli(['--port', '0', '--data-dir', dir])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('is not empty and is not a Rivulet data directory (it has no cluster.json; it holds notes.txt)')
    expect(r.stderr).toContain('--adopt-data-dir')
    expect(snapshot(dir)).toEqual(before)
    const adopted = await child(['--data-dir', dir, '--adopt-data-dir'])
    expect(await adopted.kill('SIGTERM')).toBe(0)
    expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('mine')
    // Adopted once, it is Rivulet's from then on.
    const again = await child(['--data-dir', dir])
    expect(await again.kill('SIGTERM')).toBe(0)
  })

  it('does not bring back old partition directories once cluster.json is gone', async () => {
    const dir = path.join(scratch(), 'data')
    const first = await child(['--data-dir', dir, '--override', 'num.partitions=1'])
    expect(await first.kill('SIGTERM')).toBe(0)
    fs.mkdirSync(path.join(dir, 'old-0'))
    fs.rmSync(path.join(dir, 'cluster.json'))
    const r = await runCli(['--port', '0', '--data-dir', dir])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('old-0')
  })

  it('keeps using a data directory an older Rivulet wrote (cluster.json and meta.properties, no lock)', async () => {
    const dir = scratch()
    const topicId = 'AAAAAAAAAAAAAAAAAAAAAQ'
    fs.writeFileSync(path.join(dir, 'cluster.json'), JSON.stringify({ version: 1, clusterId: 'old-cluster-id-000000', nextProducerId: 0, brokerConfigs: {}, topics: [{ name: 'kept', id: topicId, partitions: 1, configs: {}, internal: false }] }))
    fs.writeFileSync(path.join(dir, 'meta.properties'), 'version=1\ncluster.id=old-cluster-id-000000\nnode.id=1\n')
    fs.mkdirSync(path.join(dir, 'kept-0'))
    const b = await startBroker({ dataDir: dir })
    try {
      expect(b.broker.cluster.topic('kept')?.id).toBe(topicId)
    } finally {
      await b.stop()
    }
  })
})

describe('embedded', () => {
  it('listens on a free port and keeps everything in memory', async () => {
    const b = await startBroker()
    try {
      expect(b.port).not.toBe(9092)
      expect(b.port).toBeGreaterThan(0)
      expect(b.broker.storage.persistent).toBe(false)
    } finally {
      await b.stop()
    }
  })

  it('names the log levels that exist for a bad logLevel', async () => {
    await expect(startBroker({ logLevel: 'bogus' })).rejects.toThrow('unknown log level "bogus": use one of trace, debug, info, warn, error, fatal, silent')
  })

  it('refuses memory and dataDir together', async () => {
    await expect(startBroker({ memory: true, dataDir: scratch() })).rejects.toThrow('memory and dataDir exclude each other')
  })
})
