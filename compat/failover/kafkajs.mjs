// The failover scenario with kafkajs (issue 11): an idempotent acks=all producer and a consumer
// group run continuously while the broker leading partition 0 is killed. Verdict: every
// acknowledged record is in the log exactly once (no loss, no duplicates), the group goes on
// consuming and reaches every acknowledged record, and the time from the kill to the first
// acknowledged produce to the killed leader's partition is recorded.
//
// runFailover(target): target = { bootstrap, killLeaderOf(topic, partition) ─▶ Promise<nodeId> }.
import { Kafka, logLevel } from 'kafkajs';

const PARTITIONS = 3;
const BEFORE = 300; // records acknowledged before the kill
const AFTER = 300; // and after the first acknowledgement on the killed leader's partition

export async function runFailover(target, { topic = `failover-${Date.now().toString(36)}`, log = () => {} } = {}) {
  const kafka = new Kafka({
    clientId: 'rivulet-failover',
    brokers: target.bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 2000 },
    requestTimeout: 10_000,
  });
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: `${topic}-group`, sessionTimeout: 10_000, heartbeatInterval: 1000, retry: { retries: 30 } });
  const acked = new Map(); // value ─▶ partition
  const consumed = new Set();
  let consumerErrors = 0;
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: target.replicationFactor ?? 3 }], waitForLeaders: true });
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    consumer.on(consumer.events.CRASH, () => consumerErrors++);
    await consumer.run({ eachMessage: async ({ message }) => void consumed.add(message.value.toString()) });

    let seq = 0;
    const send = async () => {
      const value = `v-${seq}`;
      const partition = seq++ % PARTITIONS;
      await producer.send({ topic, acks: -1, messages: [{ partition, value }] });
      acked.set(value, partition);
      return partition;
    };
    while (acked.size < BEFORE) await send();
    const killedAt = performance.now();
    const killed = await target.killLeaderOf(topic, 0);
    log(`killed node ${killed}, the leader of ${topic}-0, after ${acked.size} acknowledged records`);
    let failoverMs = null;
    let afterFirst = 0;
    while (afterFirst < AFTER) {
      const partition = await send().catch((e) => { log(`produce failed: ${e.message}`); return null; });
      if (partition === 0 && failoverMs === null) failoverMs = Math.round(performance.now() - killedAt);
      if (failoverMs !== null) afterFirst++;
      if (performance.now() - killedAt > 120_000) throw new Error('no acknowledged produce to the killed leader\'s partition within 120 s');
    }
    // the group keeps consuming: it reaches every acknowledged record
    const deadline = Date.now() + 60_000;
    while ([...acked.keys()].some((v) => !consumed.has(v)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const notConsumed = [...acked.keys()].filter((v) => !consumed.has(v)).length;
    // the log itself: each acknowledged record exactly once, nothing unacknowledged but the
    // records of sends that failed (a failed send may still have been written)
    const log_ = await readAll(kafka, topic);
    const counts = new Map();
    for (const v of log_) counts.set(v, (counts.get(v) ?? 0) + 1);
    const lost = [...acked.keys()].filter((v) => !counts.has(v)).length;
    const duplicates = [...counts.values()].filter((c) => c > 1).length;
    return { acknowledged: acked.size, inLog: log_.length, lost, duplicates, notConsumed, consumerErrors, failoverMs, killed };
  } finally {
    await consumer.disconnect().catch(() => {});
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}

async function readAll(kafka, topic) {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(ends.map((o) => [o.partition, Number(o.high)]).filter(([, h]) => h > 0));
  const values = [];
  if (remaining.size === 0) return values;
  const reader = kafka.consumer({ groupId: `${topic}-reader-${Date.now()}` });
  await reader.connect();
  await reader.subscribe({ topic, fromBeginning: true });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`reading ${topic} back timed out`)), 60_000);
    reader.run({
      eachMessage: async ({ partition, message }) => {
        values.push(message.value.toString());
        if (Number(message.offset) + 1 >= remaining.get(partition)) remaining.delete(partition);
        if (remaining.size === 0) { clearTimeout(timer); resolve(); }
      },
    }).catch(reject);
  });
  await reader.disconnect();
  return values;
}
