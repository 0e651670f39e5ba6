// franz-go's own integration tests (github.com/twmb/franz-go/pkg/kgo, fetched through the Go module
// proxy) against Rivulet and against Apache Kafka 4.4.0 (from Maven), as issue 12 asks:
// KGO_SEEDS points them at the broker, KGO_TEST_RF=1, KGO_TEST_RECORDS (default 500000). The suite
// skips what a broker does not serve (share groups, KIP-848 subtests), so skips are reported by
// name beside passes and failures. The package's unit tests (no broker) run too and pass on both.
//
//   npm run build && node compat/franz-suite/run.mjs [--no-kafka] [--records N] [--run REGEX] [--chaos] [--count N]
//
// Takes several minutes per target with the default record count; not part of `npm run compat`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const FRANZ = 'github.com/twmb/franz-go';
const FRANZ_VERSION = 'v1.22.3';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const records = opt('--records', '500000');
const runRegex = opt('--run', null);
// KGO_TEST_CHAOS=1: franz-go's test dialer (helpers_test.go chaosDialer) closes each client
// connection 0.5-1.5 s after it was opened, in TestGroupETL's producer and consumers and the share
// ETL consumers; the client reconnects and retries. Faults are client-side only: nothing is
// injected into the broker. Every other test runs as without it.
const chaos = args.includes('--chaos');
// go test -count: franz-go's docs run the chaos tests with -count=50 to shake out rare interleavings.
const count = Number(opt('--count', '1'));

// A throwaway module that requires franz-go at a fixed version, so `go test <pkg>` builds the
// package's tests from the module cache.
function goModule() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-franz-suite-'));
  fs.writeFileSync(path.join(dir, 'go.mod'), `module rivulet.dev/compat/franz-suite\n\ngo 1.26.0\n\nrequire ${FRANZ} ${FRANZ_VERSION}\n`);
  fs.writeFileSync(path.join(dir, 'tools.go'), `//go:build tools\n\npackage tools\n\nimport _ "${FRANZ}/pkg/kgo"\n`);
  return dir;
}

function run(cmd, argv, o) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { ...o, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

// Top-level tests and subtests from `go test -json`: per test, how many of its runs passed, failed
// and skipped (several with --count N), the output of its last run (with the skip reason) and of its
// last failed run.
function parseJson(stream) {
  const tests = new Map();
  for (const line of stream.split('\n')) {
    if (!line.startsWith('{')) continue;
    let e;
    try {
      e = JSON.parse(line);
    } catch {
      continue;
    }
    if (!e.Test) continue;
    const t = tests.get(e.Test) ?? { name: e.Test, action: 'run', output: '', failOutput: '', ms: 0, pass: 0, fail: 0, skip: 0 };
    if (e.Action === 'run') t.output = '';
    if (e.Action === 'output') t.output += e.Output;
    if (e.Action === 'pass' || e.Action === 'fail' || e.Action === 'skip') {
      t.action = e.Action;
      t[e.Action]++;
      t.ms = Math.round((e.Elapsed ?? 0) * 1000);
      if (e.Action === 'fail') t.failOutput = t.output;
    }
    tests.set(e.Test, t);
  }
  return [...tests.values()];
}

// go test prints t.Skip's message (file.go:N: reason) on the line before "--- SKIP".
const skipReason = (t) => {
  const lines = t.output.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('=== '));
  const at = lines.findIndex((l) => l.startsWith('--- SKIP'));
  return at > 0 ? lines[at - 1].replace(/^\S+\.go:\d+: /, '') : '';
};

async function suite(name, seeds, moduleDir) {
  const env = { ...process.env, KGO_SEEDS: seeds, KGO_TEST_RF: '1', KGO_TEST_RECORDS: records, ...(chaos ? { KGO_TEST_CHAOS: '1' } : {}) };
  const goArgs = ['test', `-count=${count}`, '-json', '-timeout', '40m', ...(runRegex ? ['-run', runRegex] : []), `${FRANZ}/pkg/kgo`];
  const t0 = Date.now();
  const r = await run('go', goArgs, { cwd: moduleDir, env });
  // The raw `go test -json` stream, for reading a failure beyond the last lines the report prints.
  const logFile = path.join(root, 'compat/.cache', `kgo-suite-${name.split(' ')[0].toLowerCase()}${chaos ? '-chaos' : ''}.jsonl`);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.writeFileSync(logFile, r.out + r.err);
  const tests = parseJson(r.out);
  if (tests.length === 0) throw new Error(`${name}: go test reported no test (exit ${r.code}):\n${r.err.slice(-2000)}`);
  const top = tests.filter((t) => !t.name.includes('/'));
  const sub = tests.filter((t) => t.name.includes('/'));
  const sum = (list, a) => list.reduce((n, t) => n + t[a], 0);
  return { name, seconds: Math.round((Date.now() - t0) / 1000), top, sub, passed: sum(top, 'pass'), failed: sum(top, 'fail'), skipped: sum(top, 'skip') };
}

function report(s) {
  const runs = count > 1 ? ` × ${count} runs each` : '';
  console.log(`${s.name}${chaos ? ' (chaos)' : ''}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped top-level tests (${s.top.length} ran${runs}) in ${s.seconds} s`);
  for (const t of s.top.filter((x) => x.fail > 0)) console.log(`  FAIL ${t.name} (${t.fail} of ${t.pass + t.fail} runs)\n${t.failOutput.split('\n').filter((l) => l.trim() !== '').slice(-12).map((l) => `      ${l}`).join('\n')}`);
  for (const t of [...s.top, ...s.sub].filter((x) => x.action === 'skip')) console.log(`  skip ${t.name}: ${skipReason(t)}`);
}

const moduleDir = goModule();
const results = [];
try {
  const tidy = await run('go', ['mod', 'tidy'], { cwd: moduleDir });
  if (tidy.code !== 0) throw new Error(`go mod tidy failed:\n${tidy.err}`);
  const { startBroker } = await import(path.join(root, 'dist/src/index.js'));
  const rivulet = await startBroker({ port: 0, memory: true });
  try {
    results.push(await suite('Rivulet', rivulet.bootstrap, moduleDir));
  } finally {
    await rivulet.stop();
  }
  report(results[0]);
  if (!args.includes('--no-kafka')) {
    const { startKafka } = await import('../lib/kafka-broker.mjs');
    const kafka = await startKafka();
    try {
      results.push(await suite(`Kafka ${kafka.version}`, kafka.bootstrap, moduleDir));
    } finally {
      await kafka.stop();
    }
    report(results[1]);
  }
} finally {
  fs.rmSync(moduleDir, { recursive: true, force: true });
}
const failed = results.reduce((n, r) => n + r.failed, 0);
process.exitCode = failed === 0 ? 0 : 1;
