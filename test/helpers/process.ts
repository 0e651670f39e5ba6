// Runs the CLI broker as a child process (the bundled dist/bundle/cli.mjs that `npx rivulet` and
// `npm start` run) and reads its bootstrap address from stdout.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/bundle/cli.mjs')

export interface ChildBroker {
  proc: ChildProcess
  bootstrap: string
  port: number
  output: () => string
  exited: Promise<number | null>
  kill(signal?: NodeJS.Signals): Promise<number | null>
}

export function startChildBroker(args: string[]): Promise<ChildBroker> {
  const proc = spawn(process.execPath, [CLI, '--port', '0', '--log-level', 'warn', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString()
      const m = /Bootstrap: (\S+):(\d+)/.exec(out)
      if (m) {
        proc.stdout!.off('data', onData)
        proc.stdout!.on('data', (c: Buffer) => (out += c.toString()))
        resolve({
          proc,
          bootstrap: `${m[1]}:${m[2]}`,
          port: Number(m[2]),
          output: () => out,
          exited,
          kill: (signal = 'SIGTERM') => {
            if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal)
            return exited
          },
        })
      }
    }
    proc.stdout!.on('data', onData)
    proc.stderr!.on('data', (c: Buffer) => (out += c.toString()))
    void exited.then((code) => reject(new Error(`broker exited (${code}) before listening:\n${out}`)))
  })
}

export interface Ran {
  code: number | null
  stdout: string
  stderr: string
}

// Runs a program to completion with `input` on its stdin (asynchronously: an in-process broker must
// keep serving meanwhile); killed after `timeoutMs` so a hung client cannot hang the test.
export function runProgram(cmd: string, args: string[], o: { input?: string; timeoutMs?: number } = {}): Promise<Ran> {
  const proc = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  const timer = setTimeout(() => proc.kill('SIGKILL'), o.timeoutMs ?? 30_000)
  proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  proc.stdin.end(o.input ?? '')
  return new Promise((resolve) =>
    proc.once('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    }),
  )
}

// Runs the CLI to completion, for invocations that exit by themselves (--help, refused starts).
export function runCli(args: string[]): Promise<Ran> {
  return runProgram(process.execPath, [CLI, ...args])
}
