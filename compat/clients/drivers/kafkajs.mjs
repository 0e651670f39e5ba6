// Driver for kafkajs 2.2.4 (+ kafkajs-snappy, and kafkajs-lz4 from compat/.cache: compat/lib/kafkajs-lz4.mjs).
//   node compat/clients/drivers/kafkajs.mjs <bootstrap> <prefix>
// Prints one JSON line per scenario on stdout (see compat/README.md); kafkajs logs go to stderr.
// kafkajs consumers always belong to a group: "consume-from-beginning" uses a fresh group.
import { isDeepStrictEqual } from 'node:util';
import kafkajs from 'kafkajs';
import SnappyCodec from 'kafkajs-snappy';
import { loadKafkajsLz4 } from '../../lib/kafkajs-lz4.mjs';

const { Kafka, logLevel, CompressionTypes, CompressionCodecs, ConfigResourceTypes, AssignerProtocol } = kafkajs;
CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec;
const LZ4Codec = loadKafkajsLz4();
CompressionCodecs[CompressionTypes.LZ4] = new LZ4Codec().codec;

const [bootstrap, prefix] = process.argv.slice(2);
if (!bootstrap || !prefix) { console.error('usage: kafkajs.mjs <bootstrap> <prefix>'); process.exit(2); }
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

// ---------------------------------------------------------------------------------------------
// harness

class Fail extends Error {
  constructor(message, expected, got) { super(message); this.expected = expected; this.got = got; }
}
class Skip extends Error {}
const short = (v, n = 300) => { const s = JSON.stringify(v) ?? String(v); return s.length > n ? `${s.slice(0, n)}…` : s; };
const check = (cond, message, expected, got) => { if (!cond) throw new Fail(message, expected, got); };
const checkEq = (what, expected, got) => { if (!isDeepStrictEqual(expected, got)) throw new Fail(`${what}: expected ${short(expected)}, got ${short(got)}`, expected, got); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (msg) => process.stderr.write(`[${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
const wanted = (process.env.COMPAT_SCENARIO ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const selected = (n) => wanted.length === 0 || wanted.some((p) => (p.endsWith('*') ? n.startsWith(p.slice(0, -1)) : n === p));
const name = (scenario) => `${prefix}-${scenario}`;
const norm = (s) => String(s).split(prefix).join('<prefix>').split(bootstrap).join('<bootstrap>');
/** What a user sees of a kafkajs error. */
const errInfo = (e) => ({ name: e?.name, type: e?.type ?? null, message: norm(e?.message ?? String(e)) });

async function runScenarios(list) {
  for (const [n, fn] of list) {
    if (!selected(n)) continue;
    const t0 = performance.now();
    const s = { observed: {}, name: n };
    log(`--- ${n}: start`);
    let out;
    try {
      out = { scenario: n, status: 'pass', message: (await fn(s)) ?? 'ok' };
    } catch (e) {
      if (e instanceof Skip) out = { scenario: n, status: 'skip', message: e.message };
      else if (e instanceof Fail) out = { scenario: n, status: 'fail', message: e.message, expected: e.expected, got: e.got };
      else out = { scenario: n, status: 'fail', message: `kafkajs error: ${e?.name ?? ''} ${norm(e?.message ?? e)}`.trim(), got: errInfo(e) };
      if (!(e instanceof Skip) && !(e instanceof Fail)) log(e?.stack ?? String(e));
    }
    if (Object.keys(s.observed).length) out.observed = s.observed;
    out.ms = Math.round(performance.now() - t0);
    log(`--- ${n}: ${out.status} in ${out.ms} ms${out.status === 'pass' ? '' : `: ${out.message}`}`);
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
}

function once(fn) {
  let p;
  return () => (p ??= fn().catch((e) => { throw new Fail(`fixture failed: ${e.message}`, e.expected, e.got); }));
}

// ---------------------------------------------------------------------------------------------
// kafkajs

const LEVEL = { [logLevel.ERROR]: 'ERROR', [logLevel.WARN]: 'WARN', [logLevel.INFO]: 'INFO', [logLevel.DEBUG]: 'DEBUG' };
const logCreator = () => ({ namespace, level, log: entry }) => {
  const { message, timestamp, logger, ...extra } = entry;
  process.stderr.write(`[kafkajs ${LEVEL[level] ?? level}] ${namespace} ${message} ${JSON.stringify(extra)}\n`);
};
const kafka = new Kafka({ clientId: 'compat-kafkajs', brokers: [bootstrap], logLevel: logLevel.WARN, logCreator, retry: { retries: 5, initialRetryTime: 200 } });
const admin = kafka.admin();
const cleanups = new Set();

function makeRecords(tag, n = 30, from = 0) {
  return Array.from({ length: n }, (_, j) => {
    const i = from + j;
    return {
      key: `key-${i % 10}`,
      value: `${tag} value ${i} ${'lorem ipsum '.repeat(8)}é✓`,
      headers: [['trace', `t-${tag}-${i}`], ['source', 'compat']],
    };
  });
}
const toMessages = (records) => records.map((r) => ({ key: r.key, value: r.value, headers: Object.fromEntries(r.headers), ...(r.partition !== undefined ? { partition: r.partition } : {}) }));

function toRecord(partition, m) {
  const headers = [];
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    for (const x of Array.isArray(v) ? v : [v]) headers.push([k, x === null || x === undefined ? null : x.toString()]);
  }
  return { partition, offset: Number(m.offset), key: m.key?.toString() ?? null, value: m.value?.toString() ?? null, headers, timestamp: m.timestamp };
}

/** Same checks as the java-tools driver: every record exactly once, keys/headers intact, order per partition. */
function verifyRecords(produced, consumed, what = 'consumed records') {
  const byValue = new Map(produced.map((r, i) => [r.value, { r, i }]));
  const seen = new Map();
  for (const c of consumed) {
    const p = byValue.get(c.value);
    if (!p) throw new Fail(`${what}: got a record that was not produced (partition ${c.partition} offset ${c.offset})`, 'only produced values', c.value);
    if (seen.has(c.value)) throw new Fail(`${what}: record ${p.i} delivered twice (partition ${c.partition} offsets ${seen.get(c.value).offset} and ${c.offset})`, 'each record once', `${c.value} twice`);
    seen.set(c.value, c);
    if (c.key !== p.r.key) throw new Fail(`${what}: record ${p.i} has key ${short(c.key)}`, p.r.key, c.key);
    if (!isDeepStrictEqual(c.headers, p.r.headers)) throw new Fail(`${what}: record ${p.i} has headers ${short(c.headers)}`, p.r.headers, c.headers);
  }
  const missing = produced.map((r, i) => (seen.has(r.value) ? null : i)).filter((i) => i !== null);
  if (missing.length) throw new Fail(`${what}: ${missing.length} of ${produced.length} records missing (indexes ${missing.slice(0, 10).join(',')})`, produced.length, consumed.length);
  const keyPartition = new Map();
  const parts = {};
  for (const c of consumed) {
    if (keyPartition.has(c.key) && keyPartition.get(c.key) !== c.partition) throw new Fail(`${what}: key ${c.key} is in partitions ${keyPartition.get(c.key)} and ${c.partition}`, 'one partition per key', [keyPartition.get(c.key), c.partition]);
    keyPartition.set(c.key, c.partition);
    (parts[c.partition] ??= []).push(c);
  }
  const layout = {};
  for (const [p, list] of Object.entries(parts)) {
    for (let k = 1; k < list.length; k++) {
      if (list[k].offset <= list[k - 1].offset) throw new Fail(`${what}: partition ${p} delivered offset ${list[k].offset} after ${list[k - 1].offset}`, 'increasing offsets', list.map((c) => c.offset));
      if (byValue.get(list[k].value).i < byValue.get(list[k - 1].value).i) throw new Fail(`${what}: partition ${p} is out of production order at offset ${list[k].offset}`, 'production order', list.map((c) => byValue.get(c.value).i));
    }
    layout[p] = { count: list.length, first: list[0].offset, last: list[list.length - 1].offset };
  }
  return { layout };
}

function newConsumer(groupId, extra = {}) {
  const c = kafka.consumer({ groupId, heartbeatInterval: 500, sessionTimeout: 10_000, rebalanceTimeout: 10_000, maxWaitTimeInMs: 250, retry: { retries: 5 }, ...extra });
  cleanups.add(c);
  let crash = null;
  // a crash with restart: true (a retriable error, e.g. GROUP_LOAD_IN_PROGRESS on a fresh broker) is
  // retried by kafkajs itself; only a crash it gives up on is fatal
  c.on(c.events.CRASH, (e) => {
    log(`consumer crash (restart: ${e.payload.restart}): ${e.payload.error?.message}`);
    if (!e.payload.restart) crash = e.payload.error;
  });
  c.crashed = () => crash;
  return c;
}

async function disconnect(c) {
  try { await c.disconnect(); } finally { cleanups.delete(c); }
}

/**
 * Consume with a group until `n` records arrived (then `graceMs` more to catch extras) or timeout.
 * `handle(record, consumer)` may return false to leave a record unprocessed (not recorded).
 */
async function consume(topic, groupId, n, { fromBeginning = true, timeoutMs = 30_000, graceMs = 700, autoCommit = true, handle, readUncommitted = false } = {}) {
  const c = newConsumer(groupId, { readUncommitted });
  const got = [];
  try {
    await c.connect();
    await c.subscribe({ topics: [topic], fromBeginning });
    await c.run({ autoCommit, eachMessage: async ({ partition, message }) => {
      const r = toRecord(partition, message);
      if (handle && (await handle(r, c)) === false) return;
      got.push(r);
    } });
    const deadline = Date.now() + timeoutMs;
    while (got.length < n && Date.now() < deadline && !c.crashed()) await sleep(100);
    if (c.crashed()) throw new Fail(`consumer crashed: ${c.crashed().message}`, 'no crash', errInfo(c.crashed()));
    await sleep(graceMs);
  } finally {
    await disconnect(c);
  }
  return got;
}

async function createTopic(topic, numPartitions = 3, configEntries) {
  const created = await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 1, ...(configEntries ? { configEntries } : {}) }], waitForLeaders: true });
  check(created === true, `createTopics returned ${created}`, true, created);
}

async function produce(topic, records, { producer, compression = CompressionTypes.None, chunks = 3 } = {}) {
  const own = !producer;
  const p = producer ?? kafka.producer({ allowAutoTopicCreation: false });
  if (own) await p.connect();
  const meta = [];
  try {
    const size = Math.ceil(records.length / chunks);
    for (let i = 0; i < records.length; i += size) {
      meta.push(...await p.send({ topic, compression, messages: toMessages(records.slice(i, i + size)) }));
    }
  } finally {
    if (own) await p.disconnect();
  }
  return meta;
}

const offsetsOf = (list) => Object.fromEntries(list.map((o) => [String(o.partition), Number(o.high ?? o.offset)]));
const lowsOf = (list) => Object.fromEntries(list.map((o) => [String(o.partition), Number(o.low)]));
const sum = (obj) => Object.values(obj).reduce((a, b) => a + b, 0);

async function groupOffsets(groupId, topic) {
  const res = await admin.fetchOffsets({ groupId, topics: [topic] });
  return Object.fromEntries(res[0].partitions.map((p) => [String(p.partition), Number(p.offset)]));
}

/** Re-run fn until ok(result) or timeoutMs: Kafka applies topic and config changes through its
 *  controller, and a read right after a write may briefly see the old state. */
async function eventually(fn, ok, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let res = await fn();
  while (!ok(res) && Date.now() < deadline) {
    await sleep(200);
    res = await fn();
  }
  return res;
}

async function configsOf(type, nameOf, configNames) {
  const res = await admin.describeConfigs({ resources: [{ type, name: nameOf, ...(configNames ? { configNames } : {}) }], includeSynonyms: false });
  const r = res.resources[0];
  check(r.errorCode === 0, `describeConfigs error ${r.errorCode} ${r.errorMessage}`, 0, r.errorCode);
  return Object.fromEntries(r.configEntries.map((e) => [e.configName, { value: e.configValue, isDefault: e.isDefault, source: e.configSource, readOnly: e.readOnly, sensitive: e.isSensitive }]));
}

// ---------------------------------------------------------------------------------------------
// transactions

const txProducer = (transactionalId) => {
  const p = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  cleanups.add(p);
  return p;
};

/** One record per partition, sent last: a reader that has all of them has passed everything
 *  before them in every partition (aborted records and markers included). */
const endRecords = (tag, partitions = 3) => Array.from({ length: partitions }, (_, p) => ({
  key: `end-${p}`, value: `${tag} end of partition ${p}`, headers: [['trace', `t-${tag}-end-${p}`], ['source', 'compat']], partition: p,
}));

// ---------------------------------------------------------------------------------------------
// fixtures

const fixture = once(async () => {
  const topic = name('consume-from-beginning');
  const records = makeRecords('fixture', 30);
  await createTopic(topic, 3);
  await produce(topic, records);
  const ends = offsetsOf(await admin.fetchTopicOffsets(topic));
  return { topic, records, ends };
});

// ---------------------------------------------------------------------------------------------
// scenarios

const produceScenario = (codec, compression) => async (s) => {
  if (codec === 'zstd') throw new Skip('kafkajs has no built-in zstd codec and the project installs none (only kafkajs-snappy and kafkajs-lz4)');
  const topic = name(s.name);
  const records = makeRecords(codec, 30);
  await createTopic(topic, 3);
  const meta = await produce(topic, records, { compression });
  for (const m of meta) checkEq(`produce response errorCode for partition ${m.partition}`, 0, m.errorCode);
  const got = await consume(topic, name(s.name), records.length);
  const { layout } = verifyRecords(records, got);
  const acks = meta.map((m) => ({ partition: m.partition, baseOffset: m.baseOffset, logAppendTime: m.logAppendTime, logStartOffset: m.logStartOffset }))
    .sort((a, b) => a.partition - b.partition || Number(a.baseOffset) - Number(b.baseOffset));
  s.observed = { layout, acks };
  return `30 keyed records with headers in 3 sends${codec === 'none' ? '' : ` (${codec})`}, read back exactly`;
};

const scenarios = [
  ['create-topic', async (s) => {
    const topic = name(s.name);
    await createTopic(topic, 3);
    const topics = await admin.listTopics();
    check(topics.includes(topic), `listTopics does not include ${topic}`, topic, topics.map(norm));
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    checkEq('partitions in metadata', 3, md.topics[0].partitions.length);
    s.observed = { partitions: md.topics[0].partitions.length };
    return 'createTopics (3 partitions) → listTopics, fetchTopicMetadata';
  }],

  ['topics-create-existing', async (s) => {
    const topic = name(s.name);
    await createTopic(topic, 1);
    const again = await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    checkEq('createTopics on an existing topic (kafkajs returns false on TOPIC_ALREADY_EXISTS)', false, again);
    s.observed = { again };
    return 'createTopics of an existing topic returns false';
  }],

  ['produce-none', produceScenario('none', CompressionTypes.None)],
  ['produce-gzip', produceScenario('gzip', CompressionTypes.GZIP)],
  ['produce-snappy', produceScenario('snappy', CompressionTypes.Snappy)],
  ['produce-lz4', produceScenario('lz4', CompressionTypes.LZ4)],
  ['produce-zstd', produceScenario('zstd', CompressionTypes.ZSTD)],

  ['produce-idempotent', async (s) => {
    const topic = name(s.name);
    const records = makeRecords('idem', 30);
    await createTopic(topic, 3);
    const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await p.connect();
    try { await produce(topic, records, { producer: p }); } finally { await p.disconnect(); }
    const ends = offsetsOf(await admin.fetchTopicOffsets(topic));
    checkEq('sum of end offsets (no duplicates written)', records.length, sum(ends));
    const got = await consume(topic, name(s.name), records.length);
    const { layout } = verifyRecords(records, got);
    s.observed = { ends, layout };
    return 'idempotent producer (InitProducerId, acks -1, 3 sends): 30 records, end offsets add up, read back exactly';
  }],

  // Transactions: kafkajs speaks transactions v1 (AddPartitionsToTxn v1, EndTxn v1, TxnOffsetCommit v1)
  ['produce-transactional', async (s) => {
    const topic = name(s.name);
    await createTopic(topic, 3);
    const c1 = makeRecords('commit-1', 12);
    const ab = makeRecords('aborted', 9, 12);
    const c2 = endRecords('commit-2');
    const p = txProducer(name(s.name));
    await p.connect();
    let lsoOpen;
    const abortedAt = {};
    const markers = new Set(['c2-0', 'c2-1', 'c2-2']); // one control record per transaction and partition
    try {
      let t = await p.transaction();
      for (const m of await t.send({ topic, messages: toMessages(c1) })) markers.add(`c1-${m.partition}`);
      await t.commit();
      t = await p.transaction();
      for (const m of await t.send({ topic, messages: toMessages(ab) })) { abortedAt[m.partition] = Number(m.baseOffset); markers.add(`ab-${m.partition}`); }
      // kafkajs lists offsets at read_committed: the last stable offset sits at the open transaction's first record
      lsoOpen = offsetsOf(await admin.fetchTopicOffsets(topic));
      await t.abort();
      t = await p.transaction();
      await t.send({ topic, messages: toMessages(c2) });
      await t.commit();
    } finally {
      await disconnect(p);
    }
    for (const [part, first] of Object.entries(abortedAt)) checkEq(`last stable offset of partition ${part} while its transaction is open (its first record)`, first, lsoOpen[part]);
    const committed = await consume(topic, name(`${s.name}-committed`), c1.length + c2.length, { autoCommit: false });
    const { layout } = verifyRecords([...c1, ...c2], committed, 'read_committed consumer (committed records only)');
    const all = await consume(topic, name(`${s.name}-uncommitted`), c1.length + ab.length + c2.length, { autoCommit: false, readUncommitted: true });
    verifyRecords([...c1, ...ab, ...c2], all, 'read_uncommitted consumer (the aborted records too)');
    // Kafka writes the last commit's markers after EndTxn answered: wait for them
    const total = c1.length + ab.length + c2.length + markers.size;
    const ends = await eventually(async () => offsetsOf(await admin.fetchTopicOffsets(topic)), (o) => sum(o) === total);
    checkEq('sum of the end offsets (records + one marker per transaction and partition)', total, sum(ends));
    s.observed = { layout, lsoWhileOpen: lsoOpen, abortedAt, endOffsets: ends };
    return 'commit 12, abort 9, commit 3: read_committed read the 15 committed, read_uncommitted all 24; the LSO held at the open transaction';
  }],

  ['consume-transform-produce', async (s) => {
    const input = name(s.name);
    const output = name(`${s.name}-out`);
    const group = name(s.name);
    await createTopic(input, 3);
    await createTopic(output, 3);
    const records = makeRecords('ctp', 30);
    await produce(input, records);
    const inEnds = offsetsOf(await admin.fetchTopicOffsets(input));
    const transformed = (run) => (r) => ({ key: r.key, value: `${run} ${r.value}`, headers: [...r.headers, ['run', run]] });
    const p = txProducer(name(s.name));
    await p.connect();
    const seen = {};
    try {
      for (const run of ['aborted', 'committed']) {
        const got = await consume(input, group, records.length, { autoCommit: false });
        verifyRecords(records, got, `${run} run: records consumed from the input`);
        const t = await p.transaction();
        await t.send({ topic: output, messages: toMessages(got.map(transformed(run))) });
        const next = {};
        for (const r of got) next[r.partition] = Math.max(next[r.partition] ?? 0, r.offset + 1);
        await t.sendOffsets({ consumerGroupId: group, topics: [{ topic: input, partitions: Object.entries(next).map(([partition, offset]) => ({ partition: Number(partition), offset: String(offset) })) }] });
        if (run === 'committed') await t.commit();
        else await t.abort();
        // The transaction's offsets become visible to OffsetFetch once the coordinator has written
        // the commit marker to __consumer_offsets, which Kafka does after EndTxn has answered
        // (kafkajs's fetchOffsets does not ask for require_stable): ask again for a while.
        seen[run] = run === 'committed'
          ? await eventually(() => groupOffsets(group, input), (o) => JSON.stringify(o) === JSON.stringify(inEnds))
          : await groupOffsets(group, input);
      }
    } finally {
      await disconnect(p);
    }
    checkEq("the group's committed offsets after the aborted run (none)", { 0: -1, 1: -1, 2: -1 }, seen.aborted);
    checkEq("the group's committed offsets after the committed run (= what was consumed)", inEnds, seen.committed);
    // the committed run's records follow the aborted run's in every partition (same keys): reading
    // all of them proves the aborted ones were skipped
    const out = await consume(output, name(`${s.name}-reader`), records.length, { autoCommit: false });
    const { layout } = verifyRecords(records.map(transformed('committed')), out, 'read_committed output: only the committed run');
    s.observed = { committed: seen, outputLayout: layout };
    return 'consume 30 → produce 30 + sendOffsets: the aborted run left no offsets and no visible output; the committed run both';
  }],

  ['transaction-fencing', async (s) => {
    const topic = name(s.name);
    await createTopic(topic, 3);
    const fenced = makeRecords('fenced', 6);
    const fencer = endRecords('fencer');
    const p1 = txProducer(name(s.name));
    const p2 = txProducer(name(s.name));
    let err = null;
    try {
      await p1.connect();
      const t1 = await p1.transaction();
      await t1.send({ topic, messages: toMessages(fenced) });
      await p2.connect();
      // kafkajs sends the transactional InitProducerId on the first transaction(): with the same
      // transactional id it fences p1 and aborts p1's open transaction
      const t2 = await p2.transaction();
      try { await t1.commit(); } catch (e) { err = errInfo(e); }
      check(err, 'the first producer committed after a second one took over its transactional id', 'INVALID_PRODUCER_EPOCH', 'committed');
      await t2.send({ topic, messages: toMessages(fencer) });
      await t2.commit();
    } finally {
      await disconnect(p1).catch(() => {});
      await disconnect(p2);
    }
    checkEq('error of the fenced commit (EndTxn v1: PRODUCER_FENCED is INVALID_PRODUCER_EPOCH below v2)', 'INVALID_PRODUCER_EPOCH', err.type);
    verifyRecords(fencer, await consume(topic, name(`${s.name}-committed`), fencer.length, { autoCommit: false }), 'read_committed consumer (the new producer only)');
    verifyRecords([...fenced, ...fencer], await consume(topic, name(`${s.name}-uncommitted`), fenced.length + fencer.length, { autoCommit: false, readUncommitted: true }), 'read_uncommitted consumer (the fenced records too)');
    s.observed = { fencedError: err };
    return 'a second producer with the same transactional id fenced the first: its commit failed with INVALID_PRODUCER_EPOCH, its records were aborted';
  }],

  ['consume-from-beginning', async (s) => {
    const f = await fixture();
    const got = await consume(f.topic, name(s.name), f.records.length);
    const { layout } = verifyRecords(f.records, got);
    s.observed = { layout };
    return 'kafkajs always consumes in a group: a fresh group with fromBeginning read all 30 records in order';
  }],

  ['consume-group', async (s) => {
    const topic = name(s.name);
    const group = name(s.name);
    const records = makeRecords('group', 30);
    await createTopic(topic, 3);
    const members = [newConsumer(group), newConsumer(group)];
    const got = [[], []];
    const assigned = [null, null];
    try {
      for (const [i, c] of members.entries()) {
        c.on(c.events.GROUP_JOIN, (e) => { assigned[i] = e.payload.memberAssignment[topic] ?? []; });
        await c.connect();
        await c.subscribe({ topics: [topic], fromBeginning: true });
        await c.run({ eachMessage: async ({ partition, message }) => { got[i].push(toRecord(partition, message)); } });
      }
      const stable = () => assigned[0] && assigned[1] && assigned[0].length + assigned[1].length === 3 && !assigned[0].some((p) => assigned[1].includes(p));
      const d1 = Date.now() + 30_000;
      while (!stable() && Date.now() < d1 && !members.some((c) => c.crashed())) await sleep(100);
      check(stable(), 'the two members did not get disjoint assignments covering 3 partitions', '2 members, 3 partitions', assigned);
      await produce(topic, records);
      const d2 = Date.now() + 30_000;
      while (got[0].length + got[1].length < records.length && Date.now() < d2) await sleep(100);
      await sleep(1000);
    } finally {
      for (const c of members) await disconnect(c);
    }
    const { layout } = verifyRecords(records, [...got[0], ...got[1]], 'records consumed by the group');
    for (const i of [0, 1]) {
      const wrong = got[i].filter((r) => !assigned[i].includes(r.partition));
      check(!wrong.length, `member ${i} got records from partitions it was not assigned`, assigned[i], [...new Set(wrong.map((r) => r.partition))]);
    }
    const committed = await groupOffsets(group, topic);
    const ends = offsetsOf(await admin.fetchTopicOffsets(topic));
    checkEq('committed offsets after both members left', ends, committed);
    s.observed = { layout, partitionsPerMember: assigned.map((a) => a.length).sort(), committed };
    return `2 members (${assigned[0].length}+${assigned[1].length} partitions) read each of 30 records once; committed to the end`;
  }],

  ['commit-resume', async (s) => {
    const f = await fixture();
    const group = name(s.name);
    const first = 12;
    let n = 0;
    const r1 = await consume(f.topic, group, first, { autoCommit: false, graceMs: 300, handle: async (r, c) => {
      if (n >= first) { c.pause([{ topic: f.topic }]); return false; }
      n++;
      await c.commitOffsets([{ topic: f.topic, partition: r.partition, offset: String(r.offset + 1) }]);
      return true;
    } });
    checkEq('records processed by the first consumer', first, r1.length);
    const committed = await groupOffsets(group, f.topic);
    const committedSum = sum(Object.fromEntries(Object.entries(committed).map(([p, o]) => [p, Math.max(0, o)])));
    checkEq('sum of committed offsets', first, committedSum);
    const r2 = await consume(f.topic, group, f.records.length - first);
    verifyRecords(f.records, [...r1, ...r2], 'first + second consumer');
    for (const [p, o] of Object.entries(committed)) {
      const firstSeen = r2.filter((r) => r.partition === Number(p)).map((r) => r.offset)[0];
      if (firstSeen !== undefined && o >= 0) checkEq(`second consumer's first offset on partition ${p}`, o, firstSeen);
    }
    s.observed = { committedSum, secondCount: r2.length };
    return `committed 12 with commitOffsets, stopped; a new consumer in the group read exactly the other ${r2.length}`;
  }],

  ['describe-topic', async (s) => {
    const topic = name(s.name);
    await createTopic(topic, 3, [{ name: 'retention.ms', value: '3600000' }]);
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    const parts = md.topics[0].partitions.map((p) => ({ partition: p.partitionId, errorCode: p.partitionErrorCode, leader: p.leader, replicas: p.replicas, isr: p.isr, offline: p.offlineReplicas }))
      .sort((a, b) => a.partition - b.partition);
    checkEq('partition ids', [0, 1, 2], parts.map((p) => p.partition));
    for (const p of parts) check(p.errorCode === 0 && p.leader >= 0 && isDeepStrictEqual(p.isr, p.replicas), `partition ${p.partition}: ${short(p)}`, 'a leader, isr = replicas', p);
    const cluster = await admin.describeCluster();
    check(cluster.brokers.some((b) => b.nodeId === cluster.controller), `controller ${cluster.controller} is not a listed broker`, cluster.brokers.map((b) => b.nodeId), cluster.controller);
    const offsets = await admin.fetchTopicOffsets(topic);
    s.observed = { partitions: parts, brokers: cluster.brokers.length, controllerIsBroker: true, offsets: offsets.map((o) => ({ partition: o.partition, low: o.low, high: o.high })).sort((a, b) => a.partition - b.partition) };
    return 'fetchTopicMetadata: 3 partitions with leader and ISR; describeCluster; fetchTopicOffsets';
  }],

  ['topics-alter-partitions', async (s) => {
    const topic = name(s.name);
    await createTopic(topic, 3);
    await admin.createPartitions({ topicPartitions: [{ topic, count: 5 }] });
    const md = await eventually(() => admin.fetchTopicMetadata({ topics: [topic] }), (m) => m.topics[0].partitions.length === 5);
    checkEq('partitions after createPartitions count 5', 5, md.topics[0].partitions.length);
    let shrink = null;
    try { await admin.createPartitions({ topicPartitions: [{ topic, count: 2 }] }); } catch (e) { shrink = errInfo(e); }
    check(shrink?.type === 'INVALID_PARTITIONS', `shrinking should fail with INVALID_PARTITIONS: ${short(shrink)}`, 'INVALID_PARTITIONS', shrink);
    s.observed = { partitions: 5, shrink };
    return 'createPartitions 3 → 5; shrinking to 2 fails with INVALID_PARTITIONS';
  }],

  ['describe-configs', async (s) => {
    const topic = name(s.name);
    await createTopic(topic, 1, [{ name: 'retention.ms', value: '7200000' }]);
    const cfg = await eventually(() => configsOf(ConfigResourceTypes.TOPIC, topic), (c) => c['retention.ms']?.value === '7200000');
    checkEq('retention.ms', { value: '7200000', isDefault: false }, { value: cfg['retention.ms']?.value, isDefault: cfg['retention.ms']?.isDefault });
    const defaults = { 'cleanup.policy': 'delete', 'compression.type': 'producer', 'segment.bytes': '1073741824', 'max.message.bytes': '1048588', 'message.timestamp.type': 'CreateTime' };
    checkEq('default topic configs', defaults, Object.fromEntries(Object.keys(defaults).map((k) => [k, cfg[k]?.value])));
    const keys = ['cleanup.policy', 'compression.type', 'retention.ms', 'retention.bytes', 'segment.bytes', 'max.message.bytes', 'min.insync.replicas', 'message.timestamp.type'];
    s.observed = { names: Object.keys(cfg).sort(), selected: Object.fromEntries(keys.map((k) => [k, cfg[k] ?? null])) };
    return `describeConfigs (topic): ${Object.keys(cfg).length} entries, retention.ms set, Kafka's defaults`;
  }],

  ['describe-configs-broker', async (s) => {
    const { brokers } = await admin.describeCluster();
    const keys = ['num.partitions', 'log.retention.hours', 'message.max.bytes', 'auto.create.topics.enable', 'default.replication.factor'];
    const cfg = await configsOf(ConfigResourceTypes.BROKER, String(brokers[0].nodeId), keys);
    for (const k of keys) check(cfg[k], `broker config ${k} missing`, k, Object.keys(cfg));
    s.observed = { selected: Object.fromEntries(keys.map((k) => [k, cfg[k]?.value ?? null])) };
    return `describeConfigs (broker ${brokers[0].nodeId}) for ${keys.length} names`;
  }],

  ['alter-configs', async (s) => {
    const topic = name(s.name);
    await createTopic(topic, 1);
    const res = await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic,
      configEntries: [{ name: 'retention.ms', value: '86400000' }, { name: 'max.message.bytes', value: '2000000' }] }] });
    checkEq('alterConfigs errorCode', 0, res.resources[0].errorCode);
    const c1 = await eventually(() => configsOf(ConfigResourceTypes.TOPIC, topic, ['retention.ms', 'max.message.bytes']), (c) => c['retention.ms']?.value === '86400000' && c['max.message.bytes']?.value === '2000000');
    checkEq('after alterConfigs', { 'max.message.bytes': '2000000', 'retention.ms': '86400000' }, { 'max.message.bytes': c1['max.message.bytes']?.value, 'retention.ms': c1['retention.ms']?.value });
    // AlterConfigs (not incremental) replaces the whole set: max.message.bytes goes back to its default
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '43200000' }] }] });
    const c2 = await eventually(() => configsOf(ConfigResourceTypes.TOPIC, topic, ['retention.ms', 'max.message.bytes']), (c) => c['retention.ms']?.value === '43200000' && c['max.message.bytes']?.isDefault === true);
    checkEq('after a second alterConfigs with only retention.ms (the whole set is replaced)',
      { 'max.message.bytes': { value: '1048588', isDefault: true }, 'retention.ms': { value: '43200000', isDefault: false } },
      { 'max.message.bytes': { value: c2['max.message.bytes']?.value, isDefault: c2['max.message.bytes']?.isDefault }, 'retention.ms': { value: c2['retention.ms']?.value, isDefault: c2['retention.ms']?.isDefault } });
    s.observed = { afterFirst: c1, afterSecond: c2 };
    return 'alterConfigs set two configs; a second alterConfigs replaced the set (the other went back to its default)';
  }],

  ['list-groups', async (s) => {
    const f = await fixture();
    const group = name(s.name);
    await consume(f.topic, group, 1, { graceMs: 0 });
    const { groups } = await admin.listGroups();
    const g = groups.find((x) => x.groupId === group);
    check(g, `listGroups does not include ${group}`, group, groups.map((x) => norm(x.groupId)));
    checkEq('protocolType', 'consumer', g.protocolType);
    s.observed = { protocolType: g.protocolType };
    return 'listGroups shows the group (protocolType consumer)';
  }],

  ['describe-group', async (s) => {
    const f = await fixture();
    const group = name(s.name);
    const c = newConsumer(group);
    const got = [];
    let active;
    try {
      await c.connect();
      await c.subscribe({ topics: [f.topic], fromBeginning: true });
      await c.run({ eachMessage: async ({ partition, message }) => { got.push(toRecord(partition, message)); } });
      const deadline = Date.now() + 30_000;
      while (got.length < f.records.length && Date.now() < deadline) await sleep(100);
      checkEq('records read by the active consumer', f.records.length, got.length);
      active = (await admin.describeGroups([group])).groups[0];
    } finally {
      await disconnect(c);
    }
    const after = (await admin.describeGroups([group])).groups[0];
    const members = active.members.map((m) => {
      const a = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
      return { clientId: m.clientId, assignment: Object.fromEntries(Object.entries(a?.assignment ?? {}).map(([t, ps]) => [norm(t), [...ps].sort()])) };
    });
    const view = (g) => ({ errorCode: g.errorCode, state: g.state, protocolType: g.protocolType, protocol: g.protocol, members: g.members.length });
    checkEq('the group while consuming', { errorCode: 0, state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner', members: 1 }, view(active));
    checkEq('member assignment', [{ clientId: 'compat-kafkajs', assignment: { '<prefix>-consume-from-beginning': [0, 1, 2] } }], members);
    checkEq('the group after the consumer left', { errorCode: 0, state: 'Empty', protocolType: 'consumer', protocol: '', members: 0 }, view(after));
    s.observed = { active: view(active), members, after: view(after) };
    return 'describeGroups: Stable, RoundRobinAssigner, 1 member with 3 partitions; Empty after it left';
  }],

  ['reset-offsets', async (s) => {
    const f = await fixture();
    const group = name(s.name);
    verifyRecords(f.records, await consume(f.topic, group, f.records.length), 'first pass');
    const before = await groupOffsets(group, f.topic);
    checkEq('committed offsets after reading everything', f.ends, before);
    await admin.resetOffsets({ groupId: group, topic: f.topic, earliest: true });
    // kafkajs commits the sentinel -2 (EARLIEST) as the group's offset; its consumer then treats a
    // negative committed offset as "none" and applies the subscription's fromBeginning: so the
    // re-read needs fromBeginning: true (with the old offsets still in place it would read nothing)
    const after = await groupOffsets(group, f.topic);
    s.observed = { before, after };
    const again = await consume(f.topic, group, f.records.length, { fromBeginning: true });
    verifyRecords(f.records, again, 'after resetOffsets earliest');
    return 'resetOffsets earliest (kafkajs commits -2): the group read all 30 records again';
  }],

  ['set-offsets', async (s) => {
    const f = await fixture();
    const group = name(s.name);
    await consume(f.topic, group, f.records.length);
    const p = Object.entries(f.ends).sort((a, b) => b[1] - a[1])[0][0];
    await admin.setOffsets({ groupId: group, topic: f.topic, partitions: [{ partition: Number(p), offset: '2' }] });
    const committed = await groupOffsets(group, f.topic);
    checkEq('committed offsets after setOffsets', { ...f.ends, [p]: 2 }, committed);
    const got = await consume(f.topic, group, f.ends[p] - 2, { fromBeginning: false });
    checkEq(`records read after setOffsets (partition ${p} from offset 2)`, Array.from({ length: f.ends[p] - 2 }, (_, i) => [Number(p), i + 2]), got.map((r) => [r.partition, r.offset]));
    s.observed = { committed };
    return `setOffsets partition ${p} → 2: the group resumed there`;
  }],

  ['fetch-offsets-by-timestamp', async (s) => {
    const topic = name(s.name);
    await createTopic(topic, 3);
    await produce(topic, makeRecords('before', 15));
    const ea = offsetsOf(await admin.fetchTopicOffsets(topic));
    await sleep(30);
    const t = Date.now();
    await sleep(30);
    await produce(topic, makeRecords('after', 15, 15));
    const byTs = offsetsOf(await admin.fetchTopicOffsetsByTimestamp(topic, t));
    checkEq('offsets for a timestamp between two batches', ea, byTs);
    const future = offsetsOf(await admin.fetchTopicOffsetsByTimestamp(topic, Date.now() + 3_600_000));
    s.observed = { byTimestamp: byTs, future };
    return 'fetchTopicOffsetsByTimestamp between two batches = end offsets after the first';
  }],

  ['delete-records', async (s) => {
    const topic = name(s.name);
    const records = makeRecords('del', 30);
    await createTopic(topic, 3);
    await produce(topic, records);
    const ends = offsetsOf(await admin.fetchTopicOffsets(topic));
    const p = Object.entries(ends).sort((a, b) => b[1] - a[1])[0][0];
    const cut = Math.min(3, ends[p]);
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: Number(p), offset: String(cut) }] });
    const lows = lowsOf(await admin.fetchTopicOffsets(topic));
    checkEq(`low watermark of partition ${p} after deleteTopicRecords`, cut, lows[p]);
    let beyond = null;
    const other = Object.keys(ends).find((q) => q !== p);
    try {
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: Number(other), offset: String(ends[other] + 5) }] });
    } catch (e) {
      beyond = { ...errInfo(e), partitions: (e.partitions ?? []).map((x) => ({ partition: x.partition, type: x.error?.type })) };
    }
    check(beyond, `deleting beyond the end of partition ${other} should fail`, 'OFFSET_OUT_OF_RANGE', 'no error');
    const got = await consume(topic, name(s.name), records.length - cut);
    const fromP = got.filter((r) => r.partition === Number(p));
    checkEq(`first offset read from partition ${p}`, cut, fromP[0]?.offset);
    checkEq('records read after the deletion', records.length - cut, got.length);
    s.observed = { lows, beyond };
    return `deleteTopicRecords: partition ${p} starts at ${cut}; beyond the end fails`;
  }],

  ['delete-groups', async (s) => {
    const f = await fixture();
    const group = name(s.name);
    await consume(f.topic, group, 1, { graceMs: 0 });
    const res = await admin.deleteGroups([group]);
    checkEq('deleteGroups result', [{ groupId: group, errorCode: 0 }], res.map((r) => ({ groupId: r.groupId, errorCode: r.errorCode })));
    const { groups } = await admin.listGroups();
    check(!groups.some((g) => g.groupId === group), `${group} still listed after deleteGroups`, 'not listed', groups.map((g) => norm(g.groupId)));
    let again = null;
    try { await admin.deleteGroups([group]); } catch (e) { again = { name: e.name, groups: (e.groups ?? []).map((g) => ({ errorCode: g.errorCode, type: g.error?.type })) }; }
    check(again, 'deleting it again should fail', 'GROUP_ID_NOT_FOUND', 'no error');
    s.observed = { again };
    return 'deleteGroups; gone from listGroups; deleting again fails';
  }],

  ['produce-auto-create', async (s) => {
    const topic = name(s.name);
    const records = makeRecords('auto', 5);
    const p = kafka.producer({ allowAutoTopicCreation: true });
    await p.connect();
    try {
      await produce(topic, records, { producer: p, chunks: 1 });
    } finally { await p.disconnect(); }
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    const got = await consume(topic, name(s.name), records.length);
    verifyRecords(records, got);
    s.observed = { partitions: md.topics[0].partitions.length };
    return `producing to a missing topic created it (${md.topics[0].partitions.length} partition(s)); records read back`;
  }],

  ['produce-too-large', async (s) => {
    const topic = name(s.name);
    await createTopic(topic, 1, [{ name: 'max.message.bytes', value: '100000' }]);
    let err = null;
    try {
      await produce(topic, [{ key: 'big', value: 'x'.repeat(300_000), headers: [] }], { chunks: 1 });
    } catch (e) { err = errInfo(e); }
    check(err?.type === 'MESSAGE_TOO_LARGE', `a 300 kB record on a topic with max.message.bytes=100000 should fail with MESSAGE_TOO_LARGE: ${short(err)}`, 'MESSAGE_TOO_LARGE', err);
    const small = makeRecords('small', 2);
    await produce(topic, small, { chunks: 1 });
    const ends = offsetsOf(await admin.fetchTopicOffsets(topic));
    checkEq('end offset (only the small records stored)', { 0: 2 }, ends);
    s.observed = { error: err, ends };
    return 'MESSAGE_TOO_LARGE for the 300 kB record; nothing stored from it';
  }],

  ['alter-configs-invalid', async (s) => {
    const topic = name(s.name);
    await createTopic(topic, 1);
    let err = null;
    try {
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: 'not-a-number' }] }] });
    } catch (e) { err = errInfo(e); }
    check(err, 'alterConfigs with retention.ms=not-a-number should fail', 'INVALID_CONFIG', 'no error');
    checkEq('error type', 'INVALID_CONFIG', err.type);
    const cfg = await configsOf(ConfigResourceTypes.TOPIC, topic, ['retention.ms']);
    checkEq('retention.ms after the rejected change', { value: '604800000', isDefault: true }, { value: cfg['retention.ms']?.value, isDefault: cfg['retention.ms']?.isDefault });
    s.observed = { error: { name: err.name, type: err.type } };
    return 'INVALID_CONFIG; the config is unchanged';
  }],

  // Issue 15 item 1. Kafka removes a deleted topic's committed offsets from every group
  // (GroupCoordinatorService.onPartitionsDeleted): the group keeps no offsets for it, and a topic
  // recreated with the same name is read from its beginning by the same group id.
  ['topic-recreate-offsets', async (s) => {
    const topic = name(s.name);
    const group = name(s.name);
    const first = makeRecords('before', 30);
    // idempotent: a Kafka under load may answer NOT_LEADER_OR_FOLLOWER right after the create, and
    // kafkajs's plain producer then resends what was already written (a duplicate in the group's
    // read). One producer per topic incarnation: its sequence numbers belong to the old partitions.
    const produceOnce = async (records) => {
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      cleanups.add(producer);
      await producer.connect();
      try { await produce(topic, records, { producer }); } finally { await disconnect(producer); }
    };
    await createTopic(topic, 3);
    await produceOnce(first);
    const r1 = await consume(topic, group, first.length);
    verifyRecords(first, r1, 'first topic, read by the group');
    checkEq('offsets committed on the first topic', first.length, sum(await groupOffsets(group, topic)));
    await admin.deleteTopics({ topics: [topic] });
    await eventually(() => admin.listTopics(), (list) => !list.includes(topic));
    // OffsetFetch for every topic of the group (no topic list, so nothing asks for the deleted
    // topic's metadata). Kafka's group coordinator drops the deleted topic's offsets when its broker applies
    // the deletion (asynchronously, shortly after DeleteTopics returns), so poll for a while.
    const offsetsLeft = async () => (await admin.fetchOffsets({ groupId: group }))
      .filter((t) => t.topic === topic).flatMap((t) => t.partitions.filter((p) => Number(p.offset) >= 0));
    const left = await eventually(offsetsLeft, (l) => l.length === 0);
    checkEq('committed offsets of the deleted topic still held by the group', [], left);
    const [desc] = (await admin.describeGroups([group])).groups;
    checkEq('group state after the delete', { state: 'Empty', members: 0 }, { state: desc.state, members: desc.members.length });
    // Kafka deletes the topic's data asynchronously: a create right after the delete may briefly
    // fail with TOPIC_ALREADY_EXISTS, so retry it
    let created = false;
    for (let i = 0; i < 20 && !created; i++) {
      created = await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true })
        .catch((e) => { if (e.type !== 'TOPIC_ALREADY_EXISTS' && !/already exists/i.test(e.message)) throw e; return false; });
      if (!created) await sleep(500);
    }
    check(created === true, `recreating ${topic} did not succeed`, true, created);
    const second = makeRecords('after', 30);
    await produceOnce(second);
    const r2 = await consume(topic, group, second.length, { timeoutMs: 15_000 });
    check(r2.length === second.length, `the same group read ${r2.length} of the ${second.length} records of the recreated topic (offsets inherited from the deleted topic?)`,
      second.length, r2.length);
    verifyRecords(second, r2, 'recreated topic, read by the same group');
    s.observed = { offsetsLeftAfterDelete: left.length, stateAfterDelete: desc.state, secondRead: r2.length };
    return 'after the delete the group holds no offsets for the topic; the recreated topic is read from offset 0 by the same group';
  }],

  ['delete-topic', async (s) => {
    const topic = name(s.name);
    await createTopic(topic, 3);
    await admin.deleteTopics({ topics: [topic] });
    let topics;
    for (let i = 0; i < 5; i++) {
      topics = await admin.listTopics();
      if (!topics.includes(topic)) break;
      await sleep(500);
    }
    check(!topics.includes(topic), `${topic} still listed after deleteTopics`, 'not listed', topics.map(norm));
    return 'deleteTopics; gone from listTopics';
  }],
];

try {
  await admin.connect();
  await runScenarios(scenarios);
} catch (e) {
  log(`driver crashed: ${e?.stack ?? e}`);
  process.exitCode = 1;
} finally {
  for (const c of cleanups) await c.disconnect().catch(() => {});
  await admin.disconnect().catch(() => {});
}
process.exit(process.exitCode ?? 0);
