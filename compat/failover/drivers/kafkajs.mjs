// The failover driver for kafkajs (issue 11); the protocol is described in
// compat/failover/check.mjs: it only produces, consumes and reports.
//   node kafkajs.mjs failover <bootstrap> <topic> <group> <before> <after>
import { Kafka, logLevel } from 'kafkajs';
import { awaitKill, emit, failoverLoop, waitUntil } from './driver-lib.mjs';

const [mode, bootstrap, topic, group, before, after] = process.argv.slice(2);
if (mode !== 'failover') { console.error(`kafkajs: unknown mode ${mode}`); process.exit(2); }

const kafka = new Kafka({
  clientId: 'rivulet-failover-kafkajs',
  brokers: bootstrap.split(','),
  logLevel: logLevel.NOTHING,
  retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 2000 },
  requestTimeout: 10_000,
});
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 1000, retry: { retries: 30 } });
const consumed = new Set();
const errors = [];
await producer.connect();
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
consumer.on(consumer.events.CRASH, (e) => errors.push(`consumer crash: ${e.payload?.error?.message}`));
await consumer.run({ eachMessage: async ({ message }) => void consumed.add(Number(message.value.toString().slice(2))) });
const partitions = (await (async () => { const a = kafka.admin(); await a.connect(); try { return (await a.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions.length; } finally { await a.disconnect(); } })());

const report = await failoverLoop({
  partitions,
  before: Number(before),
  after: Number(after),
  send: (i, partition) => producer.send({ topic, acks: -1, messages: [{ partition, value: `v-${i}` }] }),
  awaitKill,
  errors,
});
await waitUntil(() => report.acked.every((i) => consumed.has(i)), 60_000);
await consumer.disconnect().catch(() => {});
await producer.disconnect().catch(() => {});
emit({ event: 'done', ...report, consumed: [...consumed].sort((a, b) => a - b), errors });
process.exit(0);
