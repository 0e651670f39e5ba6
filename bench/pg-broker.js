// A broker over PostgreSQL (--store, issue 11 part 2) against the same broker on its local log
// (a data directory), end to end through a Kafka client: kafkajs producing 1 KiB records with
// acks=all (batches of 100, up to 4 sends in flight over 4 partitions) for a fixed time, then a
// consumer reading everything back. One process holds broker and client: a first look at issue 11's
// target (acks=all produce over PostgreSQL >= 0.5x the local log), not the bench/run.js harness
// (which measures with Kafka's own perf tools against Kafka). Noisy on a shared 2-core machine.
//
//   npm run build && node bench/pg-broker.js [--seconds 10] [--fsync on|off]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import kafkajs from 'kafkajs';
import { startBroker } from '../dist/src/index.js';
import { startTempPostgres } from '../dist/src/store/postgres/temp-server.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const SECONDS = Number(opt('seconds', '10'));
const FSYNC = opt('fsync', 'on');
const PARTITIONS = 4;
const value = Buffer.alloc(1024, 120);

async function run(label, options) {
  const broker = await startBroker({ port: 0, ...options });
  const kafka = new kafkajs.Kafka({ clientId: 'bench', brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
  try {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'b', numPartitions: PARTITIONS }] });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const messages = Array.from({ length: 100 }, () => ({ value }));
    const t0 = performance.now();
    let sent = 0;
    const latencies = [];
    await Promise.all(Array.from({ length: PARTITIONS }, async (_, partition) => {
      while (performance.now() - t0 < SECONDS * 1000) {
        const s = performance.now();
        await producer.send({ topic: 'b', acks: -1, messages: messages.map((m) => ({ ...m, partition })) });
        latencies.push(performance.now() - s);
        sent += messages.length;
      }
    }));
    const produceS = (performance.now() - t0) / 1000;
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: `bench-${label}`, maxBytes: 8 << 20, maxBytesPerPartition: 2 << 20 });
    await consumer.connect();
    await consumer.subscribe({ topics: ['b'], fromBeginning: true });
    const t1 = performance.now();
    let got = 0;
    await new Promise((resolve) => {
      void consumer.run({ eachBatch: async ({ batch }) => { got += batch.messages.length; if (got >= sent) resolve(); } });
    });
    const consumeS = (performance.now() - t1) / 1000;
    await consumer.disconnect();
    latencies.sort((a, b) => a - b);
    return {
      store: label,
      records: sent,
      produceMiBs: +((sent * 1024) / 1048576 / produceS).toFixed(1),
      sendP50ms: +latencies[Math.floor(latencies.length * 0.5)].toFixed(1),
      sendP99ms: +latencies[Math.floor(latencies.length * 0.99)].toFixed(1),
      consumeMiBs: +((got * 1024) / 1048576 / consumeS).toFixed(1),
    };
  } finally {
    await broker.stop();
  }
}

const server = await startTempPostgres({ settings: { fsync: FSYNC, full_page_writes: FSYNC, shared_buffers: '256MB' } });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-bench-'));
try {
  const rows = [];
  rows.push(await run('local log', { dataDir: dir }));
  rows.push(await run('PostgreSQL', { store: server.url() }));
  console.table(rows);
  console.log(`PostgreSQL / local log, acks=all produce: ${(rows[1].produceMiBs / rows[0].produceMiBs).toFixed(2)}x (fsync ${FSYNC}, ${SECONDS} s)`);
} finally {
  await server.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}
