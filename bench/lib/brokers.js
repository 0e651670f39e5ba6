// Start and stop the two brokers under test, each in a fresh temp dir, and read their memory.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKafka } from '../../compat/lib/kafka-broker.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../..');
/** The Rivulet build under test: dist/ unless `--dist DIR` (env RIVULET_BENCH_DIST) names another. */
export const distDir = () => path.resolve(ROOT, process.env.RIVULET_BENCH_DIST ?? 'dist');
// The bundled CLI that `npx rivulet` runs; builds from before bundling only have dist/src/cli.js.
export const cliPath = () => {
  const bundled = path.join(distDir(), 'bundle/cli.mjs');
  return fs.existsSync(bundled) ? bundled : path.join(distDir(), 'src/cli.js');
};

const idleSleep = (ms) => new Promise((r) => setTimeout(r, ms).unref());

/** VmRSS / VmHWM of a process in MiB (null if gone). */
export function memOf(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number((s.match(new RegExp(`^${k}:\\s+(\\d+)\\s+kB`, 'm')) ?? [])[1]);
    return { rssMiB: +(kb('VmRSS') / 1024).toFixed(1), hwmMiB: +(kb('VmHWM') / 1024).toFixed(1) };
  } catch { return null; }
}

/** Direct children of a pid (Linux /proc). */
export function childrenOf(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch { return []; }
}

/** The process's command line (for finding the JVM under kafka-broker.mjs's watchdog shell). */
export function cmdlineOf(pid) {
  try { return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean); } catch { return []; }
}

/** Bytes of record data under a directory: the sizes of its segment .log files (index files,
 *  which Kafka preallocates sparsely, are left out). */
export function duBytes(dir) {
  let total = 0;
  const walk = (d) => {
    let ents;
    try { ents = fs.readdirSync(d, { withFileTypes: true }); } catch { return; }
    for (const e of ents) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.log')) { try { total += fs.statSync(p).size; } catch { /* raced */ } }
    }
  };
  walk(dir);
  return total;
}

/**
 * Spawn the Rivulet CLI (default config) and wait for its "ready" line.
 * @param {{dataDir?: string, memory?: boolean, store?: string, extraArgs?: string[], logFile?: string, cli?: string, nodeArgs?: string[]}} o
 */
export async function spawnRivulet(o = {}) {
  const args = [...(o.nodeArgs ?? []), o.cli ?? cliPath(), '--port', '0'];
  if (o.memory) args.push('--memory');
  else if (o.store) args.push('--store', o.store); // the PostgreSQL store (issue 11), no data dir
  else args.push('--data-dir', o.dataDir);
  if (o.extraArgs) args.push(...o.extraArgs);
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const logStream = o.logFile ? fs.createWriteStream(o.logFile, { flags: 'a' }) : null;
  let exited = false;
  const killOnExit = () => { try { child.kill('SIGKILL'); } catch { /* gone */ } };
  process.once('exit', killOnExit); // never leave a broker behind if the harness dies
  const exitP = new Promise((res) => child.once('exit', (code, sig) => { exited = true; process.off('exit', killOnExit); res({ code, sig }); }));
  let out = '';
  const ready = await new Promise((resolve, reject) => {
    const onData = (d) => {
      logStream?.write(d);
      if (out !== null) {
        out += d.toString();
        const m = out.match(/Rivulet is ready\. Bootstrap: ([^\s:]+):(\d+)/);
        if (m) { const r = { host: m[1], port: Number(m[2]), readyMs: performance.now() - t0 }; out = null; resolve(r); }
        else if (out.length > 1e6) out = out.slice(-1e5);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => { logStream?.write(d); if (out !== null) out += d.toString(); });
    child.once('error', reject);
    exitP.then(({ code, sig }) => reject(new Error(`rivulet exited (${code ?? sig}) before ready:\n${(out ?? '').slice(-3000)}`)));
  });
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const r = await Promise.race([exitP, idleSleep(20000).then(() => null)]);
      if (!r) { child.kill('SIGKILL'); await exitP; }
    }
    logStream?.end();
  };
  return { ...ready, bootstrap: `${ready.host}:${ready.port}`, pid: child.pid, child, stop, t0 };
}

/** Rivulet for a benchmark session: fresh temp data dir, default config, removed on stop. */
export async function startRivuletSession(tmpRoot) {
  const dir = fs.mkdtempSync(path.join(tmpRoot ?? os.tmpdir(), 'rivulet-bench-'));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'rivulet.log');
  const t0 = performance.now();
  let b = await spawnRivulet({ dataDir, logFile });
  const startMs = performance.now() - t0;
  return {
    name: 'rivulet',
    bootstrap: b.bootstrap,
    host: b.host,
    port: b.port,
    get pid() { return b.pid; },
    startMs,
    dataDir,
    mem: () => memOf(b.pid),
    dataBytes: () => duBytes(dataDir),
    /** Stop and start again on the same data (RSS with data stored; clean-restart time). */
    async restart() {
      await b.stop();
      const t = performance.now();
      b = await spawnRivulet({ dataDir, logFile });
      this.bootstrap = b.bootstrap; this.host = b.host; this.port = b.port;
      return performance.now() - t;
    },
    async stop() {
      await b.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Find the JVM under the watchdog shell that kafka-broker.mjs spawns. */
export function kafkaJavaPid(shPid) {
  for (const c of childrenOf(shPid)) {
    const cmd = cmdlineOf(c);
    if (cmd[0]?.endsWith('java') && cmd.includes('kafka.Kafka')) return c;
  }
  return null;
}

/**
 * startKafka(), retried when its two free-port picks collide (compat's freePort() binds port 0
 * and closes it, so two calls can return the same port: "two listeners on the same port") or a
 * picked port is taken before the JVM binds it.
 */
export async function startKafkaRetrying(opts = {}, { tries = 3, onRetry } = {}) {
  for (let i = 1; ; i++) {
    try {
      return await startKafka(opts);
    } catch (e) {
      const msg = String(e?.message ?? e);
      if (i >= tries || !/two listeners on the same port|Address already in use|BindException/.test(msg)) throw e;
      onRetry?.(msg.split('\n')[0]);
    }
  }
}

/** Apache Kafka (KRaft, single node) via compat/lib/kafka-broker.mjs, fresh temp dir, removed on stop. */
export async function startKafkaSession(opts = {}) {
  const t0 = performance.now();
  const k = await startKafkaRetrying(opts);
  const startMs = performance.now() - t0;
  let javaPid = null;
  for (let i = 0; i < 50 && !javaPid; i++) { javaPid = kafkaJavaPid(k.pid); if (!javaPid) await idleSleep(20); }
  return {
    name: 'kafka',
    bootstrap: k.bootstrap,
    host: k.host,
    port: k.port,
    pid: javaPid,
    startMs,
    formatMs: k.formatMs,
    version: k.version,
    dataDir: path.join(k.dir, 'data'),
    mem: () => (javaPid ? memOf(javaPid) : null),
    dataBytes: () => duBytes(path.join(k.dir, 'data')),
    stop: () => k.stop(),
    raw: k,
  };
}

// The TCP ports a process listens on (the broker's Kafka port and, when on, its admin port).
export function listeningPorts(pid) {
  const inodes = new Set();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch { /* closed meanwhile */ }
  }
  const ports = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && f[3] === '0A' && inodes.has(f[9])) ports.push(parseInt(f[1].split(':')[1], 16));
    }
  }
  return ports;
}
