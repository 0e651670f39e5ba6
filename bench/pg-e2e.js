// Rivulet over PostgreSQL against Rivulet on its local log and against Apache Kafka, in the same
// run, through the Java client's own tools (issue 11, "Done when": produce and consume throughput
// and e2e p99 for the PostgreSQL store against the local log and against Kafka; broker CPU per
// MiB; target: acks=all produce over PostgreSQL >= 0.5x the local log).
//
// Each repetition starts each broker fresh, in a rotating order (so that none always runs first on
// a machine whose load changes): Rivulet with --data-dir, Rivulet with --store on a throwaway
// PostgreSQL (fsync on: an acknowledged produce is durable in PostgreSQL, which is the point of
// acks=all over a store that replicates), and a single-node Kafka 4.4.0. On each: a topic of
// --partitions partitions, ProducerPerformance (acks=all, --records records of --size bytes),
// ConsumerPerformance reading them back, then OpenLoopLatency (bench/java) at --rate records/s
// for e2e latency. Broker CPU is user + system time from /proc: the broker process, and for the
// PostgreSQL store also every PostgreSQL process (the store's work is part of the broker's cost).
//
//   npm run build && node bench/pg-e2e.js [--reps 2] [--records 100000] [--size 1024]
//     [--partitions 4] [--rate 500] [--pg-fsync on|off] [--no-kafka] [--dist DIR]   (a build with --store)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { kafkaLibsDir, toolsLog4jConfig } from '../compat/lib/kafka-broker.mjs';
import { cliPath, distDir, spawnRivulet, startKafkaSession } from './lib/brokers.js';
import { consumerPerf, initJava, openLoopLatency, producerPerf } from './lib/java.js';
import { run } from './lib/proc.js';
import { createTopic } from './lib/scale.js';
import { median } from './lib/stats.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
if (opt('dist')) process.env.RIVULET_BENCH_DIST = path.resolve(opt('dist'));
const REPS = Number(opt('reps', '2'));
const RECORDS = Number(opt('records', '100000'));
const SIZE = Number(opt('size', '1024'));
const PARTITIONS = Number(opt('partitions', '4'));
const RATE = Number(opt('rate', '500'));
// PostgreSQL's fsync: on (default) makes an acknowledged produce survive a crash of the database
// host; off shows what the commit's flush costs (the local log does not fsync either, Kafka's default).
const PG_FSYNC = opt('pg-fsync', 'on');
const MiB = 1048576;
const TICK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/**
 * CPU seconds of a pid, or of a PostgreSQL server: every live process whose cwd is under `dir`,
 * plus the CPU of the exited ones, which the postmaster (the one naming `dir` on its command line)
 * has reaped into its cutime/cstime: a backend whose connection closed takes its CPU with it.
 */
function cpuSeconds({ pid, dir }) {
  const fields = (p) => {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    } catch { return null; }
  };
  if (pid) { const f = fields(pid); return f ? (f[11] + f[12]) / TICK : 0; }
  let total = 0;
  for (const p of fs.readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const postmaster = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir);
      if (!postmaster && !fs.readlinkSync(`/proc/${p}/cwd`).startsWith(dir)) continue;
      const f = fields(p);
      if (f) total += (f[11] + f[12] + (postmaster ? f[13] + f[14] : 0)) / TICK;
    } catch { /* gone */ }
  }
  return total;
}

/** Does the build under test have --store? (issue 11 part 2 on the pgbroker branch) */
async function hasStore() {
  const r = await run(process.execPath, [cliPath(), '--help'], { timeoutMs: 30_000 });
  return /--store URL/.test(r.stdout);
}

if (!(await hasStore())) {
  console.log(`pg-e2e: not supported yet: ${cliPath()} has no --store option (issue 11 part 2); pass --dist with a build that has it`);
  process.exit(2);
}

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-pg-e2e-'));
const logFile = (name) => path.join(tmpRoot, `${name}.log`);

const starters = {
  async local() {
    const b = await spawnRivulet({ dataDir: fs.mkdtempSync(path.join(tmpRoot, 'data-')), logFile: logFile('local') });
    return { ...b, cpu: () => cpuSeconds({ pid: b.pid }), stop: b.stop };
  },
  async postgres() {
    const { startTempPostgres } = await import(path.join(distDir(), 'src/store/postgres/temp-server.js'));
    const pg = await startTempPostgres({ settings: { fsync: PG_FSYNC, full_page_writes: PG_FSYNC, shared_buffers: '256MB', max_wal_size: '2GB' } });
    try {
      const b = await spawnRivulet({ store: pg.url(), logFile: logFile('postgres') });
      return {
        ...b,
        cpu: () => cpuSeconds({ pid: b.pid }),
        storeCpu: () => cpuSeconds({ dir: pg.dir }),
        async stop() { await b.stop(); await pg.destroy(); },
      };
    } catch (e) {
      await pg.destroy();
      throw e;
    }
  },
  async kafka() {
    const k = await startKafkaSession();
    return { ...k, cpu: () => cpuSeconds({ pid: k.pid }), stop: k.stop };
  },
};

async function one(name, rep) {
  const b = await starters[name]();
  try {
    const topic = `e2e-${rep}`;
    await createTopic(b, topic, PARTITIONS);
    await createTopic(b, `${topic}-lat`, 1);
    const cpu = () => ({ broker: b.cpu(), store: b.storeCpu?.() ?? 0 });
    const c0 = cpu();
    const produce = await producerPerf({ bootstrap: b.bootstrap, topic, records: RECORDS, size: SIZE, acks: 'all', timeoutMs: 600_000, capMs: 300_000 });
    const c1 = cpu();
    const consume = await consumerPerf({ bootstrap: b.bootstrap, topic, messages: produce.ok ? produce.records : RECORDS, group: `g-${rep}`, timeoutMs: 300_000 });
    const c2 = cpu();
    const latency = await openLoopLatency({ bootstrap: b.bootstrap, topic: `${topic}-lat`, rate: RATE, seconds: 10, warmupSeconds: 3, size: SIZE, acks: 'all', timeoutMs: 120_000 });
    const mib = ((produce.records ?? RECORDS) * SIZE) / MiB;
    const perMiB = (a, z, k) => +(((z[k] - a[k]) * 1000) / mib).toFixed(1);
    return {
      broker: name, rep, produce, consume, latency,
      cpuMsPerMiB: { produce: perMiB(c0, c1, 'broker'), consume: perMiB(c1, c2, 'broker'), storeProduce: perMiB(c0, c1, 'store'), storeConsume: perMiB(c1, c2, 'store') },
    };
  } finally {
    await b.stop();
  }
}

const libs = kafkaLibsDir();
initJava({ libsDir: libs, log4jFile: toolsLog4jConfig(tmpRoot) });
const brokers = ['local', 'postgres', ...(args.includes('--no-kafka') ? [] : ['kafka'])];
const rows = [];
try {
  for (let rep = 0; rep < REPS; rep++) {
    const order = brokers.map((_, i) => brokers[(i + rep) % brokers.length]);
    for (const name of order) {
      const r = await one(name, rep);
      rows.push(r);
      console.error(`rep ${rep} ${name}: produce ${r.produce.ok ? `${r.produce.mibPerSec} MiB/s p99 ${r.produce.p99Ms ?? '—'} ms` : r.produce.error}; consume ${r.consume.ok ? `${r.consume.mibPerSec} MiB/s` : r.consume.error}; e2e ${r.latency.ok ? JSON.stringify(r.latency).slice(0, 200) : r.latency.error}; cpu ${JSON.stringify(r.cpuMsPerMiB)}`);
    }
  }
} finally {
  fs.rmSync(tmpRoot, { recursive: true, force: true });
}

const med = (name, f) => median(rows.filter((r) => r.broker === name).map(f).filter((v) => typeof v === 'number' && !Number.isNaN(v)));
const summary = Object.fromEntries(brokers.map((name) => [name, {
  produceMiBs: med(name, (r) => r.produce.mibPerSec), produceP99Ms: med(name, (r) => r.produce.p99Ms),
  consumeMiBs: med(name, (r) => r.consume.mibPerSec), e2eP99Ms: med(name, (r) => r.latency.p99Ms ?? r.latency.p99),
  cpuMsPerMiB: { produce: med(name, (r) => r.cpuMsPerMiB.produce), consume: med(name, (r) => r.cpuMsPerMiB.consume), storeProduce: med(name, (r) => r.cpuMsPerMiB.storeProduce), storeConsume: med(name, (r) => r.cpuMsPerMiB.storeConsume) },
}]));
const ratio = +(summary.postgres.produceMiBs / summary.local.produceMiBs).toFixed(2);
console.log(JSON.stringify({
  date: new Date().toISOString(), dist: distDir(), load: os.loadavg().map((x) => +x.toFixed(1)), cpus: os.cpus().length,
  options: { reps: REPS, records: RECORDS, size: SIZE, partitions: PARTITIONS, rate: RATE, pgFsync: PG_FSYNC },
  summary, produceRatioPostgresToLocal: ratio, target: 0.5, met: ratio >= 0.5, rows,
}, null, 1));
