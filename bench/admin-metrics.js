#!/usr/bin/env node
// The cost of the admin port and /metrics (issue 14): in one run, on this machine,
//   1. start-up (spawn to the ready line) and idle RSS of the CLI with the admin port off, on, and
//      (with --baseline DIST) of another build, e.g. main before the admin port existed;
//   2. produce and fetch throughput (Kafka's ProducerPerformance / ConsumerPerformance, 1 KiB
//      records) and the broker's CPU per MiB, with the admin port off, on, and on while scraped
//      every second as Prometheus would. The order flips every round so load drifts hit all alike.
// Writes its Markdown section into bench/RESULTS.md ("Admin port and metrics", replacing the last
// one; --print-only just prints it) and the raw numbers to bench/results/admin-metrics-latest.json.
//
//   node bench/admin-metrics.js [--rounds 5] [--records 300000] [--startups 10] [--baseline /work/main/dist]
// KAFKA_LIBS=dir skips compat/lib/kafka-libs.sh (a directory of Kafka 4.x jars).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { kafkaLibsDir, toolsLog4jConfig } from '../compat/lib/kafka-broker.mjs';
import { listeningPorts, memOf, ROOT, spawnRivulet } from './lib/brokers.js';
import { consumerPerf, initJava, producerPerf } from './lib/java.js';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const ROUNDS = Number(opt('rounds', 5));
const RECORDS = Number(opt('records', 300000));
const STARTUPS = Number(opt('startups', 10));
const BASELINE = opt('baseline', null);
const SIZE = 1024;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const range = (xs) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
const idle = (ms) => new Promise((r) => setTimeout(r, ms));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-admin-bench-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const variants = [
  { name: 'admin port off', cli: path.join(ROOT, 'dist/bundle/cli.mjs'), args: [] },
  { name: 'admin port on', cli: path.join(ROOT, 'dist/bundle/cli.mjs'), args: ['--admin-port', '0'] },
];
// Throughput: counting alone, and counting plus a scrape every second.
const loads = [
  { name: 'admin port off', args: [], scrape: false },
  { name: 'on, not scraped', args: ['--admin-port', '0'], scrape: false },
  { name: 'on, scraped every 1 s', args: ['--admin-port', '0'], scrape: true },
];
if (BASELINE) variants.push({ name: `baseline (${BASELINE})`, cli: path.join(BASELINE, 'bundle/cli.mjs'), args: [] });

async function startups() {
  const out = Object.fromEntries(variants.map((v) => [v.name, { readyMs: [], rssMiB: [] }]));
  for (let i = 0; i < STARTUPS; i++) {
    for (const v of variants) {
      const b = await spawnRivulet({ memory: true, cli: v.cli, extraArgs: [...v.args, '--log-level', 'warn'] });
      await idle(1500); // idle RSS: after start-up work and its garbage settle
      out[v.name].readyMs.push(b.readyMs);
      out[v.name].rssMiB.push(memOf(b.pid).rssMiB);
      await b.stop();
    }
  }
  return out;
}

// user + system CPU seconds a process has used (/proc/PID/stat fields 14 and 15, in clock ticks of 1/100 s).
function cpuSecondsOf(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

// Scrapes /metrics every second, as a Prometheus with scrape_interval 1s would.
function scraper(url) {
  let n = 0;
  let failures = 0;
  const timer = setInterval(() => {
    fetch(`${url}/metrics`).then((r) => r.text()).then(() => n++, () => failures++);
  }, 1000);
  return { stop: () => (clearInterval(timer), { scrapes: n, failures }) };
}

async function throughput() {
  const libs = process.env.KAFKA_LIBS ?? kafkaLibsDir();
  initJava({ libsDir: libs, log4jFile: toolsLog4jConfig(tmp) });
  const runs = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? loads : [...loads].reverse();
    for (const v of order) {
      const dataDir = fs.mkdtempSync(path.join(tmp, 'data-'));
      const args = [...v.args, '--log-level', 'warn', '--override', 'num.partitions=1'];
      const b = await spawnRivulet({ dataDir, cli: path.join(ROOT, 'dist/bundle/cli.mjs'), extraArgs: args });
      const adminPort = v.scrape ? listeningPorts(b.pid).find((p) => p !== b.port) : undefined;
      const adminUrl = adminPort ? `http://127.0.0.1:${adminPort}` : null;
      if (v.scrape && !adminUrl) throw new Error('no admin port found');
      const s = v.scrape ? scraper(adminUrl) : null;
      const cpuBefore = cpuSecondsOf(b.pid);
      const topic = `bench-${round}`;
      const p = await producerPerf({ bootstrap: b.bootstrap, topic, records: RECORDS, size: SIZE, acks: '1', timeoutMs: 300000 });
      const c = await consumerPerf({ bootstrap: b.bootstrap, topic, messages: RECORDS, group: `g-${round}`, timeoutMs: 300000 });
      const scrapes = s?.stop() ?? null;
      // Broker CPU per MiB moved: much less sensitive to other load than wall-clock throughput.
      const cpuSec = cpuSecondsOf(b.pid) - cpuBefore;
      await b.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (!p.ok || !c.ok) throw new Error(`round ${round} ${v.name}: ${p.error ?? c.error}`);
      const mib = (2 * RECORDS * SIZE) / 1048576; // produced once, fetched once
      runs.push({ round, variant: v.name, produceMiBs: p.mibPerSec, fetchMiBs: c.fetchMibPerSec, produceP99Ms: p.p99Ms, cpuSec, cpuMsPerMiB: (cpuSec * 1000) / mib, scrapes });
      console.error(`round ${round + 1}/${ROUNDS} ${v.name}: produce ${p.mibPerSec} MiB/s, fetch ${c.fetchMibPerSec} MiB/s${scrapes ? `, ${scrapes.scrapes} scrapes` : ''}`);
    }
  }
  return runs;
}

function report(start, runs, meta, counting) {
  const lines = [
    '## Admin port and metrics',
    '',
    `Generated by \`${['node bench/admin-metrics.js', ...argv].join(' ')}\` at ${meta.finished} (${meta.cpus}; load average ${meta.loadBefore} → ${meta.loadAfter}; Node ${process.version}; other test runs shared the machine). Medians, ranges in parentheses.`,
    '',
    `Counting on the request path, measured in-process (median of 5 × 2 million calls): ${counting.requestNs.toFixed(1)} ns per request (the call in connection.ts), ${counting.producedNs.toFixed(1)} ns per produced partition, ${counting.fetchedNs.toFixed(1)} ns per fetched partition. At 1 KiB records in 16 KiB batches a MiB takes about 64 Produce requests, so counting costs some ${((64 * (counting.requestNs + counting.producedNs)) / 1000).toFixed(1)} µs of CPU per MiB produced.`,
    '',
    `Start-up (spawn to the ready line, \`--memory\`) and idle RSS 1.5 s later, ${STARTUPS} starts each, interleaved:`,
    '',
    '| Build | Start-up ms | Idle RSS MiB |',
    '|---|---|---|',
    ...Object.entries(start).map(([name, r]) => `| ${name} | ${median(r.readyMs).toFixed(1)} (${range(r.readyMs)}) | ${median(r.rssMiB).toFixed(1)} (${range(r.rssMiB)}) |`),
    '',
  ];
  if (runs.length) {
    const by = (name, k) => runs.filter((r) => r.variant === name).map((r) => r[k]);
    const off = loads[0].name;
    const ratio = (n, k) => (median(by(n, k)) / median(by(off, k))).toFixed(3);
    lines.push(
      `Throughput, ${ROUNDS} rounds, the three brokers in turn (order reversed every other round), each a fresh broker (\`--data-dir\`, 1 partition): ProducerPerformance ${RECORDS.toLocaleString('en')} × ${SIZE} B records, acks=1, then ConsumerPerformance reading them back (its fetch MiB/s). Broker CPU is the user + system time the broker process used from before the produce to after the fetch, per MiB produced plus fetched: it is far less sensitive to other load on the machine than wall-clock rates. The scraped broker answered ${runs.filter((r) => r.scrapes).reduce((a, r) => a + r.scrapes.scrapes, 0)} scrapes (${runs.filter((r) => r.scrapes).reduce((a, r) => a + r.scrapes.failures, 0)} failed):`,
      '',
      '| Broker | Produce MiB/s | Produce p99 ms | Fetch MiB/s | Broker CPU ms per MiB (produce + fetch) |',
      '|---|---|---|---|---|',
      ...loads.map((l) => l.name).map((n) => `| ${n} | ${median(by(n, 'produceMiBs')).toFixed(1)} (${range(by(n, 'produceMiBs'))}) | ${median(by(n, 'produceP99Ms'))} (${range(by(n, 'produceP99Ms'))}) | ${median(by(n, 'fetchMiBs')).toFixed(1)} (${range(by(n, 'fetchMiBs'))}) | ${median(by(n, 'cpuMsPerMiB')).toFixed(2)} (${range(by(n, 'cpuMsPerMiB'))}) |`),
      ...loads.slice(1).map((l) => `| ${l.name} / off | ${ratio(l.name, 'produceMiBs')} | | ${ratio(l.name, 'fetchMiBs')} | ${ratio(l.name, 'cpuMsPerMiB')} |`),
      '',
    );
  }
  return lines.join('\n');
}

// The counting itself, in isolation: ns per call of what the request path runs while the admin
// port is on (the median of 5 timings of 2 million calls each, after a warm-up).
async function countingCost() {
  const { BrokerMetrics } = await import(path.join(ROOT, 'dist/src/metrics/broker-metrics.js'));
  const m = new BrokerMetrics();
  const time = (fn) => {
    const n = 2_000_000;
    for (let i = 0; i < 200_000; i++) fn(i);
    const out = [];
    for (let r = 0; r < 5; r++) {
      const t = process.hrtime.bigint();
      for (let i = 0; i < n; i++) fn(i);
      out.push(Number(process.hrtime.bigint() - t) / n);
    }
    return median(out);
  };
  return {
    requestNs: time((i) => m.request(i & 1 ? 0 : 1, 9, (i & 7) * 0.01, (i & 63) * 0.1)),
    producedNs: time((i) => m.produced(i & 1 ? 'topic-a' : 'topic-b', 0, 16, 16384)),
    fetchedNs: time((i) => m.fetched(i & 1 ? 'topic-a' : 'topic-b', 0, 65536)),
  };
}

const loadBefore = os.loadavg().map((x) => x.toFixed(2)).join(' ');
const counting = await countingCost();
const start = await startups();
const runs = argv.includes('--no-throughput') ? [] : await throughput();
const meta = { finished: new Date().toISOString(), cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}`, loadBefore, loadAfter: os.loadavg().map((x) => x.toFixed(2)).join(' ') };
fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench/results/admin-metrics-latest.json'), JSON.stringify({ meta, argv, counting, start, runs }, null, 2));
const section = report(start, runs, meta, counting);
console.log(section);
// Into bench/RESULTS.md, among the sections report.js keeps (below its marker): this run's section
// replaces the previous one.
if (!argv.includes('--print-only')) {
  const file = path.join(ROOT, 'bench/RESULTS.md');
  const text = fs.readFileSync(file, 'utf8');
  const at = text.indexOf('## Admin port and metrics');
  const next = at < 0 ? -1 : text.indexOf('\n## ', at + 1);
  const updated = at < 0 ? `${text.trimEnd()}\n\n${section}` : `${text.slice(0, at)}${section}${next < 0 ? '' : `\n${text.slice(next + 1)}`}`;
  fs.writeFileSync(file, updated.endsWith('\n') ? updated : `${updated}\n`);
}
