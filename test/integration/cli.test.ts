// The command as a user meets it (issue 15): --help and --version, error messages that name the
// problem and the remedy, start-up that writes nothing before it knows it can listen, and
// logs on stderr with only the ready line on stdout.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { scratchDirs } from '../helpers/broker.js'
import { CLI, runCli } from '../helpers/process.js'

const scratch = scratchDirs('rivulet-cli-')

describe('rivulet --help and --version', () => {
  it('prints the package version', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(CLI), '../../package.json'), 'utf8')) as { version: string }
    for (const flag of ['--version', '-V']) {
      const r = await runCli([flag])
      expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n`, stderr: '' })
    }
  })

  it('lists every option the parser accepts and points to the config reference', async () => {
    const r = await runCli(['--help'])
    expect(r.code).toBe(0)
    const source = fs.readFileSync(path.join(path.dirname(CLI), '../../src/cli.ts'), 'utf8')
    const accepted = [...source.matchAll(/case '(--?[a-zA-Z-]+)'/g)].map((m) => m[1]!)
    expect(accepted.length).toBeGreaterThan(8)
    for (const flag of accepted) expect(r.stdout).toContain(flag)
    expect(r.stdout).toContain('docs/CONFIG.md')
  })
})

describe('rivulet error messages', () => {
  it('names the log levels that exist for a bad --log-level', async () => {
    const r = await runCli(['--log-level', 'bogus', '--memory', '--port', '0'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('unknown --log-level "bogus": use one of trace, debug, info, warn, error, fatal, silent')
    expect(r.stderr).not.toMatch(/custom levels|pino/)
  })

  it('says a --data-dir that is a file is a file', async () => {
    const file = path.join(scratch(), 'not-a-dir')
    fs.writeFileSync(file, 'x')
    const r = await runCli(['--port', '0', '--data-dir', file])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`data directory ${file} is a file, not a directory`)
    expect(r.stderr).not.toContain('EEXIST')
    expect(fs.readFileSync(file, 'utf8')).toBe('x')
  })

  it('refuses several log.dirs instead of making a directory named after the list', async () => {
    const dir = scratch()
    const list = `${path.join(dir, 'a')},${path.join(dir, 'b')}`
    const r = await runCli(['--port', '0', '--override', `log.dirs=${list}`])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`log.dirs lists several directories (${list})`)
    expect(fs.readdirSync(dir)).toEqual([])
  })

  it('suggests --port 0 for a port in use, and creates no data directory first', async () => {
    const holder = net.createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    try {
      const port = (holder.address() as net.AddressInfo).port
      const dataDir = path.join(scratch(), 'data')
      const r = await runCli(['--port', String(port), '--data-dir', dataDir])
      expect(r.code).toBe(1)
      expect(r.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the port is already in use`)
      expect(r.stderr).toContain('--port 0')
      expect(fs.existsSync(dataDir)).toBe(false)
    } finally {
      holder.close()
    }
  })
})

describe('rivulet output streams', () => {
  it('prints only the ready line on stdout; logs go to stderr', async () => {
    const proc = spawn(process.execPath, [CLI, '--port', '0', '--memory', '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    await new Promise<void>((resolve) =>
      proc.stdout.on('data', (c: Buffer) => {
        stdout += c.toString()
        if (stdout.includes('\n')) resolve()
      }),
    )
    const exited = new Promise((resolve) => proc.once('close', resolve))
    proc.kill('SIGTERM')
    await exited
    expect(stdout).toMatch(/^Rivulet is ready\. Bootstrap: 127\.0\.0\.1:\d+\n$/)
    expect(stderr).toContain('"msg":"listening"')
    expect(stderr).toContain('"msg":"stopped"')
  })
})
