// A damaged cluster.json (issue 15 item 5): the start is refused with the file's path, what is
// wrong and what to do, through the embedded API and the built CLI, and the file is left as it was.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker } from '../../src/index.js'
import { tempDir } from '../helpers/broker.js'
import { CLI } from '../helpers/process.js'

let good: string
const dirs: string[] = []
beforeAll(async () => {
  const dir = tempDir()
  dirs.push(dir)
  const b = await startBroker({ port: 0, dataDir: dir })
  b.broker.createTopic('kept', 2, 1, {})
  await b.stop()
  good = fs.readFileSync(path.join(dir, 'cluster.json'), 'utf8')
})
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

function dataDirWith(content: string): string {
  const dir = tempDir()
  dirs.push(dir)
  fs.writeFileSync(path.join(dir, 'cluster.json'), content)
  return dir
}

describe('a corrupt cluster.json', () => {
  it.each([
    ['truncated', () => good.slice(0, Math.floor(good.length / 2)), /it is not valid JSON \(.+\), perhaps truncated/],
    ['empty', () => '', /it is empty/],
    ['not JSON', () => 'hello', /it is not valid JSON/],
    ['"topics": 3', () => JSON.stringify({ ...JSON.parse(good), topics: 3 }), /"topics" is not a list/],
    ['a topic without an id', () => JSON.stringify({ ...JSON.parse(good), topics: [{ name: 'x' }] }), /topic 0 in "topics" lacks/],
    ['an array', () => '[]', /it holds an array where an object was expected/],
  ])('%s: refused, named, explained, untouched (embedded)', async (_name, content, why) => {
    const text = content()
    const dir = dataDirWith(text)
    const file = path.join(dir, 'cluster.json')
    const err = await startBroker({ port: 0, dataDir: dir }).then(() => null, (e: Error) => e)
    expect(err).toBeInstanceOf(Error)
    expect(err!.message).toContain(`cannot read ${file}: `)
    expect(err!.message).toMatch(why)
    expect(err!.message).toContain(`move the data directory ${dir} away`)
    expect(fs.readFileSync(file, 'utf8')).toBe(text)
  })

  it('the CLI prints one line and exits non-zero, leaving the file as it was', async () => {
    const text = good.slice(0, 40)
    const dir = dataDirWith(text)
    const proc = spawn(process.execPath, [CLI, '--port', '0', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const code = await new Promise<number | null>((resolve) => proc.once('close', resolve))
    expect(code).not.toBe(0)
    const lines = stderr.trim().split('\n').filter((l) => !l.startsWith('{'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(new RegExp(`^rivulet: cannot read ${path.join(dir, 'cluster.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: it is not valid JSON`))
    expect(fs.readFileSync(path.join(dir, 'cluster.json'), 'utf8')).toBe(text)
  })
})
