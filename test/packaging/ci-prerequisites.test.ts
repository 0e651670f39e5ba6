// .ci/run checks its prerequisites before doing anything and names everything missing in one
// message. Run here with a PATH holding only what the check itself needs (and Node/npm), with apt
// installs off (CI_APT=0), so the compilers, JDK, Maven and Go of this machine are out of sight.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-ci-path-'))
afterAll(() => fs.rmSync(bin, { recursive: true, force: true }))

function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' })
  return r.status === 0 ? r.stdout.trim() : null
}

describe('.ci/run prerequisites', () => {
  it('lists every missing tool in one message and runs nothing', () => {
    for (const cmd of ['bash', 'dirname', 'sort', 'head', 'sed', 'id', 'env', 'npm']) {
      const p = which(cmd)
      if (p) fs.symlinkSync(p, path.join(bin, cmd))
    }
    fs.symlinkSync(process.execPath, path.join(bin, 'node'))
    const r = spawnSync(path.join(bin, 'bash'), [path.join(root, '.ci/run'), '--prerequisites'], {
      env: { PATH: bin, CI_APT: '0', HOME: os.tmpdir() },
      encoding: 'utf8',
    })
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('')
    const lines = r.stderr.trim().split('\n')
    expect(lines[0]).toBe('ci: missing prerequisites, nothing was run:')
    const missing = lines.slice(1).join('\n')
    for (const what of ['C/C++ toolchain', 'Python 3', 'JDK >= 17 with javac', 'Maven', 'Go >= 1.21']) expect(missing).toContain(what)
    expect(missing).not.toContain('Node.js')
  })
})
