// kcat (librdkafka) compat driver: runs the kcat binary against a broker and checks the data.
// Usage: node compat/clients/drivers/kcat.mjs <bootstrap> <prefix>   (KCAT=/path/to/kcat to override)
// kcat has no admin API: topics are created beforehand with kafkajs (a fixture, not a scenario).
import { spawn } from 'node:child_process';
import kafkajs from 'kafkajs';
import { check, checkSame, exec, log as logTag, same, scenario, skip, sleep, startProcess, track, waitFor } from './driver-util.mjs';

const [bootstrap, prefix] = process.argv.slice(2);
if (!bootstrap || !prefix) { console.error('usage: kcat.mjs <bootstrap> <prefix>'); process.exit(2); }
const KCAT = process.env.KCAT || 'kcat';
const log = (...a) => logTag('kcat', ...a);
const T = (name) => `${prefix}-${name}`;
const FMT = '%p\\t%o\\t%k\\t%s\\t%h\\n';
// Short timeouts so a broken broker fails fast instead of hanging the suite.
const COMMON = ['-b', bootstrap, '-m', '15', '-X', 'client.id=compat-kcat', '-X', 'socket.timeout.ms=15000'];

// ---- fixture: topics via kafkajs ----------------------------------------------------------------
const kafka = new kafkajs.Kafka({ clientId: 'compat-kcat-fixture', brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 4 } });
const admin = kafka.admin();
let adminConnected = false;
async function createTopic(topic, numPartitions = 3) {
  if (!adminConnected) { await admin.connect(); adminConnected = true; }
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 1 }], waitForLeaders: false, timeout: 15000 });
  } catch (e) {
    throw new Error(`fixture: kafkajs could not create topic ${topic}: ${e.message}`);
  }
  // wait until kcat's metadata shows every partition with a leader
  const ok = await waitFor(async () => {
    const md = await metadata(topic).catch(() => null);
    const t = md?.topics?.find((x) => x.topic === topic);
    return t && !t.error && t.partitions.length === numPartitions && t.partitions.every((p) => p.leader >= 0);
  }, 15000, 250);
  if (!ok) throw new Error(`fixture: topic ${topic} has no leaders after 15 s`);
}

async function metadata(topic) {
  const r = await exec(KCAT, [...COMMON, '-L', '-J', ...(topic ? ['-t', topic] : [])], { timeoutMs: 30000 });
  if (r.code !== 0) throw new Error(`kcat -L exited ${r.code}: ${r.stderr.trim().slice(-500)}`);
  return JSON.parse(r.stdout);
}

// ---- produce / consume helpers ------------------------------------------------------------------
const msgs = (tag, n) => Array.from({ length: n }, (_, i) => ({ key: `key-${tag}-${i}`, value: `value-${tag}-${i}-${'abcdefgh'.repeat(10 + i)}` }));

async function produce(topic, messages, { codec, headers = [], extra = [] } = {}) {
  const args = [...COMMON, '-P', '-t', topic, '-K', ':', ...(codec ? ['-z', codec] : []), ...headers.flatMap((h) => ['-H', h]), ...extra];
  const r = await exec(KCAT, args, { input: messages.map((m) => `${m.key}:${m.value}\n`).join(''), timeoutMs: 60000 });
  if (r.code !== 0) {
    const e = new Error(`kcat -P exited ${r.code ?? r.signal}${r.timedOut ? ' (timed out)' : ''}: ${r.stderr.trim().slice(-800)}`);
    throw e;
  }
  return r;
}

/**
 * kcat -P with stdin kept open. A transactional kcat runs init_transactions and
 * begin_transaction at start, commits at EOF (end()) and aborts on SIGTERM.
 */
function openProducer(topic, extra = []) {
  const child = spawn(KCAT, [...COMMON, '-P', '-t', topic, '-K', ':', ...extra], { stdio: ['pipe', 'ignore', 'pipe'] });
  const p = { child, stderr: '', exited: false, code: null };
  child.stderr.on('data', (d) => { p.stderr += d; });
  child.stdin.on('error', () => {});
  p.done = new Promise((resolve) => child.on('close', (code, sig) => { p.exited = true; p.code = code ?? sig; resolve(p.code); }));
  p.write = (messages) => child.stdin.write(messages.map((m) => `${m.key}:${m.value}\n`).join(''));
  p.end = () => child.stdin.end();
  p.stop = async () => { if (!p.exited) child.kill('SIGKILL'); return p.done; };
  return track(p);
}

/** Waits for a kcat process to exit (SIGKILL after timeoutMs); returns its exit code. */
async function exited(p, timeoutMs = 30000) {
  const code = await Promise.race([p.done, sleep(timeoutMs).then(() => 'timeout')]);
  if (code === 'timeout') await p.stop();
  return code;
}

const UNCOMMITTED = ['-X', 'isolation.level=read_uncommitted'];
const COMMITTED = ['-X', 'isolation.level=read_committed'];

/** Checks that `got` holds exactly `sent` (keys and values); returns "p:o:key" sorted. */
function sameRecords(sent, got, what) {
  checkSame(sent.map((m) => m.key).sort(), got.map((g) => g.key).sort(), `${what}: keys`);
  const byKey = new Map(sent.map((m) => [m.key, m.value]));
  for (const g of got) check(g.value === byKey.get(g.key), `${what}: value of ${g.key}`, byKey.get(g.key), g.value);
  return got.map((g) => `${g.partition}:${g.offset}:${g.key}`).sort();
}

function parseFmt(stdout) {
  return stdout.split('\n').filter(Boolean).map((l) => {
    const [p, o, key, value, headers] = l.split('\t');
    return { partition: Number(p), offset: Number(o), key, value, headers: headers ?? '' };
  });
}

async function consumeAll(topic, { extra = [] } = {}) {
  const r = await exec(KCAT, [...COMMON, '-C', '-t', topic, '-o', 'beginning', '-e', '-f', FMT, ...extra], { timeoutMs: 60000 });
  if (r.code !== 0) throw new Error(`kcat -C exited ${r.code ?? r.signal}${r.timedOut ? ' (timed out)' : ''}: ${r.stderr.trim().slice(-800)}`);
  return parseFmt(r.stdout);
}

/** Checks that `got` holds exactly `sent` (key, value, headers), offsets 0..n-1 per partition in send order. */
function verifyRecords(sent, got, headerStr) {
  const byKey = new Map(got.map((m) => [m.key, m]));
  check(got.length === sent.length && byKey.size === sent.length, `expected ${sent.length} distinct records back`, sent.map((m) => m.key), got.map((m) => m.key));
  for (const m of sent) {
    const g = byKey.get(m.key);
    check(g, `record ${m.key} missing`, m.key, got.map((x) => x.key));
    check(g.value === m.value, `value of ${m.key} differs`, m.value, g.value);
    if (headerStr !== undefined) check(g.headers === headerStr, `headers of ${m.key} differ`, headerStr, g.headers);
  }
  const parts = {};
  for (const g of got) (parts[g.partition] ??= []).push(g);
  for (const [p, list] of Object.entries(parts)) {
    list.sort((a, b) => a.offset - b.offset);
    checkSame(list.map((_, i) => i), list.map((g) => g.offset), `partition ${p}: offsets are not 0..n-1`);
    const order = list.map((g) => sent.findIndex((m) => m.key === g.key));
    checkSame([...order].sort((a, b) => a - b), order, `partition ${p}: records are not in send order`);
  }
  // the partition of each key is deterministic (librdkafka's consistent_random = CRC32 of the key)
  return got.map((g) => `${g.partition}:${g.offset}:${g.key}`).sort();
}

const NO_ADMIN = 'kcat has no admin API (it produces, consumes, lists metadata and queries offsets only)';

// ---- scenarios ----------------------------------------------------------------------------------
await scenario('create-topic', async () => skip(NO_ADMIN + '; the suite creates its topics with kafkajs'));

for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
  await scenario(`produce-${codec}`, async () => {
    const topic = T(`produce-${codec}`);
    await createTopic(topic);
    const sent = msgs(codec, 9);
    await produce(topic, sent, { codec, headers: [`codec=${codec}`, 'source=kcat'] });
    const got = await consumeAll(topic);
    return { observed: { records: verifyRecords(sent, got, `codec=${codec},source=kcat`) } };
  });
}

await scenario('produce-idempotent', async () => {
  const topic = T('produce-idempotent');
  await createTopic(topic);
  const sent = msgs('idem', 12);
  await produce(topic, sent, { headers: ['idempotent=yes'], extra: ['-X', 'enable.idempotence=true', '-X', 'acks=all'] });
  const got = await consumeAll(topic);
  return { observed: { records: verifyRecords(sent, got, 'idempotent=yes') } };
});

await scenario('produce-transactional', async () => {
  const topic = T('produce-transactional');
  await createTopic(topic);
  const sent = msgs('txn', 6);
  await produce(topic, sent, { extra: ['-X', `transactional.id=${T('txn')}`] });
  const got = await consumeAll(topic, { extra: COMMITTED });
  // offsets are not 0..n-1 here: each partition also holds a commit marker after the records
  const records = sameRecords(sent, got, 'read_committed consumer: the committed records');
  // kcat -P reads all of stdin before it produces (Debian's 1.7.1) and commits at EOF: it cannot
  // leave the records of an aborted transaction in the log (SIGTERM aborts before anything is sent)
  return { observed: { records } };
});

await scenario('consume-transform-produce', async () => skip('kcat cannot send consumer offsets to a transaction (no sendOffsetsToTransaction; -G consumes and commits on its own)'));

await scenario('transaction-fencing', async () => {
  const topic = T('transaction-fencing');
  await createTopic(topic);
  const txn = ['-X', `transactional.id=${T('transaction-fencing')}`];
  const fenced = msgs('fenced', 6);
  const fencer = msgs('fencer', 6);
  // the first kcat initializes and begins its transaction at start, then waits for EOF
  const a = openProducer(topic, [...txn, '-d', 'eos']);
  a.write(fenced);
  const begun = await waitFor(() => /begin_transaction return .*Success/.test(a.stderr) || a.exited, 20000, 50);
  check(begun && !a.exited, 'the first kcat did not begin its transaction', 'begin_transaction: Success', a.stderr.slice(-500));
  // a second kcat with the same transactional.id: init_transactions bumps the epoch and fences the
  // first; it commits its own transaction at EOF
  await produce(topic, fencer, { extra: txn });
  a.end(); // EOF: the first kcat produces its records and tries to commit
  const code = await exited(a);
  const errors = a.stderr.split('\n').filter((l) => /^% (ERROR|FATAL)|fenced/i.test(l) && !/^%7\|/.test(l));
  check(code !== 0 && errors.some((l) => /fenced/i.test(l)), 'the first kcat committed after a second one took over its transactional.id', 'a non-zero exit, "fenced"', { code, errors });
  const committed = sameRecords(fencer, await consumeAll(topic, { extra: COMMITTED }), 'read_committed consumer: only the second kcat\'s records');
  const all = await consumeAll(topic, { extra: UNCOMMITTED });
  check(!all.some((g) => g.key.startsWith('key-fenced-')), 'a read_uncommitted consumer sees records of the fenced kcat (they should have been rejected)', 'none', all.map((g) => g.key));
  return { observed: { records: committed, fencedExit: code !== 0 } };
});

await scenario('consume-from-beginning', async () => {
  const topic = T('consume-from-beginning');
  await createTopic(topic);
  const sent = msgs('cfb', 15);
  await produce(topic, sent, { headers: ['h1=v1', 'h2=v2'] });
  const got = await consumeAll(topic);
  const records = verifyRecords(sent, got, 'h1=v1,h2=v2');
  // a single partition from an absolute offset, with a count limit
  const p = got[0].partition;
  const inP = got.filter((g) => g.partition === p).sort((a, b) => a.offset - b.offset);
  const r = await exec(KCAT, [...COMMON, '-C', '-t', topic, '-p', String(p), '-o', '1', '-c', String(inP.length - 1), '-e', '-f', FMT], { timeoutMs: 30000 });
  check(r.code === 0, 'kcat -C -p -o 1 failed', 0, r.stderr.slice(-500));
  checkSame(inP.slice(1).map((g) => g.key), parseFmt(r.stdout).map((g) => g.key), `partition ${p} from offset 1`);
  return { observed: { records } };
});

/** Parses "% Group G rebalanced (memberid X): assigned: t [0], t [2]" lines into the latest assignment. */
function assignment(stderr) {
  let last = null;
  for (const l of stderr.split('\n')) {
    const m = l.match(/rebalanced \(memberid [^)]*\): (assigned|revoked): ?(.*)$/);
    if (!m) continue;
    if (m[1] === 'revoked') last = [];
    else last = [...m[2].matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]));
  }
  return last;
}

function groupMember(group, topic, extra = []) {
  return track(startProcess(KCAT, [...COMMON, '-G', group, '-u', '-f', '%p\\t%o\\t%k\\t%s\\n',
    '-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=10000', '-X', 'heartbeat.interval.ms=500',
    '-X', 'auto.commit.interval.ms=200', ...extra, topic]));
}

await scenario('consume-group', async () => {
  const topic = T('consume-group');
  const group = T('consume-group');
  await createTopic(topic);
  const a = groupMember(group, topic);
  const b = groupMember(group, topic);
  try {
    // both members joined and the 3 partitions are split between them
    const balanced = await waitFor(() => {
      const pa = assignment(a.stderr);
      const pb = assignment(b.stderr);
      return pa && pb && pa.length > 0 && pb.length > 0 && same([...pa, ...pb].sort(), [0, 1, 2]);
    }, 45000, 200);
    check(balanced, 'two kcat -G members did not share the 3 partitions',
      'both members assigned, together [0,1,2]', { a: assignment(a.stderr), b: assignment(b.stderr), aExited: a.exited && a.stderr.slice(-400), bExited: b.exited && b.stderr.slice(-400) });
    const sent = msgs('grp', 30);
    await produce(topic, sent);
    const all = () => [...a.lines, ...b.lines];
    await waitFor(() => all().length >= sent.length, 30000, 100);
    await sleep(1000); // anything extra (duplicates) shows up now
    const got = parseFmt(all().join('\n'));
    const keys = got.map((g) => g.key).sort();
    checkSame(sent.map((m) => m.key).sort(), keys, 'the two members together did not receive every record exactly once');
    check(a.lines.length > 0 && b.lines.length > 0, 'one member received nothing', 'both > 0', { a: a.lines.length, b: b.lines.length });
    return { observed: { records: verifyRecords(sent, got) } };
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

await scenario('commit-resume', async () => {
  const topic = T('commit-resume');
  const group = T('commit-resume');
  await createTopic(topic);
  const sent = msgs('cr', 24);
  await produce(topic, sent);
  // first member: consume 10 records and exit (auto commit stores what it consumed; close commits)
  const first = groupMember(group, topic, ['-c', '10']);
  const code = await Promise.race([first.done, sleep(60000).then(() => 'timeout')]);
  if (code === 'timeout') await first.stop();
  check(code === 0, 'kcat -G -c 10 did not exit cleanly', 0, { code, stderr: first.stderr.slice(-600) });
  const part1 = parseFmt(first.lines.join('\n'));
  check(part1.length === 10, 'first member: expected 10 records', 10, part1.length);
  // second member in the same group: resumes after the commit
  const second = groupMember(group, topic);
  try {
    await waitFor(() => second.lines.length >= sent.length - 10, 45000, 100);
    await sleep(1500);
  } finally {
    await second.stop();
  }
  const part2 = parseFmt(second.lines.join('\n'));
  const seen = [...part1, ...part2].map((g) => g.key).sort();
  const dup = seen.filter((k, i) => seen[i - 1] === k);
  check(dup.length === 0, 'records consumed twice (the second member did not resume after the commit)', [], { duplicates: dup, first: part1.map((g) => `${g.partition}:${g.offset}`), second: part2.map((g) => `${g.partition}:${g.offset}`) });
  checkSame(sent.map((m) => m.key).sort(), seen, 'records lost between the two members');
  // per partition: the second member starts exactly where the first one stopped
  const firstEnd = {};
  for (const g of part1) firstEnd[g.partition] = Math.max(firstEnd[g.partition] ?? -1, g.offset);
  for (const g of part2) {
    const want = (firstEnd[g.partition] ?? -1) + 1;
    const firstInP = Math.min(...part2.filter((x) => x.partition === g.partition).map((x) => x.offset));
    check(firstInP === want, `partition ${g.partition}: resumed at ${firstInP}`, want, firstInP);
  }
  return { observed: { first: part1.length, second: part2.length } };
});

await scenario('describe-topic', async () => {
  const topic = T('describe-topic');
  await createTopic(topic);
  const md = await metadata(topic);
  const t = md.topics.find((x) => x.topic === topic);
  check(t, 'topic missing from kcat -L', topic, md.topics.map((x) => x.topic));
  check(!t.error, 'topic error in metadata', null, t.error);
  checkSame([0, 1, 2], t.partitions.map((p) => p.partition).sort(), 'partitions');
  const brokerIds = md.brokers.map((b) => b.id);
  for (const p of t.partitions) {
    check(brokerIds.includes(p.leader), `partition ${p.partition}: leader is not a listed broker`, brokerIds, p.leader);
    check(p.replicas.length === 1 && p.isrs.length === 1, `partition ${p.partition}: replicas/isr`, '1 replica, 1 isr', { replicas: p.replicas, isrs: p.isrs });
  }
  check(md.brokers.length === 1, 'one broker listed', 1, md.brokers.length);
  return {
    observed: {
      partitions: t.partitions.map((p) => ({ partition: p.partition, replicas: p.replicas.length, isrs: p.isrs.length })).sort((x, y) => x.partition - y.partition),
      brokers: md.brokers.length,
    },
  };
});

await scenario('offsets-for-times', async () => {
  const topic = T('offsets-for-times');
  await createTopic(topic, 1);
  await produce(topic, msgs('early', 5));
  await sleep(1500);
  const mid = Date.now();
  await sleep(1500);
  await produce(topic, msgs('late', 4));
  const q = async (ts) => {
    const r = await exec(KCAT, [...COMMON, '-Q', '-J', '-t', `${topic}:0:${ts}`], { timeoutMs: 30000 });
    check(r.code === 0, `kcat -Q ${ts} failed`, 0, r.stderr.slice(-500));
    const j = JSON.parse(r.stdout);
    const e = j[topic]?.['0'];
    check(e, `kcat -Q output has no ${topic}[0]`, 'an entry', j);
    return e.error ? `error: ${e.error}` : e.offset;
  };
  const got = { zero: await q(0), mid: await q(mid), future: await q(Date.now() + 3600_000), latest: await q(-1), earliest: await q(-2) };
  checkSame({ zero: 0, mid: 5, future: -1, latest: 9, earliest: 0 }, got, 'offsets for timestamps (0, between the batches, future, -1 latest, -2 earliest)');
  return { observed: got };
});

for (const s of ['describe-configs', 'alter-configs', 'list-groups', 'describe-group', 'reset-offsets', 'delete-records', 'delete-topic']) {
  await scenario(s, async () => skip(NO_ADMIN));
}

if (adminConnected) await admin.disconnect().catch(() => {});
process.exit(0);
