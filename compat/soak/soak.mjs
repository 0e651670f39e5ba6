#!/usr/bin/env node
// The consumer-group soak of issue 10: real members (librdkafka through confluent-kafka-python,
// and kafkajs) joining and leaving one group every few seconds while messages are produced and the
// CPU is saturated by a competing process; then every message must have been delivered at least
// once and no commit may pass what its committer received (compat/soak/check.mjs, from the
// members' own logs).
//
//   node compat/soak/soak.mjs <bootstrap> <prefix> [options]       # against a running broker
//   node compat/soak/soak.mjs --target rivulet|kafka [options]     # starts one (dist/ or compat/lib)
//
//   --duration S     churn phase in seconds (default 40; SOAK_DURATION)
//   --messages N     messages per group (default 6000)
//   --scenario LIST  eager,cooperative (default both, run at the same time on two topics)
//   --eager STRATEGY range | roundrobin (default range): the eager group's shared protocol
//   --value-bytes N  size of each message value (default 100)
//   --kill RATIO     share of members that die by SIGKILL mid-life instead of leaving (default 0)
//   --no-stress      do not saturate the CPU
//
// Groups: "eager" = 3 librdkafka + 2 kafkajs members sharing the eager protocol (kafkajs's
// assigner registered under librdkafka's name, see member_kafkajs.mjs); "cooperative" = 3
// librdkafka members with cooperative-sticky. kafkajs has no cooperative assignor, and a group's
// members must all support the selected protocol, and librdkafka refuses to mix eager and
// cooperative assignors in one consumer, so kafkajs cannot be in the cooperative group.
//
// Prints one JSON line per group for compat/run.mjs (scenario soak-<group>), and writes the
// members' logs and report.md under compat/.cache/soak/<prefix>/.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { checkSoak, parseLog } from './check.mjs';
import { startTarget, startStress } from './targets.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rand = (lo, hi) => lo + Math.random() * (hi - lo);
const say = (msg) => process.stderr.write(`[soak] ${msg}\n`);

function parseArgs(argv) {
  const o = { duration: Number(process.env.SOAK_DURATION ?? 40), messages: 6000, partitions: 6, scenarios: ['eager', 'cooperative'], eager: 'range', stress: true, kill: 0, valueBytes: 100, target: null, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--duration') o.duration = Number(next());
    else if (a === '--messages') o.messages = Number(next());
    else if (a === '--partitions') o.partitions = Number(next());
    else if (a === '--scenario') o.scenarios = next().split(',').map((s) => s.replace(/^soak-/, ''));
    else if (a === '--eager') o.eager = next();
    else if (a === '--no-stress') o.stress = false;
    else if (a === '--kill') o.kill = Number(next());
    else if (a === '--value-bytes') o.valueBytes = Number(next());
    else if (a === '--target') o.target = next();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else o.positional.push(a);
  }
  if (!o.target && o.positional.length < 1) usage('a bootstrap address or --target is needed');
  if (!(o.duration > 0) || !(o.messages > 0) || !(o.partitions > 0)) usage('--duration, --messages and --partitions must be positive');
  if (!(o.valueBytes >= 0)) usage('--value-bytes must be a size');
  if (!(o.kill >= 0 && o.kill <= 1)) usage('--kill must be between 0 and 1');
  if (!['range', 'roundrobin'].includes(o.eager)) usage('--eager must be range or roundrobin');
  if (o.target && !['rivulet', 'kafka'].includes(o.target)) usage('--target must be rivulet or kafka');
  for (const s of o.scenarios) if (!['eager', 'cooperative'].includes(s)) usage(`unknown scenario ${s}`);
  return o;
}
function usage(msg) {
  process.stderr.write(`soak: ${msg}\nusage: soak.mjs <bootstrap> <prefix> | --target rivulet|kafka [--duration S] [--messages N] [--scenario eager,cooperative] [--eager range|roundrobin] [--kill RATIO] [--no-stress]\n`);
  process.exit(2);
}

// COMPAT_SCENARIO (from run.mjs --scenario) narrows the groups too.
const opts = parseArgs(process.argv.slice(2));
if (process.env.COMPAT_SCENARIO) {
  const want = process.env.COMPAT_SCENARIO.split(',');
  opts.scenarios = opts.scenarios.filter((s) => want.some((w) => (w.endsWith('*') ? `soak-${s}`.startsWith(w.slice(0, -1)) : w === `soak-${s}`)));
}
const prefix = opts.positional[1] ?? `soak${Date.now().toString(36)}`;
const outDir = path.join(here, '..', '.cache', 'soak', prefix);
fs.mkdirSync(outDir, { recursive: true });

const GROUPS = {
  eager: [['librdkafka', opts.eager], ['librdkafka', opts.eager], ['librdkafka', opts.eager], ['kafkajs', opts.eager], ['kafkajs', opts.eager]],
  cooperative: [['librdkafka', 'cooperative-sticky'], ['librdkafka', 'cooperative-sticky'], ['librdkafka', 'cooperative-sticky']],
};

/** Spawns one member; resolves its exit. Output other than the log goes to <log>.stderr. */
function spawnMember(bootstrap, topic, group, [kind, strategy], lifetimeS, name) {
  const logFile = path.join(outDir, `${name}.jsonl`);
  const script = kind === 'kafkajs' ? [process.execPath, path.join(here, 'member_kafkajs.mjs')] : [PYTHON, path.join(here, 'member_rdkafka.py')];
  const err = fs.openSync(`${logFile}.stderr`, 'a');
  const child = spawn(script[0], [script[1], bootstrap, topic, group, strategy, String(lifetimeS), logFile, name], { stdio: ['ignore', err, err], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  fs.closeSync(err);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { name, logFile, child, exited };
}

/** Keeps one member slot busy until `until`: a member with a short life, a pause, the next one. */
async function churnSlot(ctx, slot, spec, until, all) {
  let n = 0;
  while (Date.now() < until && !ctx.aborted) {
    const life = rand(3, 10);
    const m = spawnMember(ctx.bootstrap, ctx.topic, ctx.group, spec, life, `${ctx.id}-s${slot}-${spec[0]}-${n++}`);
    all.push(m);
    // a crash instead of a LeaveGroup: the group waits out the session timeout
    const killer = Math.random() < opts.kill ? setTimeout(() => { m.killed = true; m.child.kill('SIGKILL'); }, rand(1, life) * 1000) : null;
    const { code, signal } = await m.exited;
    clearTimeout(killer);
    if (code !== 0 && !m.killed) ctx.memberFailures.push(`${m.name} exited with ${signal ?? code} (see ${path.relative(process.cwd(), `${m.logFile}.stderr`)})`);
    await sleep(rand(0, 2500));
  }
}

async function produce(kafka, topic, messages, partitions, overMs) {
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true });
  await producer.connect();
  const batch = 20;
  const pad = 'x'.repeat(opts.valueBytes);
  const started = Date.now();
  for (let i = 0; i < messages; i += batch) {
    const msgs = [];
    for (let j = i; j < Math.min(i + batch, messages); j++) msgs.push({ partition: j % partitions, key: `k${j}`, value: `message ${j} ${pad}`.slice(0, Math.max(opts.valueBytes, 12)) });
    await producer.send({ topic, acks: -1, messages: msgs });
    const due = started + ((i + batch) / messages) * overMs;
    if (due > Date.now()) await sleep(due - Date.now());
  }
  await producer.disconnect();
}

// kafkajs's waitForLeaders gives up on Kafka's UNKNOWN_TOPIC_OR_PARTITION while the new topic's
// metadata propagates (more so under CPU load): wait for every partition's leader here instead.
async function createTopic(admin, topic) {
  await admin.createTopics({ topics: [{ topic, numPartitions: opts.partitions, replicationFactor: 1 }], waitForLeaders: false });
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      const md = await admin.fetchTopicMetadata({ topics: [topic] });
      const parts = md.topics[0]?.partitions ?? [];
      if (parts.length === opts.partitions && parts.every((p) => p.leader >= 0)) return;
    } catch (e) {
      if (Date.now() > until) throw e;
    }
    if (Date.now() > until) throw new Error(`topic ${topic} has no leaders after 60 s`);
    await sleep(200);
  }
}

async function committed(admin, group, topic) {
  const res = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return Object.fromEntries(res[0].partitions.map((p) => [p.partition, Number(p.offset)]));
}

async function endOffsets(admin, topic) {
  const res = await admin.fetchTopicOffsets(topic);
  return Object.fromEntries(res.map((p) => [p.partition, Number(p.high)]));
}

async function runGroup(kafka, bootstrap, id) {
  const ctx = { id, bootstrap, topic: `${prefix}-${id}`, group: `${prefix}-${id}-group`, memberFailures: [], aborted: false };
  const admin = kafka.admin();
  await admin.connect();
  const t0 = Date.now();
  try {
    await createTopic(admin, ctx.topic);
    const members = [];
    const until = Date.now() + opts.duration * 1000;
    // production spans most of the churn, so members come and go while there is data to read
    const producing = produce(kafka, ctx.topic, opts.messages, opts.partitions, opts.duration * 700);
    const slots = GROUPS[id].map((spec, i) => churnSlot(ctx, i, spec, until, members));
    await producing;
    await Promise.all(slots);
    const ends = await endOffsets(admin, ctx.topic);
    // drain: a stable set of members until the group's commits reach the end of every partition
    say(`${id}: churn done (${members.length} members); draining`);
    const finals = GROUPS[id].map((spec, i) => spawnMember(bootstrap, ctx.topic, ctx.group, spec, 600, `${id}-s${i}-${spec[0]}-final`));
    members.push(...finals);
    const drainUntil = Date.now() + 120_000;
    let last = {};
    while (Date.now() < drainUntil) {
      last = await committed(admin, ctx.group, ctx.topic).catch(() => last);
      if (Object.keys(ends).every((p) => last[p] === ends[p])) break;
      await sleep(500);
    }
    for (const m of finals) m.child.kill('SIGTERM');
    await Promise.race([Promise.all(finals.map((m) => m.exited)), sleep(30_000)]);
    for (const m of finals) if (m.child.exitCode === null && m.child.signalCode === null) { m.child.kill('SIGKILL'); ctx.memberFailures.push(`${m.name} did not stop within 30 s of SIGTERM`); }
    const final = await committed(admin, ctx.group, ctx.topic);
    const logs = members.map((m) => ({ name: m.name, events: fs.existsSync(m.logFile) ? parseLog(fs.readFileSync(m.logFile, 'utf8')) : [] }));
    const verdict = checkSoak(logs, ends, final);
    verdict.problems.push(...ctx.memberFailures);
    verdict.ok &&= ctx.memberFailures.length === 0;
    return { id, ...verdict, members: members.length, ends, final, durationMs: Date.now() - t0 };
  } finally {
    ctx.aborted = true;
    await admin.disconnect().catch(() => {});
  }
}

function report(results, info) {
  const L = [`# Consumer-group soak ${prefix}`, '', `- Target: ${info.target}; ${opts.messages} messages of ${opts.valueBytes} bytes per group over ${opts.partitions} partitions; churn ${opts.duration} s; SIGKILL share ${opts.kill}; eager protocol ${opts.eager}; CPU stress: ${info.stress}`, ''];
  for (const r of results) {
    L.push(`## ${r.id}: ${r.ok ? 'pass' : 'FAIL'}`, '');
    L.push(`- members started: ${r.members}; rebalances seen by members: ${r.stats.rebalances}; messages received: ${r.stats.received} (${r.stats.duplicates} duplicates); commits: ${r.stats.commits}; commit errors: ${JSON.stringify(r.stats.commitErrors)}`);
    L.push(`- lost: ${r.stats.lost}; commits past delivered: ${r.stats.commitsPastDelivered}; skipped ranges: ${r.stats.jumps}; ${(r.durationMs / 1000).toFixed(1)} s`);
    L.push(`- end offsets ${JSON.stringify(r.ends)}; final commits ${JSON.stringify(r.final)}`);
    for (const p of r.problems) L.push(`- problem: ${p}`);
    L.push('');
  }
  fs.writeFileSync(path.join(outDir, 'report.md'), L.join('\n'));
}

async function main() {
  let broker = null;
  let bootstrap = opts.positional[0];
  if (opts.target) {
    broker = await startTarget(opts.target, outDir);
    bootstrap = broker.bootstrap;
    say(`${opts.target} at ${bootstrap}`);
  }
  const stress = opts.stress ? startStress(opts.duration + 10) : null;
  const kafka = new kafkajs.Kafka({ clientId: 'soak', brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 10 } });
  try {
    const results = await Promise.all(opts.scenarios.map((id) => runGroup(kafka, bootstrap, id).catch((e) => ({ id, ok: false, crashed: e, problems: [`soak crashed: ${e.stack ?? e}`], stats: { rebalances: 0, received: 0, duplicates: 0, commits: 0, commitErrors: {}, lost: -1, commitsPastDelivered: -1, jumps: -1 }, members: 0, ends: {}, final: {}, durationMs: 0 }))));
    report(results, { target: opts.target ?? bootstrap, stress: stress ? stress.what : 'off' });
    for (const r of results) {
      const s = r.stats;
      const message = r.ok
        ? `${s.messages} messages, ${r.members} members, ${s.rebalances} assignments, ${s.commits} commits, ${s.duplicates} duplicates; none lost, no commit past delivered`
        : r.problems.slice(0, 6).join('; ');
      const where = `report: ${path.relative(path.join(here, '..', '..'), path.join(outDir, 'report.md'))}`;
      console.log(JSON.stringify({ scenario: `soak-${r.id}`, status: r.ok ? 'pass' : 'fail', message: `${message} (${where})`, expected: r.ok ? undefined : { lost: 0, commitsPastDelivered: 0 }, got: r.ok ? undefined : { lost: s.lost, commitsPastDelivered: s.commitsPastDelivered, jumps: s.jumps }, observed: { lost: s.lost, commitsPastDelivered: s.commitsPastDelivered } }));
    }
    say(`report: ${path.relative(process.cwd(), path.join(outDir, 'report.md'))}`);
    // under compat/run.mjs the JSON lines carry the verdict; by hand, the exit code does too
    return opts.target && !results.every((r) => r.ok) ? 1 : 0;
  } finally {
    stress?.stop();
    await broker?.stop();
  }
}

main().then((code) => process.exit(code), (e) => { say(`crashed: ${e.stack ?? e}`); process.exit(1); });
