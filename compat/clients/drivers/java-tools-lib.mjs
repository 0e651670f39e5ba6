// Helpers for the java-tools driver: the scenario harness (one JSON line per scenario on stdout),
// launching the Kafka tools as JVMs (with a per-tool class-data-sharing archive cached in
// compat/.cache/, which takes ~0.7 s off every start), and parsers for the tools' output.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

// ---------------------------------------------------------------------------------------------
// scenario harness

export class Fail extends Error {
  constructor(message, expected, got) {
    super(message);
    this.expected = expected;
    this.got = got;
  }
}
export class Skip extends Error {}

export function check(cond, message, expected, got) {
  if (!cond) throw new Fail(message, expected, got);
}
export function checkEq(what, expected, got) {
  if (!isDeepStrictEqual(expected, got)) throw new Fail(`${what}: expected ${short(expected)}, got ${short(got)}`, expected, got);
}
export const short = (v, n = 300) => {
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > n ? `${s.slice(0, n)}…` : s;
};
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const log = (msg) => process.stderr.write(`[${new Date().toISOString().slice(11, 23)}] ${msg}\n`);

const wanted = (process.env.COMPAT_SCENARIO ?? '').split(',').map((s) => s.trim()).filter(Boolean);
export const selected = (name) => wanted.length === 0 || wanted.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));

/** Run scenarios with at most `concurrency` at a time; print one JSON line per scenario. */
export async function runScenarios(list, { concurrency = 1 } = {}) {
  const todo = list.filter(([name]) => selected(name));
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const [name, fn] = todo[next++];
      await runOne(name, fn);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
}

async function runOne(name, fn) {
  const t0 = performance.now();
  const s = { observed: {}, name };
  log(`--- ${name}: start`);
  let out;
  try {
    const message = await fn(s);
    out = { scenario: name, status: 'pass', message: message ?? 'ok' };
  } catch (e) {
    if (e instanceof Skip) out = { scenario: name, status: 'skip', message: e.message };
    else if (e instanceof Fail) out = { scenario: name, status: 'fail', message: e.message, expected: e.expected, got: e.got };
    else out = { scenario: name, status: 'fail', message: `driver error: ${e?.stack?.split('\n').slice(0, 4).join(' | ') ?? e}` };
  }
  if (Object.keys(s.observed).length) out.observed = s.observed;
  out.ms = Math.round(performance.now() - t0);
  log(`--- ${name}: ${out.status} in ${out.ms} ms${out.status === 'pass' ? '' : `: ${out.message}`}`);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** A lazily computed, shared value (a fixture several scenarios use). */
export function once(fn) {
  let p;
  return () => (p ??= fn().catch((e) => { throw new Fail(`fixture failed: ${e.message}`, e.expected, e.got); }));
}

// ---------------------------------------------------------------------------------------------
// JVM launcher

const libs = process.env.KAFKA_LIBS;
const version = process.env.KAFKA_TOOLS_VERSION ?? 'unknown';
const cacheDir = process.env.COMPAT_CACHE ?? path.join(os.tmpdir(), 'rivulet-compat-cache');
const cdsDir = path.join(cacheDir, 'java-tools-cds', `${version}-${process.env.JAVA_CDS_KEY ?? 'jdk'}`);
export const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'compat-java-tools-'));
process.on('exit', () => { try { fs.rmSync(workDir, { recursive: true, force: true }); } catch { /* ignore */ } });
const log4j = path.join(workDir, 'log4j2.properties');
fs.writeFileSync(log4j, [
  'status = error',
  'appender.err.type = Console',
  'appender.err.name = err',
  'appender.err.target = SYSTEM_ERR',
  'appender.err.layout.type = PatternLayout',
  'appender.err.layout.pattern = [%d] %p %m (%c)%n',
  'rootLogger.level = ERROR',
  'rootLogger.appenderRef.err.ref = err',
  '',
].join('\n'));
fs.mkdirSync(cdsDir, { recursive: true });
const dumping = new Set();
const dumpTries = new Map();
const children = new Set();
process.on('exit', () => { for (const c of children) try { c.kill('SIGKILL'); } catch { /* gone */ } });

export const MAIN = {
  topics: 'org.apache.kafka.tools.TopicCommand',
  producer: 'org.apache.kafka.tools.ConsoleProducer',
  consumer: 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  groups: 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  configs: 'org.apache.kafka.tools.ConfigCommand', // kafka.admin.ConfigCommand until Kafka 4.1
  features: 'org.apache.kafka.tools.FeatureCommand',
  offsets: 'org.apache.kafka.tools.GetOffsetShell',
  deleteRecords: 'org.apache.kafka.tools.DeleteRecordsCommand',
  perfProducer: 'org.apache.kafka.tools.ProducerPerformance',
  perfConsumer: 'org.apache.kafka.tools.ConsumerPerformance',
  txnCopier: 'org.apache.kafka.tools.TransactionalMessageCopier',
  transactions: 'org.apache.kafka.tools.TransactionsCommand',
};

function jvmArgs(main) {
  const base = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xmx512m', '-Xlog:disable', '-Xlog:all=error:stderr',
    '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${log4j}`];
  const jsa = path.join(cdsDir, `${main}.jsa`);
  if (fs.existsSync(jsa)) return { args: [...base, `-XX:SharedArchiveFile=${jsa}`] };
  if (dumping.has(main) || (dumpTries.get(main) ?? 0) >= 2) return { args: base };
  dumping.add(main);
  dumpTries.set(main, (dumpTries.get(main) ?? 0) + 1);
  const tmp = `${jsa}.${process.pid}.tmp`;
  return {
    args: [...base, `-XX:ArchiveClassesAtExit=${tmp}`],
    after: () => {
      dumping.delete(main);
      try { if (fs.statSync(tmp).size > 0) fs.renameSync(tmp, jsa); } catch { /* no archive: next run tries again */ }
      try { fs.rmSync(tmp, { force: true }); } catch { /* ignore */ }
    },
  };
}

/**
 * Start a Kafka tool. Returns { child, lines (stdout lines so far), done: Promise<{code, signal,
 * out, err, ms}>, stop() (SIGTERM, then SIGKILL after 10 s) }.
 */
export function startTool(main, args, { input, timeoutMs = 90_000, label } = {}) {
  const { args: jvm, after } = jvmArgs(main);
  const t0 = performance.now();
  const short = main.split('.').pop();
  log(`$ ${short} ${args.join(' ')}`);
  const child = spawn('java', [...jvm, '-cp', `${libs}/*`, main, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  const lines = [];
  let partial = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    out += d;
    partial += d;
    let i;
    while ((i = partial.indexOf('\n')) >= 0) { lines.push(partial.slice(0, i)); partial = partial.slice(i + 1); }
  });
  child.stderr.on('data', (d) => { err += d; });
  child.stdin.on('error', () => {});
  if (input !== undefined) child.stdin.end(input);
  else child.stdin.end();
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
  const done = new Promise((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      after?.();
      if (partial) lines.push(partial);
      const ms = Math.round(performance.now() - t0);
      log(`  ${label ?? short} exit ${code ?? signal} in ${ms} ms${err.trim() ? `; stderr: ${err.trim().slice(0, 1500)}` : ''}`);
      resolve({ code, signal, out, err, ms, timedOut });
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return done;
    child.kill('SIGTERM');
    const res = await Promise.race([done, sleep(10_000).then(() => null)]);
    if (!res) child.kill('SIGKILL');
    return done;
  };
  return { child, lines, done, stop };
}

/** Run a tool to completion. Throws a Fail if it exits non-zero (unless allowFail). */
export async function tool(main, args, opts = {}) {
  const res = await startTool(main, args, opts).done;
  if (res.timedOut) throw new Fail(`${main.split('.').pop()} ${args.join(' ')} timed out after ${opts.timeoutMs ?? 90_000} ms`, 'exit', 'timeout');
  if (!opts.allowFail && res.code !== 0) {
    throw new Fail(`${main.split('.').pop()} ${args.join(' ')} exited with ${res.code ?? res.signal}: ${errorText(res) || res.out.trim().slice(-500)}`, 'exit code 0', res.code ?? res.signal);
  }
  return res;
}

/** The interesting part of a tool's error output: the exception or "Error..." lines. */
export function errorText(res) {
  const lines = `${res.err}\n${res.out}`.split('\n').map((l) => l.trim()).filter(Boolean);
  const pick = lines.filter((l) => /Error|Exception|error:/i.test(l) && !/^\s*at /.test(l));
  return (pick.length ? pick : lines).slice(0, 4).join(' / ').slice(0, 800);
}

/** The exception class names (simple names) mentioned in a tool's output. */
export function exceptionNames(res) {
  const names = new Set();
  for (const m of `${res.err}\n${res.out}`.matchAll(/\b(?:[a-z0-9_]+\.)*([A-Z][A-Za-z0-9]*(?:Exception|Error))\b/g)) {
    if (!['ExecutionException', 'CompletionException'].includes(m[1])) names.add(m[1]);
  }
  return [...names].sort();
}

// ---------------------------------------------------------------------------------------------
// data and parsers

/** n keyed records with two headers each; keys repeat (10 keys) so ordering per key is tested. */
export function makeRecords(tag, n = 30, from = 0) {
  return Array.from({ length: n }, (_, j) => {
    const i = from + j;
    return {
      key: `key-${i % 10}`,
      value: `${tag} value ${i} ${'lorem ipsum '.repeat(8)}é✓`,
      headers: [['trace', `t-${tag}-${i}`], ['source', 'compat']],
    };
  });
}

/** Lines for kafka-console-producer with parse.headers and parse.key (tab delimited). */
export function producerInput(records) {
  return records.map((r) => `${r.headers.map(([k, v]) => `${k}:${v}`).join(',')}\t${r.key}\t${r.value}\n`).join('');
}

/** Parse console-consumer lines printed with print.timestamp/partition/offset/headers/key. */
export function parseConsumed(lines) {
  const recs = [];
  for (const line of lines) {
    const f = line.split('\t');
    if (f.length < 6 || !f[1].startsWith('Partition:')) continue;
    const [tsType] = f[0].split(':');
    const headers = f[3] === 'NO_HEADERS' ? [] : f[3].split(',').map((h) => { const i = h.indexOf(':'); return [h.slice(0, i), h.slice(i + 1)]; });
    recs.push({
      timestampType: tsType,
      timestamp: Number(f[0].split(':')[1]),
      partition: Number(f[1].slice('Partition:'.length)),
      offset: Number(f[2].slice('Offset:'.length)),
      headers,
      key: f[4],
      value: f.slice(5).join('\t'),
    });
  }
  return recs;
}

/**
 * Check that `consumed` holds every produced record exactly once, with its key and headers, in
 * production order within each partition, one partition per key. Returns a summary.
 */
export function verifyRecords(produced, consumed, what = 'consumed records') {
  const byValue = new Map(produced.map((r, i) => [r.value, { r, i }]));
  const seen = new Map();
  for (const c of consumed) {
    const p = byValue.get(c.value);
    if (!p) throw new Fail(`${what}: got a record that was not produced (partition ${c.partition} offset ${c.offset})`, 'only produced values', c.value);
    if (seen.has(c.value)) throw new Fail(`${what}: record ${p.i} delivered twice (partition ${c.partition} offsets ${seen.get(c.value).offset} and ${c.offset})`, 'each record once', `${c.value} twice`);
    seen.set(c.value, c);
    if (c.key !== p.r.key) throw new Fail(`${what}: record ${p.i} has key ${short(c.key)}`, p.r.key, c.key);
    if (!isDeepStrictEqual(c.headers, p.r.headers)) throw new Fail(`${what}: record ${p.i} has headers ${short(c.headers)}`, p.r.headers, c.headers);
  }
  const missing = produced.map((r, i) => (seen.has(r.value) ? null : i)).filter((i) => i !== null);
  if (missing.length) throw new Fail(`${what}: ${missing.length} of ${produced.length} records missing (indexes ${missing.slice(0, 10).join(',')})`, produced.length, consumed.length);
  const keyPartition = new Map();
  const parts = {};
  for (const c of consumed) {
    if (keyPartition.has(c.key) && keyPartition.get(c.key) !== c.partition) throw new Fail(`${what}: key ${c.key} is in partitions ${keyPartition.get(c.key)} and ${c.partition}`, 'one partition per key', [keyPartition.get(c.key), c.partition]);
    keyPartition.set(c.key, c.partition);
    (parts[c.partition] ??= []).push(c);
  }
  const layout = {};
  for (const [p, list] of Object.entries(parts)) {
    list.sort((a, b) => a.offset - b.offset);
    for (let k = 1; k < list.length; k++) {
      if (list[k].offset === list[k - 1].offset) throw new Fail(`${what}: partition ${p} has offset ${list[k].offset} twice`, 'distinct offsets', list[k].offset);
      if (byValue.get(list[k].value).i < byValue.get(list[k - 1].value).i) {
        throw new Fail(`${what}: partition ${p} is out of production order at offset ${list[k].offset}`, 'production order', list.map((c) => byValue.get(c.value).i));
      }
    }
    layout[p] = { count: list.length, first: list[0].offset, last: list[list.length - 1].offset };
  }
  return { layout, timestampTypes: [...new Set(consumed.map((c) => c.timestampType))].sort() };
}

/** GetOffsetShell output "topic:partition:offset" lines → { partition: offset }. */
export function parseOffsets(out, topic) {
  const m = {};
  for (const line of out.split('\n')) {
    const t = line.trim();
    if (!t.startsWith(`${topic}:`)) continue;
    const [p, o] = t.slice(topic.length + 1).split(':');
    m[p] = Number(o);
  }
  return m;
}

/** A whitespace-aligned table printed by kafka-consumer-groups: rows after a header starting with `first`. */
export function parseTable(out, first = 'GROUP') {
  const rows = [];
  let header = null;
  for (const line of out.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    if (t.startsWith(`${first} `)) { header = t.replace('COORDINATOR (ID)', 'COORDINATOR-(ID)').split(/\s+/); continue; }
    if (header) rows.push(t.split(/\s+/));
  }
  return { header, rows };
}

/** kafka-consumer-groups --describe (offsets) → sorted [{ partition, current, logEnd, lag, member }]. */
export function parseGroupOffsets(out, topic) {
  const { rows } = parseTable(out);
  return rows.filter((r) => r[1] === topic).map((r) => ({
    partition: Number(r[2]),
    current: r[3] === '-' ? null : Number(r[3]),
    logEnd: r[4] === '-' ? null : Number(r[4]),
    lag: r[5] === '-' ? null : Number(r[5]),
    member: r[6] !== '-' && r[6] !== undefined,
  })).sort((a, b) => a.partition - b.partition);
}

/** kafka-consumer-groups --describe --state → { coordinatorId, strategy, state, members }. */
export function parseGroupState(out, group) {
  const { rows } = parseTable(out);
  const r = rows.find((x) => x[0] === group);
  if (!r) return null;
  // GROUP COORDINATOR (ID) ASSIGNMENT-STRATEGY STATE #MEMBERS: the coordinator is "host:port  (id)"
  return { coordinatorId: r[2]?.replace(/[()]/g, ''), strategy: r[3], state: r[4], members: Number(r[5]) };
}

/** kafka-consumer-groups --reset-offsets output → { partition: newOffset }. */
export function parseResetOutput(out, topic) {
  const { rows } = parseTable(out);
  const m = {};
  for (const r of rows) if (r[1] === topic) m[r[2]] = Number(r[3]);
  return m;
}

/** kafka-configs --describe output → { name: { value, sensitive, synonyms: [source...] } }. */
export function parseConfigs(out) {
  const m = {};
  for (const line of out.split('\n')) {
    const x = /^\s+([A-Za-z0-9._-]+)=(.*?) sensitive=(true|false) synonyms=\{(.*)\}\s*$/.exec(line);
    if (!x) continue;
    const synonyms = x[4] ? x[4].split(/, (?=[A-Z_]+:)/).map((s) => s.split(':')[0]) : [];
    m[x[1]] = { value: x[2], sensitive: x[3] === 'true', synonyms };
  }
  return m;
}

/** kafka-topics --describe output → { topic: { partitionCount, replicationFactor, configs, partitions } }. */
export function parseTopicDescribe(out) {
  const topics = {};
  for (const line of out.split('\n')) {
    if (!line.trim()) continue;
    const fields = {};
    for (const part of line.trim().split('\t')) {
      const i = part.indexOf(':');
      if (i > 0) fields[part.slice(0, i).trim()] = part.slice(i + 1).trim();
    }
    if (!fields.Topic) continue;
    const t = (topics[fields.Topic] ??= { partitions: [] });
    if ('PartitionCount' in fields) {
      t.partitionCount = Number(fields.PartitionCount);
      t.replicationFactor = Number(fields.ReplicationFactor);
      t.hasTopicId = !!fields.TopicId && fields.TopicId !== 'AAAAAAAAAAAAAAAAAAAAAA';
      t.configs = Object.fromEntries((fields.Configs ?? '').split(',').filter(Boolean).map((kv) => { const j = kv.indexOf('='); return [kv.slice(0, j), kv.slice(j + 1)]; }));
    } else if ('Partition' in fields) {
      t.partitions.push({ partition: Number(fields.Partition), leader: fields.Leader, replicas: fields.Replicas, isr: fields.Isr });
    }
  }
  return topics;
}

export const sum = (obj) => Object.values(obj).reduce((a, b) => a + b, 0);
