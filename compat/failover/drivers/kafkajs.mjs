// The failover driver for kafkajs (issue 11); the protocol is described in
// compat/failover/check.mjs: it only produces, consumes and reports.
//   node kafkajs.mjs failover <bootstrap> <topic> <group> <before> <after>
//   node kafkajs.mjs eos <bootstrap> <in> <out> <group> <transactional.id> <n>
import { Kafka, logLevel } from 'kafkajs';
import { awaitKill, emit, failoverLoop, waitUntil } from './driver-lib.mjs';

const [mode, bootstrap, topic, group, before, after] = process.argv.slice(2);
if (mode === 'eos') await eos(...process.argv.slice(3));
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

// consume-transform-produce: 10 records a transaction, the consumed offsets sent with it; a third
// of the way in, a transaction stays open (its records sent) until the checker has killed the
// transaction coordinator. A failed transaction is aborted (or, when kafkajs cannot abort it, the
// producer is replaced: its InitProducerId fences the old one and aborts what it left open), and
// the consumer seeks back to the group's committed offsets as the coordinator has them (a commit
// that failed on the client may still have committed).
async function eos(bootstrap, inTopic, outTopic, group, txId, n) {
  n = Number(n);
  const kafka = new Kafka({
    clientId: 'rivulet-failover-kafkajs', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING,
    retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 2000 }, requestTimeout: 10_000,
  });
  const errors = [];
  let transactions = 0;
  let aborted = 0;
  let replacedProducers = 0;
  let killed = false;
  const committed = new Map();
  const covered = () => [...committed.values()].reduce((a, b) => a + b, 0);
  const newProducer = async () => {
    const p = kafka.producer({ transactionalId: txId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: 60_000 });
    await p.connect();
    return p;
  };
  let producer = await newProducer();
  const admin = kafka.admin();
  await admin.connect();
  const consumer = kafka.consumer({ groupId: group, readUncommitted: false, sessionTimeout: 10_000, heartbeatInterval: 1000, retry: { retries: 30 } });
  consumer.on(consumer.events.CRASH, (e) => errors.push(`consumer crash: ${e.payload?.error?.message}`));
  await consumer.connect();
  await consumer.subscribe({ topic: inTopic, fromBeginning: true });
  const rewind = async () => {
    const [{ partitions }] = await admin.fetchOffsets({ groupId: group, topics: [inTopic] });
    for (const { partition, offset } of partitions) {
      const o = Number(offset) < 0 ? 0 : Number(offset);
      committed.set(partition, o);
      consumer.seek({ topic: inTopic, partition, offset: String(o) });
    }
  };
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      for (let i = 0; i < batch.messages.length; i += 10) {
        const chunk = batch.messages.slice(i, i + 10);
        const last = chunk[chunk.length - 1].offset;
        let txn = null;
        try {
          txn = await producer.transaction();
          await txn.send({ topic: outTopic, acks: -1, messages: chunk.map((m) => ({ value: `out-${m.value.toString().slice(3)}` })) });
          if (!killed && covered() >= n / 3) {
            emit({ event: 'before', open: chunk.length });
            await awaitKill();
            killed = true;
          }
          await txn.sendOffsets({ consumerGroupId: group, topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(Number(last) + 1) }] }] });
          await txn.commit();
          transactions++;
          committed.set(batch.partition, Number(last) + 1);
          resolveOffset(last);
          await heartbeat();
        } catch (e) {
          errors.push(`transaction: ${e.message}`);
          try {
            if (!txn) throw new Error('no transaction to abort');
            await txn.abort();
            aborted++;
          } catch (e2) {
            errors.push(`abort (a new producer): ${e2.message}`);
            await producer.disconnect().catch(() => {});
            producer = await newProducer();
            replacedProducers++;
          }
          await rewind();
          return; // the rest of this batch comes again from the committed offsets
        }
      }
    },
  });
  await waitUntil(() => covered() >= n, 240_000);
  if (covered() < n) errors.push(`the loop did not cover the input within 240 s (${covered()} of ${n})`);
  await consumer.disconnect().catch(() => {});
  await producer.disconnect().catch(() => {});
  await admin.disconnect().catch(() => {});
  emit({ event: 'done', transactions, aborted, replacedProducers, errors });
  process.exit(0);
}
