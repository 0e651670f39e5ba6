#!/usr/bin/env node
// Compaction bench (issue 10), separate from run.js:
//   node bench/compaction.js [--reps 3] [--no-kafka] [--only offsets,cleaner] [--commits 1000000]
//     [--cleaner on|off|both] [--cpu-prof DIR]   (latency runs with the cleaner on, off or both;
//     V8 CPU profiles of the Rivulet brokers into DIR)
// (a) offsets: a broker that took 1,000,000 offset commits over 100 groups (OffsetCommit v2,
//     10 partitions each) restarts, after its cleaner compacted __consumer_offsets
//     (offsets.topic.segment.bytes=1 MiB), vs one that took the 1,000 live commits only; and one
//     with the cleaner disabled, to show what the cleaner saves. Start-up = spawn to "ready";
//     RSS right after ready.
// (b) cleaner: produce p99 (1 record, acks=all, every 10 ms, to a delete-policy topic) while a
//     writer fills a compacted topic at a fixed 5 MB/s, with log.cleaner.enable=true vs false;
//     same workload on Kafka. (c) cleaner throughput from the brokers' own pass logs (Rivulet's
//     "cleaned log" mbPerSec; Kafka's LogCleaner stats).
// Prints a JSON summary and writes bench/results/compaction-<time>.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKafkaSession, spawnRivulet, memOf, duBytes } from './lib/brokers.js';
import { Conn, crc32c, parseProduce, produceBody } from './lib/raw.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opt = (n, d) => { const i = argv.indexOf(n); return i >= 0 ? argv[i + 1] : d; };
const REPS = Number(opt('--reps', 3));
const COMMITS = Number(opt('--commits', 1_000_000));
const ONLY = new Set(opt('--only', 'offsets,cleaner').split(','));
const KAFKA = !argv.includes('--no-kafka');
// --cpu-prof DIR: V8 CPU profiles of the Rivulet brokers of the latency runs (--cpu-prof-interval 100 µs)
const CPU_PROF = opt('--cpu-prof', null);
// --cleaner on|off|both (default both): which of the latency runs to do
const CLEANER_RUNS = { on: [true], off: [false], both: [true, false] }[opt('--cleaner', 'both')];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error('[compaction]', ...a);

// ---- wire encoding (non-flexible versions Kafka 4.x and Rivulet both serve) ----
const str = (s) => { const b = Buffer.from(s); const h = Buffer.alloc(2); h.writeInt16BE(b.length); return Buffer.concat([h, b]); };
const i8 = (v) => Buffer.from([v & 0xff]);
const i16 = (v) => { const b = Buffer.alloc(2); b.writeInt16BE(v); return b; };
const i32 = (v) => { const b = Buffer.alloc(4); b.writeInt32BE(v); return b; };
const i64 = (v) => { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(v)); return b; };
function varint(n) { let v = (n << 1) ^ (n >> 31); const out = []; while ((v & ~0x7f) !== 0) { out.push((v & 0x7f) | 0x80); v >>>= 7; } out.push(v); return Buffer.from(out); }

/** CreateTopics v4, one topic with configs. */
async function createTopic(conn, name, partitions, configs = {}) {
  const cfg = Object.entries(configs);
  const body = Buffer.concat([i32(1), str(name), i32(partitions), i16(1), i32(0), i32(cfg.length), ...cfg.flatMap(([k, v]) => [str(k), str(String(v))]), i32(30000), i8(0)]);
  const r = await conn.send(19, 4, body);
  const code = r.readInt16BE(4 + 4 + 2 + name.length);
  if (code !== 0 && code !== 36) throw new Error(`CreateTopics ${name}: error ${code}`);
}

/** A v2 batch of keyed records (uncompressed). */
function keyedBatch(entries, ts = Date.now()) {
  const recs = Buffer.concat(entries.map(([k, v], i) => {
    const body = Buffer.concat([i8(0), varint(0), varint(i), varint(k.length), k, varint(v.length), v, varint(0)]);
    return Buffer.concat([varint(body.length), body]);
  }));
  const head = Buffer.alloc(61);
  head.writeInt32BE(49 + recs.length, 8); head.writeInt32BE(-1, 12); head.writeInt8(2, 16);
  head.writeInt32BE(entries.length - 1, 23); head.writeBigInt64BE(BigInt(ts), 27); head.writeBigInt64BE(BigInt(ts), 35);
  head.writeBigInt64BE(-1n, 43); head.writeInt16BE(-1, 51); head.writeInt32BE(-1, 53); head.writeInt32BE(entries.length, 57);
  const batch = Buffer.concat([head, recs]);
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
  return batch;
}

/** OffsetCommit v2 (simple commit, generation -1) of `offsets` for partitions 0..n-1 of a topic. */
function offsetCommitBody(group, topic, offsets) {
  return Buffer.concat([str(group), i32(-1), str(''), i64(-1), i32(1), str(topic), i32(offsets.length),
    ...offsets.flatMap((o, p) => [i32(p), i64(o), str('')])]);
}

function checkCommit(body) {
  let at = 4 + 2 + body.readInt16BE(4) + 4; // topics, name, partitions
  for (let n = body.readInt32BE(at - 4); n > 0; n--, at += 6) if (body.readInt16BE(at + 4) !== 0) throw new Error(`OffsetCommit error ${body.readInt16BE(at + 4)}`);
}

// ---- (a) offsets ----
const GROUPS = 100;
const PARTS = 10;

async function commitMany(conn, total) {
  const requests = Math.ceil(total / PARTS);
  let inFlight = [];
  for (let i = 0; i < requests; i++) {
    const g = i % GROUPS;
    const round = Math.floor(i / GROUPS);
    inFlight.push(conn.send(8, 2, offsetCommitBody(`group-${g}`, 'committed', Array.from({ length: PARTS }, (_, p) => round * PARTS + p))).then(checkCommit));
    if (inFlight.length >= 64) { await Promise.all(inFlight); inFlight = []; }
  }
  await Promise.all(inFlight);
}

function rivuletPasses(logFile, logName) {
  let text = '';
  try { text = fs.readFileSync(logFile, 'utf8'); } catch { return []; }
  return text.split('\n').filter((l) => l.includes('"cleaned log"') && (!logName || l.includes(`"${logName}"`))).map((l) => JSON.parse(l));
}

async function offsetsCase(label, total, cleaner) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-bench-compaction-'));
  const logFile = path.join(dir, 'rivulet.log');
  const dataDir = path.join(dir, 'data');
  const extraArgs = ['--override', 'offsets.topic.segment.bytes=1048576', '--override', 'log.cleaner.backoff.ms=1000', '--override', `log.cleaner.enable=${cleaner}`];
  try {
    let b = await spawnRivulet({ dataDir, extraArgs, logFile });
    const conn = await Conn.connect(b.host, b.port);
    await createTopic(conn, 'committed', PARTS);
    const t0 = performance.now();
    await commitMany(conn, total);
    const commitMs = performance.now() - t0;
    conn.close();
    const offsetsDir = path.join(dataDir, '__consumer_offsets-0');
    // Let the cleaner finish: until a pass has run and the log's size has not moved for 3 s (bounded).
    const deadline = Date.now() + 180_000;
    for (let last = -1, stableSince = Date.now(); cleaner && Date.now() < deadline; await sleep(250)) {
      const size = duBytes(offsetsDir);
      if (size !== last) { last = size; stableSince = Date.now(); }
      const sealed = fs.readdirSync(offsetsDir).filter((f) => f.endsWith('.log')).length > 1; // else nothing is cleanable
      if ((!sealed || rivuletPasses(logFile, '__consumer_offsets-0').length > 0) && Date.now() - stableSince > 3000) break;
    }
    const offsetsBytes = duBytes(offsetsDir);
    await b.stop();
    const restarts = [];
    for (let i = 0; i < REPS; i++) {
      b = await spawnRivulet({ dataDir, extraArgs, logFile });
      restarts.push({ startMs: +b.readyMs.toFixed(1), rssMiB: memOf(b.pid)?.rssMiB });
      await b.stop();
    }
    const passes = rivuletPasses(logFile, '__consumer_offsets-0');
    return { label, commits: total, cleaner, commitMs: Math.round(commitMs), offsetsBytes, passes: passes.length, restarts };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---- (b)/(c) produce latency while the cleaner works ----
const WINDOW_MS = 20_000;
const WARMUP_MS = 5_000;
const WRITER_BATCH = 512 * 1024;
const WRITER_EVERY_MS = 100; // 5 MB/s

/** Produces one record until the partition accepts it (retriable errors while a leader is elected), ≤ 30 s. */
async function awaitWritable(conn, topic) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const code = parseProduce(await conn.send(0, 3, produceBody([{ topic, partition: 0, batch: keyedBatch([[Buffer.from('warmup'), Buffer.alloc(1)]]) }], -1)))[0].errorCode;
    if (code === 0) return;
    if (Date.now() > deadline) throw new Error(`${topic}: produce error ${code} for 30 s after creating it`);
    await sleep(100);
  }
}

async function latencyCase(broker, cleaner) {
  const [host, port] = broker.bootstrap.split(':');
  const conn = await Conn.connect(host, Number(port));
  const probeConn = await Conn.connect(host, Number(port));
  await createTopic(conn, 'cleanme', 1, { 'cleanup.policy': 'compact', 'segment.bytes': 4194304, 'min.cleanable.dirty.ratio': 0.1 });
  await createTopic(conn, 'probe', 1);
  // Kafka elects the new partitions' leader asynchronously (a fixed 500 ms wait was not enough
  // under load: NOT_LEADER_OR_FOLLOWER on the first probe): produce until both topics accept
  await awaitWritable(conn, 'cleanme');
  await awaitWritable(conn, 'probe');
  const value = Buffer.alloc(200, 'v');
  let stop = false;
  let written = 0;
  let k = 0;
  const writer = (async () => {
    for (let next = performance.now(); !stop; next += WRITER_EVERY_MS) {
      const entries = [];
      for (let n = 0; n < WRITER_BATCH / 230; n++) entries.push([Buffer.from(`key-${k++ % 20000}`), value]);
      const res = parseProduce(await conn.send(0, 3, produceBody([{ topic: 'cleanme', partition: 0, batch: keyedBatch(entries) }], 1)));
      if (res[0].errorCode !== 0) throw new Error(`writer: error ${res[0].errorCode}`);
      written += entries.length;
      const wait = next + WRITER_EVERY_MS - performance.now();
      if (wait > 0) await sleep(wait);
    }
  })();
  const lat = [];
  const start = performance.now();
  const probes = [];
  for (let i = 0; performance.now() - start < WARMUP_MS + WINDOW_MS; i++) {
    const sent = performance.now();
    const measured = sent - start >= WARMUP_MS;
    probes.push(probeConn.send(0, 3, produceBody([{ topic: 'probe', partition: 0, batch: keyedBatch([[Buffer.from('p'), Buffer.alloc(100)]]) }], -1)).then((b) => {
      const code = parseProduce(b)[0].errorCode;
      if (code !== 0) throw new Error(`probe: produce error ${code}`);
      if (measured) lat.push(performance.now() - sent);
    }));
    const wait = start + (i + 1) * 10 - performance.now();
    if (wait > 0) await sleep(wait);
  }
  await Promise.all(probes);
  stop = true;
  await writer;
  conn.close();
  probeConn.close();
  lat.sort((a, b) => a - b);
  const q = (p) => +lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(2);
  return { cleaner, probes: lat.length, p50: q(0.5), p99: q(0.99), max: +lat[lat.length - 1].toFixed(2), writtenMB: +(written * 230 / 1048576).toFixed(1) };
}

async function rivuletLatency(cleaner) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-bench-compaction-'));
  const logFile = path.join(dir, 'rivulet.log');
  try {
    const nodeArgs = CPU_PROF ? ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', path.resolve(CPU_PROF), '--cpu-prof-name', `rivulet-cleaner-${cleaner ? 'on' : 'off'}-${Date.now()}.cpuprofile`] : [];
    const b = await spawnRivulet({ dataDir: path.join(dir, 'data'), logFile, nodeArgs, extraArgs: ['--override', `log.cleaner.enable=${cleaner}`, '--override', 'log.cleaner.backoff.ms=1000'] });
    try {
      const r = await latencyCase(b, cleaner);
      const mem = memOf(b.pid); // with the cleaner on, its worker thread's memory is part of it
      const passes = rivuletPasses(logFile, 'cleanme-0');
      return { broker: 'rivulet', ...r, rssMiB: mem?.rssMiB, hwmMiB: mem?.hwmMiB, startMs: b.readyMs === undefined ? undefined : +b.readyMs.toFixed(1), passes: passes.length, cleanedMB: +(passes.reduce((n, p) => n + p.readBytes, 0) / 1048576).toFixed(1), mbPerSec: passes.map((p) => p.mbPerSec), swapMaxMs: passes.map((p) => p.swapMaxMs ?? null) };
    } finally { await b.stop(); }
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
}

async function kafkaLatency(cleaner) {
  const k = await startKafkaSession({ props: { 'log.cleaner.enable': cleaner, 'log.cleaner.backoff.ms': 1000 }, logLevel: 'INFO' });
  try {
    const r = await latencyCase(k, cleaner);
    let text = '';
    for (const f of fs.readdirSync(k.raw.dir)) if (f.endsWith('.log') || f.endsWith('.out')) text += fs.readFileSync(path.join(k.raw.dir, f), 'utf8');
    const stats = [...text.matchAll(/([\d.,]+) MB of log processed in ([\d.,]+) seconds \(([\d.,]+) MB\/sec\)/g)];
    return { broker: 'kafka', version: k.version, ...r, passes: stats.length, cleanedMB: +stats.reduce((n, m) => n + Number(m[1].replace(/,/g, '')), 0).toFixed(1), mbPerSec: stats.map((m) => Number(m[3].replace(/,/g, ''))) };
  } finally { await k.stop(); }
}

// ---- main ----
const out = { machine: { cpus: os.cpus().length, load: os.loadavg().map((x) => +x.toFixed(1)) }, reps: REPS, offsets: [], latency: [] };
if (ONLY.has('offsets')) {
  out.offsets.push(await offsetsCase('1M commits, cleaner on', COMMITS, true));
  log(JSON.stringify(out.offsets.at(-1)));
  out.offsets.push(await offsetsCase('live commits only', GROUPS * PARTS, true));
  log(JSON.stringify(out.offsets.at(-1)));
  out.offsets.push(await offsetsCase('1M commits, cleaner off', COMMITS, false));
  log(JSON.stringify(out.offsets.at(-1)));
}
if (ONLY.has('cleaner')) {
  for (let i = 0; i < REPS; i++) {
    for (const cleaner of CLEANER_RUNS) {
      out.latency.push(await rivuletLatency(cleaner));
      log(JSON.stringify(out.latency.at(-1)));
      if (KAFKA) { out.latency.push(await kafkaLatency(cleaner)); log(JSON.stringify(out.latency.at(-1))); }
    }
  }
}
out.loadAfter = os.loadavg().map((x) => +x.toFixed(1));
const file = path.join(here, 'results', `compaction-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
fs.writeFileSync(file, JSON.stringify(out, null, 2));
console.log(JSON.stringify(out, null, 2));
log(`wrote ${file}`);
