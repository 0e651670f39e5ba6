// A throwaway PostgreSQL server for tests, benchmarks and the compat suite: `initdb` into a fresh
// temporary directory, `postgres` on a free TCP port of 127.0.0.1 with its unix socket in that
// directory (not /var/run/postgresql, which needs the Debian service's permissions), trust
// authentication for one superuser. PostgreSQL refuses to run as root, so under root the server
// runs as the `postgres` user Debian's package creates (spawn's uid/gid, no sudo/runuser needed).
// Readiness is read from the server's own log line ("ready to accept connections"), not polled.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export interface TempPostgres {
  readonly port: number
  readonly dir: string
  readonly user: string
  // A connection URL for `database` (default: postgres).
  url(database?: string): string
  // Stops the server (fast shutdown; `immediate` is a crash-like stop without a checkpoint).
  stop(mode?: 'fast' | 'immediate'): Promise<void>
  // Starts it again on the same directory and port (after stop()).
  start(): Promise<void>
  readonly running: boolean
  // Stops the server and removes the directory.
  destroy(): Promise<void>
  log(): string
}

// Debian installs the server binaries outside PATH, in /usr/lib/postgresql/<major>/bin. PG_BIN,
// when set, is the only place looked at (an explicit choice is not second-guessed). Returns the
// directory holding initdb and postgres, or null when there is none.
export function findPostgresBin(): string | null {
  const candidates: string[] = []
  const has = (dir: string) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'postgres'))
  if (process.env.PG_BIN) return has(process.env.PG_BIN) ? process.env.PG_BIN : null
  try {
    const majors = fs.readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))
    for (const v of majors) candidates.push(`/usr/lib/postgresql/${v}/bin`)
  } catch {
    // no Debian layout
  }
  const onPath = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' })
  if (onPath.status === 0) candidates.push(onPath.stdout.trim())
  return candidates.find(has) ?? null
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

// Under root, the uid/gid of the `postgres` account (Debian's package creates it).
function serverAccount(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' })
  const uid = id('-u')
  const gid = id('-g')
  if (uid.status !== 0 || gid.status !== 0) throw new Error('PostgreSQL refuses to run as root and there is no `postgres` user to run it as (create one, or run as another user)')
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
}

export interface TempPostgresOptions {
  bin?: string
  // Server settings (postgres -c name=value). Tests default to fsync=off: a stopped server
  // still keeps every committed row (the OS has the pages); only a machine crash would lose them.
  settings?: Record<string, string>
}

export async function startTempPostgres(o: TempPostgresOptions = {}): Promise<TempPostgres> {
  const bin = o.bin ?? findPostgresBin()
  if (!bin) throw new Error('PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BIN)')
  const account = serverAccount()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-pg-'))
  const data = path.join(dir, 'data')
  if (account) fs.chownSync(dir, account.uid, account.gid)
  const user = 'rivulet'
  const init = spawnSync(path.join(bin, 'initdb'), ['-D', data, '-U', user, '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], { encoding: 'utf8', ...account })
  if (init.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true })
    throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout}`)
  }
  const port = await freePort()
  const settings = { fsync: 'off', full_page_writes: 'off', ...o.settings }
  let proc: ChildProcess | null = null
  let output = ''
  let exited: Promise<void> = Promise.resolve()

  const start = (): Promise<void> => {
    const args = ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'logging_collector=off']
    for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`)
    const child = spawn(path.join(bin, 'postgres'), args, { stdio: ['ignore', 'pipe', 'pipe'], ...account })
    proc = child
    exited = new Promise((resolve) => child.once('exit', () => resolve()))
    return new Promise((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('ready to accept connections')) {
          output = output.replace(/ready to accept connections/g, 'ready (seen)')
          resolve()
        }
      }
      child.stdout!.on('data', onData)
      child.stderr!.on('data', onData)
      void exited.then(() => reject(new Error(`postgres exited before accepting connections:\n${output}`)))
    })
  }
  const stop = async (mode: 'fast' | 'immediate' = 'fast'): Promise<void> => {
    const child = proc
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    child.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT')
    await exited
    proc = null
  }
  // A test runner that dies without its afterAll must not leave a server behind.
  const onExit = () => (proc as ChildProcess | null)?.kill('SIGKILL')
  process.once('exit', onExit)
  try {
    await start()
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true })
    throw err
  }
  return {
    port,
    dir,
    user,
    url: (database = 'postgres') => `postgres://${user}@127.0.0.1:${port}/${database}`,
    stop,
    start,
    get running() {
      return proc !== null
    },
    destroy: async () => {
      await stop()
      process.off('exit', onExit)
      fs.rmSync(dir, { recursive: true, force: true })
    },
    log: () => output,
  }
}
