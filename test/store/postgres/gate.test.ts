// The PostgreSQL tests' gate (test/helpers/postgres.ts), run through vitest as a subprocess with
// PG_BIN pointing where there is no server: skipped with a message outside CI, failed under
// CI=true, so CI cannot pass by skipping them.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const vitest = path.join(root, 'node_modules/vitest/vitest.mjs')

function runGated(ci: boolean) {
  // A clean environment: no VITEST_* of this run, no CI of the machine running it.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, PG_BIN: path.join(root, 'no-such-postgres') }
  if (ci) env.CI = 'true'
  return spawnSync(process.execPath, [vitest, 'run', 'test/store/postgres/leases.test.ts', '--reporter=verbose'], { cwd: root, env, encoding: 'utf8', timeout: 60_000 })
}

describe('PostgreSQL test gate', () => {
  it('skips with a message when the server binaries are missing and CI is unset', () => {
    const r = runGated(false)
    expect(r.stdout + r.stderr).toMatch('skipping "PostgreSQL store leases": PostgreSQL server binaries not found')
    expect(r.status).toBe(0)
  })

  it('fails under CI=true when the server binaries are missing', () => {
    const r = runGated(true)
    expect(r.stdout + r.stderr).toMatch('CI=true: these tests may not be skipped')
    expect(r.status).toBe(1)
  })
})
