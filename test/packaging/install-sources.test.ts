// The other ways another project depends on Rivulet (issue 15 item 7), besides the tarball that
// package.test.ts installs: a git URL, where npm clones the repository, installs its
// devDependencies and runs `prepare` (before the fix: "tsc: not found"), and a folder, which npm
// links without installing anything inside it. Both from a clone of this checkout's HEAD, into an
// empty project, with npm's cache preferred over the network.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const quiet = { npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', npm_config_prefer_offline: 'true' }
let tmp = ''
let clone = ''

function run(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env: { ...process.env, ...quiet }, encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 })
}
function project(name: string): string {
  const dir = path.join(tmp, name)
  fs.mkdirSync(dir)
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }))
  return dir
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-sources-'))
  clone = path.join(tmp, 'rivulet')
  const r = run('git', ['clone', '-q', root, clone], tmp)
  if (r.status !== 0) throw new Error(`git clone failed: ${r.stderr}`)
})
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

describe('installing Rivulet from source', () => {
  it("from a git URL: npm builds it (prepare) and the README's embedded example runs", () => {
    const app = project('from-git')
    const r = run(npm, ['install', `git+file://${clone}`], app)
    expect(r.stdout + r.stderr).not.toMatch(/not found|ERESOLVE|npm error/)
    expect(r.status).toBe(0)
    const installed = path.join(app, 'node_modules/rivulet')
    expect(fs.readdirSync(path.join(installed, 'dist')).sort()).toEqual(['bundle', 'protocol', 'src'])
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8')
    const example = /## Embedded[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)![1]!
    fs.writeFileSync(path.join(app, 'example.mjs'), `${example}\nconsole.log('ready on', broker.port > 0)\n`)
    const ex = run(process.execPath, ['example.mjs'], app)
    expect(ex.stderr).toBe('')
    expect(ex.stdout).toBe('ready on true\n')
  }, 600_000)

  it('from a folder that was never built: the install stops and says what to do instead', () => {
    const app = project('from-folder')
    const r = run(npm, ['install', clone], app)
    expect(r.status).not.toBe(0)
    const said = r.stdout + r.stderr
    expect(said).not.toContain('tsc: not found')
    expect(said).toContain(`rivulet: cannot build ${clone}: its devDependencies typescript and esbuild are not installed there.`)
    expect(said).toContain('run `npm install` inside that folder first')
  }, 120_000)
})
