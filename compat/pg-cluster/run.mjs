// Three Rivulet processes over one PostgreSQL (issue 11 part 2, "Done when": "Three Rivulet
// processes over one PostgreSQL, under load, one SIGKILLed: its partitions and coordinators are
// served elsewhere within 1 s (median of 10 trials, reported), 0 acknowledged records lost; a
// SIGSTOPped leader resumed after its lease expired is fenced").
//
// A throwaway PostgreSQL (src/store/postgres/temp-server.ts), three `rivulet --store URL
// --override node.id=N` processes (cluster.mjs), then:
//  - failover, --trials times (default 10): compat/failover/check.mjs's scenario with a client's
//    driver (default kafkajs; --client java): an idempotent acks=all producer and a consumer group
//    run while the leader of partition 0 is SIGKILLed; the time from the kill to the first
//    acknowledged produce on partition 0, records lost, duplicated, not consumed. The killed
//    broker is restarted before the next trial.
//  - fencing: the leader of a 1-partition topic is SIGSTOPped; once another broker leads the
//    partition (by Metadata) and has acknowledged records, the old leader is resumed and sent a
//    Produce directly: it must answer NOT_LEADER_OR_FOLLOWER, and its record must not be in the log.
// Passes when every trial lost nothing, duplicated nothing, the group consumed everything, the
// median failover time is within --max-median-ms (default 1000), and the old leader was fenced.
//
//   npm run build && node compat/pg-cluster/run.mjs [--trials 10] [--client kafkajs|java]
//     [--dist DIR] [--broker-arg ARG]... (passed to every broker, e.g. a lease setting)
//
// Exit codes: 0 pass, 1 fail, 2 "not supported yet": the build has no --store, or three --store
// processes do not form one cluster (the multi-process work of issue 11 is not in this build).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaLibsDir } from '../lib/kafka-broker.mjs';
import { checkFailover, leaderOf } from '../failover/check.mjs';
import { javaClient, kafkajsClient } from '../failover/clients.mjs';
import { cliHelp, rawProduce, startPgCluster } from './cluster.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const brokerArgs = args.flatMap((a, i) => (a === '--broker-arg' ? [args[i + 1]] : []));
const dist = path.resolve(opt('dist', path.join(root, 'dist')));
const TRIALS = Number(opt('trials', '10'));
const MAX_MEDIAN_MS = Number(opt('max-median-ms', '1000'));
const cacheDir = path.join(root, 'compat', '.cache');
const logDir = path.join(cacheDir, 'logs', 'pg-cluster');
fs.mkdirSync(logDir, { recursive: true });
const cli = fs.existsSync(path.join(dist, 'bundle/cli.mjs')) ? path.join(dist, 'bundle/cli.mjs') : path.join(dist, 'src/cli.js');
const log = (m) => console.log(`  pg-cluster: ${m}`);
class NotSupported extends Error {}
const notSupported = (why) => { throw new NotSupported(why); };

if (!/--store\b/.test(await cliHelp(cli))) {
  console.log(`pg-cluster: not supported yet: ${cli} has no --store option (issue 11 part 2: rivulet --store postgres://...)`);
  process.exit(2);
}

const kafkaAdmin = (bootstrap) => new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 5, maxRetryTime: 1000 } }).admin();

/** The node ids in Metadata as broker `nodeId` answers it (bounded wait for `want` of them). */
async function brokersSeenBy(cluster, nodeId, want, timeoutMs = 30_000) {
  const e = cluster.endpoint(nodeId);
  const deadline = Date.now() + timeoutMs;
  let seen = [];
  for (;;) {
    const a = kafkaAdmin(`${e.host}:${e.port}`);
    try {
      await a.connect();
      seen = (await a.describeCluster()).brokers.map((b) => b.nodeId).sort();
    } catch { /* not yet */ } finally { await a.disconnect().catch(() => {}); }
    if (seen.length >= want || Date.now() > deadline) return seen;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Polls Metadata (from the brokers still running) until `partition` is led by someone other than `old`. */
async function waitNewLeader(cluster, topic, partition, old, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const others = [...cluster.procs.keys()].filter((id) => id !== old).map((id) => cluster.endpoint(id)).map((e) => `${e.host}:${e.port}`).join(',');
    const leader = await leaderOf(others, topic, partition).catch(() => null);
    if (leader !== null && leader !== undefined && leader !== old && leader >= 0) return leader;
    if (Date.now() > deadline) throw new Error(`${topic}-${partition} still led by node ${old} (or by nobody) after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function fencing(cluster, reader) {
  const topic = `fence-${Date.now().toString(36)}`;
  const kafka = new Kafka({ brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 30, maxRetryTime: 2000 } });
  const a = kafka.admin();
  await a.connect();
  await a.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
  await a.disconnect();
  const send = async (from, n) => {
    const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    try { await p.send({ topic, acks: -1, messages: Array.from({ length: n }, (_, i) => ({ partition: 0, value: `f-${from + i}` })) }); } finally { await p.disconnect(); }
  };
  await send(0, 10);
  const old = await leaderOf(cluster.bootstrap, topic, 0);
  cluster.pause(old);
  const pausedAt = Date.now();
  let probe;
  try {
    const leader = await waitNewLeader(cluster, topic, 0, old);
    log(`node ${old} paused; node ${leader} leads ${topic}-0 after ${Date.now() - pausedAt} ms`);
    await send(10, 10);
  } finally {
    cluster.resume(old);
  }
  const e = cluster.endpoint(old);
  probe = await rawProduce({ dist, host: e.host, port: e.port, topic, partition: 0, value: 'fenced-probe' }).catch((err) => ({ error: err.message }));
  const events = await new Promise((resolve, reject) => {
    // the Java client's reader, as check.mjs uses it: every value, read_committed, from offset 0
    import('node:child_process').then(({ spawn }) => {
      const { cmd, args: a2, env } = reader(topic);
      const child = spawn(cmd, a2, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      child.on('close', (code) => { const line = out.split('\n').find((l) => l.includes('"read"')); if (code === 0 && line) resolve(JSON.parse(line)); else reject(new Error(`reader exited ${code}`)); });
    });
  });
  const values = events.values;
  const fenced = probe.errorCode === 6; // NOT_LEADER_OR_FOLLOWER
  const wrote = values.includes('fenced-probe');
  const missing = Array.from({ length: 20 }, (_, i) => `f-${i}`).filter((v) => !values.includes(v)).length;
  return { pass: fenced && !wrote && missing === 0, old, probe, wrote, missing, summary: `old leader node ${old}: Produce answered ${probe.error ?? `error code ${probe.errorCode}`}${wrote ? ', and its record IS in the log' : ', nothing written'}; ${20 - missing}/20 acknowledged records in the log` };
}

const { startTempPostgres } = await import(path.join(dist, 'src/store/postgres/temp-server.js'));
const pg = await startTempPostgres({ settings: { fsync: 'on' } });
let cluster = null;
let exitCode = 1;
try {
  try {
    cluster = await startPgCluster({ cli, url: pg.url(), brokers: 3, extraArgs: brokerArgs, logDir });
  } catch (e) {
    notSupported(`three rivulet --store processes over one database did not start: ${e.message.split('\n').slice(0, 3).join(' | ')} (logs: ${logDir})`);
  }
  const seen = await brokersSeenBy(cluster, 1, 3);
  if (seen.length < 3) notSupported(`three rivulet --store processes over one database do not form one cluster: Metadata from node 1 lists brokers [${seen.join(', ')}] (the multi-process leases of issue 11 part 2)`);
  log(`3 brokers up over ${pg.url()}: ${cluster.bootstrap}`);

  const ctx = { root, cacheDir, kafkaLibs: kafkaLibsDir(), log };
  const java = javaClient();
  await java.setup(ctx);
  const client = opt('client', 'kafkajs') === 'java' ? java : kafkajsClient();
  if (client !== java) await client.setup(ctx);
  const reader = (topic) => java.command('read', [cluster.bootstrap, topic]);
  const trials = [];
  for (let t = 0; t < TRIALS; t++) {
    let killed = null;
    const target = { name: 'rivulet-pg', get bootstrap() { return cluster.bootstrap; }, kill: async (id) => { killed = id; await cluster.kill(id); } };
    const r = await checkFailover(target, client, { reader, logDir, log }).catch((e) => ({ pass: false, summary: `error: ${e.message}` }));
    trials.push(r);
    console.log(`${r.pass ? 'pass' : 'FAIL'} trial ${t + 1}/${TRIALS}: ${r.summary}`);
    if (killed !== null) await cluster.restart(killed);
    await brokersSeenBy(cluster, killed === 1 ? 2 : 1, 3);
  }
  const times = trials.map((r) => r.failoverMs).filter((x) => typeof x === 'number').sort((a, b) => a - b);
  const median = times.length ? times[Math.floor((times.length - 1) / 2)] : null;
  const lost = trials.reduce((s, r) => s + (r.lost ?? 0), 0);
  const fence = await fencing(cluster, reader).catch((e) => ({ pass: false, summary: `error: ${e.message}` }));
  console.log(`${fence.pass ? 'pass' : 'FAIL'} fencing: ${fence.summary}`);
  const pass = trials.every((r) => r.pass) && median !== null && median <= MAX_MEDIAN_MS && fence.pass;
  console.log(`failover times (ms, kill → first acknowledged produce on the new leader): ${times.join(', ')}; median ${median ?? '—'} (limit ${MAX_MEDIAN_MS})`);
  console.log(`acknowledged records lost over ${TRIALS} trials: ${lost}`);
  fs.writeFileSync(path.join(cacheDir, 'pg-cluster-results.json'), JSON.stringify({ trials, median, fence }, null, 2));
  console.log(`pg-cluster: ${pass ? 'pass' : 'FAIL'}`);
  exitCode = pass ? 0 : 1;
} catch (e) {
  if (!(e instanceof NotSupported)) throw e;
  console.log(`pg-cluster: not supported yet: ${e.message}`);
  exitCode = 2;
} finally {
  await cluster?.stop();
  await pg.destroy();
}
process.exit(exitCode);
