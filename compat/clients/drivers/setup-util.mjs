// Small helpers shared by the compat client modules (kcat, confluent-python, confluent-js,
// kafka-python): Debian package installs and running a command to completion. Plain ESM.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** True when every Debian package in `pkgs` is installed. */
export function aptInstalled(pkgs) {
  try {
    const out = execFileSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...pkgs], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const ok = new Set(out.split('\n').filter((l) => l.endsWith(' installed')).map((l) => l.split(' ')[0].replace(/:.*/, '')));
    return pkgs.every((p) => ok.has(p));
  } catch { return false; } // dpkg-query exits non-zero when a package is unknown
}

/**
 * Install Debian packages that are missing (no-op, and fast, when all are there). `apt-get update`
 * runs at most once per process (the flag lives on globalThis so every client module shares it).
 */
export async function aptEnsure(pkgs, log = () => {}) {
  const missing = pkgs.filter((p) => !aptInstalled([p]));
  if (missing.length === 0) return false;
  if (process.getuid && process.getuid() !== 0) throw new Error(`missing Debian packages ${missing.join(' ')} and not root: apt-get install -y ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  if (!globalThis.__rivuletCompatAptUpdated) {
    log('apt-get update');
    await run('apt-get', [...lock, 'update', '-q'], { env, timeoutMs: 300_000 });
    globalThis.__rivuletCompatAptUpdated = true;
  }
  log(`apt-get install -y ${missing.join(' ')}`);
  await run('apt-get', [...lock, 'install', '-y', '-q', '--no-install-recommends', ...missing], { env, timeoutMs: 600_000 });
  const still = missing.filter((p) => !aptInstalled([p]));
  if (still.length) throw new Error(`apt-get install did not install: ${still.join(' ')}`);
  return true;
}

/** Run a command to completion; resolves { stdout, stderr }, rejects with the output tail on failure. */
export function run(cmd, args, { env, cwd, timeoutMs = 600_000, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(new Error(`${cmd}: ${e.message}`)); });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(Object.assign(new Error(`${cmd} ${args.join(' ')} exited ${code ?? sig}:\n${(stderr || stdout).slice(-3000)}`), { stdout, stderr }));
    });
    child.stdin.end(input ?? '');
  });
}

/**
 * Run fn() holding a lock directory (mkdir is atomic), so that two processes setting up the same
 * cache (e.g. two runners) do not install into it at the same time. A lock whose owner process is
 * gone is taken over.
 */
export async function withLock(lockDir, fn, { timeoutMs = 1_500_000, log = () => {} } = {}) {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const owner = path.join(lockDir, 'pid');
  const until = Date.now() + timeoutMs;
  let said = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir, { recursive: false });
      fs.writeFileSync(owner, String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let pid = 0;
      try { pid = Number(fs.readFileSync(owner, 'utf8')); } catch { /* being written */ }
      let alive = true;
      if (pid > 0) { try { process.kill(pid, 0); } catch { alive = false; } }
      else {
        // no pid yet: a lock older than a minute without one is stale
        try { alive = Date.now() - fs.statSync(lockDir).mtimeMs < 60_000; } catch { alive = false; }
      }
      if (!alive) { fs.rmSync(lockDir, { recursive: true, force: true }); continue; }
      if (Date.now() > until) throw new Error(`${lockDir} is held by process ${pid} for too long`);
      if (!said) { log(`waiting for process ${pid}, which holds ${lockDir}`); said = true; }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * The command that runs a compiled Java driver: a quiet, quick-starting JVM (C1 only, serial GC,
 * log4j at WARN on stderr) with the driver's classes and jars on the class path.
 */
export function javaDriverCommand({ classesDir, libsDir, mainClass, xmx, args }) {
  const log4j = path.join(classesDir, 'log4j2.properties');
  if (!fs.existsSync(log4j)) {
    fs.writeFileSync(log4j, ['status = error', 'appender.err.type = Console', 'appender.err.name = err', 'appender.err.target = SYSTEM_ERR',
      'appender.err.layout.type = PatternLayout', 'appender.err.layout.pattern = [%d] %p %m (%c)%n', 'rootLogger.level = WARN',
      'rootLogger.appenderRef.err.ref = err', ''].join('\n'));
  }
  return {
    cmd: 'java',
    args: ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', `-Xmx${xmx}`, '-Xlog:disable', '-Xlog:all=error:stderr', `-Dlog4j2.configurationFile=${log4j}`,
      '-cp', `${classesDir}:${libsDir}/*`, mainClass, ...args],
    env: {},
  };
}
