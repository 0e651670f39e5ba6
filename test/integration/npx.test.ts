// `npx rivulet` stops when npx is told to (issue 15 item 6). npm 11 runs the bin through
// `sh -c` and forwards SIGINT/SIGTERM to that shell only; Debian's dash neither execs the bin nor
// passes the signal on, so before the fix SIGTERM orphaned the broker (still holding its port)
// and SIGINT stopped neither. Runs a real npx from a project that depends on Rivulet.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/broker.js'
import { CLI } from '../helpers/process.js'

const repo = path.resolve(path.dirname(CLI), '../..')
let project: string

beforeAll(() => {
  // What `npm install rivulet` leaves behind, without the network: the package and its bin link.
  project = tempDir('rivulet-npx-')
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'uses-rivulet', private: true, dependencies: { rivulet: `file:${repo}` } }))
  fs.mkdirSync(path.join(project, 'node_modules', '.bin'), { recursive: true })
  fs.symlinkSync(repo, path.join(project, 'node_modules', 'rivulet'))
  fs.symlinkSync(path.join('..', 'rivulet', 'dist', 'bundle', 'cli.mjs'), path.join(project, 'node_modules', '.bin', 'rivulet'))
})
afterAll(() => fs.rmSync(project, { recursive: true, force: true }))

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1')
    s.once('connect', () => (s.destroy(), resolve(false)))
    s.once('error', () => resolve(true))
  })
}

describe('npx rivulet', () => {
  // SIGKILL: Java's Process.destroyForcibly and Python's Popen.kill.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGKILL'] as const) {
    it(`stops the broker when npx gets ${signal}`, async () => {
      const env = { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false', npm_config_yes: 'true' }
      const npx = spawn('npx', ['rivulet', '--port', '0', '--memory', '--log-level', 'info'], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      npx.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
      // The pipes close once every process holding them (npm, the shell, the broker) is gone.
      const closed = Promise.all([new Promise((r) => npx.stdout.once('close', r)), new Promise((r) => npx.stderr.once('close', r))])
      const exited = new Promise<[number | null, string | null]>((r) => npx.once('exit', (code, sig) => r([code, sig])))
      const port = await new Promise<number>((resolve, reject) => {
        npx.stdout.on('data', (c: Buffer) => {
          stdout += c.toString()
          const m = /Bootstrap: [^:]+:(\d+)/.exec(stdout)
          if (m) resolve(Number(m[1]))
        })
        void exited.then(() => reject(new Error(`npx exited before the broker was ready:\n${stdout}${stderr}`)))
      })
      const broker = Number(/"pid":(\d+)/.exec(stderr)![1])
      let stopped = false
      try {
        npx.kill(signal)
        // A bound, not a synchronisation: before the fix neither of these ever happened.
        let bound: NodeJS.Timeout | undefined
        const timedOut = new Promise<'timeout'>((r) => (bound = setTimeout(() => r('timeout'), 20_000)))
        stopped = (await Promise.race([Promise.all([exited, closed]).then(() => 'stopped'), timedOut])) === 'stopped'
        clearTimeout(bound)
        expect(stopped).toBe(true)
        expect(stderr).toContain('"msg":"stopped"')
        expect(await refused(port)).toBe(true)
      } finally {
        // Only when they did not stop by themselves (a pid, once free, may be reused).
        for (const pid of stopped ? [] : [broker, npx.pid!]) {
          try {
            process.kill(pid, 'SIGKILL')
          } catch {
            // Gone, as it should be.
          }
        }
      }
    }, 60_000)
  }
})
