// One throwaway PostgreSQL per test file (src/store/postgres/temp-server.ts): started in
// beforeAll, stopped and removed in afterAll. Without the server binaries the file's tests are
// skipped with a message saying how to get them, except under CI=true, where they fail: CI must
// not pass by skipping them (.ci/run installs Debian's postgresql package).
import { afterAll, beforeAll, describe, it } from 'vitest'
import { findPostgresBin, startTempPostgres, type TempPostgres } from '../../src/store/postgres/temp-server.js'

export interface PostgresFixture {
  readonly server: TempPostgres
  // A fresh, empty database on the shared server (one per test keeps tests independent).
  freshDatabase(): Promise<string>
}

const MISSING = 'PostgreSQL server binaries not found: apt-get install postgresql (Debian), or set PG_BIN to the directory holding initdb and postgres'

export function describePostgres(name: string, body: (pg: PostgresFixture) => void): void {
  const bin = findPostgresBin()
  if (!bin) {
    // No server binaries: skipped with a message outside CI; under CI=true the test runs and fails.
    const inCi = process.env.CI === 'true'
    if (!inCi) console.warn(`skipping "${name}": ${MISSING}`)
    describe.skipIf(!inCi)(name, () => it('needs PostgreSQL', () => { throw new Error(`${MISSING} (CI=true: these tests may not be skipped)`) }))
    return
  }
  let server: TempPostgres | undefined
  let admin: { query: (text: string) => Promise<unknown>; end: () => Promise<void> } | undefined
  let n = 0
  const fixture: PostgresFixture = {
    get server() {
      if (!server) throw new Error('PostgreSQL is not started')
      return server
    },
    async freshDatabase() {
      const db = `t${++n}`
      await admin!.query(`CREATE DATABASE ${db}`)
      return server!.url(db)
    },
  }
  describe(name, () => {
    beforeAll(async () => {
      server = await startTempPostgres({ bin })
      const { connect } = await import('../../src/store/postgres/db.js')
      const db = connect(server.url())
      admin = { query: (text) => db.query(text), end: () => db.end() }
    }, 60_000)
    afterAll(async () => {
      await admin?.end()
      await server?.destroy()
    }, 60_000)
    body(fixture)
  })
}
