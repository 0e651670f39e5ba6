#!/usr/bin/env node
// Consume-only A/B loop (never part of `npm test`): the consume workload of run.js, but with every
// broker up at the same time and loaded once, then the consumers run interleaved, broker after
// broker, round after round, so a noisy 2-core machine hits every broker alike. For measuring a
// change to the fetch path in minutes instead of a full run.
//
//   node bench/consume-ab.js                          # Rivulet (dist/) vs Kafka, java + ckjs, 3 rounds
//   node bench/consume-ab.js --rounds 5 --clients ckjs
//   node bench/consume-ab.js --rivulet base=/tmp/old-dist --rivulet new=dist --no-kafka
//   node bench/consume-ab.js --records 262144         # 256 MiB instead of 1 GiB
//   node bench/consume-ab.js --cpu-prof DIR           # Rivulet brokers write V8 CPU profiles into DIR
//   node bench/consume-ab.js --ckjs-debug DIR         # librdkafka debug=fetch log per ckjs run into DIR,
//                                                     # and the count of its one-second queue-full stops
//   node bench/consume-ab.js --ckjs-config fetch.queue.backoff.ms=10   # librdkafka settings (repeatable)
//
// Each broker gets a fresh temp dir and the same load as run.js (kafka-producer-perf-test, 1 KiB
// records, batch.size=262144, linger.ms=10). Each consumer run uses a new group and reads every
// record from offset 0. Printed per run: MiB/s and the broker's CPU seconds (user+system, from
// /proc) spent during the run (Java: also its group join time and the MiB/s after it); at the end
// the median per (broker, client); every run's numbers go to bench/results/consume-ab-<time>.json.
// Kafka is 4.4.0 (issue 10's reference) unless KAFKA_VERSION names another.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaLibsDir, toolsLog4jConfig } from '../compat/lib/kafka-broker.mjs';
import { startKafkaSession, spawnRivulet, duBytes } from './lib/brokers.js';
import { consumerPerf, initJava, producerPerf } from './lib/java.js';
import { run } from './lib/proc.js';
import { createTopic } from './lib/scale.js';

// The reference of issue 10: Kafka 4.4.0 (compat/lib/kafka-libs.sh's default is older).
process.env.KAFKA_VERSION ??= '4.4.0';
const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opt = (n) => { const i = argv.indexOf(n); return i >= 0 ? argv[i + 1] : undefined; };
const opts = (n) => argv.flatMap((a, i) => (a === n ? [argv[i + 1]] : []));
if (argv.includes('--help')) {
  const lines = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
  console.log(lines.slice(0, lines.findIndex((l) => !l.startsWith('//'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
const ROUNDS = Number(opt('--rounds') ?? 3);
const RECORDS = Number(opt('--records') ?? 1048576);
const CLIENTS = (opt('--clients') ?? 'java,ckjs').split(',');
const PROF = opt('--cpu-prof');
const CKJS_DEBUG = opt('--ckjs-debug');
const CKJS_CONFIG = Object.fromEntries(opts('--ckjs-config').map((kv) => { const i = kv.indexOf('='); return [kv.slice(0, i), kv.slice(i + 1)]; }));
const rivulets = opts('--rivulet').map((s) => { const [name, dist] = s.includes('=') ? s.split('=') : ['rivulet', s]; return { name, dist: path.resolve(dist) }; });
if (!rivulets.length) rivulets.push({ name: 'rivulet', dist: path.resolve(here, '..', 'dist') });
const withKafka = !argv.includes('--no-kafka');
const LOAD_PROPS = { 'batch.size': 262144, 'linger.ms': 10 };
const TOPIC = 'consume-ab';

const T0 = Date.now();
const log = (...a) => console.error(`[ab ${((Date.now() - T0) / 1000).toFixed(0).padStart(4)}s]`, ...a);

/** User and system CPU seconds of a process so far (/proc/<pid>/stat fields 14 and 15, USER_HZ = 100). */
function cpuSeconds(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return { user: Number(f[11]) / 100, sys: Number(f[12]) / 100 };
  } catch { return { user: NaN, sys: NaN }; }
}

async function startRivulet({ name, dist }, tmp) {
  const dir = fs.mkdtempSync(path.join(tmp, `${name}-`));
  if (PROF) fs.mkdirSync(PROF, { recursive: true });
  const b = await spawnRivulet({
    dataDir: path.join(dir, 'data'), logFile: path.join(dir, 'rivulet.log'), cli: path.join(dist, 'bundle/cli.mjs'),
    nodeArgs: PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(PROF)}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`] : [],
  });
  return { name, bootstrap: b.bootstrap, host: b.host, port: b.port, pid: b.pid, stop: b.stop, dataBytes: () => duBytes(path.join(dir, 'data')) };
}

async function startKafka() {
  const k = await startKafkaSession();
  return { name: 'kafka', bootstrap: k.bootstrap, host: k.host, port: k.port, pid: k.pid, stop: k.stop, dataBytes: k.dataBytes };
}

async function consumeOnce(b, client, i) {
  const group = `ab-${client}-${i}-${Date.now()}`;
  const cpu0 = cpuSeconds(b.pid);
  let r;
  if (client === 'java') {
    r = await consumerPerf({ bootstrap: b.bootstrap, topic: TOPIC, messages: RECORDS, group, timeoutMs: 600000 });
  } else {
    const job = { op: 'consume', bootstrap: b.bootstrap, topic: TOPIC, records: RECORDS, group, idleMs: 30000, config: CKJS_CONFIG };
    if (CKJS_DEBUG) { fs.mkdirSync(CKJS_DEBUG, { recursive: true }); job.debugLog = path.resolve(CKJS_DEBUG, `${b.name}-${i}.log`); }
    const res = await run(process.execPath, [path.join(here, 'clients', `${client}.js`), JSON.stringify(job)], { timeoutMs: 600000 });
    const line = res.stdout.split('\n').reverse().find((l) => l.startsWith('RESULT '));
    r = line ? JSON.parse(line.slice(7)) : { ok: false, error: res.stderr.slice(-500) };
    // librdkafka's one-second stops when its fetch queue is full (fetch.queue.backoff.ms)
    if (job.debugLog && fs.existsSync(job.debugLog)) r.queueFullStops = (fs.readFileSync(job.debugLog, 'utf8').match(/Queue full/g) ?? []).length;
  }
  const cpu1 = cpuSeconds(b.pid);
  const user = cpu1.user - cpu0.user;
  const sys = cpu1.sys - cpu0.sys;
  return { ...r, brokerCpuS: +(user + sys).toFixed(2), brokerUserS: +user.toFixed(2), brokerSysS: +sys.toFixed(2) };
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-consume-ab-'));
  const brokers = [];
  const cleanup = async () => { for (const b of brokers) await b.stop().catch(() => {}); fs.rmSync(tmp, { recursive: true, force: true }); };
  process.once('SIGINT', () => { void cleanup().then(() => process.exit(130)); });
  try {
    initJava({ libsDir: kafkaLibsDir(), log4jFile: toolsLog4jConfig(tmp) });
    for (const r of rivulets) brokers.push(await startRivulet(r, tmp));
    if (withKafka) brokers.push(await startKafka());
    for (const b of brokers) {
      await createTopic(b, TOPIC, 1);
      const load = await producerPerf({ bootstrap: b.bootstrap, topic: TOPIC, records: RECORDS, size: 1024, acks: '1', extraProps: LOAD_PROPS, timeoutMs: 1800000 });
      if (!load.ok) throw new Error(`loading ${b.name}: ${load.error}`);
      log(`${b.name} loaded ${RECORDS} records at ${load.mibPerSec} MiB/s (${(b.dataBytes() / 1048576).toFixed(0)} MiB on disk)`);
      // one unrecorded pass: the JIT (V8 or the JVM) and the page cache, as run.js's warm-up does
      await consumerPerf({ bootstrap: b.bootstrap, topic: TOPIC, messages: RECORDS, group: `ab-warm-${Date.now()}`, timeoutMs: 600000 });
    }
    const results = [];
    for (let i = 0; i < ROUNDS; i++) {
      for (const client of CLIENTS) {
        for (const b of brokers) {
          const r = await consumeOnce(b, client, i);
          results.push({ broker: b.name, client, round: i, ...r });
          log(`round ${i} ${client.padEnd(5)} ${b.name.padEnd(8)} ${r.ok ? `${String(r.mibPerSec).padStart(7)} MiB/s` : `FAILED ${r.error}`}  broker CPU ${r.brokerCpuS} s (user ${r.brokerUserS}, sys ${r.brokerSysS})${r.queueFullStops !== undefined ? `, ${r.queueFullStops} queue-full stops` : ''}${r.rebalanceMs !== undefined ? `, group join ${r.rebalanceMs} ms, ${r.fetchMibPerSec} MiB/s after it` : ''}`);
        }
      }
    }
    const file = path.join(here, 'results', `consume-ab-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, JSON.stringify({ load: os.loadavg(), rounds: ROUNDS, records: RECORDS, results }, null, 1));
    log(`wrote ${file}`);
    const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN; };
    console.log('| client | broker | MiB/s median (runs) | broker CPU s per run, median |');
    console.log('|---|---|---|---|');
    for (const client of CLIENTS) {
      for (const b of brokers) {
        const rs = results.filter((r) => r.client === client && r.broker === b.name && r.ok);
        console.log(`| ${client} | ${b.name} | ${median(rs.map((r) => r.mibPerSec)).toFixed(1)} (${rs.map((r) => r.mibPerSec).join(', ')}) | ${median(rs.map((r) => r.brokerCpuS)).toFixed(2)} |`);
      }
    }
  } finally {
    await cleanup();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
