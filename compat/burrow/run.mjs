#!/usr/bin/env node
// Burrow (LinkedIn's consumer lag monitor, Debian package `burrow`, 1.2.1 in Debian 12) against
// Apache Kafka 4.4.0 and against Rivulet. Burrow reads `__consumer_offsets` itself and decodes
// Kafka's record schemas (1.2.1: offset commit key v0/v1 with value v0/v1/v3, group metadata key
// v2 with value v0/v1), asks the broker for each partition's end offset (ListOffsets v0), and
// computes lag and a status per partition from the two. This script gives both brokers the same
// topic, data and commits and compares what Burrow reads and reports.
//
//   npm run build && node compat/burrow/run.mjs [--no-kafka] [--keep-logs]     (BURROW=path: another build)
//
// Per broker: topic `orders` (3 partitions, 10/20/5 records); group `billing`, a kafkajs member
// committing three rounds at known offsets; group `shipping`, a kafkajs consumer that reads
// everything and auto-commits. Burrow 1.2.1 keeps its own locks in ZooKeeper: Debian's `zookeeper`,
// started on a free port in a temp dir. Burrow (debug log, HTTP API on a free port, polling the
// broker every second) is started before the commits; once it has logged every record of
// `__consumer_offsets` the script compares, between the brokers: the commits Burrow decoded, the
// record versions it could not decode, and what /v3/kafka/local/consumer/<group>/lag answers
// (group and partition status, current lag, first and last offset and lag of its window, once
// the status has settled). Decoded commits and lags must also be the ones the commits imply.
//
// What Kafka 4.4.0 shows (and so Rivulet): Burrow 1.2.1 decodes neither the OffsetCommitValue v4
// records Kafka 4.x writes nor GroupMetadataValue v3, so it reports no lag for any group; and
// Kafka closes its ListOffsets v0 connection (removed in 4.0, KIP-896), so it has no end offsets
// either; Rivulet closes it too since it serves the versions Kafka 4.4.0 serves. A Burrow that decodes v4 exercises the lag comparison: Burrow 1.9.5
// built from source (git clone -b v1.9.5 https://github.com/linkedin/Burrow && go build; the Go
// module proxy does not serve it) with BURROW=path reports the same on both (December 2026):
// billing total lag 19, partitions 0/16/3 with OK/STOP/STOP (the stop rule, as the member
// stopped committing), shipping lag 0, no decode warnings.
// Prints "1 passed, 0 failed" or "0 passed, 1 failed" last. Needs root for apt-get (burrow,
// zookeeper) unless both are installed.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { aptEnsure } from '../clients/drivers/setup-util.mjs';
import { freePorts, startKafka } from '../lib/kafka-broker.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const args = process.argv.slice(2);
const say = (m) => process.stdout.write(`${m}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Another Burrow build (e.g. a newer one from source) with BURROW=/path/to/Burrow.
const BURROW = process.env.BURROW ?? 'Burrow';
const TOPIC = 'orders';
const RECORDS = [10, 20, 5]; // records per partition: the end offsets Burrow should see
// Group `billing`: three commit rounds per partition. p0 catches up (lag 0), p1 stays at 4
// (lag 16, stalled), p2 goes 1 → 3 → 2 (a rewind, lag 3).
const ROUNDS = [
  [2, 4, 1],
  [5, 4, 3],
  [10, 4, 2],
];
const EXPECTED_LAG = { billing: RECORDS.map((n, p) => n - ROUNDS.at(-1)[p]), shipping: [0, 0, 0] };

/** Poll fn() until it returns a truthy value or the deadline passes (then throw what was last seen). */
async function until(what, fn, timeoutMs = 60_000, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last && last.ok !== false) return last;
    } catch (e) {
      if (e.fatal) throw e;
      last = e.message;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 600)}`);
    await sleep(everyMs);
  }
}

/** A child process in its own group, output to a file, killed with its group on stop or exit. */
function startProcess(cmd, argv, { cwd, logFile, env }) {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(cmd, argv, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', out, out], detached: true });
  fs.closeSync(out);
  let exited = null;
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exited = { code, signal }))));
  const kill = (sig) => { try { process.kill(-child.pid, sig); } catch { /* gone */ } };
  const onExit = () => kill('SIGKILL');
  process.on('exit', onExit);
  return {
    alive: () => exited === null,
    exited: () => exited,
    async stop() {
      if (exited === null) {
        kill('SIGTERM');
        if (!(await Promise.race([exit, sleep(10_000).then(() => null)]))) { kill('SIGKILL'); await exit; }
      }
      kill('SIGKILL'); // anything left in its group
      process.off('exit', onExit);
    },
  };
}

/** ZooKeeper's `srvr` four-letter command: true once it serves requests (its port opens earlier). */
const zkServing = (port) => new Promise((resolve) => {
  let out = '';
  const s = net.connect(port, '127.0.0.1', () => s.end('srvr'));
  s.on('data', (d) => { out += d; });
  s.on('close', () => resolve(/Mode: standalone/.test(out)));
  s.on('error', () => resolve(false));
});

/** ZooKeeper 3.8 from Debian (Burrow 1.2.1 keeps its locks there), standalone on a free port. */
async function startZooKeeper(dir) {
  const [port] = await freePorts(1);
  fs.mkdirSync(path.join(dir, 'zk-data'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'zoo.cfg'), [
    'tickTime=2000', `dataDir=${path.join(dir, 'zk-data')}`, `clientPort=${port}`, 'clientPortAddress=127.0.0.1',
    'admin.enableServer=false', 'maxClientCnxns=0', '',
  ].join('\n'));
  const proc = startProcess('java', ['-Xmx128m', '-cp', '/usr/share/java/zookeeper.jar', 'org.apache.zookeeper.server.quorum.QuorumPeerMain', path.join(dir, 'zoo.cfg')],
    { cwd: dir, logFile: path.join(dir, 'zookeeper.log') });
  await until('ZooKeeper to serve', async () => { if (!proc.alive()) throw new Error(`ZooKeeper exited ${JSON.stringify(proc.exited())}: ${tailOf(path.join(dir, 'zookeeper.log'))}`); return zkServing(port); }, 60_000);
  return { port, stop: () => proc.stop() };
}

const tailOf = (f, n = 1500) => { try { return fs.readFileSync(f, 'utf8').slice(-n); } catch { return ''; } };

/** The Rivulet CLI from dist/ on a free port with a fresh data directory. */
async function startRivulet(dir) {
  const cli = path.join(root, 'dist', 'bundle', 'cli.mjs');
  if (!fs.existsSync(cli)) throw new Error('dist/bundle/cli.mjs is missing: run npm run build');
  const dataDir = path.join(dir, 'rivulet-data');
  const logFile = path.join(dir, 'rivulet.log');
  const child = spawn(process.execPath, [cli, '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', fs.openSync(logFile, 'a')] });
  const onExit = () => { try { child.kill('SIGKILL'); } catch { /* gone */ } };
  process.on('exit', onExit);
  const exit = new Promise((resolve) => child.once('exit', resolve));
  let buf = '';
  child.stdout.on('data', (d) => { buf += d; });
  const bootstrap = await until('Rivulet to print its bootstrap', () => {
    if (child.exitCode !== null) throw new Error(`Rivulet exited: ${tailOf(logFile)}`);
    return /Rivulet is ready\. Bootstrap: (\S+)/.exec(buf)?.[1];
  }, 30_000, 50);
  return {
    bootstrap,
    version: `Rivulet ${JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version}`,
    async stop() {
      if (child.exitCode === null) { child.kill('SIGTERM'); await Promise.race([exit, sleep(10_000)]); child.kill('SIGKILL'); }
      process.off('exit', onExit);
    },
  };
}

async function getJson(url) {
  const res = await fetch(url);
  const body = await res.json().catch(() => null);
  return { status: res.status, body };
}

/** Burrow's JSON log lines (zap), parsed. */
function burrowLog(logFile) {
  const out = [];
  for (const line of fs.readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try { out.push(JSON.parse(line)); } catch { /* a torn last line */ }
  }
  return out;
}

/** Everything one broker gets: data, Burrow, commits; returns what Burrow reported. */
async function runAgainst(name, broker, zk, dir) {
  const kafka = new Kafka({ clientId: 'burrow-compat', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer();
  await producer.connect();
  try {
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: RECORDS.length, replicationFactor: 1 }], waitForLeaders: true });
    for (const [partition, n] of RECORDS.entries()) {
      await producer.send({ topic: TOPIC, acks: -1, messages: Array.from({ length: n }, (_, i) => ({ partition, key: `k${i}`, value: `order ${partition}-${i}` })) });
    }

    // Burrow before any commit: it drops commits for partitions whose end offset it has not fetched yet.
    const [httpPort] = await freePorts(1);
    const bdir = path.join(dir, 'burrow');
    fs.mkdirSync(bdir, { recursive: true });
    fs.writeFileSync(path.join(bdir, 'burrow.toml'), `
[general]
pidfile="${path.join(bdir, 'burrow.pid')}"

[logging]
level="debug"

[zookeeper]
servers=["127.0.0.1:${zk.port}"]
timeout=6
root-path="/burrow-${name}"

[client-profile.compat]
client-id="burrow-compat"
kafka-version="2.0.0"

[cluster.local]
class-name="kafka"
servers=["${broker.bootstrap}"]
client-profile="compat"
topic-refresh=1
offset-refresh=1

[consumer.local]
class-name="kafka"
cluster="local"
servers=["${broker.bootstrap}"]
client-profile="compat"
start-latest=false

[httpserver.default]
address="127.0.0.1:${httpPort}"

[storage.default]
class-name="inmemory"
workers=4
intervals=${ROUNDS.length}
expire-group=604800
min-distance=0

[evaluator.default]
class-name="caching"
expire-cache=1
`);
    const logFile = path.join(bdir, 'burrow.log');
    const burrow = startProcess(BURROW, ['-config-dir', bdir], { cwd: bdir, logFile });
    const api = `http://127.0.0.1:${httpPort}/v3/kafka/local`;
    const alive = () => { if (!burrow.alive()) throw Object.assign(new Error(`Burrow exited ${JSON.stringify(burrow.exited())}: ${tailOf(logFile)}`), { fatal: true }); };
    const result = {};
    try {
      // Either Burrow has the end offsets of every partition, or it keeps failing to get them.
      const seen = await until(`Burrow to see the end offsets of ${TOPIC} (or fail to)`, async () => {
        alive();
        const r = await getJson(`${api}/topic/${TOPIC}`);
        if (r.status === 200 && isDeepStrictEqual(r.body?.offsets, RECORDS)) return { offsets: r.body.offsets };
        const failures = burrowLog(logFile).filter((l) => l.msg === 'failed to fetch offsets from broker');
        if (failures.length >= 3) return { offsets: null, error: `${failures[0].msg}: ${failures[0].sarama_error}` };
        return { ok: false, ...r };
      }, 90_000, 500);
      result.endOffsets = seen.offsets ?? seen.error;

      // `billing`: a consumer group member that commits three rounds at known offsets.
      const billing = kafka.consumer({ groupId: 'billing' });
      await billing.connect();
      let joined = false;
      billing.on(billing.events.GROUP_JOIN, () => { joined = true; });
      await billing.subscribe({ topic: TOPIC, fromBeginning: true });
      await billing.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => {} });
      await until('billing to join', () => joined, 60_000);
      for (const round of ROUNDS) {
        await billing.commitOffsets(round.map((offset, partition) => ({ topic: TOPIC, partition, offset: String(offset) })));
      }
      await billing.disconnect();

      // `shipping`: a consumer that reads every record and auto-commits.
      const shipping = kafka.consumer({ groupId: 'shipping' });
      await shipping.connect();
      await shipping.subscribe({ topic: TOPIC, fromBeginning: true });
      let read = 0;
      await shipping.run({ eachMessage: async () => { read++; } });
      const total = RECORDS.reduce((a, b) => a + b, 0);
      await until('group shipping to consume and commit everything', async () => {
        const [t] = await admin.fetchOffsets({ groupId: 'shipping', topics: [TOPIC] });
        return read >= total && t.partitions.every((p) => Number(p.offset) === RECORDS[p.partition]);
      }, 60_000);
      await shipping.disconnect();

      // Burrow has read __consumer_offsets to its end: it logs every record (decoded, dropped or not decodable).
      const ends = await admin.fetchTopicOffsets('__consumer_offsets');
      await until('Burrow to read __consumer_offsets to its end', () => {
        alive();
        const last = {};
        for (const l of burrowLog(logFile)) if (l.offset_topic === '__consumer_offsets') last[l.offset_partition] = Math.max(last[l.offset_partition] ?? -1, l.offset_offset);
        return ends.every((e) => Number(e.high) === 0 || (last[e.partition] ?? -1) >= Number(e.high) - 1);
      }, 60_000);
      const lines = burrowLog(logFile).filter((l) => l.offset_topic === '__consumer_offsets');
      // What Burrow decoded: every commit of billing (in order), the last commit of shipping.
      const commits = lines.filter((l) => l.msg === 'consumer offset').map((l) => ({ group: l.group, topic: l.topic, partition: l.partition, offset: l.offset }));
      result.decodedCommits = {
        billing: RECORDS.map((_, p) => commits.filter((c) => c.group === 'billing' && c.topic === TOPIC && c.partition === p).map((c) => c.offset)),
        shipping: RECORDS.map((_, p) => commits.filter((c) => c.group === 'shipping' && c.topic === TOPIC && c.partition === p).at(-1)?.offset ?? null),
      };
      // What Burrow could not decode, as kinds (how many group metadata records a rebalance writes is timing).
      result.decodeWarnings = [...new Set(lines.filter((l) => l.msg === 'failed to decode').map((l) => JSON.stringify({ message_type: l.message_type, reason: l.reason, version: l.version, group: l.group })))].sort().map((k) => JSON.parse(k));

      for (const group of ['billing', 'shipping']) {
        if (!seen.offsets || result.decodedCommits[group].flat().every((o) => o === null)) {
          // Without end offsets, or without a commit it could decode, Burrow has no lag for the
          // group: keep what its API answers.
          const r = await getJson(`${api}/consumer/${group}/lag`);
          result[group] = { http: r.status, message: r.body?.message };
          continue;
        }
        // Settled: every commit is in (the window ends at the last commit) and Burrow's stop rule
        // has decided (now - last commit > last - first commit, +2 s margin), so the status holds.
        const last = group === 'billing' ? ROUNDS.at(-1) : RECORDS;
        const st = await until(`Burrow's lag for group ${group}`, async () => {
          alive();
          const res = await getJson(`${api}/consumer/${group}/lag`);
          const parts = res.body?.status?.partitions ?? [];
          const ok = res.status === 200 && parts.length === RECORDS.length
            && parts.every((p) => p.end && p.end.offset === last[p.partition])
            && parts.every((p) => Date.now() - p.end.timestamp > p.end.timestamp - p.start.timestamp + 2_000);
          return ok ? res.body.status : { ok: false, status: res.status, body: res.body };
        }, 60_000, 500);
        result[group] = summarize(st);
      }
      return result;
    } finally {
      await burrow.stop();
    }
  } finally {
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}

/** What to compare from Burrow's ConsumerGroupStatus (timestamps differ between runs, so not those). */
function summarize(st) {
  return {
    status: st.status,
    complete: st.complete,
    partition_count: st.partition_count,
    totallag: st.totallag,
    maxlag: st.maxlag && { partition: st.maxlag.partition, current_lag: st.maxlag.current_lag, status: st.maxlag.status },
    partitions: [...st.partitions].sort((a, b) => a.partition - b.partition).map((p) => ({
      topic: p.topic,
      partition: p.partition,
      status: p.status,
      current_lag: p.current_lag,
      complete: p.complete,
      start: p.start && { offset: p.start.offset, lag: p.start.lag },
      end: p.end && { offset: p.end.offset, lag: p.end.lag },
    })),
  };
}

// When Burrow decoded commits, they must be the ones made, and the lag what they imply.
function checkExpected(name, res) {
  const problems = [];
  const want = { billing: RECORDS.map((_, p) => ROUNDS.map((r) => r[p])), shipping: RECORDS };
  const decoded = Object.values(res.decodedCommits).flat(2).some((o) => o !== null);
  if (decoded && !isDeepStrictEqual(res.decodedCommits, want)) problems.push(`${name}: Burrow decoded commits ${JSON.stringify(res.decodedCommits)}, expected ${JSON.stringify(want)}`);
  for (const [group, lags] of Object.entries(EXPECTED_LAG)) {
    if (!res[group].partitions) continue; // no lag reported (see main)
    const got = res[group].partitions.map((p) => p.current_lag);
    if (!isDeepStrictEqual(got, lags)) problems.push(`${name}: ${group} lag ${JSON.stringify(got)}, expected ${JSON.stringify(lags)}`);
  }
  return problems;
}

async function main() {
  if (process.getuid?.() === 0 || spawnSync('dpkg', ['-s', 'burrow', 'zookeeper'], { stdio: 'ignore' }).status !== 0) {
    await aptEnsure(['burrow', 'zookeeper'], (m) => say(`burrow: ${m}`));
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-burrow-'));
  const keep = args.includes('--keep-logs');
  const onExit = () => { if (!keep) fs.rmSync(work, { recursive: true, force: true }); };
  process.on('exit', onExit);
  const zk = await startZooKeeper(work);
  const results = {};
  const versions = {};
  try {
    const targets = [['rivulet', () => startRivulet(path.join(work, 'rivulet'))]];
    if (!args.includes('--no-kafka')) targets.push(['kafka', () => startKafka({ props: { 'group.initial.rebalance.delay.ms': 0, 'offsets.topic.num.partitions': 1 } })]);
    for (const [name, start] of targets) {
      fs.mkdirSync(path.join(work, name), { recursive: true });
      const t0 = performance.now();
      const broker = await start();
      versions[name] = broker.version?.startsWith?.('Rivulet') ? broker.version : `Kafka ${broker.version}`;
      say(`burrow: ${versions[name]} at ${broker.bootstrap}`);
      try {
        results[name] = await runAgainst(name, broker, zk, path.join(work, name));
      } finally {
        await broker.stop();
      }
      say(`burrow: ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      say(JSON.stringify(results[name], null, 1).replace(/\n\s*/g, ' '));
    }
  } finally {
    await zk.stop();
  }
  const problems = Object.entries(results).flatMap(([n, r]) => checkExpected(n, r));
  const notes = [];
  if (results.kafka && results.rivulet) {
    // What Burrow decoded from __consumer_offsets, what it could not decode, and the lag it reports.
    // End offsets: Burrow 1.2.1 asks with ListOffsets v0, which Kafka 4.0 removed (KIP-896): both
    // brokers close the connection, and Burrow logs the same failure.
    for (const key of ['endOffsets', 'decodedCommits', 'decodeWarnings', 'billing', 'shipping']) {
      if (!isDeepStrictEqual(results.rivulet[key], results.kafka[key])) problems.push(`${key} differs:\n  rivulet ${JSON.stringify(results.rivulet[key])}\n  kafka   ${JSON.stringify(results.kafka[key])}`);
    }
  }
  for (const [n, r] of Object.entries(results)) {
    if (r.decodeWarnings.length) notes.push(`${n}: Burrow could not decode ${r.decodeWarnings.map((w) => `${w.message_type} value v${w.version} (group ${w.group})`).join(', ')}`);
  }
  if (keep) say(`burrow: logs kept in ${work}`);
  for (const n of notes) say(`burrow: note: ${n}`);
  if (problems.length) {
    say(`burrow: FAIL\n${problems.join('\n')}`);
    say('0 passed, 1 failed');
    return 1;
  }
  say(`burrow: pass — ${Object.keys(results).map((n) => versions[n]).join(' and ')}${results.kafka ? ': Burrow reads the same from both' : ''}`);
  say('1 passed, 0 failed');
  return 0;
}

main().then((code) => process.exit(code), (e) => {
  say(`burrow: FAIL: ${e?.stack ?? e}`);
  say('0 passed, 1 failed');
  process.exit(1);
});
