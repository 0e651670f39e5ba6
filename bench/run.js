#!/usr/bin/env node
// Rivulet vs Apache Kafka benchmark harness (`npm run bench`; never part of `npm test`).
//
//   node bench/run.js                      # full run: 3 A/B pairs, ~25 min on 2 cores
//   node bench/run.js --quick              # small volumes, 1 pair: smoke test (not representative)
//   node bench/run.js --only produce,latency --reps 5
//   node bench/run.js --no-kafka           # Rivulet only (no ratios)
//   node bench/run.js --clients java,kafkajs
//   node bench/run.js --brokers kafka      # one broker only (debugging the harness)
//   node bench/run.js --dist ../other/dist # benchmark another Rivulet build (default: dist/)
//   node bench/run.js --report-only [bench/results/latest.json]   # regenerate RESULTS.md + chart
//
// Workloads (--only names): produce (1 KiB, acks=1/all, 1/12 partitions), produce-size (100 B and
// 256 KiB records), compression (lz4, zstd), consume (1 GiB from the beginning), latency
// (end-to-end at 5,000 records/s, plus Kafka's closed-loop EndToEndLatency tool), startup (spawn
// to first acknowledged produce), memory (RSS idle / after 1 GiB / 1,000 partitions / restart
// with the data), scale (1,000 partitions, 200 connections).
// Clients: java (Kafka's perf tools), kafkajs, ckjs (@confluentinc/kafka-javascript; install with
// bench/setup-ckjs.sh, skipped when absent).
//
// Each repetition starts each broker once, in a fresh temp dir (Rivulet: the CLI with its default
// config; Kafka: compat/lib/kafka-broker.mjs, KRaft single node), runs every selected workload
// against it, and stops it: Rivulet, Kafka, Rivulet, Kafka, ... Raw numbers go to
// bench/results/<timestamp>.json and bench/results/latest.json; bench/RESULTS.md and
// bench/results/chart.svg (+ .png when rsvg-convert exists) are generated from the JSON.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaLibsDir, kafkaVersion, toolsLog4jConfig } from '../compat/lib/kafka-broker.mjs';
import { ensureKafkajsLz4 } from '../compat/lib/kafkajs-lz4.mjs';
import { ROOT, cliPath, distDir, startKafkaSession, startRivuletSession } from './lib/brokers.js';
import { consumerPerf, endToEndLatency, initJava, openLoopLatency, producerPerf } from './lib/java.js';
import { commandLine, run } from './lib/proc.js';
import { writeReport } from './lib/report.js';
import { createTopic, scaleConnections, scalePartitions } from './lib/scale.js';
import { kafkaStartup, rivuletCliStartup, rivuletEmbeddedStartup } from './lib/startup.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const RESULTS_DIR = path.join(here, 'results');

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2);
const flag = (n) => argv.includes(n);
const opt = (n) => { const i = argv.indexOf(n); return i >= 0 ? argv[i + 1] : undefined; };
if (flag('--help') || flag('-h')) {
  const lines = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
  console.log(lines.slice(0, lines.findIndex((l) => !l.startsWith('//'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
const WORKLOADS = ['produce', 'produce-size', 'compression', 'consume', 'latency', 'startup', 'memory', 'scale'];
const ALL_CLIENTS = ['java', 'kafkajs', 'ckjs'];

if (flag('--report-only')) {
  const file = argv.find((a, i) => i > argv.indexOf('--report-only') && !a.startsWith('--')) ?? path.join(RESULTS_DIR, 'latest.json');
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  writeReport(data, { benchDir: here, resultsDir: RESULTS_DIR });
  console.error(`wrote ${path.join(here, 'RESULTS.md')}`);
  process.exit(0);
}

if (opt('--dist')) process.env.RIVULET_BENCH_DIST = path.resolve(opt('--dist'));
const QUICK = flag('--quick');
const BROKERS = flag('--no-kafka') ? ['rivulet'] : (opt('--brokers') ?? 'rivulet,kafka').split(',').map((s) => s.trim());
for (const b of BROKERS) if (!['rivulet', 'kafka'].includes(b)) { console.error(`unknown broker ${b}; rivulet or kafka`); process.exit(2); }
const NO_KAFKA = !BROKERS.includes('kafka');
const REPS = Number(opt('--reps') ?? (QUICK ? 1 : 3));
const only = opt('--only') ? new Set(opt('--only').split(',').map((s) => s.trim())) : new Set(WORKLOADS);
for (const w of only) if (!WORKLOADS.includes(w)) { console.error(`unknown workload ${w}; one of ${WORKLOADS.join(', ')}`); process.exit(2); }
const clients = (opt('--clients') ?? ALL_CLIENTS.join(',')).split(',').map((s) => s.trim());
for (const c of clients) if (!ALL_CLIENTS.includes(c)) { console.error(`unknown client ${c}; one of ${ALL_CLIENTS.join(', ')}`); process.exit(2); }

const moreGiB = () => +(P.moreRecords * 1024 / 1073741824).toFixed(P.moreRecords >= 1048576 ? 0 : 3);

// Volumes. Full: sized so the default run (3 pairs, all workloads, 3 clients) fits ~25 minutes on
// this 2-core machine. Java produce runs are count-based (the tool has no duration option), sized
// for a few seconds on Kafka and capped (a slower broker costs at most capMs, rated on the tool's
// 5-second windows); the Node clients produce for a fixed time after a warm-up.
// Quick: a smoke test of every code path.
const P = QUICK ? {
  produce: {
    java: { records: { 1024: 30000, 100: 150000, 262144: 120 }, capMs: 15000 },
    node: { seconds: 2, warmupSeconds: 0.5 },
  },
  consumeRecords: 65536, // 64 MiB of 1 KiB records
  latency: { rate: 5000, seconds: 3, warmupSeconds: 1, size: 100, closedLoopMessages: 500 },
  scale: { partitions: 1000, connections: 200, javaRecords: 20000 },
  startup: { rivulet: 3, kafka: 1 },
  warmup: { records: 20000, capMs: 10000 },
  settleMs: 1000,
  settledMs: 5000,
  moreRecords: 65536, // 64 MiB more stored before the second restart
} : {
  produce: {
    java: { records: { 1024: 200000, 100: 1500000, 262144: 800 }, capMs: 15000 },
    node: { seconds: 3, warmupSeconds: 1 },
  },
  consumeRecords: 1048576, // 1 GiB of 1 KiB records
  latency: { rate: 5000, seconds: 8, warmupSeconds: 2, size: 100, closedLoopMessages: 2000 },
  scale: { partitions: 1000, connections: 200, javaRecords: 100000 },
  startup: { rivulet: 10, kafka: 5 },
  warmup: { records: 200000, capMs: 10000 },
  settleMs: 3000,
  settledMs: 20000,
  moreRecords: 2097152, // 2 GiB more stored before the second restart
};
// The 1 GiB for the consume workload is written once per broker start with larger batches than the
// Java producer's default (16 KiB), so loading it does not dominate the run; its rate is reported.
const LOAD_PROPS = { 'batch.size': 262144, 'linger.ms': 10 };

const PRODUCE_CONFIGS = {
  produce: [
    { config: '1KiB acks=1 p=1', size: 1024, acks: '1', partitions: 1 },
    { config: '1KiB acks=all p=1', size: 1024, acks: 'all', partitions: 1 },
    { config: '1KiB acks=1 p=12', size: 1024, acks: '1', partitions: 12 },
    { config: '1KiB acks=all p=12', size: 1024, acks: 'all', partitions: 12 },
  ],
  'produce-size': [
    { config: '100B acks=1 p=1', size: 100, acks: '1', partitions: 1 },
    { config: '256KiB acks=1 p=1', size: 262144, acks: '1', partitions: 1 },
  ],
  compression: [
    { config: '1KiB lz4 acks=1 p=1', size: 1024, acks: '1', partitions: 1, compression: 'lz4' },
    { config: '1KiB zstd acks=1 p=1', size: 1024, acks: '1', partitions: 1, compression: 'zstd' },
  ],
};

// ---------------------------------------------------------------- helpers
const T0 = Date.now();
const log = (...a) => console.error(`[bench ${((Date.now() - T0) / 1000).toFixed(0).padStart(5)}s]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

function sh(cmd, args) {
  try { return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30000 }).trim(); } catch { return null; }
}

/** Replace run-specific parts of a command line (bootstrap, repo path) with placeholders. */
function generic(cmd, bootstrap) {
  let c = cmd;
  if (bootstrap) c = c.split(bootstrap).join('$BOOTSTRAP');
  return c.split(`${ROOT}/`).join('').split(process.execPath).join('node');
}

/** Run a Node client worker (bench/clients/<client>.js) with a job; returns its RESULT. */
async function nodeWorker(client, job, timeoutMs) {
  const script = path.join(here, 'clients', `${client}.js`);
  const args = [script, JSON.stringify(job)];
  const res = await run(process.execPath, args, { timeoutMs });
  const line = res.stdout.split('\n').reverse().find((l) => l.startsWith('RESULT '));
  const command = generic(commandLine(process.execPath, args), job.bootstrap);
  if (!line) return { ok: false, error: `${client} worker exit ${res.code}${res.timedOut ? ' (timed out)' : ''}: ${(res.stderr || res.stdout).slice(-800)}`, command, wallMs: Math.round(res.ms) };
  return { ...JSON.parse(line.slice(7)), command, wallMs: Math.round(res.ms) };
}

// ---------------------------------------------------------------- results
const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace(/Z$/, 'Z');
const results = {
  schema: 1,
  quick: QUICK,
  started: new Date().toISOString(),
  finished: null,
  options: { reps: REPS, only: [...only], clients, brokers: BROKERS, noKafka: NO_KAFKA, argv },
  profile: P,
  meta: {},
  sessions: [],
  runs: [],
  memory: [],
  startup: [],
  notes: [],
};
fs.mkdirSync(RESULTS_DIR, { recursive: true });
const jsonFile = path.join(RESULTS_DIR, `${stamp}${QUICK ? '-quick' : ''}.json`);
function save() {
  fs.writeFileSync(jsonFile, JSON.stringify(results, null, 1));
}

function record(run) {
  results.runs.push(run);
  const main = run.ok
    ? ['mibPerSec', 'p99Ms', 'createReadyMs', 'connectAllMs'].filter((k) => run[k] !== undefined).map((k) => `${k}=${run[k]}`).join(' ')
    : `FAILED: ${String(run.error).split('\n')[0].slice(0, 300)}`;
  log(`  ${run.broker} rep${run.rep} ${run.workload} [${run.config}] ${run.client}: ${main}${run.truncated ? ' (capped)' : ''}${run.wallMs ? ` [${(run.wallMs / 1000).toFixed(1)} s]` : ''}`);
  save();
}

function memory(b, rep, phase) {
  const m = b.mem();
  const entry = { rep, broker: b.name, phase, ...(m ?? { error: 'process not found' }), dataMiB: +(b.dataBytes() / 1048576).toFixed(1) };
  results.memory.push(entry);
  log(`  ${b.name} rep${rep} memory ${phase}: RSS ${entry.rssMiB} MiB (peak ${entry.hwmMiB}), data ${entry.dataMiB} MiB`);
  save();
}

// ---------------------------------------------------------------- workloads
async function produceWorkloads(b, rep, ckjsOk) {
  for (const workload of ['produce', 'produce-size', 'compression']) {
    if (!only.has(workload)) continue;
    for (const c of PRODUCE_CONFIGS[workload]) {
      for (const client of clients) {
        if (client === 'ckjs' && !ckjsOk) continue;
        const topic = `${slug(c.config)}-${client}`;
        const base = { rep, broker: b.name, workload, config: c.config, client, size: c.size };
        try {
          await createTopic(b, topic, c.partitions);
          let r;
          if (client === 'java') {
            const J = P.produce.java;
            r = await producerPerf({ bootstrap: b.bootstrap, topic, records: J.records[c.size], size: c.size, acks: c.acks, compression: c.compression, capMs: J.capMs });
            r.command = generic(r.command, b.bootstrap);
          } else {
            const N = P.produce.node;
            r = await nodeWorker(client, { op: 'produce', bootstrap: b.bootstrap, topic, seconds: N.seconds, warmupSeconds: N.warmupSeconds, size: c.size, acks: c.acks, compression: c.compression }, 300000);
          }
          record({ ...base, ...r });
        } catch (e) {
          record({ ...base, ok: false, error: String(e?.message ?? e) });
        }
      }
    }
  }
}

async function consumeWorkload(b, rep, ckjsOk) {
  const topic = 'consume-1gib';
  const records = P.consumeRecords;
  const base = { rep, broker: b.name, workload: 'consume' };
  try {
    await createTopic(b, topic, 1);
    const load = await producerPerf({ bootstrap: b.bootstrap, topic, records, size: 1024, acks: '1', extraProps: LOAD_PROPS, timeoutMs: 1800000 });
    load.command = generic(load.command, b.bootstrap);
    record({ ...base, workload: 'consume-load', config: `load ${records} x 1KiB acks=1 p=1 batch.size=${LOAD_PROPS['batch.size']} linger.ms=${LOAD_PROPS['linger.ms']}`, client: 'java', records, size: 1024, ...load });
    if (!load.ok) return false;
  } catch (e) {
    record({ ...base, workload: 'consume-load', config: 'load', client: 'java', ok: false, error: String(e?.message ?? e) });
    return false;
  }
  const config = `${(records * 1024 / 1073741824).toFixed(records >= 1048576 ? 0 : 3)} GiB 1KiB p=1`;
  for (const client of clients) {
    if (client === 'ckjs' && !ckjsOk) continue;
    const group = `bench-${client}-${rep}-${Date.now()}`;
    try {
      let r;
      if (client === 'java') {
        r = await consumerPerf({ bootstrap: b.bootstrap, topic, messages: records, group, timeoutMs: 1800000 });
        r.command = generic(r.command, b.bootstrap);
      } else {
        r = await nodeWorker(client, { op: 'consume', bootstrap: b.bootstrap, topic, records, group, idleMs: 30000 }, 1800000);
      }
      record({ ...base, config, client, records, ...r });
    } catch (e) {
      record({ ...base, config, client, ok: false, error: String(e?.message ?? e) });
    }
  }
  return true;
}

async function latencyWorkload(b, rep, ckjsOk) {
  const L = P.latency;
  const config = `${L.rate}/s ${L.size}B acks=1`;
  for (const client of clients) {
    if (client === 'ckjs' && !ckjsOk) continue;
    const topic = `latency-${client}`;
    const base = { rep, broker: b.name, workload: 'latency', config, client };
    try {
      await createTopic(b, topic, 1);
      let r;
      if (client === 'java') {
        r = await openLoopLatency({ bootstrap: b.bootstrap, topic, rate: L.rate, seconds: L.seconds, warmupSeconds: L.warmupSeconds, size: L.size, acks: '1', timeoutMs: 300000 });
        r.command = generic(r.command, b.bootstrap);
      } else {
        r = await nodeWorker(client, { op: 'latency', bootstrap: b.bootstrap, topic, rate: L.rate, seconds: L.seconds, warmupSeconds: L.warmupSeconds, size: L.size, acks: '1' }, 300000);
      }
      if (r.ok && r.missing > 0) { r.ok = false; r.error = `${r.missing} records never came back`; }
      record({ ...base, ...r });
    } catch (e) {
      record({ ...base, ok: false, error: String(e?.message ?? e) });
    }
  }
  if (clients.includes('java')) {
    const topic = 'latency-e2e-tool';
    const base = { rep, broker: b.name, workload: 'latency', config: `closed loop ${L.size}B acks=1 (EndToEndLatency)`, client: 'java' };
    try {
      await createTopic(b, topic, 1);
      const r = await endToEndLatency({ bootstrap: b.bootstrap, topic, messages: L.closedLoopMessages, acks: '1', size: L.size, timeoutMs: 300000 });
      r.command = generic(r.command, b.bootstrap);
      record({ ...base, ...r });
    } catch (e) {
      record({ ...base, ok: false, error: String(e?.message ?? e) });
    }
  }
}

async function scaleWorkload(b, rep, memOn) {
  const S = P.scale;
  const base = { rep, broker: b.name, workload: 'scale', client: 'raw' };
  const topic = `scale-${S.partitions}`;
  try {
    const t = performance.now();
    const r = await scalePartitions(b, { topic, partitions: S.partitions });
    record({ ...base, config: `${S.partitions} partitions`, ...r, wallMs: Math.round(performance.now() - t) });
  } catch (e) {
    record({ ...base, config: `${S.partitions} partitions`, ok: false, error: String(e?.message ?? e) });
  }
  if (clients.includes('java')) {
    try {
      const r = await producerPerf({ bootstrap: b.bootstrap, topic, records: S.javaRecords, size: 1024, acks: '1', capMs: P.produce.java.capMs });
      r.command = generic(r.command, b.bootstrap);
      record({ ...base, client: 'java', config: `produce to ${S.partitions} partitions 1KiB acks=1`, records: S.javaRecords, size: 1024, ...r });
    } catch (e) {
      record({ ...base, client: 'java', config: `produce to ${S.partitions} partitions 1KiB acks=1`, ok: false, error: String(e?.message ?? e) });
    }
  }
  if (memOn) memory(b, rep, `${S.partitions} partitions`);
  try {
    const t = performance.now();
    const r = await scaleConnections(b, {
      topic: 'scale-connections', n: S.connections,
      whileOpen: async () => { if (memOn) memory(b, rep, `${S.connections} connections open`); return b.mem(); },
    });
    record({ ...base, config: `${S.connections} connections`, ...r, wallMs: Math.round(performance.now() - t) });
  } catch (e) {
    record({ ...base, config: `${S.connections} connections`, ok: false, error: String(e?.message ?? e) });
  }
}

async function warmUp(b) {
  const t = performance.now();
  try {
    await createTopic(b, 'bench-warmup', 4);
    const p = await producerPerf({ bootstrap: b.bootstrap, topic: 'bench-warmup', records: P.warmup.records, size: 1024, acks: '1', capMs: P.warmup.capMs });
    if (!p.ok) return { ok: false, error: p.error, wallMs: Math.round(performance.now() - t) };
    const c = await consumerPerf({ bootstrap: b.bootstrap, topic: 'bench-warmup', messages: Math.min(p.records, P.warmup.records), group: `bench-warmup-${Date.now()}`, timeoutMs: 120000, toolTimeoutMs: 10000 });
    return { ok: true, mibPerSec: p.mibPerSec, consumeMibPerSec: c.ok ? c.mibPerSec : undefined, consumeError: c.ok ? undefined : c.error, wallMs: Math.round(performance.now() - t) };
  } catch (e) {
    return { ok: false, error: String(e?.message ?? e), wallMs: Math.round(performance.now() - t) };
  }
}

async function session(brokerName, rep, ckjsOk) {
  log(`== rep ${rep}: ${brokerName}`);
  const s = { rep, broker: brokerName, loadavgStart: os.loadavg().map((x) => +x.toFixed(2)) };
  results.sessions.push(s);
  let b;
  try {
    b = brokerName === 'rivulet' ? await startRivuletSession() : await startKafkaSession();
  } catch (e) {
    s.ok = false;
    s.error = String(e?.message ?? e).slice(0, 3000);
    log(`  ${brokerName} failed to start: ${s.error}`);
    save();
    return;
  }
  s.startMs = Math.round(b.startMs);
  s.pid = b.pid;
  if (b.version) s.version = b.version;
  log(`  ${brokerName} up at ${b.bootstrap} in ${s.startMs} ms (pid ${b.pid})`);
  const t = performance.now();
  const memOn = only.has('memory');
  try {
    await sleep(P.settleMs);
    if (memOn) memory(b, rep, 'idle');
    if (P.warmup && clients.includes('java') && [...only].some((w) => w !== 'memory')) {
      // Both brokers start cold (a fresh JVM, a fresh V8): one unrecorded produce + consume pass
      // first, so the first measured workload does not pay for the broker's JIT warm-up.
      const w = await warmUp(b);
      s.warmup = w;
      log(`  ${b.name} warm-up: ${w.ok ? `${w.mibPerSec} MiB/s produce, ${w.consumeMibPerSec ?? '–'} MiB/s consume` : `FAILED ${w.error}`} [${(w.wallMs / 1000).toFixed(1)} s]`);
    }
    await produceWorkloads(b, rep, ckjsOk);
    if (only.has('consume') || memOn) {
      const loaded = await consumeWorkload(b, rep, ckjsOk);
      if (memOn && loaded) memory(b, rep, `after ${(P.consumeRecords / 1048576).toFixed(P.consumeRecords >= 1048576 ? 0 : 3)} GiB produced + consumed`);
    }
    if (only.has('latency')) await latencyWorkload(b, rep, ckjsOk);
    if (memOn && b.restart) {
      // before the 1,000-partition topic exists: RSS against the data stored, not the partition count
      const ms = await b.restart();
      s.restartMs = Math.round(ms);
      await sleep(P.settleMs);
      memory(b, rep, 'idle after restart on the stored data');
      // V8's memory reducer may run a full GC some seconds after start-up and return memory it used.
      // The target is judged on the sample above.
      await sleep(P.settledMs);
      memory(b, rep, `the same, ${P.settledMs / 1000} s later`);
      // The same topics and groups with more bytes stored, restarted again: what the bytes alone
      // add, apart from what loading the partitions and groups costs.
      const more = await producerPerf({ bootstrap: b.bootstrap, topic: 'consume-1gib', records: P.moreRecords, size: 1024, acks: '1', extraProps: LOAD_PROPS, timeoutMs: 1800000 });
      if (more.ok) {
        await b.restart();
        await sleep(P.settleMs);
        memory(b, rep, `idle after a restart with ${moreGiB()} GiB more stored`);
      } else log(`  loading ${moreGiB()} GiB more failed: ${more.error ?? more.stderr?.slice(-500)}`);
    }
    if (only.has('scale') || memOn) await scaleWorkload(b, rep, memOn);
    s.ok = true;
  } catch (e) {
    s.ok = false;
    s.error = String(e?.stack ?? e).slice(0, 3000);
    log(`  session error: ${s.error}`);
  } finally {
    s.seconds = Math.round((performance.now() - t) / 1000);
    s.loadavgEnd = os.loadavg().map((x) => +x.toFixed(2));
    await b.stop().catch((e) => log(`  stop failed: ${e.message}`));
    save();
  }
}

async function startupWorkload() {
  log('== startup');
  const add = (broker, mode, client, i, r) => {
    results.startup.push({ broker, mode, client, i, ...r });
    log(`  ${broker} ${mode} ${client} #${i}: ${r.ok ? `ack ${r.ackMs} ms${r.readyMs !== undefined ? ` (ready ${r.readyMs})` : ''}${r.importMs !== undefined ? ` (import ${r.importMs}, node boot ${r.nodeBootMs})` : ''}` : `FAILED ${r.error}`}`);
    save();
  };
  const n = P.startup.rivulet;
  const guard = async (f) => { try { return await f(); } catch (e) { return { ok: false, error: String(e?.message ?? e) }; } };
  const riv = BROKERS.includes('rivulet');
  if (riv) for (let i = 0; i < n; i++) add('rivulet', 'cli --memory', 'raw', i, await guard(() => rivuletCliStartup({ memory: true })));
  if (riv) for (let i = 0; i < n; i++) add('rivulet', 'cli --data-dir', 'raw', i, await guard(() => rivuletCliStartup({ memory: false })));
  if (riv) for (let i = 0; i < n; i++) add('rivulet', 'cli --memory', 'kafkajs', i, await guard(() => rivuletCliStartup({ memory: true, client: 'kafkajs' })));
  if (riv) for (let i = 0; i < n; i++) add('rivulet', 'embedded memory', 'raw', i, await guard(() => rivuletEmbeddedStartup({ memory: true })));
  if (riv) for (let i = 0; i < n; i++) add('rivulet', 'embedded data-dir', 'raw', i, await guard(() => rivuletEmbeddedStartup({ memory: false })));
  if (!NO_KAFKA) for (let i = 0; i < P.startup.kafka; i++) add('kafka', 'kafka.Kafka (after storage format)', 'raw', i, await guard(() => kafkaStartup()));
}

// ---------------------------------------------------------------- machine and versions
function collectMeta(libs, ckjsInfo) {
  const cpus = os.cpus();
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const kjs = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/kafkajs/package.json'), 'utf8'));
  const java = javaVersion().split('\n').filter(Boolean).join('; ');
  const commit = sh('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']);
  const dirty = sh('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no', '--', 'src', 'protocol']);
  return {
    machine: {
      cpus: cpus.length, cpuModel: cpus[0]?.model, memGiB: +(os.totalmem() / 1073741824).toFixed(1),
      kernel: `${os.type()} ${os.release()}`, hostname: os.hostname(), loadavgAtStart: os.loadavg().map((x) => +x.toFixed(2)),
      distro: (sh('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"']) ?? '').trim(),
    },
    versions: {
      rivulet: `${pkg.version} (${commit ?? 'unknown commit'}${dirty ? ', with uncommitted changes in src/ or protocol/' : ''}; ${path.relative(ROOT, distDir())}/ built ${distBuilt()})`,
      node: process.version, java, kafka: kafkaVersion(libs), kafkajs: kjs.version,
      ckjs: ckjsInfo?.ok ? `${ckjsInfo.version} (librdkafka ${ckjsInfo.librdkafka}, built from source, features ${ckjsInfo.features.join(',')})` : `not available: ${ckjsInfo?.error ?? 'not installed'}`,
    },
    brokerSettings: {
      rivulet: `node ${path.relative(ROOT, cliPath())} --port 0 --data-dir <fresh temp dir> (default config; logs to a file)`,
      kafka: 'compat/lib/kafka-broker.mjs startKafka(): kafka.Kafka, KRaft combined broker+controller, node.id=1, fresh temp dir, JVM -Xmx1g -Xms256m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 (kafka-server-start.sh would use -Xms1g too), Kafka defaults plus single-node settings (replication factors 1, offsets/transaction topics with 1 partition, group.initial.rebalance.delay.ms=0, auto.create.topics.enable=true)',
    },
  };
}
function distBuilt() {
  try { return fs.statSync(path.join(distDir(), 'src/index.js')).mtime.toISOString(); } catch { return 'unknown'; }
}
function javaVersion() {
  // java -version writes to stderr
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return `${r.stderr ?? ''}${r.stdout ?? ''}`.trim();
}

// ---------------------------------------------------------------- main
async function main() {
  if (!fs.existsSync(cliPath())) {
    if (process.env.RIVULET_BENCH_DIST) throw new Error(`${cliPath()} not found`);
    log('dist/ missing: building with npm run build');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  const libs = kafkaLibsDir();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-bench-run-'));
  process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
  initJava({ libsDir: libs, log4jFile: toolsLog4jConfig(tmp) });

  // kafkajs runs with the real kafkajs-lz4, which is no devDependency (it compiles): install it here
  if (clients.includes('kafkajs')) log(`kafkajs-lz4 ${await ensureKafkajsLz4(log)}`);
  let ckjsInfo = null;
  if (clients.includes('ckjs')) {
    ckjsInfo = await nodeWorker('ckjs', { op: 'version' }, 60000);
    if (!ckjsInfo.ok) log(`ckjs unavailable (${ckjsInfo.error}); its runs are skipped`);
  }
  const ckjsOk = !!ckjsInfo?.ok;
  results.meta = collectMeta(libs, ckjsInfo);
  if (clients.includes('ckjs') && !ckjsOk) results.notes.push(`@confluentinc/kafka-javascript runs skipped: ${ckjsInfo?.error}`);
  save();
  log(`results: ${path.relative(ROOT, jsonFile)}${QUICK ? ' (quick run)' : ''}; workloads ${[...only].join(',')}; clients ${clients.join(',')}; ${REPS} rep(s)${NO_KAFKA ? '; Rivulet only' : ''}`);

  let interrupted = false;
  const onSignal = () => { if (interrupted) process.exit(130); interrupted = true; log('interrupted: finishing the current step, then writing the report (Ctrl-C again to abort)'); };
  process.on('SIGINT', onSignal);

  if (only.has('startup')) await startupWorkload();
  const sessionWorkloads = [...only].filter((w) => w !== 'startup');
  if (sessionWorkloads.length) {
    for (let rep = 0; rep < REPS && !interrupted; rep++) {
      for (const brokerName of BROKERS) {
        if (interrupted) break;
        await session(brokerName, rep, ckjsOk);
      }
    }
  }
  results.finished = new Date().toISOString();
  results.meta.machine.loadavgAtEnd = os.loadavg().map((x) => +x.toFixed(2));
  results.meta.durationSeconds = Math.round((Date.now() - T0) / 1000);
  if (interrupted) results.notes.push('run interrupted before all repetitions finished');
  save();
  fs.copyFileSync(jsonFile, path.join(RESULTS_DIR, 'latest.json'));
  writeReport(results, { benchDir: here, resultsDir: RESULTS_DIR });
  log(`done in ${results.meta.durationSeconds} s: ${path.relative(ROOT, jsonFile)}, bench/RESULTS.md`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
