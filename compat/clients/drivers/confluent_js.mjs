// @confluentinc/kafka-javascript compat driver, through its KafkaJS-compatible API.
// Usage: CONFLUENT_JS_DIR=compat/.cache/confluent-js node compat/clients/drivers/confluent_js.mjs <bootstrap> <prefix> [scenario,...]
import { createRequire } from 'node:module';
import path from 'node:path';
import { check, checkSame, log as logTag, scenario, skip, sleep, waitFor } from './driver-util.mjs';

const [bootstrap, prefix, onlyArg] = process.argv.slice(2);
if (!bootstrap || !prefix) { console.error('usage: confluent_js.mjs <bootstrap> <prefix> [scenario,...]'); process.exit(2); }
const dir = process.env.CONFLUENT_JS_DIR;
if (!dir) { console.error('CONFLUENT_JS_DIR (the install dir of @confluentinc/kafka-javascript) is not set'); process.exit(2); }
const require = createRequire(path.join(path.resolve(dir), 'package.json'));
const { KafkaJS } = require('@confluentinc/kafka-javascript');
const { Kafka, CompressionTypes, logLevel } = KafkaJS;

const log = (...a) => logTag('confluent-js', ...a);
const T = (name) => `${prefix}-${name}`;
if (onlyArg) process.env.COMPAT_SCENARIO = onlyArg;
const CLIENT_ID = 'compat-confluent-js';
const kafka = new Kafka({ kafkaJS: { brokers: [bootstrap], clientId: CLIENT_ID, logLevel: logLevel.NOTHING } });
const admin = kafka.admin();
await admin.connect();

const errName = (e) => (e?.type ?? e?.code ?? e?.name ?? String(e));

async function createTopic(topic, numPartitions = 3, configEntries) {
  await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 1, ...(configEntries ? { configEntries } : {}) }], timeout: 15000 });
  const ok = await waitFor(async () => {
    const md = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => null);
    return md && md[0]?.partitions?.length === numPartitions && md[0].partitions.every((p) => p.leader >= 0);
  }, 15000, 200);
  check(ok, `topic ${topic} has no leaders for its ${numPartitions} partitions`, numPartitions, null);
}

const msgs = (tag, n) => Array.from({ length: n }, (_, i) => ({ key: `key-${tag}-${i}`, value: `value-${tag}-${i}-${'abcdefgh'.repeat(10 + i)}` }));
const headersFor = (i, codec) => ({ codec, idx: String(i), dup: ['a', 'b'] });

async function produce(topic, records, kafkaJS = {}, headers) {
  const producer = kafka.producer({ kafkaJS: { acks: -1, ...kafkaJS }, 'linger.ms': 20 });
  await producer.connect();
  try {
    return await producer.send({ topic, messages: records.map((m, i) => ({ key: m.key, value: m.value, ...(headers ? { headers: headers(i) } : {}), ...(m.timestamp ? { timestamp: m.timestamp } : {}), ...(m.partition !== undefined ? { partition: m.partition } : {}) })) });
  } finally {
    await producer.disconnect();
  }
}

function toRecord(partition, message) {
  const headers = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = Array.isArray(v) ? v.map((x) => x?.toString() ?? null) : (v?.toString() ?? null);
  return { partition, offset: Number(message.offset), key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers, timestamp: Number(message.timestamp) };
}

function consumer(groupId, extra = {}) {
  return kafka.consumer({
    kafkaJS: { groupId, fromBeginning: true, autoCommit: false, sessionTimeout: 10000, heartbeatInterval: 500, maxWaitTimeInMs: 100, ...extra },
  });
}

/** Reads every record of the topic in a fresh group (nothing committed). */
async function readAll(topic, expected, timeoutMs = 30000) {
  const c = consumer(`${topic}-reader`); // the KafkaJS API needs a group id; nothing is committed
  const got = [];
  await c.connect();
  try {
    await c.subscribe({ topics: [topic] });
    c.run({ eachMessage: async ({ partition, message }) => { got.push(toRecord(partition, message)); } });
    await waitFor(() => got.length >= expected, timeoutMs, 50);
    await sleep(700); // anything beyond `expected` (duplicates) shows up now
    return got;
  } finally {
    await c.disconnect();
  }
}

function verifyRecords(sent, got, headersOf) {
  const byKey = new Map(got.map((m) => [m.key, m]));
  check(got.length === sent.length && byKey.size === sent.length, `expected ${sent.length} distinct records back`, sent.map((m) => m.key), got.map((m) => m.key));
  sent.forEach((m, i) => {
    const g = byKey.get(m.key);
    check(g, `record ${m.key} missing`, m.key, [...byKey.keys()]);
    check(g.value === m.value, `value of ${m.key} differs`, m.value, g.value);
    if (headersOf) checkSame(headersOf(i), g.headers, `headers of ${m.key} differ`);
  });
  const parts = {};
  for (const g of got) (parts[g.partition] ??= []).push(g);
  for (const [p, list] of Object.entries(parts)) {
    list.sort((a, b) => a.offset - b.offset);
    checkSame(list.map((_, i) => i), list.map((g) => g.offset), `partition ${p}: offsets are not 0..n-1`);
    const order = list.map((g) => sent.findIndex((m) => m.key === g.key));
    checkSame([...order].sort((a, b) => a - b), order, `partition ${p}: records are not in send order`);
  }
  return got.map((g) => `${g.partition}:${g.offset}:${g.key}`).sort();
}

const assigned = (c) => {
  try {
    return c.assignment().flatMap((a) => (Array.isArray(a.partitions) ? a.partitions : [a.partition])).sort((x, y) => x - y);
  } catch { return null; }
};

const codecs = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP, snappy: CompressionTypes.SNAPPY, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD };

const scenarios = [];
const add = (name, fn) => scenarios.push([name, fn]);

add('create-topic', async () => {
  const topic = T('create-topic');
  await createTopic(topic);
  const md = await admin.fetchTopicMetadata({ topics: [topic] });
  checkSame([0, 1, 2], md[0].partitions.map((p) => p.partitionId).sort(), 'partitions of the new topic');
  const again = await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] });
  check(again === false, 'createTopics on an existing topic resolves false', false, again);
  let bad = 'no error';
  try {
    await admin.createTopics({ topics: [{ topic: T('create-topic-bad'), numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'nonsense' }] }] });
  } catch (e) { bad = errName(e.errors?.[0] ?? e); }
  check(bad !== 'no error', 'creating a topic with cleanup.policy=nonsense succeeded', 'an error', bad);
  const topics = await admin.listTopics();
  check(topics.includes(topic), 'listTopics lists the new topic', topic, topics.filter((t) => t.startsWith(prefix)));
  return { observed: { partitions: md[0].partitions.length, again, badConfig: bad } };
});

for (const [codec, compression] of Object.entries(codecs)) {
  add(`produce-${codec}`, async () => {
    const topic = T(`produce-${codec}`);
    await createTopic(topic);
    const sent = msgs(codec, 12);
    await produce(topic, sent, { compression }, (i) => headersFor(i, codec));
    const got = await readAll(topic, sent.length);
    return { observed: { records: verifyRecords(sent, got, (i) => headersFor(i, codec)) } };
  });
}

add('produce-idempotent', async () => {
  const topic = T('produce-idempotent');
  await createTopic(topic);
  const sent = msgs('idem', 200);
  const producer = kafka.producer({ kafkaJS: { idempotent: true, acks: -1, maxInFlightRequests: 5 }, 'linger.ms': 2, 'batch.num.messages': 7 });
  await producer.connect();
  try {
    // concurrent sends in chunks: ordering per partition must still hold
    for (let i = 0; i < sent.length; i += 50) {
      const chunk = sent.slice(i, i + 50);
      await Promise.all(chunk.map((m) => producer.send({ topic, messages: [m] })));
    }
  } finally {
    await producer.disconnect();
  }
  const got = await readAll(topic, sent.length);
  // each chunk of 50 is sent concurrently: check exactly-once and offsets, not the order inside a chunk
  const keys = got.map((g) => g.key).sort();
  checkSame(sent.map((m) => m.key).sort(), keys, 'idempotent producer: every record exactly once');
  const parts = {};
  for (const g of got) (parts[g.partition] ??= []).push(g.offset);
  for (const [p, offs] of Object.entries(parts)) checkSame(offs.map((_, i) => i), offs.sort((a, b) => a - b), `partition ${p}: offsets are not 0..n-1`);
  return { observed: { count: got.length } };
});

add('consume-from-beginning', async () => {
  const topic = T('consume-from-beginning');
  await createTopic(topic);
  const sent = msgs('cfb', 20);
  const meta = await produce(topic, sent, {}, (i) => headersFor(i, 'none'));
  const got = await readAll(topic, sent.length);
  const records = verifyRecords(sent, got, (i) => headersFor(i, 'none'));
  const offsets = await admin.fetchTopicOffsets(topic);
  const counts = [0, 1, 2].map((p) => got.filter((g) => g.partition === p).length);
  checkSame([0, 1, 2].map((p) => ({ partition: p, low: '0', high: String(counts[p]) })),
    offsets.map((o) => ({ partition: o.partition, low: String(o.low), high: String(o.high) })).sort((a, b) => a.partition - b.partition), 'fetchTopicOffsets low/high');
  return { observed: { records, sendResults: meta.length } };
});

add('consume-group', async () => {
  const topic = T('consume-group');
  const group = T('consume-group');
  await createTopic(topic);
  const members = [consumer(group), consumer(group)];
  const got = [[], []];
  try {
    for (const [i, c] of members.entries()) {
      await c.connect();
      await c.subscribe({ topics: [topic] });
      c.run({ eachMessage: async ({ partition, message }) => { got[i].push(toRecord(partition, message)); } });
    }
    const ok = await waitFor(() => {
      const a = assigned(members[0]);
      const b = assigned(members[1]);
      return a?.length && b?.length && [...a, ...b].sort().join() === '0,1,2';
    }, 45000, 200);
    check(ok, 'the two members did not share the 3 partitions', 'both assigned, together [0,1,2]', members.map(assigned));
    const sent = msgs('grp', 30);
    await produce(topic, sent);
    await waitFor(() => got[0].length + got[1].length >= sent.length, 30000, 50);
    await sleep(1000);
    const records = verifyRecords(sent, [...got[0], ...got[1]]);
    check(got[0].length && got[1].length, 'one member received nothing', 'both > 0', got.map((g) => g.length));
    return { observed: { records } };
  } finally {
    await Promise.all(members.map((c) => c.disconnect().catch(() => {})));
  }
});

add('commit-resume', async () => {
  const topic = T('commit-resume');
  const group = T('commit-resume');
  await createTopic(topic);
  const sent = msgs('cr', 24);
  await produce(topic, sent);
  const c1 = consumer(group);
  const part1 = [];
  const last = {};
  let committed;
  await c1.connect();
  try {
    await c1.subscribe({ topics: [topic] });
    c1.run({ eachMessage: async ({ partition, message }) => { if (part1.length < 10) part1.push(toRecord(partition, message)); } });
    await waitFor(() => part1.length >= 10, 45000, 50);
    check(part1.length === 10, 'first consumer: expected 10 records', 10, part1.length);
    for (const g of part1) last[g.partition] = Math.max(last[g.partition] ?? -1, g.offset);
    await c1.commitOffsets(Object.entries(last).map(([p, o]) => ({ topic, partition: Number(p), offset: String(o + 1) })));
    committed = await c1.committed([0, 1, 2].map((partition) => ({ topic, partition })), 10000);
  } finally {
    await c1.disconnect();
  }
  // partitions without a commit are left out (the client reports them differently across calls)
  const want = Object.fromEntries(Object.entries(last).map(([p, o]) => [p, o + 1]));
  const view = Object.fromEntries(committed.filter((c) => c.partition in last).map((c) => [c.partition, Number(c.offset)]));
  checkSame(want, view, 'committed offsets read back (consumer.committed, OffsetFetch)');
  const fetched = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  const adminView = Object.fromEntries(fetched[0].partitions.filter((p) => p.partition in last).map((p) => [p.partition, Number(p.offset)]));
  checkSame(want, adminView, 'admin.fetchOffsets');
  const c2 = consumer(group);
  const part2 = [];
  await c2.connect();
  try {
    await c2.subscribe({ topics: [topic] });
    c2.run({ eachMessage: async ({ partition, message }) => { part2.push(toRecord(partition, message)); } });
    await waitFor(() => part2.length >= sent.length - 10, 45000, 50);
    await sleep(1000);
  } finally {
    await c2.disconnect();
  }
  const keys = [...part1, ...part2].map((g) => g.key).sort();
  const dups = keys.filter((k, i) => keys[i - 1] === k);
  check(dups.length === 0, 'records consumed twice (the second consumer did not resume after the commit)', [], { duplicates: dups, second: part2.map((g) => `${g.partition}:${g.offset}`) });
  checkSame(sent.map((m) => m.key).sort(), keys, 'records lost between the two consumers');
  for (const p of [0, 1, 2]) {
    const offs = part2.filter((g) => g.partition === p).map((g) => g.offset);
    if (offs.length) check(Math.min(...offs) === (last[p] ?? -1) + 1, `partition ${p}: resumed at ${Math.min(...offs)}`, (last[p] ?? -1) + 1, Math.min(...offs));
  }
  return { observed: { committedTotal: Object.values(last).reduce((s, o) => s + o + 1, 0), first: part1.length, second: part2.length } };
});

add('describe-topic', async () => {
  const topic = T('describe-topic');
  await createTopic(topic);
  const [md] = await admin.fetchTopicMetadata({ topics: [topic] });
  check(md.name === topic, 'topic name', topic, md.name);
  for (const p of md.partitions) {
    check(p.leader >= 0, `partition ${p.partitionId}: leader`, '>= 0', p.leader);
    checkSame([p.leader], p.replicas, `partition ${p.partitionId}: replicas`);
    checkSame([p.leader], p.isr, `partition ${p.partitionId}: isr`);
  }
  let missing = 'no error';
  try { await admin.fetchTopicMetadata({ topics: [T('no-such-topic')] }); } catch (e) { missing = errName(e); }
  check(missing !== 'no error', 'describing an unknown topic succeeded', 'an error', missing);
  return { observed: { partitions: md.partitions.map((p) => p.partitionId).sort(), hasTopicId: !!md.topicId && md.topicId !== 'AAAAAAAAAAAAAAAAAAAAAA', unknownTopic: missing } };
});

// ---- transactions (librdkafka: AddPartitionsToTxn v0, AddOffsetsToTxn v0, EndTxn v0, TxnOffsetCommit v3)

const txProducer = (transactionalId) => kafka.producer({ kafkaJS: { transactionalId, idempotent: true, maxInFlightRequests: 1, acks: -1 }, 'linger.ms': 5 });
/** Records spread over partitions 0..2 in turn. */
const spread = (list) => list.map((m, i) => ({ ...m, partition: i % 3 }));
/** Copies for send(), which turns the values into Buffers in place. */
const copies = (list) => list.map((m) => ({ ...m }));

/** Reads the topic from the beginning (a fresh group per isolation level) until `expected` records arrived. */
async function readIso(topic, expected, readUncommitted) {
  const c = consumer(`${topic}-reader-${readUncommitted ? 'uncommitted' : 'committed'}`, { readUncommitted });
  const got = [];
  await c.connect();
  try {
    await c.subscribe({ topics: [topic] });
    c.run({ eachMessage: async ({ partition, message }) => { got.push(toRecord(partition, message)); } });
    await waitFor(() => got.length >= expected, 30000, 50);
    await sleep(700);
    return got;
  } finally {
    await c.disconnect();
  }
}

/** Checks that `got` holds exactly `sent` (key, value, partition): returns "p:o:key" sorted. */
function verifyTxnRecords(sent, got, what) {
  checkSame(sent.map((m) => `${m.partition}:${m.key}`).sort(), got.map((g) => `${g.partition}:${g.key}`).sort(), `${what}: records (partition:key)`);
  const byKey = new Map(sent.map((m) => [m.key, m]));
  for (const g of got) check(g.value === byKey.get(g.key).value, `${what}: value of ${g.key}`, byKey.get(g.key).value, g.value);
  return got.map((g) => `${g.partition}:${g.offset}:${g.key}`).sort();
}

add('produce-transactional', async () => {
  const topic = T('produce-transactional');
  await createTopic(topic);
  const c1 = spread(msgs('commit-1', 12));
  const ab = spread(msgs('aborted', 9));
  const c2 = spread(msgs('commit-2', 3)); // one per partition, last: a reader that has them is past the rest
  const p = txProducer(T('produce-transactional'));
  await p.connect();
  let lsoOpen;
  const abortedAt = {};
  try {
    let t = await p.transaction();
    await t.send({ topic, messages: copies(c1) });
    await t.commit();
    t = await p.transaction();
    for (const m of await t.send({ topic, messages: copies(ab) })) abortedAt[m.partition] = Number(m.baseOffset);
    const lso = await admin.fetchTopicOffsets(topic, { isolationLevel: KafkaJS.IsolationLevel.READ_COMMITTED });
    lsoOpen = Object.fromEntries(lso.map((o) => [o.partition, Number(o.offset)]));
    await t.abort();
    t = await p.transaction();
    await t.send({ topic, messages: copies(c2) });
    await t.commit();
  } finally {
    await p.disconnect();
  }
  checkSame(abortedAt, lsoOpen, 'last stable offsets while a transaction is open (its first record per partition)');
  const committed = verifyTxnRecords([...c1, ...c2], await readIso(topic, c1.length + c2.length, false), 'read_committed consumer');
  const all = verifyTxnRecords([...c1, ...ab, ...c2], await readIso(topic, c1.length + ab.length + c2.length, true), 'read_uncommitted consumer');
  // the committed records sit at the same offsets for both readers
  check(committed.every((x) => all.includes(x)), 'read_committed offsets differ from read_uncommitted ones', committed, all);
  return { observed: { committed, lsoWhileOpen: lsoOpen } };
});

add('consume-transform-produce', async () => {
  const input = T('consume-transform-produce');
  const output = T('consume-transform-produce-out');
  const group = T('consume-transform-produce');
  await createTopic(input);
  await createTopic(output);
  const records = spread(msgs('ctp', 30));
  await produce(input, records);
  const p = txProducer(T('consume-transform-produce'));
  await p.connect();
  const after = {};
  let out;
  try {
    for (const run of ['aborted', 'committed']) {
      const c = consumer(group, { readUncommitted: false });
      const got = [];
      await c.connect();
      try {
        await c.subscribe({ topics: [input] });
        c.run({ eachMessage: async ({ partition, message }) => { got.push(toRecord(partition, message)); } });
        await waitFor(() => got.length >= records.length, 45000, 50);
        verifyTxnRecords(records, got, `${run} run: records consumed from the input`);
        out = got.map((g) => ({ key: g.key, value: `${run} ${g.value}`, partition: g.partition }));
        const t = await p.transaction();
        await t.send({ topic: output, messages: copies(out) });
        const next = {};
        for (const g of got) next[g.partition] = Math.max(next[g.partition] ?? 0, g.offset + 1);
        await t.sendOffsets({ consumer: c, topics: [{ topic: input, partitions: Object.entries(next).map(([partition, offset]) => ({ partition: Number(partition), offset: String(offset) })) }] });
        if (run === 'committed') await t.commit();
        else await t.abort();
      } finally {
        await c.disconnect();
      }
      // partitions without a committed offset: -1 (or left out of the answer when the group has none)
      const fetchCommitted = async () => {
        const fetched = await admin.fetchOffsets({ groupId: group, topics: [input] });
        const listed = Object.fromEntries((fetched[0]?.partitions ?? []).map((x) => [x.partition, Number(x.offset)]));
        return Object.fromEntries([0, 1, 2].map((x) => [x, listed[x] ?? -1]));
      };
      after[run] = await fetchCommitted();
      // The transaction's offsets become visible to OffsetFetch once the coordinator has written
      // the commit marker to __consumer_offsets, which Kafka does after EndTxn has returned (Kafka
      // 4.4 with transactions v2 is slow enough for a read right after commit() to miss them).
      for (let i = 0; run === 'committed' && i < 50 && Object.values(after[run]).some((o) => o !== 10); i++) {
        await sleep(200);
        after[run] = await fetchCommitted();
      }
    }
  } finally {
    await p.disconnect();
  }
  checkSame({ 0: -1, 1: -1, 2: -1 }, after.aborted, "the group's committed offsets after the aborted run (none)");
  checkSame({ 0: 10, 1: 10, 2: 10 }, after.committed, "the group's committed offsets after the committed run (= what was consumed)");
  // the committed run's records follow the aborted run's in every partition: reading all of them
  // proves that the aborted ones were skipped
  const output_ = verifyTxnRecords(out, await readIso(output, out.length, false), 'read_committed output: only the committed run');
  return { observed: { committed: after, output: output_ } };
});

add('transaction-fencing', async () => {
  const topic = T('transaction-fencing');
  await createTopic(topic);
  const fenced = spread(msgs('fenced', 6));
  const fencer = spread(msgs('fencer', 3));
  const p1 = txProducer(T('transaction-fencing'));
  const p2 = txProducer(T('transaction-fencing'));
  let err = null;
  try {
    await p1.connect();
    const t1 = await p1.transaction();
    await t1.send({ topic, messages: copies(fenced) });
    await p2.connect(); // initTransactions with the same transactional.id: fences p1, aborts its transaction
    try { await t1.commit(); } catch (e) { err = errName(e); }
    check(err, 'the first producer committed after a second one took over its transactional id', 'a fenced error', 'committed');
    const t2 = await p2.transaction();
    await t2.send({ topic, messages: copies(fencer) });
    await t2.commit();
  } finally {
    await p1.disconnect().catch(() => {});
    await p2.disconnect().catch(() => {});
  }
  verifyTxnRecords(fencer, await readIso(topic, fencer.length, false), 'read_committed consumer: only the new producer');
  verifyTxnRecords([...fenced, ...fencer], await readIso(topic, fenced.length + fencer.length, true), 'read_uncommitted consumer: the fenced records too');
  return { observed: { fencedError: err } };
});

const NO_CONFIGS = '@confluentinc/kafka-javascript 1.10.1: the KafkaJS-compatible admin has no describeConfigs/alterConfigs';
add('describe-configs', async () => skip(NO_CONFIGS));
add('alter-configs', async () => skip(NO_CONFIGS));

async function joinedConsumer(group, topic) {
  const c = consumer(group);
  await c.connect();
  await c.subscribe({ topics: [topic] });
  c.run({ eachMessage: async () => {} });
  const ok = await waitFor(() => assigned(c)?.length > 0, 30000, 100);
  if (!ok) { await c.disconnect(); throw new Error(`consumer in ${group} got no assignment in 30 s`); }
  return c;
}

/** A group that had a member, committed an offset and is now empty. */
async function emptyGroupWithOffsets(group, topic) {
  const c = await joinedConsumer(group, topic);
  try {
    await c.commitOffsets([{ topic, partition: 0, offset: '0' }]);
  } finally {
    await c.disconnect();
  }
}

add('list-groups', async () => {
  const topic = T('list-groups');
  const group = T('list-groups');
  const empty = T('list-groups-empty');
  await createTopic(topic);
  await emptyGroupWithOffsets(empty, topic);
  const c = await joinedConsumer(group, topic);
  try {
    const res = await admin.listGroups();
    const ids = Object.fromEntries(res.groups.map((g) => [g.groupId, g]));
    check(ids[group], 'active group missing from listGroups', group, Object.keys(ids));
    check(ids[empty], 'empty group missing from listGroups', empty, Object.keys(ids));
    checkSame([], res.errors ?? [], 'listGroups errors');
    return {
      observed: {
        mine: Object.keys(ids).filter((k) => k.startsWith(`${prefix}-`)).sort(),
        active: { protocolType: ids[group].protocolType, state: ids[group].state, simple: ids[group].isSimpleConsumerGroup },
        empty: { protocolType: ids[empty].protocolType, state: ids[empty].state },
      },
    };
  } finally {
    await c.disconnect();
  }
});

add('describe-group', async () => {
  const group = T('describe-group');
  const topic = T('describe-group');
  await createTopic(topic);
  let c = await joinedConsumer(group, topic);
  try {
    const d = await waitFor(async () => {
      const r = await admin.describeGroups([group]);
      return r.groups[0]?.state === KafkaJS.ConsumerGroupStates?.STABLE || r.groups[0]?.state === 3 ? r.groups[0] : null;
    }, 10000, 300) || (await admin.describeGroups([group])).groups[0];
    check(!d.error, 'describe error', null, errName(d.error));
    check(d.protocolType === 'consumer', 'protocol type', 'consumer', d.protocolType);
    check(d.members.length === 1, 'member count', 1, d.members.length);
    const m = d.members[0];
    check(m.clientId === CLIENT_ID, 'member client id', CLIENT_ID, m.clientId);
    const parts = (m.assignment?.topicPartitions ?? []).filter((tp) => tp.topic === topic).map((tp) => tp.partition).sort();
    checkSame([0, 1, 2], parts, 'member assignment');
    const state = d.state;
    await c.disconnect();
    c = null;
    const after = await waitFor(async () => {
      const g = (await admin.describeGroups([group])).groups[0];
      return g.members.length === 0 ? g : null;
    }, 15000, 300);
    check(after, 'group still has members after the consumer left', 0, (await admin.describeGroups([group])).groups[0].members.length);
    let unknown;
    try {
      const g = (await admin.describeGroups([T('no-such-group')])).groups[0];
      unknown = { state: g.state, error: g.error ? errName(g.error) : null, members: g.members.length };
    } catch (e) { unknown = errName(e); }
    return { observed: { state, protocolType: d.protocolType, protocol: d.protocol, members: d.members.length, afterLeave: after.state, unknownGroup: unknown } };
  } finally {
    if (c) await c.disconnect().catch(() => {});
  }
});


// KIP-848 (group.protocol=consumer, librdkafka's "consumer" group protocol): the server assigns.
// librdkafka refuses the classic-only settings (session timeout, heartbeat interval, assignors)
// with this protocol, so none is set. Members commit through auto-commit every 100 ms.
function kip848Consumer(groupId) {
  return kafka.consumer({ kafkaJS: { groupId, fromBeginning: true, autoCommit: true, autoCommitInterval: 100, maxWaitTimeInMs: 100 }, 'group.protocol': 'consumer' });
}

// A member leaves and another joins while records keep arriving; each record is read at least
// once and the group's committed offsets reach the end of every partition.
add('kip848-group', async () => {
  const topic = T('kip848-group');
  const group = T('kip848-group');
  await createTopic(topic, 6);
  const seen = new Map();
  const members = new Map();
  const start = async (name) => {
    const c = kip848Consumer(group);
    await c.connect();
    await c.subscribe({ topics: [topic] });
    c.run({ eachMessage: async ({ partition, message }) => { const k = `${partition}:${message.offset}`; seen.set(k, (seen.get(k) ?? 0) + 1); } });
    members.set(name, c);
  };
  const stop = async (name) => {
    await members.get(name).disconnect();
    members.delete(name);
  };
  const shares = () => [...members.values()].map((c) => assigned(c)?.length ?? 0).sort();
  const settle = async (want, what) => {
    const ok = await waitFor(() => shares().join() === want.join() && new Set([...members.values()].flatMap((c) => assigned(c) ?? [])).size === 6, 60000, 100);
    check(ok, `${what}: partitions per member`, want, shares());
    return shares();
  };
  let produced = 0;
  const send = async (tag) => { await produce(topic, msgs(tag, 60)); produced += 60; };
  const readAllSoFar = async (what) => {
    const ok = await waitFor(() => seen.size >= produced, 60000, 100);
    check(ok, `${what}: records read`, produced, seen.size);
  };
  const steps = [];
  try {
    await start('a');
    steps.push(await settle([6], 'one member'));
    await send('k1');
    await start('b');
    steps.push(await settle([3, 3], 'two members'));
    await readAllSoFar('two members');
    await stop('a');
    await send('k2');
    steps.push(await settle([6], 'after a left'));
    await readAllSoFar('after a left');
    await start('c');
    await send('k3');
    steps.push(await settle([3, 3], 'after c joined'));
    await readAllSoFar('after c joined');
    const ends = Object.fromEntries((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
    const committed = async () => Object.fromEntries((await admin.fetchOffsets({ groupId: group, topics: [topic] }))[0].partitions.map((p) => [p.partition, Number(p.offset)]));
    const done = await waitFor(async () => JSON.stringify(await committed()) === JSON.stringify(ends), 15000, 200);
    check(done, 'committed offsets reach the end of every partition', ends, await committed());
    let type = null;
    try {
      const d = (await admin.describeGroups([group])).groups[0];
      type = { type: d.type ?? null, state: d.state, members: d.members.length };
    } catch (e) { type = errName(e); }
    const twice = [...seen.values()].filter((n) => n > 1).length;
    return { message: `members ${JSON.stringify(steps)}; ${produced} records read (${twice} twice), committed to the end`, observed: { steps, read: seen.size, describe: type } };
  } finally {
    await Promise.all([...members.values()].map((c) => c.disconnect().catch(() => {})));
  }
});

add('reset-offsets', async () => skip('@confluentinc/kafka-javascript 1.10.1: the KafkaJS-compatible admin has no setOffsets/resetOffsets (alterConsumerGroupOffsets)'));

add('delete-records', async () => {
  const topic = T('delete-records');
  await createTopic(topic, 1);
  await produce(topic, msgs('dr', 10));
  const res = await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '4' }] });
  check(res.length === 1 && Number(res[0].lowWatermark) === 4, 'deleteTopicRecords low watermark', 4, res.map((r) => r.lowWatermark));
  const [o] = await admin.fetchTopicOffsets(topic);
  checkSame({ low: '4', high: '10' }, { low: String(o.low), high: String(o.high) }, 'offsets after deleteTopicRecords');
  const got = await readAll(topic, 6);
  checkSame([4, 5, 6, 7, 8, 9], got.map((g) => g.offset).sort((a, b) => a - b), 'records left after deleteTopicRecords');
  let beyond = 'no error';
  try { await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '50' }] }); } catch (e) { beyond = errName(e.partitions?.[0]?.error ?? e); }
  check(beyond !== 'no error', 'deleting beyond the high watermark succeeded', 'an error', beyond);
  return { observed: { lowWatermark: 4, beyondHigh: beyond } };
});

add('offsets-for-times', async () => {
  const topic = T('offsets-for-times');
  await createTopic(topic, 1);
  const base = Date.now() - 60000;
  const producer = kafka.producer({ kafkaJS: { acks: -1 } });
  await producer.connect();
  try {
    for (let i = 0; i < 6; i++) await producer.send({ topic, messages: [{ key: `k${i}`, value: `v${i}`, timestamp: String(base + i * 1000) }] });
  } finally { await producer.disconnect(); }
  const q = async (ts) => Number((await admin.fetchTopicOffsetsByTimestamp(topic, ts))[0].offset);
  const got = { before: await q(base - 5000), exact2: await q(base + 2000), between: await q(base + 2500), after: await q(base + 100000) };
  // "after" has no record: the latest offset comes back instead (the end, 6)
  checkSame({ before: 0, exact2: 2, between: 3, after: 6 }, got, 'fetchTopicOffsetsByTimestamp');
  const recs = await readAll(topic, 6);
  checkSame([0, 1, 2, 3, 4, 5].map((i) => i * 1000), recs.sort((a, b) => a.offset - b.offset).map((r) => r.timestamp - base), 'record timestamps (relative to the first)');
  return { observed: got };
});

add('delete-group', async () => {
  const group = T('delete-group');
  await createTopic(group, 1);
  await emptyGroupWithOffsets(group, group);
  const res = await admin.deleteGroups([group]);
  checkSame([{ groupId: group, errorCode: 0 }], res.map((r) => ({ groupId: r.groupId, errorCode: r.errorCode ?? 0 })), 'deleteGroups');
  const ids = (await admin.listGroups()).groups.map((g) => g.groupId);
  check(!ids.includes(group), 'group still listed after deleteGroups', 'absent', 'present');
  let unknown = 'no error';
  try { await admin.deleteGroups([T('no-such-group')]); } catch (e) { unknown = (e.groups ?? e.reports ?? []).map?.((r) => errName(r.error)) ?? errName(e); if (!unknown?.length) unknown = errName(e); }
  return { observed: { unknown } };
});

add('delete-topic', async () => {
  const topic = T('delete-topic');
  await createTopic(topic);
  await admin.deleteTopics({ topics: [topic], timeout: 15000 });
  const gone = await waitFor(async () => !(await admin.listTopics()).includes(topic), 15000, 300);
  check(gone, 'topic still listed after deleteTopics', 'absent', 'present');
  let again = 'no error';
  try { await admin.deleteTopics({ topics: [topic], timeout: 10000 }); } catch (e) { again = errName(e); }
  check(again !== 'no error', 'deleting it again succeeded', 'an error', again);
  return { observed: { again } };
});

for (const [name, fn] of scenarios) {
  await scenario(name, fn, { timeoutMs: 150_000 }); // skips what COMPAT_SCENARIO leaves out
}
await admin.disconnect().catch(() => {});
process.exit(0);
