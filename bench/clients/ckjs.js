// @confluentinc/kafka-javascript (librdkafka) worker for bench/run.js, through its KafkaJS-style
// API (the one Confluent recommends). Installed by bench/setup-ckjs.sh into bench/.cache/ckjs.
//   node bench/clients/ckjs.js '<job json>'   (jobs as in kafkajs.js)
// librdkafka's defaults apply (linger.ms=5, batch.size=1000000, fetch.wait.max.ms=500), except
// linger.ms=0 for the latency runs (same as the Java and kafkajs latency runs).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emit, fixedRateSend, latencySink, parseJob, produceLoop, sleep, waitForCount, withTimeout } from './common.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CKJS_DIR = path.join(here, '..', '.cache', 'ckjs');

const job = parseJob();
let ckjs;
try {
  ckjs = createRequire(path.join(CKJS_DIR, 'package.json'))('@confluentinc/kafka-javascript');
} catch (e) {
  emit({ ok: false, skipped: true, error: `@confluentinc/kafka-javascript not installed (run bench/setup-ckjs.sh): ${e.message}` });
  process.exit(0);
}
const { Kafka, logLevel } = ckjs.KafkaJS;
if (job.op === 'version') {
  emit({ ok: true, version: createRequire(path.join(CKJS_DIR, 'package.json'))('@confluentinc/kafka-javascript/package.json').version, librdkafka: ckjs.librdkafkaVersion, features: ckjs.features });
  process.exit(0);
}
// job.debugLog (bench/consume-ab.js --ckjs-debug): librdkafka's fetch debug lines, timestamped, into a file.
const debugLogger = (file) => {
  const out = fs.openSync(file, 'w');
  const line = (m) => fs.writeSync(out, `${performance.now().toFixed(3)} ${m}\n`);
  const l = { info: line, error: line, warn: line, debug: line, namespace: () => l, setLogLevel: () => {} };
  return l;
};
const kafka = new Kafka(job.debugLog
  ? { debug: 'fetch', kafkaJS: { clientId: 'rivulet-bench-ckjs', brokers: [job.bootstrap], logger: debugLogger(job.debugLog) } }
  : { kafkaJS: { clientId: 'rivulet-bench-ckjs', brokers: [job.bootstrap], logLevel: logLevel.NOTHING } });
const acksOf = (a) => (a === 'all' || a === '-1' || a === -1 ? -1 : Number(a ?? 1));

async function produce() {
  const producer = kafka.producer({ kafkaJS: { acks: acksOf(job.acks), compression: job.compression ?? 'none' } });
  await producer.connect();
  await producer.send({ topic: job.topic, messages: [{ value: Buffer.alloc(job.size, 65) }] }); // warm-up
  const r = await produceLoop({ seconds: job.seconds, warmupSeconds: job.warmupSeconds, maxRecords: job.maxRecords, size: job.size, sendBatch: (messages) => producer.send({ topic: job.topic, messages }) });
  await producer.disconnect();
  return r;
}

async function consume() {
  // job.config: librdkafka properties on top of the defaults (bench/consume-ab.js --ckjs-config)
  const consumer = kafka.consumer({ ...(job.config ?? {}), kafkaJS: { groupId: job.group, fromBeginning: true } });
  await consumer.connect();
  await consumer.subscribe({ topics: [job.topic] });
  let count = 0;
  let bytes = 0;
  let first = 0;
  const t0 = performance.now();
  consumer.run({
    eachBatch: async ({ batch }) => {
      if (!first && batch.messages.length) first = performance.now();
      for (const m of batch.messages) bytes += m.value ? m.value.length : 0;
      count += batch.messages.length;
    },
  });
  await waitForCount(() => count, job.records, job.idleMs ?? 30000);
  const t1 = performance.now();
  await consumer.disconnect();
  const sec = (t1 - t0) / 1000;
  const fsec = (t1 - first) / 1000;
  return {
    ok: true, records: count, mib: +(bytes / 1048576).toFixed(1), seconds: +sec.toFixed(3),
    recordsPerSec: +(count / sec).toFixed(1), mibPerSec: +(bytes / sec / 1048576).toFixed(2),
    fetchMibPerSec: +(bytes / fsec / 1048576).toFixed(2), firstRecordMs: Math.round(first - t0),
  };
}

async function latency() {
  const warmCount = Math.round(job.warmupSeconds * job.rate);
  const total = warmCount + Math.round(job.seconds * job.rate);
  const sink = latencySink(total, warmCount);
  const consumer = kafka.consumer({ kafkaJS: { groupId: `${job.topic}-lat`, fromBeginning: true } });
  await consumer.connect();
  await consumer.subscribe({ topics: [job.topic] });
  consumer.run({ eachMessage: async ({ message }) => sink.onValue(message.value) });
  const deadline = Date.now() + 60000;
  while (consumer.assignment().length === 0) {
    if (Date.now() > deadline) throw new Error('no partition assigned within 60 s');
    await sleep(20);
  }
  const producer = kafka.producer({ 'linger.ms': 0, kafkaJS: { acks: acksOf(job.acks) } });
  await producer.connect();
  const warm = Buffer.alloc(16);
  warm.writeDoubleBE(-1, 0); // index -1: ignored by the sink
  await producer.send({ topic: job.topic, messages: [{ value: warm }] });
  const s = await fixedRateSend({ rate: job.rate, total, size: job.size, send: (messages) => producer.send({ topic: job.topic, messages }) });
  await withTimeout(sink.done, 30000, 'all records back').catch(() => {});
  await producer.disconnect();
  await consumer.disconnect();
  return { ok: true, rate: job.rate, sent: total, sendErrors: s.errors, ...(s.firstError ? { firstSendError: s.firstError } : {}), achievedSendRate: s.achievedSendRate, ...sink.result() };
}

try {
  const ops = { produce, consume, latency };
  emit(await ops[job.op]());
  process.exit(0);
} catch (e) {
  emit({ ok: false, error: String(e?.stack ?? e).slice(0, 1500) });
  process.exit(1);
}
