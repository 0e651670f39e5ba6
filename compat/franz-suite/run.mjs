// franz-go's own integration tests (github.com/twmb/franz-go/pkg/kgo, fetched through the Go module
// proxy) against Rivulet and against Apache Kafka 4.4.0 (from Maven), as issue 12 asks:
// KGO_SEEDS points them at the broker's PLAINTEXT listener, KGO_TEST_RF=1, KGO_TEST_RECORDS
// (default 500000). Both brokers get two more listeners so the SASL tests run instead of skipping:
//   KGO_TEST_SCRAM_SEEDS  SASL_PLAINTEXT with SCRAM-SHA-512 (TestSCRAMAuth, TestSCRAMAuthBadCredentials)
//   KGO_TEST_SCRAM        user:password:512, a credential made with kafka-configs (ConfigCommand,
//                         AlterUserScramCredentials) over PLAINTEXT, as compat/security does
//   KGO_TEST_OAUTH_SEEDS  SASL_PLAINTEXT with OAUTHBEARER and Kafka's default (unsecured) validator:
//                         TestOAuthAuth sends an alg-none JWT with sub and exp but no scope, so no
//                         scope is required (compat/security requires one; this listener must not)
// The suite skips what a broker does not serve, so skips are reported by name beside passes and
// failures. The package's unit tests (no broker) run too and pass on both.
//
//   npm run build && node compat/franz-suite/run.mjs [--no-kafka] [--records N] [--run REGEX] [--chaos] [--count N]
//
// Takes several minutes per target with the default record count; not part of `npm run compat`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../lib/kafka-broker.mjs';
import { createScramUser } from '../security/core.mjs';

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

// go test prints t.Skip's message (file_test.go:N: reason) before "--- SKIP"; deferred cleanups
// that log after it (a topic deleted while the test unwinds) are attributed to panic.go.
const skipReason = (t) => {
  const lines = t.output.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('=== '));
  const at = lines.findIndex((l) => l.startsWith('--- SKIP'));
  const said = lines.slice(0, Math.max(at, 0)).filter((l) => /^\S+_test\.go:\d+: /.test(l));
  return said.length > 0 ? said[said.length - 1].replace(/^\S+\.go:\d+: /, '') : '';
};

// The SASL listeners, with the same keys on Kafka and on Rivulet. Kafka's broker logs in to its own
// OAUTHBEARER listener too, so the JAAS entry needs a principal claim.
const SCRAM_USER = 'kgo';
const SCRAM_PASSWORD = 'kgo-secret';
const saslProps = {
  'listener.name.scram.sasl.enabled.mechanisms': 'SCRAM-SHA-512',
  'listener.name.scram.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
  'listener.name.oauth.sasl.enabled.mechanisms': 'OAUTHBEARER',
  'listener.name.oauth.oauthbearer.sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="broker";',
};

// ports: { plain, scram, oauth } of the broker under test.
async function suite(name, ports, moduleDir) {
  const created = await createScramUser(`127.0.0.1:${ports.plain}`, SCRAM_USER, SCRAM_PASSWORD);
  if (!created.some((l) => /Completed/.test(l))) throw new Error(`${name}: kafka-configs could not create the SCRAM user: ${created.join(' / ')}`);
  const env = {
    ...process.env,
    KGO_SEEDS: `127.0.0.1:${ports.plain}`,
    KGO_TEST_SCRAM: `${SCRAM_USER}:${SCRAM_PASSWORD}:512`,
    KGO_TEST_SCRAM_SEEDS: `127.0.0.1:${ports.scram}`,
    KGO_TEST_OAUTH_SEEDS: `127.0.0.1:${ports.oauth}`,
    KGO_TEST_RF: '1', KGO_TEST_RECORDS: records, ...(chaos ? { KGO_TEST_CHAOS: '1' } : {}) };
  const goArgs = ['test', `-count=${count}`, '-json', '-timeout', '40m', ...(runRegex ? ['-run', runRegex] : []), `${FRANZ}/pkg/kgo`];
  const t0 = Date.now();
  const r = await run('go', goArgs, { cwd: moduleDir, env });
  // The raw `go test -json` stream, for reading a failure beyond the last lines the report prints.
  const logFile = path.join(root, 'compat/.cache', `kgo-suite-${name.split(' ')[0].toLowerCase()}${chaos ? '-chaos' : ''}.jsonl`);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  // A new file, not a rewrite in place: .cache may be hard-linked from another checkout.
  fs.rmSync(logFile, { force: true });
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
  const rivulet = await startBroker({
    memory: true,
    config: { listeners: 'PLAINTEXT://127.0.0.1:0,SCRAM://127.0.0.1:0,OAUTH://127.0.0.1:0', 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SCRAM:SASL_PLAINTEXT,OAUTH:SASL_PLAINTEXT', ...saslProps },
  });
  try {
    const port = (n) => rivulet.listeners.find((l) => l.name === n).port;
    results.push(await suite('Rivulet', { plain: port('PLAINTEXT'), scram: port('SCRAM'), oauth: port('OAUTH') }, moduleDir));
  } finally {
    await rivulet.stop();
  }
  report(results[0]);
  if (!args.includes('--no-kafka')) {
    const { startKafka } = await import('../lib/kafka-broker.mjs');
    const [plain, scram, oauth, controller] = await freePorts(4);
    const kafka = await startKafka({
      port: plain,
      controllerPort: controller,
      props: {
        listeners: `PLAINTEXT://127.0.0.1:${plain},SCRAM://127.0.0.1:${scram},OAUTH://127.0.0.1:${oauth},CONTROLLER://127.0.0.1:${controller}`,
        'advertised.listeners': `PLAINTEXT://127.0.0.1:${plain},SCRAM://127.0.0.1:${scram},OAUTH://127.0.0.1:${oauth}`,
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SCRAM:SASL_PLAINTEXT,OAUTH:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT',
        ...saslProps,
      },
    });
    try {
      results.push(await suite(`Kafka ${kafka.version}`, { plain, scram, oauth }, moduleDir));
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
