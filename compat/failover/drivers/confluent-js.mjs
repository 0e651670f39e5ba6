// The failover driver for @confluentinc/kafka-javascript (librdkafka, through its KafkaJS-compatible
// API), issue 11; the protocol is described in compat/failover/check.mjs.
//   CONFLUENT_JS_DIR=compat/.cache/confluent-js node confluent-js.mjs failover <bootstrap> <topic> <group> <before> <after>
import { createRequire } from 'node:module';
import path from 'node:path';
import { awaitKill, emit, failoverLoop, waitUntil } from './driver-lib.mjs';

const [mode, bootstrap, topic, group, before, after] = process.argv.slice(2);
if (mode !== 'failover') { console.error(`confluent-js: unknown mode ${mode}`); process.exit(2); }
const require = createRequire(path.join(path.resolve(process.env.CONFLUENT_JS_DIR), 'package.json'));
const { KafkaJS } = require('@confluentinc/kafka-javascript');
const { Kafka, logLevel } = KafkaJS;

const kafka = new Kafka({ kafkaJS: { brokers: bootstrap.split(','), clientId: 'rivulet-failover-confluent-js', logLevel: logLevel.ERROR } });
const producer = kafka.producer({ kafkaJS: { idempotent: true, acks: -1 }, 'linger.ms': 0, 'message.timeout.ms': 120000 });
const consumer = kafka.consumer({ kafkaJS: { groupId: group, fromBeginning: true, sessionTimeout: 10000, heartbeatInterval: 1000, maxWaitTimeInMs: 200 } });
const consumed = new Set();
const errors = [];
await producer.connect();
await consumer.connect();
await consumer.subscribe({ topics: [topic] });
consumer.run({ eachMessage: async ({ message }) => void consumed.add(Number(message.value.toString().slice(2))) }).catch((e) => errors.push(`consumer: ${e.message}`));
const admin = kafka.admin();
await admin.connect();
const partitions = (await admin.fetchTopicMetadata({ topics: [topic] }))[0].partitions.length;
await admin.disconnect();

const report = await failoverLoop({
  partitions,
  before: Number(before),
  after: Number(after),
  send: (i, partition) => producer.send({ topic, messages: [{ partition, value: `v-${i}` }] }),
  awaitKill,
  errors,
});
await waitUntil(() => report.acked.every((i) => consumed.has(i)), 60_000);
await consumer.disconnect().catch(() => {});
await producer.disconnect().catch(() => {});
emit({ event: 'done', ...report, consumed: [...consumed].sort((a, b) => a - b), errors });
process.exit(0);
