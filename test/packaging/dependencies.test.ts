// Install hygiene, checked from the lockfile without a network: nothing a user installs runs an
// install script (those compile with node-gyp where a prebuilt download fails), the lockfile
// matches package.json (so `npm install` does not rewrite it), and npm sees no invalid or missing
// peer (an esbuild below vite's peer range made every install print ERESOLVE warnings).
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

interface LockEntry {
  dev?: boolean
  devOptional?: boolean
  hasInstallScript?: boolean
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
}
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as LockEntry

describe('dependencies', () => {
  it('no runtime dependency has an install script', () => {
    const scripted = Object.entries(lock.packages)
      .filter(([name, p]) => name !== '' && p.hasInstallScript && !p.dev)
      .map(([name]) => name)
    expect(scripted).toEqual([])
  })

  it('the lockfile records exactly the ranges package.json asks for', () => {
    const top = lock.packages['']!
    expect(top.dependencies).toEqual(pkg.dependencies)
    expect(top.devDependencies).toEqual(pkg.devDependencies)
    expect(top.optionalDependencies).toEqual(pkg.optionalDependencies)
  })

  it('npm ls finds no invalid, missing or extraneous package', () => {
    const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ls', '--all'], { cwd: root, encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  })
})
