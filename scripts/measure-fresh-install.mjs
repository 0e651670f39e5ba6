// Measures the README's first command as a new user meets it: a fresh `git clone` of a checkout
// (default: this one's HEAD), an empty npm cache, and no C/C++ compiler (a PATH of symlinks to
// everything in /usr/local/bin, /usr/bin and /bin except cc, gcc, g++, c++, cpp, clang and make;
// CC and CXX are /bin/false), then `npm install && npm start -- --port 0` until "Rivulet is ready".
// Prints the seconds; the broker is stopped and every file removed afterwards.
//   node scripts/measure-fresh-install.mjs [git-dir-or-url]
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const source = process.argv[2] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-fresh-'))
const bin = path.join(work, 'bin')
fs.mkdirSync(bin)
const compiler = /^((x86_64|aarch64)-linux-gnu-)?(c\+\+|cc|cpp|g\+\+|gcc|clang\S*|make)(-\d+)?$/
for (const dir of ['/usr/local/bin', '/usr/bin', '/bin']) {
  if (!fs.existsSync(dir)) continue
  for (const f of fs.readdirSync(dir)) {
    if (!compiler.test(f) && !fs.existsSync(path.join(bin, f))) fs.symlinkSync(path.join(dir, f), path.join(bin, f))
  }
}
const clone = path.join(work, 'rivulet')
execFileSync('git', ['clone', '-q', source, clone])
const env = { ...process.env, PATH: bin, CC: '/bin/false', CXX: '/bin/false', npm_config_cache: path.join(work, 'npm-cache') }
for (const c of ['cc', 'gcc', 'g++', 'make']) {
  const found = (() => { try { return execFileSync('sh', ['-c', `command -v ${c}`], { env, encoding: 'utf8' }).trim() } catch { return '' } })()
  if (found) throw new Error(`${c} is still on PATH (${found})`)
}

const t0 = performance.now()
const child = spawn('sh', ['-c', 'npm install && npm start -- --port 0'], { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
let out = ''
let err = ''
child.stderr.on('data', (d) => { err += d })
child.stdout.on('data', (d) => {
  const ready = !out.includes('Rivulet is ready') && (out += d).includes('Rivulet is ready')
  if (!ready) return
  console.log(`npm install && npm start: "Rivulet is ready" after ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  process.kill(-child.pid, 'SIGTERM') // the npm/sh/broker process group this script started
})
child.on('close', (code) => {
  if (!out.includes('Rivulet is ready')) {
    console.log(`failed (exit ${code}):\n${out}\n${err.slice(-4000)}`)
    process.exitCode = 1
  }
  fs.rmSync(work, { recursive: true, force: true })
})
