#!/usr/bin/env node
// Captures GOLDEN FRAMES: the exact bytes real Kafka clients send and a real Apache Kafka broker
// answers, for the codec tests.
//
//   node compat/capture-golden.mjs [--clients kafkajs,java,kcat,python,franz,sarama,confluent-js,raw,java-tv1,franz-tv1] [--out test/golden]
//
// Starts the recording proxy on 127.0.0.1:<free port>, then Kafka (KRaft, single node) advertising
// the proxy's port, so every client connection (bootstrap, broker, coordinator) goes through the
// proxy. Each client runs in its own phase; the proxy stamps connections with the client's name.
// Most phases also run their compat driver's transaction scenarios (compat/clients/*.mjs with
// COMPAT_SCENARIO): produce-transactional, consume-transform-produce, transaction-fencing. The
// *-tv1 phases run against a second Kafka formatted with transaction.version=1, where the Java
// client and franz-go use transactions v1 (AddPartitionsToTxn, EndTxn v4, Produce v11), as they
// do against any broker that does not finalize transaction.version 2 (Rivulet serves both).
// Writes test/golden/<api-kebab>/<client>-v<version>[-<label>].json and test/golden/README.md.
// Everything is bounded in time; Kafka and its temp dir are removed at exit, even on error.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { kafkaLibsDir, startKafka, toolsLog4jConfig } from './lib/kafka-broker.mjs';
import { startRecordProxy } from './lib/record-proxy.mjs';
import { apiName, apiVersionsRequest, kebab, roundTrips, frame, requestHeader } from './lib/kafka-wire.mjs';
import { classify } from './lib/golden-classify.mjs';
import { ensureKafkajsLz4 } from './lib/kafkajs-lz4.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const MAX_FRAME = 64 * 1024;
const MAX_LABELS_PER_GROUP = 8;
const TOTAL_TIMEOUT_MS = 15 * 60_000;

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const outDir = path.resolve(root, opt('--out', 'test/golden'));
const ALL_CLIENTS = 'kafkajs,java,kcat,python,franz,sarama,confluent-js,raw,java-tv1,franz-tv1';
const wanted = opt('--clients', ALL_CLIENTS).split(',').filter(Boolean);
// phases that need a Kafka whose finalized transaction.version is 1 (a second broker)
const TV1 = new Set(['java-tv1', 'franz-tv1']);

const log = (...a) => console.error('[capture]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const children = new Set();
let shuttingDown = false;
function killChildren() {
  for (const pid of children) { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } }
  children.clear();
}

/** Run a command with a hard timeout; resolves { code, stdout, stderr, ms }. Never rejects. */
function run(cmd, argv, { input, timeoutMs = 60_000, env, cwd } = {}) {
  return new Promise((resolve) => {
    if (shuttingDown) return resolve({ code: 130, stdout: '', stderr: 'shutting down', ms: 0 });
    const t0 = performance.now();
    const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env }, cwd, detached: true });
    let stdout = '', stderr = '';
    if (child.pid) children.add(child.pid);
    child.stdout.on('data', (d) => { if (stdout.length < 200_000) stdout += d; });
    child.stderr.on('data', (d) => { if (stderr.length < 200_000) stderr += d; });
    const timer = setTimeout(() => {
      stderr += `\n[timed out after ${timeoutMs} ms]`;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }, timeoutMs);
    child.on('error', (e) => { stderr += String(e); });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      children.delete(child.pid);
      resolve({ code: code ?? (sig ? 128 : 1), stdout, stderr, ms: Math.round(performance.now() - t0) });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

function have(cmd) {
  try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }); return true; } catch { return false; }
}

// ---------------------------------------------------------------------------------------------
// The compat suite's drivers (compat/clients/*.mjs): their transaction scenarios run through the
// proxy too, so the golden set holds the transaction APIs as each client sends them.

const TXN_SCENARIOS = 'produce-transactional*,consume-transform-produce*,transaction-fencing*';

/** Loads compat/clients/<file>.mjs and runs its setup() (builds/installs as the suite does). */
async function compatClient(file) {
  const mod = (await import(pathToFileURL(path.join(here, 'clients', `${file}.mjs`)).href)).default;
  const ctx = { root, cacheDir: path.join(here, '.cache'), log: (m) => log(m), kafkaLibs: async () => kafkaLibsDir() };
  await mod.setup(ctx);
  return { mod, ctx, version: String(await mod.version(ctx)) };
}

/** Runs a compat driver with COMPAT_SCENARIO; the step fails when a scenario did not pass. */
async function compatStep(name, c, bootstrap, prefix, scenarios = TXN_SCENARIOS) {
  const spec = c.mod.command(c.ctx, { bootstrap, prefix });
  const res = await run(spec.cmd, spec.args ?? [], { env: { ...(spec.env ?? {}), COMPAT_SCENARIO: scenarios }, cwd: spec.cwd ?? root, timeoutMs: 300_000 });
  const results = res.stdout.split('\n').map((l) => { try { return JSON.parse(l); } catch { return null; } }).filter((x) => x?.scenario);
  const failed = results.filter((r) => r.status === 'fail');
  for (const f of failed) log(`     ${name}: ${f.scenario} failed: ${String(f.message).slice(0, 300)}`);
  return step(name, Promise.resolve({ ...res, code: res.code || (failed.length || !results.length ? 1 : 0) }));
}

// ---------------------------------------------------------------------------------------------
// Client phases. Each returns { client, steps: [{ name, code, ms }] }.

async function phaseKafkajs(bootstrap) {
  await ensureKafkajsLz4(log); // compat/drivers/kafkajs.mjs registers the real kafkajs-lz4
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/kafkajs/package.json'), 'utf8'));
  const client = `kafkajs-${pkg.version}`;
  return {
    client,
    run: async () => [
      await step('kafkajs driver', run(process.execPath, [path.join(here, 'drivers/kafkajs.mjs'), bootstrap], { timeoutMs: 120_000 })),
      await compatStep('kafkajs transactions (compat driver)', await compatClient('kafkajs'), bootstrap, 'golden-kafkajs'),
    ],
  };
}

async function phaseJava(bootstrap, kafka, work) {
  const client = `java-${kafka.version}`;
  const log4j = toolsLog4jConfig(work);
  const cp = `${kafka.libs}/*`;
  const jvm = ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${log4j}`, `-Djava.io.tmpdir=${work}`];
  const B = ['--bootstrap-server', bootstrap];
  const T = 'golden-java-topic', G = 'golden-java-group', G2 = 'golden-java-group-consumer';
  const java = (name, main, argv, extra = {}) => step(`java ${name}`, run('java', [...jvm, '-cp', cp, main, ...argv], { timeoutMs: 60_000, ...extra }), extra.okCodes);
  const TOPICS = 'org.apache.kafka.tools.TopicCommand';
  const CONFIGS = 'org.apache.kafka.tools.ConfigCommand'; // kafka.admin.ConfigCommand until Kafka 4.1
  const PRODUCER = 'org.apache.kafka.tools.ConsoleProducer';
  const CONSUMER = 'org.apache.kafka.tools.consumer.ConsoleConsumer';
  const GROUPS = 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand';
  const OFFSETS = 'org.apache.kafka.tools.GetOffsetShell';
  const lines = (codec, n = 3) => Array.from({ length: n }, (_, i) => `trace-id:t-${codec}-${i},source:golden\tkey-${codec}-${i}:value ${codec} ${i} ${'x'.repeat(40)}`).join('\n') + '\n';
  const producerProps = ['--property', 'parse.key=true', '--property', 'key.separator=:', '--property', 'parse.headers=true'];
  const deleteJson = path.join(work, 'delete-records.json');
  fs.writeFileSync(deleteJson, JSON.stringify({ version: 1, partitions: [{ topic: T, partition: 0, offset: 1 }] }));
  return {
    client,
    run: async () => {
      const s = [];
      s.push(await java('topics --create', TOPICS, [...B, '--create', '--topic', T, '--partitions', '3', '--replication-factor', '1']));
      s.push(await java('topics --list', TOPICS, [...B, '--list']));
      s.push(await java('topics --describe', TOPICS, [...B, '--describe', '--topic', T]));
      s.push(await java('configs --alter topic', CONFIGS, [...B, '--alter', '--entity-type', 'topics', '--entity-name', T, '--add-config', 'retention.ms=86400000']));
      s.push(await java('configs --describe topic', CONFIGS, [...B, '--describe', '--entity-type', 'topics', '--entity-name', T]));
      s.push(await java('configs --describe broker', CONFIGS, [...B, '--describe', '--entity-type', 'brokers', '--entity-name', '1']));
      // Client quotas (AlterClientQuotas / DescribeClientQuotas); compat/quotas/capture-golden.mjs
      // captures the same exchanges alone, with labels.
      s.push(await java('configs --alter client quota', CONFIGS, [...B, '--alter', '--entity-type', 'users', '--entity-name', 'golden-user', '--entity-type', 'clients', '--entity-default', '--add-config', 'producer_byte_rate=1048576,request_percentage=12.5']));
      s.push(await java('configs --describe client quota', CONFIGS, [...B, '--describe', '--entity-type', 'users', '--entity-name', 'golden-user', '--entity-type', 'clients', '--entity-default']));
      for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
        s.push(await java(`console-producer ${codec}`, PRODUCER, [...B, '--topic', T, '--compression-codec', codec, ...producerProps], { input: lines(codec) }));
      }
      s.push(await java('console-producer acks=1 non-idempotent', PRODUCER, [...B, '--topic', T, '--request-required-acks', '1', '--producer-property', 'enable.idempotence=false', ...producerProps], { input: lines('acks1', 2) }));
      s.push(await java('console-producer acks=0', PRODUCER, [...B, '--topic', T, '--request-required-acks', '0', '--producer-property', 'enable.idempotence=false', ...producerProps], { input: lines('acks0', 2) }));
      s.push(await java('console-consumer alone (partition 0)', CONSUMER, [...B, '--topic', T, '--partition', '0', '--offset', 'earliest', '--max-messages', '3', '--timeout-ms', '10000']));
      // classic group: reads everything, heartbeats while idle, exits on --timeout-ms; the second
      // run resumes from committed offsets (with their leader epoch: OffsetForLeaderEpoch)
      const classic = [...B, '--topic', T, '--group', G, '--from-beginning', '--consumer-property', 'heartbeat.interval.ms=300'];
      s.push(await java('console-consumer classic group', CONSUMER, [...classic, '--max-messages', '19', '--timeout-ms', '15000']));
      s.push(await java('console-consumer classic group (resume, idle)', CONSUMER, [...classic, '--timeout-ms', '2500'], { okCodes: [0, 1] }));
      s.push(await java('console-consumer consumer-protocol group', CONSUMER, [...B, '--topic', T, '--group', G2, '--from-beginning', '--consumer-property', 'group.protocol=consumer', '--max-messages', '19', '--timeout-ms', '15000']));
      s.push(await java('topics --create out', TOPICS, [...B, '--create', '--topic', `${T}-out`, '--partitions', '1', '--replication-factor', '1']));
      s.push(await java('transactional-message-copier', 'org.apache.kafka.tools.TransactionalMessageCopier', ['--broker-list', bootstrap, '--input-topic', T, '--input-partition', '0', '--output-topic', `${T}-out`, '--transactional-id', 'golden-java-tx', '--consumer-group', 'golden-java-tx-group', '--transaction-size', '2', '--max-messages', '4', '--use-group-metadata']));
      s.push(await java('consumer-groups --list', GROUPS, [...B, '--list']));
      s.push(await java('consumer-groups --describe classic', GROUPS, [...B, '--describe', '--group', G]));
      s.push(await java('consumer-groups --describe --state consumer', GROUPS, [...B, '--describe', '--group', G2, '--state']));
      s.push(await java('consumer-groups --describe --members', GROUPS, [...B, '--describe', '--group', G, '--members']));
      s.push(await java('consumer-groups --reset-offsets', GROUPS, [...B, '--reset-offsets', '--group', G, '--topic', T, '--to-earliest', '--execute']));
      s.push(await java('consumer-groups --delete-offsets', GROUPS, [...B, '--delete-offsets', '--group', G, '--topic', `${T}:0`]));
      s.push(await java('consumer-groups --delete', GROUPS, [...B, '--delete', '--group', G, '--group', G2]));
      for (const time of ['-1', '-2', '-3', String(Date.now() - 60_000)]) {
        s.push(await java(`get-offsets --time ${time}`, OFFSETS, [...B, '--topic', T, '--time', time]));
      }
      s.push(await java('delete-records', 'org.apache.kafka.tools.DeleteRecordsCommand', [...B, '--offset-json-file', deleteJson]));
      s.push(await java('log-dirs --describe', 'org.apache.kafka.tools.LogDirsCommand', [...B, '--describe', '--topic-list', T]));
      s.push(await java('topics --alter --partitions 4', TOPICS, [...B, '--alter', '--topic', T, '--partitions', '4']));
      s.push(await java('cluster cluster-id', 'org.apache.kafka.tools.ClusterTool', ['cluster-id', ...B]));
      s.push(await java('broker-api-versions', 'org.apache.kafka.tools.BrokerApiVersionsCommand', [...B]));
      s.push(await java('producer-perf-test transactional', 'org.apache.kafka.tools.ProducerPerformance', ['--topic', `${T}-txn`, '--num-records', '20', '--payload-monotonic', '--throughput', '-1', '--transactional-id', 'golden-java-perf-tx', '--transaction-duration-ms', '50', '--producer-props', `bootstrap.servers=${bootstrap}`]));
      s.push(await java('console-consumer read_committed', CONSUMER, [...B, '--topic', `${T}-txn`, '--from-beginning', '--isolation-level', 'read_committed', '--max-messages', '20', '--timeout-ms', '10000']));
      s.push(await compatStep('java client transactions (compat driver)', await compatClient('java-consumer'), bootstrap, 'golden-java-client'));
      s.push(await java('transactions list', 'org.apache.kafka.tools.TransactionsCommand', [...B, 'list']));
      s.push(await java('transactions describe-producers', 'org.apache.kafka.tools.TransactionsCommand', [...B, 'describe-producers', '--topic', T, '--partition', '0']));
      s.push(await java('topics --delete', TOPICS, [...B, '--delete', '--topic', `${T}.*`]));
      return s;
    },
  };
}

async function phaseKcat(bootstrap) {
  const v = execFileSync('kcat', ['-V'], { encoding: 'utf8' }).match(/Version (\S+)/)?.[1] ?? 'unknown';
  const client = `kcat-${v}`;
  const T = 'golden-kcat-topic', G = 'golden-kcat-group';
  const kcat = (name, argv, extra = {}) => step(`kcat ${name}`, run('kcat', ['-b', bootstrap, '-X', 'client.id=golden-kcat', ...argv], { timeoutMs: 30_000, ...extra }));
  const lines = (codec, n = 3) => Array.from({ length: n }, (_, i) => `key-${codec}-${i}:value ${codec} ${i} ${'x'.repeat(40)}`).join('\n') + '\n';
  return {
    client,
    run: async () => {
      const s = [];
      s.push(await kcat('-L', ['-L']));
      // kcat cannot create topics: the first produce auto-creates it (num.partitions=1)
      for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
        s.push(await kcat(`-P ${codec}`, ['-P', '-t', T, '-K:', '-H', `trace-id=t-${codec}`, '-H', 'source=golden', '-X', `compression.codec=${codec}`, '-X', 'linger.ms=5'], { input: lines(codec) }));
      }
      s.push(await kcat('-P idempotent', ['-P', '-t', T, '-K:', '-H', 'source=golden', '-X', 'enable.idempotence=true'], { input: lines('idempotent') }));
      s.push(await kcat('-L -t', ['-L', '-t', T]));
      s.push(await kcat('-C alone', ['-C', '-t', T, '-o', 'beginning', '-e', '-q', '-X', 'fetch.wait.max.ms=200']));
      s.push(await kcat('-Q by timestamp', ['-Q', '-t', `${T}:0:${Date.now() - 60_000}`]));
      s.push(await kcat('-G group', ['-G', G, T, '-o', 'beginning', '-e', '-q', '-X', 'fetch.wait.max.ms=200', '-X', 'heartbeat.interval.ms=300', '-X', 'auto.commit.interval.ms=200']));
      // a transaction: commit at EOF (InitProducerId, AddPartitionsToTxn, Produce, EndTxn), read back read_committed
      s.push(await kcat('-P transactional', ['-P', '-t', `${T}-txn`, '-K:', '-X', 'transactional.id=golden-kcat-tx'], { input: lines('txn') }));
      s.push(await kcat('-C read_committed', ['-C', '-t', `${T}-txn`, '-o', 'beginning', '-e', '-q', '-X', 'isolation.level=read_committed', '-X', 'fetch.wait.max.ms=200']));
      return s;
    },
  };
}

async function phasePython(bootstrap) {
  const py = '/usr/bin/python3';
  let client = 'confluent-python';
  try {
    const v = execFileSync(py, ['-c', 'import confluent_kafka as c; print(c.version()[0], c.libversion()[0])'], { encoding: 'utf8' }).trim().split(' ');
    client = `confluent-python-${v[0]}`;
  } catch { return null; }
  return {
    client,
    run: async () => [
      await step('confluent-python driver', run(py, [path.join(here, 'drivers/confluent_python.py'), bootstrap], { timeoutMs: 120_000 })),
      await compatStep('confluent-python transactions (compat driver)', await compatClient('confluent-python'), bootstrap, 'golden-python'),
    ],
  };
}

async function phaseFranz(bootstrap) {
  if (!have('go')) return null;
  const src = path.join(here, 'drivers/franz');
  const bin = path.join(here, '.cache/franz-driver');
  const version = fs.readFileSync(path.join(src, 'go.mod'), 'utf8').match(/twmb\/franz-go (v\S+)/)?.[1]?.replace(/^v/, '') ?? 'unknown';
  const newer = (a, b) => fs.statSync(a).mtimeMs > fs.statSync(b).mtimeMs;
  if (!fs.existsSync(bin) || ['main.go', 'go.mod', 'go.sum'].some((f) => newer(path.join(src, f), bin))) {
    log('building the franz-go driver (go build)...');
    const b = await run('go', ['build', '-o', bin, '.'], { cwd: src, timeoutMs: 300_000 });
    if (b.code !== 0) { log(`franz-go build failed: ${b.stderr.trim().split('\n').slice(-5).join(' / ')}`); return null; }
  }
  return {
    client: `franz-go-${version}`,
    run: async () => [
      await step('franz-go driver', run(bin, [bootstrap], { timeoutMs: 120_000 })),
      await compatStep('franz-go transactions (compat driver)', await compatClient('franz-go'), bootstrap, 'golden-franz'),
    ],
  };
}

/** A compat client's transaction scenarios only (sarama, confluent-js; java/franz on a transaction.version=1 Kafka). */
async function phaseCompat(file, tagOf, bootstrap, prefix) {
  let c;
  try { c = await compatClient(file); } catch (e) { log(`${file}: setup failed: ${e.message.slice(0, 300)}`); return null; }
  return { client: tagOf(c.version), run: async () => [await compatStep(`${file} transactions (compat driver)`, c, bootstrap, prefix)] };
}

async function phaseRaw(bootstrap) {
  const [host, port] = [bootstrap.split(':')[0], Number(bootstrap.split(':')[1])];
  return {
    client: 'raw',
    run: async () => {
      const s = [];
      for (const v of [0, 1, 2, 3, 4, 5, 127]) {
        const t0 = performance.now();
        let code = 0;
        try { await roundTrips(host, port, [apiVersionsRequest(100 + v, v, 'golden-raw')], { timeoutMs: 5000 }); } catch (e) { code = 1; log(`raw ApiVersions v${v}: ${e.message}`); }
        s.push({ name: `raw ApiVersions v${v}`, code, ms: Math.round(performance.now() - t0) });
      }
      // Metadata v0 (no topics = all topics in v0) and v12 for a missing topic with auto-create off
      const t0 = performance.now();
      try {
        const md0 = frame(requestHeader({ apiKey: 3, apiVersion: 0, correlationId: 200, clientId: 'golden-raw' }), Buffer.from([0, 0, 0, 0]));
        await roundTrips(host, port, [md0], { timeoutMs: 5000 });
        s.push({ name: 'raw Metadata v0', code: 0, ms: Math.round(performance.now() - t0) });
      } catch (e) { s.push({ name: 'raw Metadata v0', code: 1, ms: 0 }); log(e.message); }
      return s;
    },
  };
}

async function step(name, promise, okCodes = [0]) {
  const res = await promise;
  const ok = okCodes.includes(res.code);
  log(`${ok ? 'ok  ' : 'FAIL'} ${name} (${res.ms} ms)`);
  if (!ok) log(`     ${(res.stderr || res.stdout).trim().split('\n').slice(-8).join('\n     ')}`);
  return { name, code: ok ? 0 : res.code, ms: res.ms };
}

// ---------------------------------------------------------------------------------------------
// Selecting and writing golden files.

function selectGolden(exchanges) {
  const groups = new Map();
  for (const ex of exchanges) {
    if (!ex.tag || ex.requestTooLarge || ex.responseTooLarge || !ex.request) continue;
    if (ex.response === undefined && ex.acks !== 0) continue;
    const key = `${ex.tag}\0${ex.apiKey}\0${ex.apiVersion}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(ex);
  }
  const out = [];
  for (const list of groups.values()) {
    const byLabel = new Map();
    for (const ex of list) {
      const label = classify(ex);
      if (!byLabel.has(label) && byLabel.size < MAX_LABELS_PER_GROUP + 1) byLabel.set(label, ex);
    }
    for (const [label, ex] of byLabel) out.push({ ...ex, label });
  }
  return out;
}

function writeGolden(selected, clients, kafkaVersion) {
  fs.mkdirSync(outDir, { recursive: true });
  // remove earlier files of the clients captured now (other clients' files stay)
  for (const d of fs.readdirSync(outDir, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    const dir = path.join(outDir, d.name);
    for (const f of fs.readdirSync(dir)) {
      if (f.endsWith('.json') && clients.some((c) => f.startsWith(`${c}-v`))) fs.rmSync(path.join(dir, f));
    }
    if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  }
  const written = [];
  for (const ex of selected) {
    const dir = path.join(outDir, kebab(apiName(ex.apiKey)));
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${ex.tag}-v${ex.apiVersion}${ex.label ? `-${ex.label}` : ''}.json`);
    const doc = { apiKey: ex.apiKey, apiVersion: ex.apiVersion, client: ex.tag, request: ex.request };
    if (ex.response !== undefined) doc.response = ex.response;
    if (ex.label) doc.label = ex.label;
    doc.clientId = ex.clientId;
    doc.kafka = ex.kafka ?? kafkaVersion;
    fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
    written.push(path.relative(outDir, file));
  }
  return written;
}

/** Rebuild test/golden/README.md from the files present. */
function writeReadme(meta) {
  const rows = new Map(); // api dir -> { key, versions: Map<client, Set<version+label>> }
  const files = [];
  for (const d of fs.readdirSync(outDir, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    for (const f of fs.readdirSync(path.join(outDir, d.name)).filter((x) => x.endsWith('.json')).sort()) {
      const doc = JSON.parse(fs.readFileSync(path.join(outDir, d.name, f), 'utf8'));
      files.push(doc);
      if (!rows.has(d.name)) rows.set(d.name, { key: doc.apiKey, name: apiName(doc.apiKey), clients: new Map() });
      const r = rows.get(d.name);
      if (!r.clients.has(doc.client)) r.clients.set(doc.client, new Map());
      const vs = r.clients.get(doc.client);
      if (!vs.has(doc.apiVersion)) vs.set(doc.apiVersion, []);
      vs.get(doc.apiVersion).push(doc.label ?? '');
    }
  }
  const sorted = [...rows.entries()].sort((a, b) => a[1].key - b[1].key);
  const clientsAll = [...new Set(files.map((f) => f.client))].sort();
  const lines = [];
  lines.push('# Golden frames', '');
  lines.push('Exact bytes that real Kafka clients sent and a real Apache Kafka broker answered, captured through');
  lines.push('a recording proxy (`compat/lib/record-proxy.mjs`). The codec tests decode these frames.');
  lines.push('');
  lines.push(`- Broker: Apache Kafka ${meta.kafka} (KRaft, single node, broker+controller), from Maven Central.`);
  lines.push(`- Clients: ${clientsAll.join(', ')}.`);
  lines.push('  - `kafkajs-*`: `compat/drivers/kafkajs.mjs` (with kafkajs-snappy and kafkajs-lz4).');
  lines.push('  - `java-*`: the Kafka command-line tools (`java -cp \'compat/.cache/kafka-libs/*\' <MainClass>`), see');
  lines.push('    `phaseJava` in `compat/capture-golden.mjs`: TopicCommand, ConfigCommand, ConsoleProducer,');
  lines.push('    ConsoleConsumer (alone, classic group, `group.protocol=consumer`), ConsumerGroupCommand,');
  lines.push('    GetOffsetShell, DeleteRecordsCommand, LogDirsCommand, ClusterTool, BrokerApiVersionsCommand,');
  lines.push('    TransactionsCommand, TransactionalMessageCopier.');
  lines.push('  - `kcat-*` and `confluent-python-*`: librdkafka (Debian\'s kcat and python3-confluent-kafka; see');
  lines.push('    `kafka` of each file for the broker, and `compat/drivers/confluent_python.py`).');
  lines.push('  - `franz-go-*`: `compat/drivers/franz/main.go` (kgo + kadm), built with `go build`.');
  lines.push('  - `sarama-*`, `confluent-js-*`: only the transaction scenarios of their compat drivers');
  lines.push('    (`compat/clients/drivers/sarama/`, `compat/clients/drivers/confluent_js.mjs`; sarama in its');
  lines.push('    three config.Version modes).');
  lines.push('  - Transactions: the kafkajs, java, confluent-python, franz-go, sarama and confluent-js phases also');
  lines.push('    run their compat driver\'s `produce-transactional`, `consume-transform-produce` and');
  lines.push('    `transaction-fencing` scenarios (`compat/clients/drivers/`; java = `JavaClientDriver`, plus');
  lines.push('    kafka-producer-perf-test --transactional-id and kafka-console-consumer --isolation-level');
  lines.push('    read_committed); kcat produces one transaction and reads it back read_committed.');
  lines.push('  - `*-tv1`: the Java client and franz-go against a second Kafka formatted with');
  lines.push('    `--feature transaction.version=1`: transactions v1 (AddPartitionsToTxn v3, AddOffsetsToTxn v4,');
  lines.push('    EndTxn v4, TxnOffsetCommit v4, transactional Produce v11), what they send to a broker without TV2.');
  lines.push('  - `raw`: hand-made ApiVersions v0–v5 and v127 and Metadata v0 requests.');
  lines.push(`- Files: ${files.length}, one per (api, version, client), plus labeled variants.`);
  lines.push('');
  lines.push('## Format');
  lines.push('');
  lines.push('`<api-name-kebab>/<client>-v<version>[-<label>].json`:');
  lines.push('');
  lines.push('```json');
  lines.push('{ "apiKey": 18, "apiVersion": 4, "client": "kafkajs-2.2.4", "request": "<hex>", "response": "<hex>",');
  lines.push('  "label": "optional", "clientId": "header client id", "kafka": "broker version" }');
  lines.push('```');
  lines.push('');
  lines.push('- `request`: the request frame without its 4-byte size prefix (request header + body).');
  lines.push('- `response`: the response frame without its size prefix (response header + body). Absent for');
  lines.push('  Produce with acks=0, which has no response.');
  lines.push('- An unlabeled file is the first exchange of that (api, version, client) that got no label, i.e.');
  lines.push('  the ordinary case. Labeled files keep the first exchange of each distinct kind:');
  lines.push('  - `produce`: every file is labeled `<codec>[-acks<n>][-idempotent|-transactional]` from the first');
  lines.push('    record batch (codec from the batch attributes, idempotent = producer id >= 0).');
  lines.push('  - `list-offsets`: every file is labeled by the first partition\'s timestamp: `earliest` (-2),');
  lines.push('    `latest` (-1), `max-timestamp` (-3), `by-timestamp`.');
  lines.push('  - `fetch`: `-records` = a response carrying record batches (unlabeled = one without);');
  lines.push('    `-records-transactional` = one of them is transactional (data or control batch);');
  lines.push('    `-records-aborted` = a read_committed answer that lists aborted transactions.');
  lines.push('  - `add-partitions-to-txn` (v0-3), `txn-offset-commit`: `-error-<name>` = the first partition error.');
  lines.push('  - group/coordinator/ApiVersions APIs: `-error-<name>` = a response with that top-level error,');
  lines.push('    e.g. `join-group/*-error-member-id-required`, `api-versions/raw-v127-error-unsupported-version`.');
  lines.push('- `plain` in the table below = the unlabeled file of that version.');
  lines.push('- Frames over 64 KiB are not kept.');
  lines.push('');
  lines.push('## Captured');
  lines.push('');
  lines.push(`| api (key) | ${clientsAll.join(' | ')} |`);
  lines.push(`|---|${clientsAll.map(() => '---').join('|')}|`);
  for (const [dir, r] of sorted) {
    const cells = clientsAll.map((c) => {
      const vs = r.clients.get(c);
      if (!vs) return '';
      return [...vs.entries()].sort((a, b) => a[0] - b[0])
        .map(([v, labels]) => (labels.length === 1 && labels[0] === '' ? `v${v}` : `v${v} (${labels.map((l) => l || 'plain').sort().join(', ')})`))
        .join('; ');
    });
    lines.push(`| ${r.name} (${r.key}) \`${dir}/\` | ${cells.join(' | ')} |`);
  }
  lines.push('');
  lines.push('## Recapture');
  lines.push('');
  lines.push('Needs Java 17+, Maven, Node 20, and for the librdkafka clients `apt-get install -y kcat python3-confluent-kafka`:');
  lines.push('');
  lines.push('```sh');
  lines.push('node compat/capture-golden.mjs                     # all clients');
  lines.push('node compat/capture-golden.mjs --clients kafkajs,raw   # some clients (their old files are replaced)');
  lines.push('```');
  lines.push('');
  lines.push('It fetches the Kafka jars once (`compat/lib/kafka-libs.sh`, into `compat/.cache/kafka-libs/`),');
  lines.push('starts the proxy and Kafka on 127.0.0.1, runs each client phase, writes the files and this README.');
  lines.push('Frames contain timestamps, random ids (topic ids, producer ids, member ids, cluster id) and');
  lines.push('client-chosen values, so a recapture changes bytes: tests should decode and check structure,');
  lines.push('not compare whole files to a fresh capture.');
  lines.push('');
  if (meta.notes?.length) {
    lines.push('## Notes from the last capture', '');
    for (const n of meta.notes) lines.push(`- ${n}`);
    lines.push('');
  }
  fs.writeFileSync(path.join(outDir, 'README.md'), lines.join('\n'));
}

// ---------------------------------------------------------------------------------------------

async function main() {
  if (args.includes('--readme-only')) {
    const any = fs.readdirSync(outDir, { withFileTypes: true }).filter((d) => d.isDirectory())
      .flatMap((d) => fs.readdirSync(path.join(outDir, d.name)).map((f) => path.join(outDir, d.name, f)))[0];
    writeReadme({ kafka: any ? JSON.parse(fs.readFileSync(any, 'utf8')).kafka : 'unknown' });
    return;
  }
  const t0 = performance.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-capture-'));
  // one target per Kafka: the default (transaction.version=2 finalized, as a fresh 4.1 cluster)
  // and, for the TV1 phases, one formatted with transaction.version=1
  const targets = [];
  let cleaning;
  const cleanup = () => (cleaning ??= (async () => {
    shuttingDown = true;
    killChildren();
    for (const t of targets) {
      try { await t.proxy?.close(); } catch { /* ignore */ }
      try { await t.kafka?.stop(); } catch { /* ignore */ }
    }
    killChildren();
    fs.rmSync(work, { recursive: true, force: true });
  })());
  const hard = setTimeout(async () => { log('overall timeout: giving up'); await cleanup(); process.exit(3); }, TOTAL_TIMEOUT_MS);
  hard.unref();
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, async () => { log(`${sig}: cleaning up`); await cleanup(); process.exit(130); });

  async function startTarget(features) {
    const t = { kafkaNote: null };
    targets.push(t);
    t.proxy = await startRecordProxy({ maxRecordBytes: MAX_FRAME });
    t.kafka = await startKafka({ advertisedPort: t.proxy.port, features });
    t.proxy.setTarget(t.kafka.host, t.kafka.port);
    if (features) t.kafkaNote = `${t.kafka.version} (${Object.entries(features).map(([k, v]) => `${k}=${v}`).join(', ')})`;
    log(`Kafka ${t.kafka.version}${features ? ` with ${JSON.stringify(features)}` : ''} ready in ${t.kafka.startMs} ms (storage format ${t.kafka.formatMs} ms); listener ${t.kafka.port}, proxy ${t.proxy.address}`);
    return t;
  }

  try {
    const notes = [];
    const clients = [];
    const groups = [wanted.filter((n) => !TV1.has(n)), wanted.filter((n) => TV1.has(n))];
    for (const [gi, names] of groups.entries()) {
      if (!names.length || shuttingDown) continue;
      const target = await startTarget(gi === 0 ? undefined : { 'transaction.version': 1 });
      const { proxy, kafka } = target;
      const bootstrap = proxy.address;
      const phases = [];
      for (const name of names) {
        let p = null;
        if (name === 'kafkajs') p = await phaseKafkajs(bootstrap);
        else if (name === 'java') p = await phaseJava(bootstrap, kafka, work);
        else if (name === 'kcat') p = have('kcat') ? await phaseKcat(bootstrap) : null;
        else if (name === 'python') p = await phasePython(bootstrap);
        else if (name === 'franz') p = await phaseFranz(bootstrap);
        else if (name === 'sarama') p = await phaseCompat('sarama', (v) => `sarama-${v}`, bootstrap, 'golden-sarama');
        else if (name === 'confluent-js') p = await phaseCompat('confluent-js', (v) => `confluent-js-${v.split(' ')[0]}`, bootstrap, 'golden-confluent-js');
        else if (name === 'java-tv1') p = await phaseCompat('java-consumer', (v) => `java-${v}-tv1`, bootstrap, 'golden-java-tv1');
        else if (name === 'franz-tv1') p = await phaseCompat('franz-go', (v) => `franz-go-${v.split(' ')[0]}-tv1`, bootstrap, 'golden-franz-tv1');
        else if (name === 'raw') p = await phaseRaw(bootstrap);
        else throw new Error(`unknown client ${name}`);
        if (!p) { log(`skipping ${name}: not installed`); notes.push(`${name}: not installed, skipped`); continue; }
        phases.push(p);
      }
      for (const p of phases) {
        if (shuttingDown) break;
        log(`--- ${p.client}`);
        proxy.tag = p.client;
        const tp = performance.now();
        const steps = await p.run();
        await sleep(300); // let the last responses land
        proxy.tag = undefined;
        const n = proxy.byTag(p.client).length;
        const failed = steps.filter((s) => s.code !== 0).map((s) => s.name);
        log(`${p.client}: ${n} exchanges in ${Math.round(performance.now() - tp)} ms${failed.length ? `; failed steps: ${failed.join(', ')}` : ''}`);
        if (failed.length) notes.push(`${p.client}: failed steps: ${failed.join(', ')}`);
        clients.push(p.client);
      }
      if (target.kafkaNote) {
        for (const ex of proxy.exchanges) ex.kafka = target.kafkaNote;
        notes.push(`${phases.map((p) => p.client).join(', ')}: against a Kafka formatted with --feature transaction.version=1, so the clients run transactions v1 (AddPartitionsToTxn, EndTxn <= v4)`);
      }
    }

    if (shuttingDown) return; // interrupted: never replace golden files with a partial capture
    const exchanges = targets.flatMap((t) => t.proxy.exchanges);
    const kafkaVersion = targets[0].kafka.version;
    const selected = selectGolden(exchanges);
    const skippedLarge = exchanges.filter((e) => e.requestTooLarge || e.responseTooLarge).length;
    if (skippedLarge) notes.push(`${skippedLarge} exchanges skipped: frame over 64 KiB`);
    const written = writeGolden(selected, clients, kafkaVersion);
    writeReadme({ kafka: kafkaVersion, notes });
    log(`wrote ${written.length} golden files to ${path.relative(root, outDir)} (${exchanges.length} exchanges seen) in ${Math.round((performance.now() - t0) / 1000)} s`);
    const summary = new Map();
    for (const ex of selected) {
      const k = `${apiName(ex.apiKey)}`;
      summary.set(k, (summary.get(k) ?? new Set()).add(`${ex.tag} v${ex.apiVersion}`));
    }
    for (const [k, s] of [...summary].sort()) log(`  ${k}: ${[...s].sort().join(', ')}`);
  } finally {
    clearTimeout(hard);
    await cleanup();
  }
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
