#!/usr/bin/env node
// Group benchmarks of issue 12, Rivulet vs Apache Kafka 4.4.0 in the same run (separate from
// run.js; never part of npm test):
//   npm run build && node bench/groups.js [--pairs 3] [--reps 3] [--only rebalance,share]
//                                         [--records 200000] [--size 1024] [--no-kafka] [--baseline DIST]
// rebalance: bench/java/GroupRebalance.java, 10 KafkaConsumers with group.protocol=consumer join
//   one group on a 60-partition topic (time until every partition is owned, evenly, and consumed
//   from), then one member leaves (time until its partitions are owned and consumed from by the
//   others). `--reps` fresh groups per broker session.
// share: bench/java/ShareThroughput.java, 4 KafkaShareConsumers (implicit acknowledgement) of a
//   fresh share group read a pre-filled 4-partition topic (--records of --size bytes); `--reps`
//   groups per session, each reading the whole topic.
// Each pair starts Rivulet (CLI, default config, fresh data dir), runs the workloads, stops it,
// then the same on Kafka (compat/lib/kafka-broker.mjs): one broker at a time on this 2-core
// machine. `--baseline DIST` adds a second Rivulet build (another checkout's dist/) to each pair,
// between the two, to measure a change. Prints medians and ranges as Markdown; raw numbers to
// bench/results/groups-<time>.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaLibsDir, toolsLog4jConfig } from '../compat/lib/kafka-broker.mjs';
import { startKafkaSession, startRivuletSession } from './lib/brokers.js';
import { run } from './lib/proc.js';
import { summarize } from './lib/stats.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opt = (n, d) => { const i = argv.indexOf(n); return i >= 0 ? argv[i + 1] : d; };
const PAIRS = Number(opt('--pairs', 3));
const REPS = Number(opt('--reps', 3));
const RECORDS = Number(opt('--records', 200000));
const SIZE = Number(opt('--size', 1024));
const ONLY = new Set(opt('--only', 'rebalance,share').split(','));
const BASELINE = opt('--baseline') && path.resolve(opt('--baseline'));
const BROKERS = ['rivulet', ...(BASELINE ? ['baseline'] : []), ...(argv.includes('--no-kafka') ? [] : ['kafka'])];
const log = (...a) => console.error('[groups]', ...a);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-bench-groups-'));
const libs = kafkaLibsDir();
const log4j = toolsLog4jConfig(tmp);

/** Runs a bench/java program with the source launcher; returns its JSON output lines. */
async function javaBench(file, args) {
  const cmd = [`-Dlog4j2.configurationFile=${log4j}`, '-cp', `${libs}/*`, path.join(here, 'java', file), ...args.map(String)];
  const res = await run('java', cmd, { timeoutMs: 900000 });
  const lines = res.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  if (res.code !== 0) throw new Error(`${file} exit ${res.code}${res.timedOut ? ' (timed out)' : ''}: ${(res.stderr + res.stdout).trim().split('\n').slice(-10).join('\n')}`);
  return lines;
}

// brokers.js takes the build from RIVULET_BENCH_DIST when it spawns the CLI.
async function startRivuletBuild(dist) {
  const saved = process.env.RIVULET_BENCH_DIST;
  if (dist) process.env.RIVULET_BENCH_DIST = dist;
  try {
    return await startRivuletSession(tmp);
  } finally {
    if (saved === undefined) delete process.env.RIVULET_BENCH_DIST;
    else process.env.RIVULET_BENCH_DIST = saved;
  }
}

const runs = [];
const started = new Date();
const loadStart = os.loadavg();
for (let pair = 0; pair < PAIRS; pair++) {
  for (const broker of BROKERS) {
    const b = broker === 'kafka' ? await startKafkaSession() : await startRivuletBuild(broker === 'baseline' ? BASELINE : undefined);
    log(`pair ${pair + 1}/${PAIRS}: ${broker} at ${b.bootstrap}`);
    try {
      if (ONLY.has('rebalance')) {
        try {
          for (const r of await javaBench('GroupRebalance.java', [b.bootstrap, REPS, 10, 60])) runs.push({ workload: 'rebalance', broker, pair, ...r });
        } catch (e) { log(`rebalance on ${broker} failed: ${e.message}`); runs.push({ workload: 'rebalance', broker, pair, error: e.message }); }
      }
      if (ONLY.has('share')) {
        try {
          for (const r of await javaBench('ShareThroughput.java', [b.bootstrap, RECORDS, SIZE, REPS])) runs.push({ workload: r.produce ? 'share-produce' : 'share', broker, pair, ...r });
        } catch (e) { log(`share on ${broker} failed: ${e.message}`); runs.push({ workload: 'share', broker, pair, error: e.message }); }
      }
    } finally {
      await b.stop();
    }
    log(JSON.stringify(runs.filter((r) => r.pair === pair && r.broker === broker)));
  }
}
fs.rmSync(tmp, { recursive: true, force: true });

const fmt = (s, d = 0) => (s ? `${s.median.toFixed(d)} (${s.min.toFixed(d)}–${s.max.toFixed(d)}, n=${s.n})` : 'n/a');
const stat = (workload, broker, key) => summarize(runs.filter((r) => r.workload === workload && r.broker === broker && !r.error).map((r) => r[key]));
const row = (workload, key, label, d = 0) => {
  const [riv, base, kaf] = ['rivulet', 'baseline', 'kafka'].map((b) => stat(workload, b, key));
  const ratio = riv && kaf && kaf.median ? `${(riv.median / kaf.median).toFixed(2)}x` : '';
  return `| ${label} | ${fmt(riv, d)} |${BASELINE ? ` ${fmt(base, d)} |` : ''} ${fmt(kaf, d)} | ${ratio} |`;
};
const out = [
  `Run ${started.toISOString()} → ${new Date().toISOString()}; load average at start ${loadStart.map((x) => x.toFixed(2)).join(' ')}, at end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}.`,
  `${PAIRS} pair(s) × ${REPS} repetition(s) per broker session; median (min–max, n).`,
  '',
  `| Measure | Rivulet |${BASELINE ? ' Rivulet baseline |' : ''} Kafka 4.4.0 | Rivulet / Kafka |`,
  `|---|---|${BASELINE ? '---|' : ''}---|---|`,
];
if (ONLY.has('rebalance')) {
  out.push(row('rebalance', 'joinAssignedMs', '10 members join: all 60 partitions assigned evenly (ms)'));
  out.push(row('rebalance', 'joinMs', '10 members join: ... and every partition consumed from (ms)'));
  out.push(row('rebalance', 'leaveAssignedMs', '1 member leaves: its partitions assigned to the other 9 (ms)'));
  out.push(row('rebalance', 'leaveMs', '1 member leaves: ... and consumed from by them (ms)'));
}
if (ONLY.has('share')) {
  out.push(row('share', 'recordsPerSec', `share group, 4 consumers: records/s (${SIZE} B records)`));
  out.push(row('share', 'mibPerSec', 'share group, 4 consumers: MiB/s', 1));
  out.push(row('share', 'totalMs', `share group: ${RECORDS} records incl. join (ms)`));
  out.push(row('share', 'redelivered', 'share group: redeliveries'));
  out.push(row('share-produce', 'recordsPerSec', 'pre-fill, one Java producer: records/s'));
}
const failures = runs.filter((r) => r.error);
for (const f of failures) out.push('', `- ${f.broker} pair ${f.pair + 1} ${f.workload} failed: ${f.error.split('\n')[0]}`);
console.log(out.join('\n'));
fs.mkdirSync(path.join(here, 'results'), { recursive: true });
const file = path.join(here, 'results', `groups-${started.toISOString().replace(/[:.]/g, '-')}.json`);
fs.writeFileSync(file, JSON.stringify({ started, argv, runs }, null, 1));
log(`raw numbers: ${file}`);
process.exitCode = failures.length ? 1 : 0;
