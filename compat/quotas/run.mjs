// Client quotas on Apache Kafka 4.4.0 and on Rivulet, driven the same way: Kafka's kafka-configs
// tool (org.apache.kafka.tools.ConfigCommand) sets producer_byte_rate=1048576 on the client id
// `quota-perf` (--alter --add-config ... --entity-type clients) and describes it, then a Java
// producer (compat/quotas/QuotaProducer.java, kafka-clients 4.4) writes 1000-byte records as fast
// as the broker lets it. The producer reports the payload acknowledged each second.
//
// How the rate is measured: Kafka's quota is a rate over quota.window.num (11) windows of one
// second, and it treats a young sensor as already 10 windows old. A new client therefore first
// gets a burst of about 10 s worth of quota (10 MiB) at full speed, and later bursts recur each
// time the oldest samples expire (every ~11-12 s), with near-silence between them. Any plain 30 s
// average swings with where the bursts fall (0.76-1.12 MiB/s on Kafka 4.4.0 itself). So the
// figure compared is the rate the quota itself holds: for each of the MEASURE seconds after
// WARMUP, the payload of the trailing 11 s divided by 11 s, averaged. The plain average of those
// seconds and of the whole run are printed too.
//
//   npm run build && node compat/quotas/run.mjs [--seconds 30] [--warmup 15] [--only kafka|rivulet]
// Exit code 0 when both brokers hold the producer within 10% of 1 MiB/s over the measured seconds.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaLibsDir, kafkaVersion, startKafka } from '../lib/kafka-broker.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { startBroker } = await import(path.join(root, 'dist/src/index.js'));

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const MEASURE = Number(arg('seconds', 30));
const WARMUP = Number(arg('warmup', 15));
const ONLY = arg('only', null);
const LIMIT = 1024 * 1024;
const QUOTA_WINDOW = 11; // quota.window.num * quota.window.size.seconds, Kafka's defaults
const CLIENT_ID = 'quota-perf';
const TOPIC = 'quota-perf';
const libs = kafkaLibsDir();

function run(args, timeoutMs = 180_000) {
  return new Promise((resolve) => {
    const p = spawn('java', ['-cp', `${libs}/*`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.stdout.on('data', (c) => (out += c));
    p.stderr.on('data', (c) => (err += c));
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

async function tool(main, bootstrap, ...args) {
  const r = await run([main, '--bootstrap-server', bootstrap, ...args]);
  if (r.code !== 0) throw new Error(`${main} ${args.join(' ')} exited ${r.code}: ${r.err}`);
  return r.out.trim();
}

async function scenario(name, bootstrap) {
  await tool('org.apache.kafka.tools.TopicCommand', bootstrap, '--create', '--topic', TOPIC, '--partitions', '1', '--replication-factor', '1');
  const altered = await tool('org.apache.kafka.tools.ConfigCommand', bootstrap, '--alter', '--add-config', `producer_byte_rate=${LIMIT}`, '--entity-type', 'clients', '--entity-name', CLIENT_ID);
  const described = await tool('org.apache.kafka.tools.ConfigCommand', bootstrap, '--describe', '--entity-type', 'clients', '--entity-name', CLIENT_ID);
  console.log(`${name}: ${altered}`);
  console.log(`${name}: ${described}`);
  const seconds = WARMUP + MEASURE;
  const r = await run([path.join(root, 'compat/quotas/QuotaProducer.java'), bootstrap, CLIENT_ID, TOPIC, String(seconds)], (seconds + 120) * 1000);
  if (r.code !== 0) throw new Error(`QuotaProducer exited ${r.code}: ${r.err}`);
  const perSecond = [...r.out.matchAll(/^second (\d+) bytes (\d+) throttleMaxMs (\d+)$/gm)].map((m) => ({ bytes: Number(m[2]), throttle: Number(m[3]) }));
  const mib = (bytes, s) => bytes / s / LIMIT;
  const sum = (list) => list.reduce((a, x) => a + x.bytes, 0);
  const plain = mib(sum(perSecond.slice(WARMUP)), MEASURE);
  const whole = mib(sum(perSecond), seconds);
  let trailing = 0;
  for (let s = WARMUP; s < seconds; s++) trailing += mib(sum(perSecond.slice(Math.max(0, s - QUOTA_WINDOW + 1), s + 1)), QUOTA_WINDOW);
  const measured = trailing / MEASURE;
  console.log(`${name}: MiB per second: ${perSecond.map((x) => (x.bytes / LIMIT).toFixed(2)).join(' ')}`);
  console.log(`${name}: max throttle ms per second: ${perSecond.map((x) => x.throttle).join(' ')}`);
  console.log(`${name}: seconds ${WARMUP}-${seconds}: ${measured.toFixed(3)} MiB/s over the trailing ${QUOTA_WINDOW} s window (plain average ${plain.toFixed(3)}; whole run ${whole.toFixed(3)})`);
  return measured;
}

const results = {};
if (ONLY !== 'rivulet') {
  const kafka = await startKafka();
  try {
    results[`kafka ${kafkaVersion(libs)}`] = await scenario(`kafka ${kafkaVersion(libs)}`, kafka.bootstrap);
  } finally {
    await kafka.stop();
  }
}
if (ONLY !== 'kafka') {
  const broker = await startBroker({});
  try {
    results.rivulet = await scenario('rivulet', broker.bootstrap);
  } finally {
    await broker.stop();
  }
}
let ok = true;
for (const [name, rate] of Object.entries(results)) {
  const within = Math.abs(rate - 1) <= 0.1;
  ok &&= within;
  console.log(`${within ? 'PASS' : 'FAIL'} ${name}: ${rate.toFixed(3)} MiB/s (limit 1 MiB/s, within 10%: ${within})`);
}
process.exit(ok ? 0 : 1);
