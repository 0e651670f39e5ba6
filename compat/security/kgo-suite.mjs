// franz-go's own test suite (go test github.com/twmb/franz-go/pkg/kgo, the version in
// compat/security/go/go.mod) in its TLS and SCRAM modes, against Kafka 4.4.0 and against Rivulet
// configured the same way:
//   KGO_SEEDS             an SSL listener with ssl.client.auth=required (every client of the suite)
//   KGO_TEST_TLS          ca:CA,cert:client cert,key:client key (the dev certificates)
//   KGO_TEST_SCRAM        alice:alice-secret:512 (created with kafka-configs)
//   KGO_TEST_SCRAM_SEEDS  a SASL_PLAINTEXT listener with SCRAM-SHA-512 (TestSCRAMAuth and
//                         TestSCRAMAuthBadCredentials dial it without TLS, as the suite is written)
//   KGO_TEST_RF=1, KGO_TEST_RECORDS (default here 50000; the suite's own default is 500000)
// TestIssue769 is skipped: in TLS mode it panics and ends the binary on any broker (see below).
// Prints every top-level test's result per broker, the score of each and the tests whose results
// differ. Exit code 0 when Rivulet passes every test Kafka passes.
//
//   npm run build && node compat/security/kgo-suite.mjs [--records N] [--run REGEX] [--only kafka|rivulet]
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts, kafkaVersion, startKafka } from '../lib/kafka-broker.mjs';
import { createScramUser } from './core.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const { startBroker } = await import(path.join(root, 'dist/src/index.js'));
const { writeDevCerts } = await import(path.join(root, 'dist/src/security/dev-certs.js'));
const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const records = arg('--records', '50000');
const runRe = arg('--run', '');
const only = arg('--only', 'kafka,rivulet').split(',');
const log = (m) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-compat-kgo-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const certs = writeDevCerts(dir);
const props = {
  'ssl.keystore.type': 'PEM',
  'ssl.keystore.location': certs.brokerPem,
  'listener.name.ssl.ssl.client.auth': 'required',
  'listener.name.ssl.ssl.truststore.type': 'PEM',
  'listener.name.ssl.ssl.truststore.location': certs.caCert,
  'listener.name.scram.sasl.enabled.mechanisms': 'SCRAM-SHA-512',
  'listener.name.scram.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
};

function goTest(env, logFile) {
  const bin = path.join(dir, 'kgo.test');
  if (!fs.existsSync(bin)) {
    log('go test -c github.com/twmb/franz-go/pkg/kgo');
    execFileSync('go', ['test', '-c', '-o', bin, 'github.com/twmb/franz-go/pkg/kgo'], { cwd: path.join(here, 'go'), env: { ...process.env, GOFLAGS: '-mod=mod' }, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return new Promise((resolve) => {
    // TestIssue769 combines kgo.Dialer with the suite's DialTLSConfig, which NewClient refuses; the
    // test ignores that error and its nil client panics, ending the whole binary (on Kafka too).
    const args = ['-test.v', '-test.timeout', '25m', '-test.skip', '^TestIssue769$', ...(runRe ? ['-test.run', runRe] : [])];
    const out = fs.openSync(logFile, 'w');
    // In the package's directory, as `go test` runs it (TestOptValuesCoversEveryOption reads config.go).
    const pkgDir = path.join(execFileSync('go', ['list', '-m', '-f', '{{.Dir}}', 'github.com/twmb/franz-go'], { cwd: path.join(here, 'go'), env: { ...process.env, GOFLAGS: '-mod=mod' }, encoding: 'utf8' }).trim(), 'pkg', 'kgo');
    const p = spawn(bin, args, { cwd: pkgDir, env: { ...process.env, ...env }, stdio: ['ignore', out, out], detached: true });
    // The suite runs in its own process group: stop it with this process, however it ends.
    const kill = () => { try { process.kill(-p.pid, 'SIGKILL'); } catch {} };
    process.on('exit', kill);
    for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => { kill(); process.exit(130); });
    p.on('close', (code, signal) => {
      process.off('exit', kill);
      fs.closeSync(out);
      resolve({ code, signal });
    });
  });
}

function results(logFile) {
  const map = new Map();
  for (const m of fs.readFileSync(logFile, 'utf8').matchAll(/^--- (PASS|FAIL|SKIP): (Test\S+) \(([\d.]+)s\)/gm)) map.set(m[2], m[1]);
  return map;
}

async function runSuite(name, ports) {
  log(`${name}: kafka-configs alice SCRAM-SHA-512`);
  const created = await createScramUser(`127.0.0.1:${ports.plain}`, 'alice', 'alice-secret');
  if (!/Completed/.test(created.join())) throw new Error(`${name}: ${created.join(' / ')}`);
  const logFile = path.join(dir, `kgo-${name}.log`);
  log(`${name}: go test (KGO_TEST_RECORDS=${records})`);
  const t = Date.now();
  const r = await goTest({
    KGO_SEEDS: `127.0.0.1:${ports.ssl}`,
    KGO_TEST_TLS: `ca:${certs.caCert},cert:${certs.clientCert},key:${certs.clientKey}`,
    KGO_TEST_SCRAM: 'alice:alice-secret:512',
    KGO_TEST_SCRAM_SEEDS: `127.0.0.1:${ports.scram}`,
    KGO_TEST_RF: '1',
    KGO_TEST_RECORDS: records,
    KGO_LOG_LEVEL: 'none',
  }, logFile);
  const res = results(logFile);
  const keep = path.join(root, 'compat/.cache', `kgo-suite-${name}.log`);
  fs.mkdirSync(path.dirname(keep), { recursive: true });
  fs.copyFileSync(logFile, keep);
  log(`${name}: exit ${r.code ?? r.signal} after ${Math.round((Date.now() - t) / 1000)} s; log in ${path.relative(root, keep)}`);
  return res;
}

let kafka;
let rivulet;
const scores = {};
try {
  if (only.includes('kafka')) {
    const [plain, ssl, scram, controller] = await freePorts(4);
    log('starting Kafka');
    kafka = await startKafka({
      port: plain,
      props: {
        listeners: `PLAINTEXT://127.0.0.1:${plain},SSL://127.0.0.1:${ssl},SCRAM://127.0.0.1:${scram},CONTROLLER://127.0.0.1:${controller}`,
        'advertised.listeners': `PLAINTEXT://127.0.0.1:${plain},SSL://127.0.0.1:${ssl},SCRAM://127.0.0.1:${scram}`,
        'controller.quorum.bootstrap.servers': `127.0.0.1:${controller}`,
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SSL:SSL,SCRAM:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT',
        ...props,
      },
    });
    scores.kafka = await runSuite('kafka', { plain, ssl, scram });
    await kafka.stop();
    kafka = null;
  }
  if (only.includes('rivulet')) {
    log('starting Rivulet');
    rivulet = await startBroker({ config: { listeners: 'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SCRAM://127.0.0.1:0', 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SSL:SSL,SCRAM:SASL_PLAINTEXT', ...props } });
    const port = (n) => rivulet.listeners.find((l) => l.name === n).port;
    scores.rivulet = await runSuite('rivulet', { plain: port('PLAINTEXT'), ssl: port('SSL'), scram: port('SCRAM') });
    await rivulet.stop();
    rivulet = null;
  }
} finally {
  await kafka?.stop();
  await rivulet?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

const names = [...new Set(Object.values(scores).flatMap((m) => [...m.keys()]))].sort();
const score = (m) => {
  const c = { PASS: 0, FAIL: 0, SKIP: 0 };
  for (const v of m.values()) c[v]++;
  return `${c.PASS} pass, ${c.FAIL} fail, ${c.SKIP} skip of ${m.size}`;
};
console.log(`franz-go kgo suite (KGO_TEST_TLS over SSL with a client certificate, KGO_TEST_SCRAM SCRAM-SHA-512, KGO_TEST_RECORDS=${records}):`);
for (const [name, m] of Object.entries(scores)) console.log(`  ${name === 'kafka' ? `Kafka ${kafkaVersion()}` : 'Rivulet'}: ${score(m)}`);
let ok = true;
for (const t of names) {
  const k = scores.kafka?.get(t) ?? '-';
  const r = scores.rivulet?.get(t) ?? '-';
  if (k !== r) console.log(`  differs   ${t}: kafka ${k}, rivulet ${r}`);
  if (k === 'PASS' && r !== 'PASS' && scores.rivulet) ok = false;
}
for (const t of names) if (scores.kafka?.get(t) === 'SKIP' && scores.rivulet?.get(t) === 'SKIP') console.log(`  skipped on both: ${t}`);
process.exitCode = ok ? 0 : 1;
