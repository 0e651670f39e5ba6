#!/usr/bin/env node
// The test kit's example tests, one per language, each as a user would run it: Java (JUnit 5 and
// kafka-clients 4.4.0, `mvn test`), Python (pytest and confluent-kafka) and Go (`go test` and
// franz-go). Each example starts the Rivulet CLI itself (`node $RIVULET_CLI --memory --port 0
// --admin-port 0`; this driver points RIVULET_CLI at dist/bundle/cli.mjs, so `npm run build`
// first), injects faults over the admin port and checks that the client recovers.
//
//   node compat/testkit/run.mjs [--only java,python,go] [--setup | --no-setup] [--json]
//
// --setup only prepares (Maven downloads and compiles, pytest is installed if missing, Go modules
// are fetched and the test binary built); --no-setup skips that (done already). --json prints one compat driver line per language
// (compat/run.mjs runs this through compat/clients/testkit.mjs). These run against Rivulet only:
// Apache Kafka has no admin port. Each language's output goes to compat/.cache/logs/testkit-<lang>.log.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptEnsure } from '../clients/drivers/setup-util.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const cacheDir = path.join(root, 'compat', '.cache');
const logsDir = path.join(cacheDir, 'logs');
const cli = path.join(root, 'dist', 'bundle', 'cli.mjs');
const PYTHON = '/usr/bin/python3'; // Debian's python3-confluent-kafka lives there
const pytestLib = path.join(cacheDir, 'testkit-pytest'); // pip --target fallback when Debian's pytest is missing

const say = (s) => process.stderr.write(`${s}\n`);
const ok = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'ignore', ...opts }).status === 0;

/** Run cmd in its own process group, output to logFile; kill the group after timeoutMs. */
function runLogged(cmd, args, { cwd, env, timeoutMs, logFile }) {
  return new Promise((resolve) => {
    const out = fs.openSync(logFile, 'a');
    fs.writeSync(out, `$ ${cmd} ${args.join(' ')}  (in ${path.relative(root, cwd) || '.'})\n`);
    const t0 = performance.now();
    let child;
    try {
      child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', out, out], detached: true });
    } catch (e) {
      fs.closeSync(out);
      resolve({ code: -1, error: e.message, ms: 0 });
      return;
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }, timeoutMs);
    const finish = (code, error) => {
      clearTimeout(timer);
      // Anything the test left behind in its group (a broker it did not stop) goes too.
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      fs.closeSync(out);
      resolve({ code, error: timedOut ? `timed out after ${timeoutMs / 1000} s` : error, ms: Math.round(performance.now() - t0) });
    };
    child.on('error', (e) => finish(-1, e.message));
    child.on('close', (code, signal) => finish(code ?? -1, signal ? `killed by ${signal}` : undefined));
  });
}

const pythonEnv = () => ({
  PYTHONDONTWRITEBYTECODE: '1',
  ...(fs.existsSync(pytestLib) ? { PYTHONPATH: [pytestLib, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter) } : {}),
});

const LANGUAGES = {
  java: {
    dir: path.join(here, 'java'),
    async setup(log, logFile) {
      if (!ok('mvn', ['-v'])) throw new Error('Maven is needed (Debian: apt-get install maven)');
      const r = await runLogged('mvn', ['-q', '-B', 'test-compile'], { cwd: this.dir, timeoutMs: 600_000, logFile });
      if (r.code !== 0) throw new Error(`mvn test-compile failed (${r.error ?? `exit ${r.code}`})`);
    },
    test: () => ['mvn', ['-q', '-B', 'test']],
  },
  python: {
    dir: path.join(here, 'python'),
    async setup(log, logFile) {
      await aptEnsure(['python3-confluent-kafka'], log);
      if (ok(PYTHON, ['-m', 'pytest', '--version'], { env: { ...process.env, ...pythonEnv() } })) return;
      // Debian's pytest when we may install packages, else pip into compat/.cache (never into the system).
      if (process.getuid?.() === 0 && ok('apt-get', ['--version'])) {
        await aptEnsure(['python3-pytest'], log);
        return;
      }
      log('pip install --target compat/.cache/testkit-pytest pytest');
      const r = await runLogged(PYTHON, ['-m', 'pip', 'install', '--quiet', '--target', pytestLib, 'pytest'], { cwd: this.dir, timeoutMs: 300_000, logFile });
      if (r.code !== 0 || !ok(PYTHON, ['-m', 'pytest', '--version'], { env: { ...process.env, ...pythonEnv() } })) throw new Error('pytest is missing and pip could not install it (Debian: apt-get install python3-pytest)');
    },
    test: () => [PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '.'], pythonEnv()],
  },
  go: {
    dir: path.join(here, 'go'),
    async setup(log, logFile) {
      if (!ok('go', ['version'])) throw new Error('Go is needed (1.26+, or 1.21+ to fetch the toolchain go.mod asks for)');
      // Fetches franz-go from the module proxy and compiles the test binary, without running it.
      const r = await runLogged('go', ['test', '-count=1', '-run', '^$', '.'], { cwd: this.dir, env: { GOFLAGS: '-mod=mod -buildvcs=false' }, timeoutMs: 600_000, logFile });
      if (r.code !== 0) throw new Error(`go test (build) failed (${r.error ?? `exit ${r.code}`})`);
    },
    test: () => ['go', ['test', '-count=1', '.'], { GOFLAGS: '-mod=mod -buildvcs=false' }],
  },
};

function parseArgs(argv) {
  const o = { only: Object.keys(LANGUAGES), setupOnly: false, noSetup: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only') o.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a.startsWith('--only=')) o.only = a.slice(7).split(',').filter(Boolean);
    else if (a === '--setup') o.setupOnly = true;
    else if (a === '--no-setup') o.noSetup = true;
    else if (a === '--json') o.json = true;
    else {
      say(`usage: node compat/testkit/run.mjs [--only ${Object.keys(LANGUAGES).join(',')}] [--setup | --no-setup] [--json]`);
      process.exit(2);
    }
  }
  for (const l of o.only) if (!LANGUAGES[l]) { say(`unknown language ${l}`); process.exit(2); }
  return o;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  fs.mkdirSync(logsDir, { recursive: true });
  if (process.env.COMPAT_TARGET && process.env.COMPAT_TARGET !== 'rivulet') {
    // Under compat/run.mjs against Apache Kafka: there is no admin port to inject faults with.
    for (const l of opts.only) console.log(JSON.stringify({ scenario: `testkit-${l}`, status: 'skip', message: 'Rivulet only: Kafka has no admin port (test kit over HTTP)' }));
    return 0;
  }
  if (!opts.setupOnly && !fs.existsSync(cli)) {
    say(`testkit: ${path.relative(root, cli)} is missing: run npm run build first`);
    return 1;
  }
  let failed = 0;
  for (const lang of opts.only) {
    const L = LANGUAGES[lang];
    const logFile = path.join(logsDir, `testkit-${lang}.log`);
    fs.writeFileSync(logFile, '');
    const line = (status, message, extra = {}) => {
      if (status === 'fail') failed++;
      if (opts.json) console.log(JSON.stringify({ scenario: `testkit-${lang}`, status, message, ...extra }));
      else say(`testkit ${lang}: ${status}${message ? ` — ${message}` : ''}`);
    };
    try {
      if (!opts.noSetup) await L.setup((m) => say(`testkit ${lang}: ${m}`), logFile);
    } catch (e) {
      line('fail', `setup: ${e.message}; log ${path.relative(root, logFile)}`);
      continue;
    }
    if (opts.setupOnly) { line('pass', 'set up'); continue; }
    const [cmd, args, env = {}] = L.test();
    const r = await runLogged(cmd, args, { cwd: L.dir, env: { ...env, RIVULET_CLI: cli }, timeoutMs: 180_000, logFile });
    const secs = `${(r.ms / 1000).toFixed(1)} s`;
    if (r.code === 0) line('pass', `${cmd === PYTHON ? 'pytest' : `${cmd} test`} passed in ${secs}`);
    else {
      const tail = fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-15).join('\n');
      line('fail', `${r.error ?? `exit ${r.code}`} after ${secs}; log ${path.relative(root, logFile)}`, { got: tail });
    }
  }
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  say(`testkit: crashed: ${e?.stack ?? e}`);
  process.exit(1);
});
