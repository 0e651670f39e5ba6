// kafkajs 2.2.4 worker for bench/run.js:  node bench/clients/kafkajs.js '<job json>'
// Jobs: { op: 'produce', bootstrap, topic, seconds, warmupSeconds, maxRecords?, size, acks, compression? }
//       { op: 'consume', bootstrap, topic, records, group }
//       { op: 'latency', bootstrap, topic, rate, seconds, warmupSeconds, size, acks }
// Codecs: lz4 from kafkajs-lz4 (installed into compat/.cache by bench/run.js: compat/lib/kafkajs-lz4.mjs); zstd through @toondepauw/node-zstd (a Rivulet dependency; kafkajs has none).
import kafkajs from 'kafkajs';
import zstdNative from '@toondepauw/node-zstd';
import { loadKafkajsLz4 } from '../../compat/lib/kafkajs-lz4.mjs';
import { emit, fixedRateSend, latencySink, parseJob, produceLoop, waitForCount, withTimeout } from './common.js';

const { Kafka, logLevel, CompressionTypes, CompressionCodecs } = kafkajs;
const LZ4Codec = loadKafkajsLz4();
CompressionCodecs[CompressionTypes.LZ4] = new LZ4Codec().codec;
const zstdEncoder = new zstdNative.Encoder(3);
const zstdDecoder = new zstdNative.Decoder();
CompressionCodecs[CompressionTypes.ZSTD] = () => ({
  compress: async (encoder) => zstdEncoder.encodeSync(encoder.buffer),
  decompress: async (buffer) => zstdDecoder.decodeSync(buffer),
});
const CODECS = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD };

const job = parseJob();
const kafka = new Kafka({ clientId: 'rivulet-bench-kafkajs', brokers: [job.bootstrap], logLevel: logLevel.NOTHING });
const acksOf = (a) => (a === 'all' || a === '-1' || a === -1 ? -1 : Number(a ?? 1));

async function produce() {
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  const acks = acksOf(job.acks);
  const compression = CODECS[job.compression ?? 'none'];
  // one warm-up send (not timed): metadata and connections
  await producer.send({ topic: job.topic, acks, compression, messages: [{ value: Buffer.alloc(job.size, 65) }] });
  const r = await produceLoop({
    seconds: job.seconds, warmupSeconds: job.warmupSeconds, maxRecords: job.maxRecords,
    size: job.size,
    sendBatch: (messages) => producer.send({ topic: job.topic, acks, compression, messages }),
  });
  await producer.disconnect();
  return r;
}

async function consume() {
  const consumer = kafka.consumer({ groupId: job.group });
  await consumer.connect();
  await consumer.subscribe({ topics: [job.topic], fromBeginning: true });
  let count = 0;
  let bytes = 0;
  let first = 0;
  const t0 = performance.now();
  await consumer.run({
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
  const consumer = kafka.consumer({ groupId: `${job.topic}-lat` });
  await consumer.connect();
  // a fresh, empty topic (created by the harness): from the beginning = everything we send
  await consumer.subscribe({ topics: [job.topic], fromBeginning: true });
  let joined;
  const joinedP = new Promise((r) => { joined = r; });
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.run({ eachMessage: async ({ message }) => sink.onValue(message.value) });
  await withTimeout(joinedP, 60000, 'group join');
  const producer = kafka.producer();
  await producer.connect();
  const acks = acksOf(job.acks);
  const warm = Buffer.alloc(16);
  warm.writeDoubleBE(-1, 0); // index -1: ignored by the sink
  await producer.send({ topic: job.topic, acks, messages: [{ value: warm }] });
  const s = await fixedRateSend({ rate: job.rate, total, size: job.size, send: (messages) => producer.send({ topic: job.topic, acks, messages }) });
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
