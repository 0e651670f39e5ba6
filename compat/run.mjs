#!/usr/bin/env node
// The compatibility suite: real Kafka clients against Rivulet and against a real Apache Kafka.
//
//   node compat/run.mjs [--only client1,client2] [--scenario name1,name2] [--no-kafka]
//   npm run compat -- --only kafkajs --no-kafka
//
// Every compat/clients/*.mjs describes one client (see the contract in compat/README.md): the
// runner imports them all, runs each one's setup() once, then for each target (Rivulet from
// dist/, fresh data dir; then Kafka from compat/lib/kafka-broker.mjs) runs every client's driver
// in sequence, each with a fresh topic prefix. Drivers print one JSON line per scenario.
//
// Writes compat/MATRIX.md and compat/.cache/results.json, prints the failures with what was
// expected and what came back, ends with "N passed, N failed" (scenario x target results; skips
// are not counted) and exits non-zero if anything failed (a scenario, a setup, a driver crash,
// a broker that did not start or died).
//
// --scenario names are passed to the drivers as COMPAT_SCENARIO (comma-separated; a trailing *
// matches a prefix); drivers may use it to run less, and the runner keeps only matching results.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const cacheDir = path.join(here, '.cache');
const logsDir = path.join(cacheDir, 'logs');
const TARGETS = [
  { id: 'rivulet', label: 'Rivulet' },
  { id: 'kafka', label: 'Kafka' },
];

// ---------------------------------------------------------------------------------------------
// options

function usage(code, msg) {
  if (msg) process.stderr.write(`compat: ${msg}\n`);
  process.stderr.write(`Usage: node compat/run.mjs [--only client1,client2] [--scenario name1,name2] [--no-kafka]
  --only LIST       run only these clients (names or file names in compat/clients/)
  --scenario LIST   run only these scenarios (a trailing * matches a prefix)
  --no-kafka        skip the real Kafka target (Rivulet only)
  -h, --help        this text
`);
  process.exit(code);
}

function parseArgs(argv) {
  const o = { only: null, scenarios: null, kafka: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? usage(2, `${flag} needs a value`);
    const list = (v) => v.split(',').map((s) => s.trim()).filter(Boolean);
    switch (flag) {
      case '--only': o.only = [...(o.only ?? []), ...list(value())]; break;
      case '--scenario': case '--scenarios': o.scenarios = [...(o.scenarios ?? []), ...list(value())]; break;
      case '--no-kafka': o.kafka = false; break;
      case '-h': case '--help': usage(0); break;
      default: usage(2, `unknown option ${arg}`);
    }
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const scenarioMatches = (name) => !opts.scenarios || opts.scenarios.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));

// ---------------------------------------------------------------------------------------------
// small helpers

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmtMs = (ms) => (ms >= 60_000 ? `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s` : `${(ms / 1000).toFixed(1)}s`);
const say = (msg) => process.stdout.write(`${msg}\n`);
const short = (v, n = 600) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  if (s === undefined) return 'undefined';
  return s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s;
};
function tail(file, n = 2000) {
  try {
    const s = fs.readFileSync(file, 'utf8');
    return s.length > n ? s.slice(-n) : s;
  } catch { return ''; }
}
/** Deep copy of `v` with every string's occurrences of each [from, to] replaced (keys too). */
function scrub(v, pairs) {
  const str = (x) => pairs.reduce((acc, [from, to]) => (from ? acc.split(from).join(to) : acc), x);
  if (typeof v === 'string') return str(v);
  if (Array.isArray(v)) return v.map((x) => scrub(x, pairs));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [str(k), scrub(x, pairs)]));
  return v;
}
function newestMtime(dir) {
  let max = 0;
  try {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      max = Math.max(max, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
    }
  } catch { /* ignore */ }
  return max;
}
function safeName(s) { return String(s).replace(/[^A-Za-z0-9._-]+/g, '_'); }

function gitInfo() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    let dirty = false;
    try {
      dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src', 'protocol'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    } catch { /* ignore */ }
    return { commit, dirty };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

// ---------------------------------------------------------------------------------------------
// brokers

/** Start Rivulet from dist/ on a free port with a fresh data dir. */
async function startRivulet(logFile) {
  const cli = path.join(root, 'dist', 'bundle', 'cli.mjs');
  if (!fs.existsSync(cli)) {
    say('compat: dist/ is missing, building it (npm run build)');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  const stale = newestMtime(path.join(root, 'src')) > fs.statSync(cli).mtimeMs;
  if (stale) say('compat: warning: src/ has changes newer than dist/ — run `npm run build` to test them');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-compat-'));
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [cli, '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'],
    { cwd: root, stdio: ['ignore', 'pipe', log] });
  fs.closeSync(log);
  let exited = null;
  const exitPromise = new Promise((resolve) => child.once('exit', (code, signal) => { exited = { code, signal }; resolve(exited); }));
  const killOnExit = () => { try { child.kill('SIGKILL'); } catch { /* gone */ } try { fs.rmSync(dataDir, { recursive: true, force: true }); } catch { /* ignore */ } };
  process.on('exit', killOnExit);
  const bootstrap = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`Rivulet did not print its bootstrap line within 30 s; log: ${tail(logFile)}`)), 30_000);
    child.stdout.on('data', (d) => {
      buf += d;
      const m = /Rivulet is ready\. Bootstrap: (\S+)/.exec(buf);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    exitPromise.then((e) => { clearTimeout(timer); reject(new Error(`Rivulet exited during start (code ${e.code}, signal ${e.signal}): ${tail(logFile)}`)); });
  }).catch(async (e) => { killOnExit(); process.off('exit', killOnExit); throw e; });
  child.stdout.resume();
  return {
    bootstrap,
    version: null,
    alive: () => exited === null,
    exitInfo: () => exited,
    logFile,
    async stop() {
      if (exited === null) {
        child.kill('SIGTERM');
        const res = await Promise.race([exitPromise, sleep(10_000).then(() => null)]);
        if (!res) { child.kill('SIGKILL'); await exitPromise; }
      }
      process.off('exit', killOnExit);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startKafkaTarget(logFile) {
  const { startKafka } = await import('./lib/kafka-broker.mjs');
  const k = await startKafka();
  let stopped = false;
  const jvmAlive = () => { try { process.kill(k.pid, 0); return true; } catch { return false; } };
  return {
    bootstrap: k.bootstrap,
    version: k.version,
    startMs: k.startMs,
    alive: () => !stopped && jvmAlive(),
    exitInfo: () => ({ code: null, signal: null }),
    logFile,
    async stop() {
      // keep Kafka's own log next to ours before its temp dir goes away
      try { fs.writeFileSync(logFile, tail(path.join(k.dir, 'kafka.log'), 200_000) + tail(path.join(k.dir, 'kafka.out'), 50_000)); } catch { /* ignore */ }
      stopped = true;
      await k.stop();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// clients

async function loadClients() {
  const dir = path.join(here, 'clients');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort().map((f) => `clients/${f}`) : [];
  // suites that drive several clients at once, with the same contract
  files.push('soak/client.mjs');
  const clients = [];
  for (const file of files) {
    const base = path.basename(file).replace(/\.mjs$/, '');
    const entry = { file: `compat/${file}`, name: base, def: null, loadError: null };
    try {
      const mod = await import(pathToFileURL(path.join(here, file)).href);
      const def = mod.default;
      if (!def || typeof def !== 'object') throw new Error('no default export object');
      for (const k of ['setup', 'version', 'command']) if (typeof def[k] !== 'function') throw new Error(`default export has no ${k}() function`);
      entry.def = def;
      entry.name = def.name || base;
    } catch (e) {
      entry.loadError = `cannot load ${entry.file}: ${e.message}`;
    }
    clients.push(entry);
  }
  if (opts.only) {
    const unknown = opts.only.filter((n) => !clients.some((c) => c.name === n || c.file.endsWith(`/${n}.mjs`) || c.file.endsWith(`/${n}`)));
    if (unknown.length) usage(2, `--only: no client named ${unknown.join(', ')} (have: ${clients.map((c) => c.name).join(', ') || 'none'})`);
    return clients.filter((c) => opts.only.some((n) => c.name === n || c.file.endsWith(`/${n}.mjs`) || c.file.endsWith(`/${n}`)));
  }
  return clients;
}

let kafkaLibsPromise;
const ctx = {
  root,
  cacheDir,
  log: (msg) => say(`  ${msg}`),
  kafkaLibs: () => (kafkaLibsPromise ??= import('./lib/kafka-broker.mjs').then((m) => m.kafkaLibsDir())),
};

/** Run one client's driver against one broker; returns { results, exitCode, signal, timedOut, durationMs, error }. */
async function runDriver(client, target, broker, prefix) {
  const logFile = path.join(logsDir, `${safeName(client.name)}-${target.id}.log`);
  const run = { results: [], exitCode: null, signal: null, timedOut: false, durationMs: 0, error: null, log: path.relative(root, logFile), prefix };
  let spec;
  try {
    spec = client.def.command(ctx, { bootstrap: broker.bootstrap, prefix });
    if (!spec || !spec.cmd) throw new Error('command() returned no { cmd }');
  } catch (e) {
    run.error = `command() failed: ${e.message}`;
    return run;
  }
  const timeoutMs = Number(client.def.timeoutMs) > 0 ? Number(client.def.timeoutMs) : 300_000;
  const log = fs.createWriteStream(logFile);
  log.write(`# ${spec.cmd} ${(spec.args ?? []).join(' ')}\n# bootstrap ${broker.bootstrap} prefix ${prefix}\n`);
  const t0 = performance.now();
  let lastAt = t0;
  const env = { ...process.env, ...(spec.env ?? {}), COMPAT_TARGET: target.id };
  if (opts.scenarios) env.COMPAT_SCENARIO = opts.scenarios.join(',');
  const child = spawn(spec.cmd, spec.args ?? [], { cwd: spec.cwd ?? root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const byName = new Map();
  let outBuf = '';
  const onLine = (line) => {
    const now = performance.now();
    let obj;
    try { obj = JSON.parse(line); } catch { /* not ours */ }
    if (!obj || typeof obj !== 'object' || typeof obj.scenario !== 'string') {
      if (line.trim()) log.write(`[stdout] ${line}\n`);
      return;
    }
    log.write(`[result] ${line}\n`);
    if (!['pass', 'fail', 'skip'].includes(obj.status)) {
      obj = { ...obj, status: 'fail', message: `driver printed status ${JSON.stringify(obj.status)} (want pass, fail or skip); ${obj.message ?? ''}` };
    }
    const ms = obj.ms ?? Math.round(now - lastAt);
    lastAt = now;
    if (!scenarioMatches(obj.scenario)) return;
    const r = { scenario: obj.scenario, status: obj.status, message: obj.message ?? '', ms };
    for (const k of ['expected', 'got']) if (obj[k] !== undefined) r[k] = obj[k];
    // names and addresses differ per run and target: never a difference worth reporting
    if (obj.observed !== undefined) r.observed = scrub(obj.observed, [[prefix, '<prefix>'], [broker.bootstrap, '<bootstrap>']]);
    if (byName.has(obj.scenario)) log.write(`[runner] scenario ${obj.scenario} reported twice; keeping the last report\n`);
    byName.set(obj.scenario, r);
    const mark = r.status === 'pass' ? 'pass' : r.status === 'skip' ? 'n/a ' : 'FAIL';
    say(`  ${mark} ${target.id.padEnd(7)} ${client.name} ${r.scenario}${r.status === 'pass' ? '' : `: ${short(r.message, 200)}`}`);
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    outBuf += d;
    let i;
    while ((i = outBuf.indexOf('\n')) >= 0) { onLine(outBuf.slice(0, i)); outBuf = outBuf.slice(i + 1); }
  });
  let errTail = '';
  child.stderr.on('data', (d) => { log.write(d); errTail = (errTail + d).slice(-2000); });
  const killGroup = (sig) => { try { process.kill(-child.pid, sig); } catch { /* gone */ } };
  const exitHook = () => killGroup('SIGKILL');
  process.on('exit', exitHook);
  const done = new Promise((resolve) => {
    child.once('error', (e) => { run.error = `cannot start ${spec.cmd}: ${e.message}`; resolve(); });
    child.once('close', (code, signal) => { run.exitCode = code; run.signal = signal; resolve(); });
  });
  const timer = setTimeout(async () => {
    run.timedOut = true;
    killGroup('SIGTERM');
    await sleep(5000);
    killGroup('SIGKILL');
  }, timeoutMs);
  await done;
  clearTimeout(timer);
  killGroup('SIGKILL'); // leftovers (a JVM a driver forgot)
  process.off('exit', exitHook);
  if (outBuf.trim()) onLine(outBuf);
  run.durationMs = Math.round(performance.now() - t0);
  await new Promise((r) => log.end(r));
  run.results = [...byName.values()];
  if (!run.error) {
    if (run.timedOut) run.error = `driver timed out after ${fmtMs(timeoutMs)} (killed)`;
    else if (run.exitCode !== 0) run.error = `driver exited with ${run.signal ? `signal ${run.signal}` : `code ${run.exitCode}`}`;
  }
  if (run.error) {
    run.errorTail = errTail.trim().slice(-1500);
    say(`  FAIL ${target.id.padEnd(7)} ${client.name}: ${run.error}`);
  }
  return run;
}

// ---------------------------------------------------------------------------------------------
// observed differences

function typeOf(v) { return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v; }
/** Paths where a and b differ: [{ path, a, b }] (a missing value is undefined). */
function diffPaths(a, b, p = '', out = []) {
  if (isDeepStrictEqual(a, b)) return out;
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta === 'object' && tb === 'object') {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) diffPaths(a[k], b[k], p ? `${p}.${k}` : k, out);
  } else if (ta === 'array' && tb === 'array' && [...a, ...b].every((v) => typeof v !== 'object' || v === null) && a.length !== b.length) {
    // lists of names: say what is only on one side
    const onlyA = a.filter((v) => !b.includes(v));
    const onlyB = b.filter((v) => !a.includes(v));
    if (onlyA.length || onlyB.length) out.push({ path: p || '(value)', rivulet: { only: onlyA }, kafka: { only: onlyB } });
    else out.push({ path: p || '(value)', rivulet: a, kafka: b });
  } else if (ta === 'array' && tb === 'array' && a.length === b.length) {
    a.forEach((v, i) => diffPaths(v, b[i], `${p}[${i}]`, out));
  } else {
    out.push({ path: p || '(value)', rivulet: a, kafka: b });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// report

const CANONICAL = ['create-topic', 'produce-none', 'produce-gzip', 'produce-snappy', 'produce-lz4', 'produce-zstd', 'produce-idempotent',
  'produce-transactional', 'consume-transform-produce', 'transaction-fencing', 'transactions-admin', 'consume-from-beginning', 'consume-group', 'commit-resume', 'describe-topic', 'describe-configs', 'alter-configs', 'list-groups',
  'describe-group', 'reset-offsets', 'delete-records', 'delete-topic'];
/** Canonical scenarios in the brief's order, then the client's extras in the order first reported. */
const orderScenarios = (names) => [...CANONICAL.filter((n) => names.includes(n)), ...names.filter((n) => !CANONICAL.includes(n))];

const cell = (r) => (!r ? '—' : r.status === 'pass' ? 'pass' : r.status === 'skip' ? 'n/a' : r.knownGap ? 'known gap' : '**FAIL**');
const code = (v) => {
  if (v === undefined) return '(absent)';
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && Array.isArray(v.only)) return v.only.length ? `only here: ${code(v.only)}` : 'nothing the other lacks';
  const s = short(v, 400).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return `\`${s.replace(/`/g, "'")}\``;
};

function writeMatrix(report) {
  const L = [];
  L.push('# Compatibility matrix', '');
  L.push('Generated by `npm run compat` (compat/run.mjs): real clients against Rivulet and against Apache Kafka. Do not edit by hand.', '');
  L.push(`- Date: ${report.date}`);
  L.push(`- Rivulet commit: ${report.commit}${report.dirty ? ' (with uncommitted changes in src/ or protocol/)' : ''}`);
  L.push(`- Kafka: ${report.targets.kafka.ran ? report.kafkaVersion : `${report.kafkaVersion ?? ''} not run (${report.targets.kafka.reason})`.trim()}`);
  L.push(`- Clients: ${report.clients.map((c) => `${c.name} ${c.version ?? '(unknown version)'}`).join(', ') || 'none'}`);
  if (report.partial) L.push(`- Partial run: ${report.partial}`);
  L.push(`- Result: ${report.summary.passed} passed, ${report.summary.failed} failed, ${report.summary.skipped} n/a, ${report.summary.knownGaps ?? 0} known gaps; setup ${fmtMs(report.durations.setupMs)}, Rivulet run ${report.durations.rivulet !== undefined ? fmtMs(report.durations.rivulet) : 'not run'}, Kafka run ${report.durations.kafka !== undefined ? fmtMs(report.durations.kafka) : 'not run'}`);
  for (const t of TARGETS) if (report.targets[t.id].error) L.push(`- **${t.label} failed: ${report.targets[t.id].error}**`);
  if (report.gaps?.length) {
    L.push('', '## Known gaps', '', 'Failures on Rivulet that are missing features, listed in `compat/known-gaps.json`:', '')
    for (const g of report.gaps) L.push(`- ${g.client} \`${g.scenario}\` (${g.target}): ${g.reason}`)
  }
  L.push('');
  L.push('`pass`/`FAIL` per target; `n/a` = the client cannot do this (reason below the table); `—` = not reported.', '');

  for (const c of report.clients) {
    L.push(`## ${c.name} ${c.version ?? ''}`.trimEnd(), '');
    if (c.setupError) { L.push(`**Setup failed:** ${short(c.setupError, 1500).replace(/\s*\n\s*/g, ' ')}`, ''); continue; }
    const names = [];
    for (const t of TARGETS) for (const r of c.runs[t.id]?.results ?? []) if (!names.includes(r.scenario)) names.push(r.scenario);
    names.splice(0, names.length, ...orderScenarios(names));
    if (!names.length) L.push('No scenario reported.', '');
    else {
      L.push(`| scenario | Rivulet | Kafka |`, '|---|---|---|');
      const find = (t, n) => c.runs[t]?.results.find((r) => r.scenario === n);
      for (const n of names) L.push(`| ${n} | ${cell(find('rivulet', n))} | ${report.targets.kafka.ran ? cell(find('kafka', n)) : 'not run'} |`);
      L.push('');
      const skips = names.map((n) => find('rivulet', n)?.status === 'skip' ? find('rivulet', n) : find('kafka', n)?.status === 'skip' ? find('kafka', n) : null).filter(Boolean);
      if (skips.length) { for (const s of skips) L.push(`- n/a \`${s.scenario}\`: ${s.message}`); L.push(''); }
    }
    for (const t of TARGETS) {
      const run = c.runs[t.id];
      if (run?.error) L.push(`**${t.label} driver: ${run.error}** (log: \`${run.log}\`)`, '');
    }
  }

  L.push('## Differences seen by clients', '');
  if (!report.targets.kafka.ran || !report.targets.rivulet.ran) L.push('Not compared: both targets must run.', '');
  else if (!report.differences.length) L.push('None: every `observed` value matched between Rivulet and Kafka.', '');
  else {
    L.push('Values a client can see (`observed` in the drivers) that differ between the targets. Not failures by themselves.', '');
    for (const d of report.differences) {
      L.push(`### ${d.client} · ${d.scenario}`, '');
      L.push('| field | Rivulet | Kafka |', '|---|---|---|');
      for (const p of d.paths.slice(0, 40)) L.push(`| \`${p.path}\` | ${code(p.rivulet)} | ${code(p.kafka)} |`);
      if (d.paths.length > 40) L.push(`| … ${d.paths.length - 40} more | | |`);
      L.push('');
    }
  }

  L.push('## Failures', '');
  if (!report.failures.length) L.push('None.', '');
  for (const f of report.failures) {
    L.push(`### ${f.client} · ${f.scenario} · ${f.target}`, '');
    if (f.message) L.push(short(f.message, 2000).replace(/\s*\n\s*/g, ' '), '');
    if (f.expected !== undefined) L.push(`- expected: ${code(f.expected)}`);
    if (f.got !== undefined) L.push(`- got: ${code(f.got)}`);
    if (f.expected !== undefined || f.got !== undefined) L.push('');
  }
  fs.writeFileSync(path.join(here, 'MATRIX.md'), L.join('\n'));
}

// ---------------------------------------------------------------------------------------------
// main

async function main() {
  const tStart = performance.now();
  fs.mkdirSync(logsDir, { recursive: true });
  for (const f of fs.readdirSync(logsDir)) if (f.endsWith('.log')) fs.rmSync(path.join(logsDir, f), { force: true });
  const { commit, dirty } = gitInfo();
  const runId = Date.now().toString(36).slice(-6);
  const clients = await loadClients();
  say(`compat: ${clients.length} client(s): ${clients.map((c) => c.name).join(', ') || 'none'}; targets: rivulet${opts.kafka ? ', kafka' : ''}${opts.scenarios ? `; scenarios: ${opts.scenarios.join(',')}` : ''}`);

  // 1. setup, once per client
  const tSetup = performance.now();
  const state = clients.map((c) => ({ ...c, version: null, setupError: c.loadError, setupMs: 0, runs: {} }));
  for (const c of state) {
    if (c.setupError) { say(`setup ${c.name}: FAILED: ${c.setupError}`); continue; }
    const t = performance.now();
    say(`setup ${c.name}...`);
    try {
      await c.def.setup(ctx);
      c.version = String(await c.def.version(ctx));
      c.setupMs = Math.round(performance.now() - t);
      say(`setup ${c.name} ${c.version}: ok (${fmtMs(c.setupMs)})`);
    } catch (e) {
      c.setupMs = Math.round(performance.now() - t);
      c.setupError = e?.message ?? String(e);
      say(`setup ${c.name}: FAILED: ${short(c.setupError, 1200)}`);
    }
  }
  const setupMs = Math.round(performance.now() - tSetup);

  // 2. each target in turn, every client in sequence
  const targets = { rivulet: { ran: false }, kafka: { ran: false } };
  const durations = { setupMs };
  let kafkaVersion = null;
  for (const target of TARGETS) {
    if (target.id === 'kafka' && !opts.kafka) { targets.kafka.reason = '--no-kafka'; continue; }
    const runnable = state.filter((c) => !c.setupError);
    if (!runnable.length) { targets[target.id].reason = 'no client to run'; continue; }
    const t0 = performance.now();
    const logFile = path.join(logsDir, `${target.id}-broker.log`);
    const start = () => (target.id === 'rivulet' ? startRivulet(logFile) : startKafkaTarget(logFile));
    say(`\n== ${target.label}: starting`);
    let broker;
    try {
      broker = await start();
    } catch (e) {
      targets[target.id].error = `${target.label} did not start: ${e.message}`;
      targets[target.id].reason = 'did not start';
      say(`== ${target.label} did not start:\n${e.message}`);
      continue;
    }
    if (broker.version) kafkaVersion = broker.version;
    targets[target.id].ran = true;
    targets[target.id].bootstrap = broker.bootstrap;
    say(`== ${target.label} ready at ${broker.bootstrap}${broker.startMs ? ` (${fmtMs(broker.startMs)})` : ''}`);
    try {
      for (const c of runnable) {
        if (!broker.alive()) {
          say(`== ${target.label} is gone; restarting it for ${c.name}`);
          try { await broker.stop(); } catch { /* ignore */ }
          try { broker = await start(); } catch (e) {
            c.runs[target.id] = { results: [], error: `${target.label} could not be restarted: ${e.message}` };
            continue;
          }
        }
        const prefix = `cx${runId}-${target.id === 'rivulet' ? 'riv' : 'kfk'}-${safeName(c.name)}`;
        say(`-- ${target.label} × ${c.name} ${c.version} (prefix ${prefix})`);
        const run = await runDriver(c, target, broker, prefix);
        if (!broker.alive()) {
          const info = broker.exitInfo();
          run.brokerDied = `${target.label} exited during this driver's run (code ${info?.code}, signal ${info?.signal}); broker log: ${path.relative(root, broker.logFile)}`;
          say(`  FAIL ${target.id.padEnd(7)} ${c.name}: ${run.brokerDied}`);
        }
        say(`   ${run.results.filter((r) => r.status === 'pass').length} passed, ${run.results.filter((r) => r.status === 'fail').length} failed, ${run.results.filter((r) => r.status === 'skip').length} n/a in ${fmtMs(run.durationMs)}`);
        c.runs[target.id] = run;
      }
    } finally {
      await broker.stop().catch(() => {});
    }
    durations[target.id] = Math.round(performance.now() - t0);
    say(`== ${target.label} done in ${fmtMs(durations[target.id])}`);
  }
  if (!kafkaVersion) {
    try {
      const m = await import('./lib/kafka-broker.mjs');
      const dir = path.join(cacheDir, 'kafka-libs');
      if (fs.existsSync(dir)) kafkaVersion = m.kafkaVersion(dir);
    } catch { /* ignore */ }
  }

  // 3. tally. compat/known-gaps.json lists failures on Rivulet that are known missing features
  // (each with its reason): they are shown as "known gap", not counted as failures, and a gap
  // that starts passing fails the run so the list cannot go stale.
  const gapsFile = path.join(root, 'compat', 'known-gaps.json');
  const knownGaps = fs.existsSync(gapsFile) ? JSON.parse(fs.readFileSync(gapsFile, 'utf8')) : [];
  const gapFor = (client, scenario, target) => knownGaps.find((g) => g.client === client && g.scenario === scenario && g.target === target);
  const gaps = [];
  const failures = [];
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const addFailure = (f) => { failures.push(f); failed++; };
  for (const c of state) {
    if (c.setupError) { addFailure({ client: c.name, scenario: 'setup', target: 'setup', message: c.setupError }); continue; }
    for (const t of TARGETS) {
      const run = c.runs[t.id];
      if (!run) continue;
      for (const r of run.results) {
        const gap = gapFor(c.name, r.scenario, t.id);
        if (gap && r.status === 'fail') {
          r.knownGap = gap.reason;
          gaps.push({ client: c.name, scenario: r.scenario, target: t.label, reason: gap.reason, message: r.message });
        } else if (gap && r.status === 'pass') {
          passed++;
          addFailure({ client: c.name, scenario: r.scenario, target: t.label, message: `listed as a known gap (${gap.reason}) but it passes now: remove it from compat/known-gaps.json` });
        } else if (r.status === 'pass') passed++;
        else if (r.status === 'skip') skipped++;
        else addFailure({ client: c.name, scenario: r.scenario, target: t.label, message: r.message, expected: r.expected, got: r.got });
      }
      if (run.error) addFailure({ client: c.name, scenario: 'driver', target: t.label, message: `${run.error}; log ${run.log}${run.errorTail ? `; last output: ${run.errorTail.slice(-600)}` : ''}` });
      if (run.brokerDied) addFailure({ client: c.name, scenario: 'broker', target: t.label, message: run.brokerDied });
    }
  }
  for (const t of TARGETS) if (targets[t.id].error) addFailure({ client: 'broker', scenario: 'start', target: t.label, message: targets[t.id].error });

  const differences = [];
  if (targets.rivulet.ran && targets.kafka.ran) {
    for (const c of state) {
      const a = c.runs.rivulet?.results ?? [];
      const b = c.runs.kafka?.results ?? [];
      for (const ra of a) {
        const rb = b.find((r) => r.scenario === ra.scenario);
        if (!rb || ra.observed === undefined || rb.observed === undefined) continue;
        const paths = diffPaths(ra.observed, rb.observed);
        if (paths.length) differences.push({ client: c.name, scenario: ra.scenario, paths });
      }
    }
  }

  const partial = [opts.only && `--only ${opts.only.join(',')}`, opts.scenarios && `--scenario ${opts.scenarios.join(',')}`, !opts.kafka && '--no-kafka'].filter(Boolean).join(' ');
  const report = {
    date: new Date().toISOString(),
    commit,
    dirty,
    rivuletVersion: JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version,
    kafkaVersion,
    node: process.version,
    partial: partial || null,
    targets,
    durations: { ...durations, totalMs: Math.round(performance.now() - tStart) },
    summary: { passed, failed, skipped, knownGaps: gaps.length },
    gaps,
    clients: state.map((c) => ({ name: c.name, file: c.file, version: c.version, setupMs: c.setupMs, setupError: c.setupError, runs: c.runs })),
    differences,
    failures,
  };
  // A new file rather than a rewrite in place: .cache may be hard-linked from another checkout
  // (cp -al), which must keep its own results.
  fs.rmSync(path.join(cacheDir, 'results.json'), { force: true });
  fs.writeFileSync(path.join(cacheDir, 'results.json'), JSON.stringify(report, null, 2));
  writeMatrix(report);

  // 4. console summary
  if (differences.length) {
    say(`\nDifferences seen by clients (${differences.length} scenario(s); details in compat/MATRIX.md):`);
    const val = (v) => (v && Array.isArray(v.only) ? `only:${short(v.only, 80)}` : short(v, 80));
    for (const d of differences) say(`  ${d.client} ${d.scenario}: ${d.paths.slice(0, 4).map((p) => `${p.path} rivulet=${val(p.rivulet)} kafka=${val(p.kafka)}`).join('; ')}${d.paths.length > 4 ? ` (+${d.paths.length - 4})` : ''}`);
  }
  if (failures.length) {
    say(`\nFailures (${failures.length}):`);
    for (const f of failures) {
      say(`  ${f.client} ${f.scenario} [${f.target}]: ${short(f.message, 800)}`);
      if (f.expected !== undefined) say(`      expected: ${short(f.expected)}`);
      if (f.got !== undefined) say(`      got:      ${short(f.got)}`);
    }
  }
  say(`\ncompat: wrote compat/MATRIX.md and compat/.cache/results.json in ${fmtMs(report.durations.totalMs)}`);
  if (gaps.length) {
    say(`\nKnown gaps (${gaps.length}, listed in compat/known-gaps.json):`);
    for (const g of gaps) say(`  ${g.client} ${g.scenario} [${g.target}]: ${g.reason}`);
  }
  say(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  process.stderr.write(`compat: runner crashed: ${e?.stack ?? e}\n`);
  say('0 passed, 1 failed');
  process.exit(1);
});
