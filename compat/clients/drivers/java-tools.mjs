// Driver for the Kafka command-line tools (Kafka 4.4.0 jars, run with java -cp).
//   node compat/clients/drivers/java-tools.mjs <bootstrap> <prefix>
// env: KAFKA_LIBS (jar dir), KAFKA_TOOLS_VERSION, COMPAT_CACHE, COMPAT_SCENARIO (optional filter),
// JAVA_TOOLS_CONCURRENCY (scenarios run at once, default 2).
// Prints one JSON line per scenario (see compat/README.md); everything else goes to stderr.
// Every consumer in a group runs with group.protocol=classic.
import fs from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import {
  Fail, Skip, check, checkEq, sleep, log, runScenarios, once, tool, startTool, errorText, exceptionNames,
  makeRecords, producerInput, parseConsumed, verifyRecords, parseOffsets, parseGroupOffsets, parseGroupState,
  parseResetOutput, parseConfigs, parseTopicDescribe, parseTable, sum, MAIN, workDir,
} from './java-tools-lib.mjs';

const [bootstrap, prefix] = process.argv.slice(2);
if (!bootstrap || !prefix) { console.error('usage: java-tools.mjs <bootstrap> <prefix>'); process.exit(2); }
if (!process.env.KAFKA_LIBS) { console.error('KAFKA_LIBS is not set'); process.exit(2); }

const B = ['--bootstrap-server', bootstrap];
const CLASSIC = ['--consumer-property', 'group.protocol=classic'];
const PRINT_ALL = ['--property', 'print.timestamp=true', '--property', 'print.partition=true', '--property', 'print.offset=true',
  '--property', 'print.headers=true', '--property', 'print.key=true'];
const name = (scenario) => `${prefix}-${scenario}`;
/** Replace run-specific names in text that goes into `observed`. */
const norm = (s) => String(s).split(prefix).join('<prefix>').split(bootstrap).join('<bootstrap>')
  .replace(/\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+\] /g, '');

// ---------------------------------------------------------------------------------------------
// tool wrappers

async function createTopic(topic, partitions = 3, extra = []) {
  const res = await tool(MAIN.topics, [...B, '--create', '--topic', topic, '--partitions', String(partitions), '--replication-factor', '1', ...extra]);
  check(res.out.includes(`Created topic ${topic}.`), `kafka-topics --create printed ${JSON.stringify(res.out.trim())}`, `Created topic ${topic}.`, res.out.trim());
  return res;
}

async function produce(topic, records, extra = []) {
  const res = await tool(MAIN.producer, [...B, '--topic', topic, '--property', 'parse.key=true', '--property', 'parse.headers=true', ...extra],
    { input: producerInput(records) });
  if (/Error when sending message|Exception/.test(res.err)) throw new Fail(`kafka-console-producer reported errors: ${errorText(res)}`, 'no send errors', errorText(res));
  return res;
}

/** Console consumer that stops after `n` records (or `timeoutMs` without one). */
async function consume(topic, n, { group, fromBeginning = true, partition, offset, extra = [], timeoutMs = 20_000 } = {}) {
  const args = [...B, '--topic', topic, ...PRINT_ALL, '--timeout-ms', String(timeoutMs)];
  if (n !== undefined) args.push('--max-messages', String(n));
  if (group) args.push('--group', group, ...CLASSIC);
  if (partition !== undefined) args.push('--partition', String(partition), '--offset', String(offset ?? 'earliest'));
  else if (fromBeginning) args.push('--from-beginning');
  const res = await tool(MAIN.consumer, [...args, ...extra], { timeoutMs: timeoutMs + 60_000 });
  return { res, records: parseConsumed(res.out.split('\n')) };
}

async function endOffsets(topic, time) {
  const res = await tool(MAIN.offsets, [...B, '--topic', topic, ...(time !== undefined ? ['--time', String(time)] : [])]);
  return parseOffsets(res.out, topic);
}

const groups = (args, opts) => tool(MAIN.groups, [...B, ...args], opts);

async function groupOffsets(group, topic) {
  const res = await groups(['--describe', '--group', group]);
  return parseGroupOffsets(res.out, topic);
}

async function groupState(group) {
  const res = await groups(['--describe', '--group', group, '--state']);
  return parseGroupState(res.out, group);
}

async function listTopics() {
  const res = await tool(MAIN.topics, [...B, '--list']);
  return res.out.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** Re-run fn until ok(result), at most `tries` times: Kafka applies topic and config changes
 *  through its controller, and a read right after a write may briefly see the old state. */
async function eventually(fn, ok, tries = 4) {
  let res = await fn();
  for (let i = 1; i < tries && !ok(res); i++) {
    await sleep(500);
    res = await fn();
  }
  return res;
}

async function describeTopic(topic) {
  const res = await tool(MAIN.topics, [...B, '--describe', '--topic', topic]);
  const t = parseTopicDescribe(res.out)[topic];
  if (!t) throw new Fail(`kafka-topics --describe did not describe ${topic}`, topic, res.out.trim());
  return t;
}

/** A tool run that must fail: returns what the user sees. */
async function expectToolError(main, args, what) {
  const res = await tool(main, args, { allowFail: true });
  const exceptions = exceptionNames(res);
  const text = errorText(res);
  check(res.code !== 0 || exceptions.length > 0 || /error/i.test(res.out), `${what}: the tool succeeded (exit ${res.code}): ${res.out.trim().slice(0, 300)}`, 'an error', res.out.trim());
  return { exitCode: res.code, exceptions, text: norm(text) };
}

// ---------------------------------------------------------------------------------------------
// fixtures: a 3-partition topic with 30 keyed records, read back once to learn its layout

const fixture = once(async () => {
  const topic = name('consume-from-beginning');
  const records = makeRecords('fixture', 30);
  await createTopic(topic, 3);
  await produce(topic, records);
  const { records: got } = await consume(topic, records.length);
  const summary = verifyRecords(records, got, 'fixture read-back');
  const ends = {};
  for (const [p, l] of Object.entries(summary.layout)) ends[p] = l.last + 1;
  for (const p of ['0', '1', '2']) ends[p] ??= 0;
  return { topic, records, consumed: got, layout: summary.layout, ends };
});

const perfFixture = once(async () => {
  const topic = name('perf-producer');
  await createTopic(topic, 3);
  const res = await tool(MAIN.perfProducer, ['--topic', topic, '--num-records', '5000', '--record-size', '200', '--throughput', '-1',
    '--producer-props', `bootstrap.servers=${bootstrap}`, 'acks=all', 'linger.ms=5'], { timeoutMs: 120_000 });
  const last = res.out.trim().split('\n').filter((l) => /records sent/.test(l)).pop() ?? '';
  const sent = Number(/^(\d+) records sent/.exec(last)?.[1]);
  return { topic, sent, line: last };
});

// ---------------------------------------------------------------------------------------------
// scenarios

const produceScenario = (codec) => async (s) => {
  const topic = name(s.name);
  const records = makeRecords(codec, 30);
  await createTopic(topic, 3);
  await produce(topic, records, codec === 'none' ? [] : ['--compression-codec', codec]);
  const { records: got } = await consume(topic, records.length);
  const { layout, timestampTypes } = verifyRecords(records, got);
  s.observed = { layout, timestampTypes };
  return `${records.length} keyed records with headers${codec === 'none' ? '' : ` (${codec})`} read back exactly`;
};

const scenarios = [
  ['create-topic', async (s) => {
    const topic = name(s.name);
    await createTopic(topic, 3);
    const list = await listTopics();
    check(list.includes(topic), `kafka-topics --list does not show ${topic}`, topic, list.map(norm));
    const t = await describeTopic(topic);
    checkEq('partition count', 3, t.partitionCount);
    s.observed = { partitionCount: t.partitionCount, replicationFactor: t.replicationFactor };
    return 'created with 3 partitions, listed';
  }],

  ['topics-create-existing', async (s) => {
    const topic = name(s.name);
    await createTopic(topic, 1);
    const e = await expectToolError(MAIN.topics, [...B, '--create', '--topic', topic, '--partitions', '1', '--replication-factor', '1'], 'creating an existing topic');
    check(e.exceptions.includes('TopicExistsException') || /already exists/.test(e.text), `expected TopicExistsException, got: ${e.text}`, 'TopicExistsException', e.text);
    s.observed = e;
    return 'second create fails with TopicExistsException';
  }],

  ['produce-none', produceScenario('none')],
  ['produce-gzip', produceScenario('gzip')],
  ['produce-snappy', produceScenario('snappy')],
  ['produce-lz4', produceScenario('lz4')],
  ['produce-zstd', produceScenario('zstd')],

  ['produce-idempotent', async (s) => {
    const topic = name(s.name);
    const records = makeRecords('idem', 30);
    await createTopic(topic, 3);
    await produce(topic, records, ['--producer-property', 'enable.idempotence=true', '--producer-property', 'acks=all',
      '--producer-property', 'max.in.flight.requests.per.connection=5']);
    const ends = await endOffsets(topic);
    checkEq('sum of end offsets (no duplicates written)', records.length, sum(ends));
    const { records: got } = await consume(topic, records.length);
    const { layout } = verifyRecords(records, got);
    s.observed = { endOffsets: ends, layout };
    return 'idempotent producer (acks=all): 30 records, end offsets add up to 30, read back exactly';
  }],

  // Transactions. kafka-producer-perf-test (--transactional-id, --transaction-duration-ms) commits
  // as it goes; transactional-message-copier consumes, produces and sendOffsetsToTransaction in
  // one transaction and aborts about a third of them at random (--enable-random-aborts). The
  // Java producer runs transactions v2 (both brokers finalize transaction.version=2).
  ['produce-transactional', async (s) => {
    const topic = name(s.name);
    const n = 1000;
    await createTopic(topic, 3);
    const res = await tool(MAIN.perfProducer, ['--topic', topic, '--num-records', String(n), '--payload-monotonic', '--throughput', '2000',
      '--transactional-id', name(s.name), '--transaction-duration-ms', '100', '--producer-props', `bootstrap.servers=${bootstrap}`, 'linger.ms=5'],
    { timeoutMs: 120_000 });
    const last = res.out.trim().split('\n').filter((l) => /records sent/.test(l)).pop() ?? '';
    checkEq('records sent (ProducerPerformance summary line)', n, Number(/^(\d+) records sent/.exec(last)?.[1]));
    // --payload-monotonic: the values are 0..n-1, no keys. At 2000 records/s the 1000 records span
    // about five 100 ms transactions, spread over the partitions by the sticky partitioner
    const values = (recs) => recs.map((r) => Number(r.value)).sort((a, b) => a - b);
    const want = Array.from({ length: n }, (_, i) => i);
    const { records: committed } = await consume(topic, n, { extra: ['--isolation-level', 'read_committed'] });
    checkEq('values read by --isolation-level read_committed', want, values(committed));
    // each committed transaction left one marker in every partition it wrote to: a partition's
    // last entry is the marker right after its last record
    const ends = await endOffsets(topic);
    const lastRecord = {};
    for (const r of committed) lastRecord[r.partition] = Math.max(lastRecord[r.partition] ?? -1, r.offset);
    checkEq('end offset of each partition (its last record, then a commit marker)', Object.fromEntries(Object.entries(lastRecord).map(([p, o]) => [p, o + 2])),
      Object.fromEntries(Object.keys(lastRecord).map((p) => [p, ends[p]])));
    check(sum(ends) > n, `the end offsets should count the commit markers too: ${JSON.stringify(ends)}`, `more than ${n}`, sum(ends));
    s.observed = { sent: n, readCommitted: committed.length, endsAfterLastRecordAndMarker: true };
    return `${n} records in transactions of 100 ms; read_committed read exactly 0..${n - 1}; the end offsets count ${sum(ends) - n} markers`;
  }],

  ['consume-transform-produce', async (s) => {
    const input = name(s.name);
    const output = name(`${s.name}-out`);
    const group = name(s.name);
    const records = makeRecords('ctp', 120);
    await createTopic(input, 1);
    await createTopic(output, 1);
    await produce(input, records);
    // read_committed consumer (assign partition 0), transactions of at most 4 records,
    // sendOffsetsToTransaction with the consumer's group metadata, a third aborted at random (then
    // it seeks back to the committed offsets and copies those records again)
    const res = await tool(MAIN.txnCopier, ['--broker-list', bootstrap, '--input-topic', input, '--input-partition', '0', '--output-topic', output,
      '--transactional-id', name(s.name), '--consumer-group', group, '--transaction-size', '4', '--max-messages', String(records.length),
      '--use-group-metadata', '--enable-random-aborts'], { timeoutMs: 180_000 });
    const status = res.out.split('\n').filter((l) => l.startsWith('{')).map((l) => { try { return JSON.parse(l); } catch { return null; } }).filter(Boolean);
    const done = status.filter((x) => x.shutdown_complete !== undefined || x.stage === 'ProcessLoop').pop();
    check(done, 'transactional-message-copier printed no status', 'JSON status lines', res.out.slice(-500));
    const offsets = await groupOffsets(group, input);
    checkEq("the group's committed offset (= everything copied)", [{ partition: 0, current: records.length, logEnd: records.length, lag: 0, member: false }],
      offsets.map((o) => ({ ...o, member: !!o.member })));
    // the copier copies key and value (no headers) to the same partition
    const copied = records.map((r) => ({ ...r, headers: [] }));
    const { records: committed } = await consume(output, copied.length, { extra: ['--isolation-level', 'read_committed'] });
    const { layout } = verifyRecords(copied, committed, 'read_committed output: every input record exactly once');
    const outEnd = (await endOffsets(output))['0'];
    const { records: all } = await consume(output, outEnd, { timeoutMs: 10_000 });
    const aborted = all.length - committed.length;
    // ~30 transactions with a 1/3 chance each to abort: at least one aborted is all but certain
    check(aborted > 0, 'read_uncommitted should also see the records of the aborted transactions', `more than ${copied.length} records`, all.length);
    const again = new Set(all.map((r) => r.value));
    checkEq('read_uncommitted: the aborted records are copies of input records', copied.length, again.size);
    s.observed = { committed: offsets, outputReadCommitted: committed.length, layoutCommitted: { count: layout['0']?.count } };
    return `120 records copied in transactions of ≤4 (${aborted} records in aborted ones, copied again); read_committed output exactly once; offsets committed to 120`;
  }],

  ['transaction-fencing', async () => {
    throw new Skip('no Kafka command-line tool keeps a transaction open for a second producer to fence (kafka-producer-perf-test and transactional-message-copier commit as they go)');
  }],

  ['transactions-admin', async (s) => {
    // kafka-transactions: list, describe and describe-producers after a transactional producer.
    const topic = name(s.name);
    const txnId = name(s.name);
    await createTopic(topic, 1);
    await tool(MAIN.perfProducer, ['--topic', topic, '--num-records', '200', '--record-size', '100', '--throughput', '-1',
      '--transactional-id', txnId, '--transaction-duration-ms', '50', '--producer-props', `bootstrap.servers=${bootstrap}`], { timeoutMs: 120_000 });
    // Kafka writes the commit markers after EndTxn has answered: wait for CompleteCommit there.
    let row;
    for (let i = 0; i < 50; i++) {
      const list = await tool(MAIN.transactions, ['--bootstrap-server', bootstrap, 'list']);
      row = parseTable(list.out.replace(/\t/g, ' '), 'TransactionalId').rows.find((r) => r[0] === txnId);
      if (row?.[3] === 'CompleteCommit') break;
      await sleep(200);
    }
    check(row, `kafka-transactions list should show ${txnId}`, txnId, row);
    checkEq('list: state', 'CompleteCommit', row[3]);
    const producerId = row[2];
    const d = await tool(MAIN.transactions, ['--bootstrap-server', bootstrap, 'describe', '--transactional-id', txnId]);
    const { header, rows } = parseTable(d.out.replace(/\t/g, ' '), 'CoordinatorId');
    const desc = Object.fromEntries(header.map((h, i) => [h, rows[0]?.[i]]));
    checkEq('describe: id, producer, state, timeout', { id: txnId, producerId, state: 'CompleteCommit', timeout: '60000' },
      { id: desc.TransactionalId, producerId: desc.ProducerId, state: desc.TransactionState, timeout: desc.TransactionTimeoutMs });
    const p = await tool(MAIN.transactions, ['--bootstrap-server', bootstrap, 'describe-producers', '--topic', topic, '--partition', '0']);
    const producers = parseTable(p.out.replace(/\t/g, ' '), 'ProducerId');
    const mine = producers.rows.find((r) => r[0] === producerId);
    check(mine, `describe-producers should list producer ${producerId}`, producerId, producers.rows);
    const cols = Object.fromEntries(producers.header.map((h, i) => [h, mine[i]]));
    checkEq('describe-producers: open transaction start', 'None', cols.CurrentTransactionStartOffset);
    s.observed = { listState: row[3], describeState: desc.TransactionState, timeoutMs: desc.TransactionTimeoutMs, producerListed: true, openTxnStart: cols.CurrentTransactionStartOffset };
    return `list, describe and describe-producers show ${txnId} (producer ${producerId}) committed`;
  }],

  ['consume-from-beginning', async (s) => {
    const f = await fixture();
    s.observed = { layout: f.layout };
    return `console consumer --from-beginning (no --group: the tool uses a generated group) read all ${f.records.length} records in order`;
  }],

  ['consume-partition-offset', async (s) => {
    const f = await fixture();
    const p = Object.entries(f.layout).sort((a, b) => b[1].count - a[1].count)[0][0];
    const from = 2;
    const want = f.consumed.filter((r) => r.partition === Number(p) && r.offset >= from).sort((a, b) => a.offset - b.offset);
    const { records: got } = await consume(f.topic, want.length, { partition: p, offset: from });
    checkEq(`records of partition ${p} from offset ${from}`, want.map((r) => [r.offset, r.key, r.value]), got.map((r) => [r.offset, r.key, r.value]));
    s.observed = { partition: Number(p), offsets: got.map((r) => r.offset) };
    return `--partition ${p} --offset ${from} read exactly offsets ${from}..${want.at(-1)?.offset}`;
  }],

  ['consume-group', async (s) => {
    // two console consumers in one group (classic protocol), then 30 records: each exactly once
    const topic = name(s.name);
    const group = name(s.name);
    const records = makeRecords('group', 30);
    await createTopic(topic, 3);
    const args = [...B, '--topic', topic, '--group', group, ...CLASSIC, '--from-beginning', ...PRINT_ALL, '--timeout-ms', '60000'];
    const a = startTool(MAIN.consumer, args, { timeoutMs: 120_000, label: 'consumer A' });
    const b = startTool(MAIN.consumer, args, { timeoutMs: 120_000, label: 'consumer B' });
    try {
      let st;
      for (let i = 0; i < 15; i++) {
        st = await groupState(group);
        if (st?.state === 'Stable' && st.members === 2) break;
        await sleep(500);
      }
      check(st?.state === 'Stable' && st.members === 2, 'the group did not become Stable with 2 members', { state: 'Stable', members: 2 }, st);
      await produce(topic, records);
      const deadline = Date.now() + 30_000;
      while (parseConsumed(a.lines).length + parseConsumed(b.lines).length < records.length && Date.now() < deadline) await sleep(200);
      await sleep(1000); // room for duplicates to show up
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    const ra = parseConsumed(a.lines);
    const rb = parseConsumed(b.lines);
    const { layout } = verifyRecords(records, [...ra, ...rb], 'records consumed by the group');
    const pa = [...new Set(ra.map((r) => r.partition))];
    const pb = [...new Set(rb.map((r) => r.partition))];
    check(!pa.some((p) => pb.includes(p)), `both members read partition(s) ${pa.filter((p) => pb.includes(p))}`, 'disjoint assignments', { a: pa, b: pb });
    const offsets = await groupOffsets(group, topic);
    const lagged = offsets.filter((o) => o.lag !== 0);
    check(offsets.length === 3 && lagged.length === 0, 'after both consumers closed, the group should have committed every partition to its end (lag 0)', 'lag 0 on 3 partitions', offsets);
    s.observed = { layout, partitionsPerMember: [pa.length, pb.length].sort(), committed: offsets };
    return `2 members split the partitions (${pa.length}+${pb.length}); 30 records each read once; committed to the end`;
  }],

  ['commit-resume', async (s) => {
    const f = await fixture();
    const group = name(s.name);
    const first = 12;
    const one = ['--consumer-property', 'max.poll.records=1', '--consumer-property', 'enable.auto.commit=true'];
    const { records: r1 } = await consume(f.topic, first, { group, extra: one });
    checkEq('records read by the first consumer', first, r1.length);
    const committed = await groupOffsets(group, f.topic);
    const committedSum = committed.reduce((a, o) => a + (o.current ?? 0), 0);
    checkEq('sum of committed offsets after the first consumer closed', first, committedSum);
    const { records: r2 } = await consume(f.topic, f.records.length - first, { group, extra: one, timeoutMs: 15_000 });
    verifyRecords(f.records, [...r1, ...r2], 'first + second consumer');
    for (const o of committed) {
      const firstSeen = r2.filter((r) => r.partition === o.partition).map((r) => r.offset).sort((x, y) => x - y)[0];
      if (firstSeen !== undefined) checkEq(`second consumer's first offset on partition ${o.partition}`, o.current, firstSeen);
    }
    s.observed = { committedSum, secondCount: r2.length };
    return `stopped after ${first}, committed; a new consumer in the group resumed at the commit and read the other ${r2.length}`;
  }],

  ['describe-topic', async (s) => {
    const topic = name(s.name);
    await createTopic(topic, 3, ['--config', 'retention.ms=3600000', '--config', 'cleanup.policy=delete']);
    const t = await describeTopic(topic);
    checkEq('PartitionCount', 3, t.partitionCount);
    checkEq('ReplicationFactor', 1, t.replicationFactor);
    checkEq('partitions', [0, 1, 2], t.partitions.map((p) => p.partition).sort());
    check(t.configs['retention.ms'] === '3600000', `Configs should show retention.ms=3600000: ${JSON.stringify(t.configs)}`, 'retention.ms=3600000', t.configs);
    check(t.hasTopicId, 'describe shows no TopicId', 'a topic id', 'none');
    for (const p of t.partitions) check(p.leader !== '-1' && p.leader !== 'none' && p.isr === p.replicas, `partition ${p.partition}: leader ${p.leader}, replicas ${p.replicas}, isr ${p.isr}`, 'a leader, isr = replicas', p);
    s.observed = t;
    return 'PartitionCount 3, ReplicationFactor 1, the topic config, a leader and full ISR per partition';
  }],

  ['topics-describe-missing', async (s) => {
    const e = await expectToolError(MAIN.topics, [...B, '--describe', '--topic', name(s.name)], 'describing a missing topic');
    s.observed = e;
    return `error: ${e.text}`;
  }],

  ['topics-alter-partitions', async (s) => {
    const topic = name(s.name);
    await createTopic(topic, 3);
    await tool(MAIN.topics, [...B, '--alter', '--topic', topic, '--partitions', '5']);
    const t = await eventually(() => describeTopic(topic), (x) => x.partitionCount === 5);
    checkEq('PartitionCount after --alter --partitions 5', 5, t.partitionCount);
    const e = await expectToolError(MAIN.topics, [...B, '--alter', '--topic', topic, '--partitions', '2'], 'shrinking a topic');
    check(e.exceptions.includes('InvalidPartitionsException'), `shrinking should fail with InvalidPartitionsException: ${e.text}`, 'InvalidPartitionsException', e.exceptions);
    s.observed = { partitionCount: t.partitionCount, partitions: t.partitions.map((p) => p.partition).sort(), shrink: e };
    return 'grew 3 → 5 partitions; shrinking to 2 fails with InvalidPartitionsException';
  }],

  ['describe-configs', async (s) => {
    const topic = name(s.name);
    await createTopic(topic, 1, ['--config', 'retention.ms=7200000']);
    const cfg = await eventually(async () => parseConfigs((await tool(MAIN.configs, [...B, '--entity-type', 'topics', '--entity-name', topic, '--describe', '--all'])).out),
      (c) => c['retention.ms']?.value === '7200000');
    check(cfg['retention.ms']?.value === '7200000', `retention.ms should be 7200000: ${JSON.stringify(cfg['retention.ms'])}`, '7200000', cfg['retention.ms']);
    checkEq('retention.ms source', 'DYNAMIC_TOPIC_CONFIG', cfg['retention.ms']?.synonyms?.[0]);
    const defaults = { 'cleanup.policy': 'delete', 'compression.type': 'producer', 'segment.bytes': '1073741824', 'min.insync.replicas': '1',
      'message.timestamp.type': 'CreateTime', 'max.message.bytes': '1048588' };
    const got = Object.fromEntries(Object.keys(defaults).map((k) => [k, cfg[k]?.value]));
    checkEq('default topic configs', defaults, got);
    const keys = ['cleanup.policy', 'compression.type', 'retention.ms', 'retention.bytes', 'segment.bytes', 'max.message.bytes',
      'min.insync.replicas', 'message.timestamp.type', 'delete.retention.ms', 'segment.ms'];
    s.observed = { names: Object.keys(cfg).sort(), selected: Object.fromEntries(keys.map((k) => [k, cfg[k] ?? null])) };
    return `--describe --all: ${Object.keys(cfg).length} configs, retention.ms from DYNAMIC_TOPIC_CONFIG, defaults as Kafka's`;
  }],

  ['alter-configs', async (s) => {
    const topic = name(s.name);
    await createTopic(topic, 1);
    const entity = ['--entity-type', 'topics', '--entity-name', topic];
    const alter = await tool(MAIN.configs, [...B, ...entity, '--alter', '--add-config', 'retention.ms=86400000,max.message.bytes=2000000']);
    const describe = async () => parseConfigs((await tool(MAIN.configs, [...B, ...entity, '--describe'])).out);
    const d1 = await eventually(describe, (d) => d['max.message.bytes']?.value === '2000000' && d['retention.ms']?.value === '86400000');
    checkEq('dynamic configs after --add-config', { 'max.message.bytes': '2000000', 'retention.ms': '86400000' },
      Object.fromEntries(Object.entries(d1).map(([k, v]) => [k, v.value]).sort()));
    await tool(MAIN.configs, [...B, ...entity, '--alter', '--delete-config', 'max.message.bytes']);
    const d2 = await eventually(describe, (d) => !d['max.message.bytes']);
    checkEq('dynamic configs after --delete-config max.message.bytes', { 'retention.ms': '86400000' },
      Object.fromEntries(Object.entries(d2).map(([k, v]) => [k, v.value])));
    s.observed = { alterOutput: norm(alter.out.trim()), afterAdd: d1, afterDelete: d2 };
    return '--add-config retention.ms,max.message.bytes then --delete-config max.message.bytes, each seen by --describe';
  }],

  ['list-groups', async (s) => {
    const f = await fixture();
    const group = name(s.name);
    await consume(f.topic, 1, { group });
    const list = (await groups(['--list'])).out.split('\n').map((l) => l.trim());
    check(list.includes(group), `--list does not show ${group}`, group, list.map(norm));
    const res = await groups(['--list', '--state', '--type']);
    const row = parseTable(res.out).rows.find((r) => r[0] === group);
    check(row, `--list --state --type does not show ${group}`, group, norm(res.out));
    s.observed = { type: row[1], state: row[2] };
    checkEq('group type and state', ['Classic', 'Empty'], [row[1], row[2]]);
    return 'the group is listed, type Classic, state Empty';
  }],

  ['describe-group', async (s) => {
    const f = await fixture();
    const group = name(s.name);
    const c = startTool(MAIN.consumer, [...B, '--topic', f.topic, '--group', group, ...CLASSIC, '--from-beginning', ...PRINT_ALL,
      '--consumer-property', 'auto.commit.interval.ms=200', '--consumer-property', 'client.id=compat-describe', '--timeout-ms', '60000'],
    { timeoutMs: 120_000, label: 'consumer' });
    let active;
    let members;
    let offsets;
    try {
      const deadline = Date.now() + 30_000;
      while (parseConsumed(c.lines).length < f.records.length && Date.now() < deadline) await sleep(200);
      checkEq('records read by the active consumer', f.records.length, parseConsumed(c.lines).length);
      await sleep(800); // an auto-commit
      active = await groupState(group);
      const m = await groups(['--describe', '--group', group, '--members']);
      const { header, rows } = parseTable(m.out);
      members = rows.filter((r) => r[0] === group).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])))
        .map((r) => ({ clientId: r['CLIENT-ID'], partitions: Number(r['#PARTITIONS']) }));
      offsets = await groupOffsets(group, f.topic);
    } finally {
      await c.stop();
    }
    const after = await groupState(group);
    const ends = Object.values(f.ends);
    checkEq('state of the group with one active consumer', { strategy: 'range', state: 'Stable', members: 1 }, { strategy: active?.strategy, state: active?.state, members: active?.members });
    checkEq('--members', [{ clientId: 'compat-describe', partitions: 3 }], members);
    checkEq('committed offsets', [0, 1, 2].map((p) => ({ partition: p, current: f.ends[p], logEnd: f.ends[p], lag: 0, member: true })), offsets);
    checkEq('state after the consumer left', { state: 'Empty', members: 0 }, { state: after?.state, members: after?.members });
    s.observed = { active, members, offsets, after, ends };
    return 'Stable/range/1 member with 3 partitions and lag 0 while consuming; Empty after it left';
  }],

  ['reset-offsets', async (s) => {
    const f = await fixture();
    const group = name(s.name);
    const { records: r1 } = await consume(f.topic, f.records.length, { group });
    verifyRecords(f.records, r1, 'first pass');
    const res = await groups(['--reset-offsets', '--group', group, '--topic', f.topic, '--to-earliest', '--execute']);
    const reset = parseResetOutput(res.out, f.topic);
    checkEq('NEW-OFFSET printed by --reset-offsets --to-earliest', { 0: 0, 1: 0, 2: 0 }, reset);
    const { records: r2 } = await consume(f.topic, f.records.length, { group, fromBeginning: false });
    verifyRecords(f.records, r2, 'after the reset');
    s.observed = { reset };
    return 'after --to-earliest --execute the group read all 30 records again';
  }],

  ['consumer-groups-reset-shift-by', async (s) => {
    const f = await fixture();
    const group = name(s.name);
    const r1 = parseResetOutput((await groups(['--reset-offsets', '--group', group, '--topic', f.topic, '--to-latest', '--execute'])).out, f.topic);
    checkEq('--to-latest on a new group', f.ends, r1);
    const r2 = parseResetOutput((await groups(['--reset-offsets', '--group', group, '--topic', f.topic, '--shift-by', '-4', '--execute'])).out, f.topic);
    const want = Object.fromEntries(Object.entries(f.ends).map(([p, e]) => [p, Math.max(0, e - 4)]));
    checkEq('--shift-by -4', want, r2);
    const offsets = await groupOffsets(group, f.topic);
    checkEq('committed offsets after --shift-by -4', want, Object.fromEntries(offsets.map((o) => [String(o.partition), o.current])));
    s.observed = { latest: r1, shifted: r2, offsets };
    return '--to-latest then --shift-by -4, as committed';
  }],

  ['consumer-groups-reset-to-datetime', async (s) => {
    const topic = name(s.name);
    const group = name(s.name);
    await createTopic(topic, 3);
    const a = makeRecords('before', 15);
    const b = makeRecords('after', 15, 15);
    await produce(topic, a);
    const ea = await endOffsets(topic);
    await sleep(20);
    const t = new Date(Date.now()).toISOString();
    await sleep(20);
    await produce(topic, b);
    const byTime = await endOffsets(topic, new Date(t).getTime());
    const res = await groups(['--reset-offsets', '--group', group, '--topic', topic, '--to-datetime', t, '--execute']);
    const reset = parseResetOutput(res.out, topic);
    const want = Object.fromEntries(['0', '1', '2'].map((p) => [p, ea[p] ?? 0]));
    checkEq(`NEW-OFFSET for --to-datetime (the end offsets before the second batch)`, want, reset);
    const { records: got } = await consume(topic, b.length, { group, fromBeginning: false });
    verifyRecords(b, got, 'records after the datetime');
    s.observed = { reset, getOffsetsByTime: byTime };
    return `--to-datetime between two batches: the group resumed at the second batch (${b.length} records)`;
  }],

  ['consumer-groups-delete', async (s) => {
    const f = await fixture();
    const group = name(s.name);
    await groups(['--reset-offsets', '--group', group, '--topic', f.topic, '--to-earliest', '--execute']);
    const del = await groups(['--delete', '--group', group]);
    check(/was successful/.test(del.out), `--delete printed: ${del.out.trim()}`, 'Deletion ... was successful', norm(del.out.trim()));
    const list = (await groups(['--list'])).out.split('\n').map((l) => l.trim());
    check(!list.includes(group), `${group} is still listed after --delete`, 'not listed', list.map(norm));
    const again = await groups(['--delete', '--group', group], { allowFail: true });
    const text = norm(`${again.out}\n${again.err}`.split('\n').filter((l) => /could not be deleted|Error|Exception/.test(l)).join(' / ').trim());
    check(/GroupIdNotFound|does not exist|not exist/i.test(text), `deleting it again should say the group does not exist: ${text}`, 'GroupIdNotFoundException', text);
    s.observed = { deleted: norm(del.out.trim()), again: exceptionNames(again) };
    return 'deleted, gone from --list; deleting again reports GroupIdNotFound';
  }],

  ['consumer-groups-delete-offsets', async (s) => {
    const f = await fixture();
    const group = name(s.name);
    await groups(['--reset-offsets', '--group', group, '--topic', f.topic, '--to-latest', '--execute']);
    const res = await groups(['--delete-offsets', '--group', group, '--topic', f.topic]);
    const { rows } = parseTable(res.out, 'TOPIC');
    const status = Object.fromEntries(rows.filter((r) => r[0] === f.topic).map((r) => [r[1], r[2]]));
    checkEq('--delete-offsets status per partition', { 0: 'Successful', 1: 'Successful', 2: 'Successful' }, status);
    const after = await groups(['--describe', '--group', group], { allowFail: true });
    const left = parseGroupOffsets(after.out, f.topic).filter((o) => o.current !== null);
    checkEq('committed offsets left after --delete-offsets', [], left);
    s.observed = { status, describeAfter: norm(`${after.out}${after.err}`.split('\n').map((l) => l.trim()).filter((l) => l && !/^\[/.test(l)).join(' / ')) };
    return 'OffsetDelete: every partition Successful, nothing committed afterwards';
  }],

  ['configs-invalid-value', async (s) => {
    const topic = name(s.name);
    await createTopic(topic, 1);
    const e = await expectToolError(MAIN.configs, [...B, '--entity-type', 'topics', '--entity-name', topic, '--alter', '--add-config', 'retention.ms=not-a-number'], 'an invalid config value');
    check(e.exceptions.includes('InvalidConfigurationException') || e.exceptions.includes('InvalidRequestException'), `expected InvalidConfigurationException: ${e.text}`, 'InvalidConfigurationException', e.exceptions);
    const d = parseConfigs((await tool(MAIN.configs, [...B, '--entity-type', 'topics', '--entity-name', topic, '--describe'])).out);
    checkEq('dynamic configs after the rejected change', {}, d);
    s.observed = { exceptions: e.exceptions, exitCode: e.exitCode };
    return `retention.ms=not-a-number rejected (${e.exceptions.join(', ')}), nothing changed`;
  }],

  ['produce-too-large', async (s) => {
    const topic = name(s.name);
    await createTopic(topic, 1, ['--config', 'max.message.bytes=100000']);
    const big = { key: 'big', value: 'x'.repeat(300_000), headers: [['h', 'v']] };
    const small = makeRecords('small', 2);
    const res = await tool(MAIN.producer, [...B, '--topic', topic, '--property', 'parse.key=true', '--property', 'parse.headers=true',
      '--producer-property', 'max.request.size=5000000', '--producer-property', 'batch.size=1000'],
    { input: producerInput([small[0], big, small[1]]) });
    const exceptions = exceptionNames(res);
    check(exceptions.includes('RecordTooLargeException'), `a 300 kB record on a topic with max.message.bytes=100000 should fail with RecordTooLargeException: ${errorText(res)}`, 'RecordTooLargeException', exceptions);
    const { records: got } = await consume(topic, 2, { timeoutMs: 10_000 });
    checkEq('records stored (the small ones only)', small.map((r) => r.value), got.map((r) => r.value));
    s.observed = { exceptions };
    return 'the broker rejected the 300 kB record (RecordTooLargeException); the small ones around it were stored';
  }],

  ['describe-configs-broker', async (s) => {
    const res2 = await tool(MAIN.configs, [...B, '--entity-type', 'brokers', '--describe', '--all', '--entity-name', '1'], { allowFail: true });
    check(res2.code === 0, `kafka-configs --describe --all --entity-name 1 (broker) failed: ${errorText(res2)}`, 'exit 0', errorText(res2));
    const cfg = parseConfigs(res2.out);
    const keys = ['num.partitions', 'log.retention.hours', 'log.segment.bytes', 'message.max.bytes', 'auto.create.topics.enable', 'default.replication.factor'];
    for (const k of keys) check(cfg[k], `broker config ${k} is missing from --describe --all`, k, Object.keys(cfg).slice(0, 50));
    s.observed = { selected: Object.fromEntries(keys.map((k) => [k, cfg[k]?.value ?? null])) };
    return `broker 1 --describe --all: ${Object.keys(cfg).length} configs`;
  }],

  ['get-offsets', async (s) => {
    const f = await fixture();
    const latest = await endOffsets(f.topic);
    const earliest = await endOffsets(f.topic, -2);
    const maxTs = await endOffsets(f.topic, -3);
    checkEq('latest offsets (--time -1)', f.ends, latest);
    checkEq('earliest offsets (--time -2)', { 0: 0, 1: 0, 2: 0 }, earliest);
    // --time -3 (MAX_TIMESTAMP): the offset of the first record carrying the partition's largest
    // timestamp (the timestamps come from the fixture's read-back with print.timestamp)
    const wantMax = {};
    for (const r of [...f.consumed].sort((a, b) => a.offset - b.offset)) {
      const cur = wantMax[r.partition];
      if (!cur || r.timestamp > cur.ts) wantMax[r.partition] = { ts: r.timestamp, offset: r.offset };
    }
    const wantMaxOffsets = Object.fromEntries(Object.entries(wantMax).map(([p, v]) => [p, v.offset]));
    s.observed = { latest, earliest, maxTimestampIsFirstRecordWithMaxTimestamp: isDeepStrictEqual(wantMaxOffsets, maxTs) };
    checkEq('--time -3 (offset of the first record with the max timestamp, per partition)', wantMaxOffsets, maxTs);
    return `latest ${JSON.stringify(latest)}, earliest 0, max-timestamp ${JSON.stringify(maxTs)}`;
  }],

  ['delete-records', async (s) => {
    const topic = name(s.name);
    const records = makeRecords('del', 30);
    await createTopic(topic, 3);
    await produce(topic, records);
    const ends = await endOffsets(topic);
    const p = Object.entries(ends).sort((x, y) => y[1] - x[1])[0][0];
    const cut = Math.min(3, ends[p]);
    const bad = Object.entries(ends).find(([q]) => q !== p)[0];
    const file = path.join(workDir, `${topic}.json`);
    fs.writeFileSync(file, JSON.stringify({ version: 1, partitions: [{ topic, partition: Number(p), offset: cut }, { topic, partition: Number(bad), offset: ends[bad] + 5 }] }));
    const res = await tool(MAIN.deleteRecords, [...B, '--offset-json-file', file], { allowFail: true });
    const lines = res.out.split('\n').filter((l) => l.startsWith('partition:'));
    const okLine = lines.find((l) => l.startsWith(`partition: ${topic}-${p}\t`)) ?? '';
    const badLine = lines.find((l) => l.startsWith(`partition: ${topic}-${bad}\t`)) ?? '';
    checkEq(`DeleteRecords result for partition ${p}`, `low_watermark: ${cut}`, okLine.split('\t')[1]);
    check(/error/.test(badLine), `deleting beyond the end of partition ${bad} should fail: ${badLine}`, 'error: ... OffsetOutOfRange', badLine);
    const earliest = await endOffsets(topic, -2);
    checkEq(`earliest offset of partition ${p} after the deletion`, cut, earliest[p]);
    const { records: got } = await consume(topic, ends[p] - cut, { partition: p, offset: 'earliest' });
    checkEq(`first offset read from partition ${p}`, cut, got[0]?.offset);
    checkEq(`records read from partition ${p}`, ends[p] - cut, got.length);
    s.observed = { lowWatermark: okLine.split('\t')[1], beyondEnd: norm(badLine.split('\t')[1] ?? ''), earliest };
    return `partition ${p} now starts at ${cut}; deleting beyond the end of partition ${bad} is an error`;
  }],

  ['delete-topic', async (s) => {
    const topic = name(s.name);
    await createTopic(topic, 3);
    await tool(MAIN.topics, [...B, '--delete', '--topic', topic]);
    let list;
    for (let i = 0; i < 5; i++) {
      list = await listTopics();
      if (!list.includes(topic)) break;
      await sleep(1000);
    }
    check(!list.includes(topic), `${topic} is still listed after --delete`, 'not listed', list.map(norm));
    return 'deleted and gone from --list';
  }],

  // Issue 15 item 1. Kafka removes a deleted topic's committed offsets from every group
  // (GroupCoordinatorService.onPartitionsDeleted), so describing the group afterwards prints
  // "has no active members" without a stack trace, and a topic recreated with the same name is
  // read from its beginning by the same group (nothing inherited from the old topic).
  ['topic-recreate-offsets', async (s) => {
    const topic = name(s.name);
    const group = name(s.name);
    const first = makeRecords('before', 30);
    await createTopic(topic, 3);
    await produce(topic, first);
    const { records: r1 } = await consume(topic, first.length, { group, extra: ['--consumer-property', 'enable.auto.commit=true'] });
    verifyRecords(first, r1, 'first topic, read by the group');
    const committed = await groupOffsets(group, topic);
    checkEq('offsets committed on the first topic', first.length, committed.reduce((a, o) => a + (o.current ?? 0), 0));
    await tool(MAIN.topics, [...B, '--delete', '--topic', topic]);
    await eventually(listTopics, (list) => !list.includes(topic), 10);
    // Kafka's group coordinator drops the offsets when its broker applies the deletion
    // (asynchronously, shortly after DeleteTopics returns): ask again while they are still listed
    const desc = await eventually(() => groups(['--describe', '--group', group], { allowFail: true }),
      (res) => parseGroupOffsets(res.out, topic).length === 0 && !/Exception/.test(res.err), 6);
    const said = `${desc.out}\n${desc.err}`.split('\n').map((l) => l.trim()).filter((l) => l && !/^\[/.test(l));
    check(!/Exception|^\s*at /m.test(desc.err) && desc.code === 0, `--describe after the delete failed or printed a stack trace (exit ${desc.code}): ${errorText(desc)}`,
      'exit 0, no exception', norm(errorText(desc)));
    check(said.some((l) => l.includes(`Consumer group '${group}' has no active members.`)), `--describe after the delete: ${said.join(' / ')}`,
      `Consumer group '<prefix>-${s.name}' has no active members.`, said.map(norm));
    const leftOver = parseGroupOffsets(desc.out, topic);
    checkEq('committed offsets of the deleted topic still listed by --describe', [], leftOver);
    // Kafka deletes the topic's data asynchronously: a create right after the delete may briefly
    // answer TopicExistsException, so retry it a few times
    const created = await eventually(() => tool(MAIN.topics, [...B, '--create', '--topic', topic, '--partitions', '3', '--replication-factor', '1'], { allowFail: true }),
      (res) => res.out.includes(`Created topic ${topic}.`), 10);
    check(created.out.includes(`Created topic ${topic}.`), `recreating ${topic} failed: ${errorText(created)}`, `Created topic ${topic}.`, norm(errorText(created)));
    const second = makeRecords('after', 30);
    await produce(topic, second);
    const { records: r2 } = await consume(topic, second.length, { group, timeoutMs: 15_000 });
    check(r2.length === second.length, `the same group read ${r2.length} of the ${second.length} records of the recreated topic (offsets inherited from the deleted topic?)`,
      second.length, r2.length);
    verifyRecords(second, r2, 'recreated topic, read by the same group');
    s.observed = { describeAfterDelete: said.map(norm), secondRead: r2.length };
    return 'after the delete the group has no offsets ("has no active members", no stack trace); the recreated topic is read from offset 0 by the same group';
  }],

  // Issue 15 item 15. kafka-features describe (Admin.describeFeatures: ApiVersions' feature
  // levels). Both brokers must finalize metadata.version, transaction.version 2, group.version 1
  // (KIP-848 consumer groups), share.version 2 (KIP-932 share groups), streams.version 1 (KIP-1071
  // streams groups) and kraft.version 1 (a single-node quorum; Rivulet reports it as Kafka does
  // because no client acts on it). The full list goes into `observed`.
  ['features-describe', async (s) => {
    const res = await tool(MAIN.features, [...B, 'describe']);
    check(!/Exception/.test(res.err), `kafka-features describe printed an exception: ${errorText(res)}`, 'no exception', errorText(res));
    const features = {};
    for (const line of res.out.split('\n')) {
      const m = /^Feature:\s*(\S+)\s+SupportedMinVersion:\s*(\S+)\s+SupportedMaxVersion:\s*(\S+)\s+FinalizedVersionLevel:\s*(\S+)/.exec(line.trim());
      if (m) features[m[1]] = { supported: `${m[2]}-${m[3]}`, finalized: m[4] };
    }
    check(features['metadata.version']?.finalized, `kafka-features describe lists no finalized metadata.version: ${res.out.trim()}`, 'metadata.version', Object.keys(features));
    checkEq('finalized transaction.version', '2', features['transaction.version']?.finalized);
    checkEq('group.version (supported, finalized)', '0-1 1', `${features['group.version']?.supported} ${features['group.version']?.finalized}`);
    checkEq('kraft.version (supported, finalized)', '0-1 1', `${features['kraft.version']?.supported} ${features['kraft.version']?.finalized}`);
    checkEq('share.version (supported, finalized)', '0-2 2', `${features['share.version']?.supported} ${features['share.version']?.finalized}`);
    checkEq('streams.version (supported, finalized)', '0-1 1', `${features['streams.version']?.supported} ${features['streams.version']?.finalized}`);
    s.observed = { features };
    return Object.entries(features).map(([k, v]) => `${k}=${v.finalized}`).join(', ');
  }],

  ['perf-producer', async (s) => {
    const p = await perfFixture();
    checkEq('records sent (ProducerPerformance summary line)', 5000, p.sent);
    const ends = await endOffsets(p.topic);
    checkEq('sum of end offsets after the perf test', 5000, sum(ends));
    s.observed = { sent: p.sent, total: sum(ends) };
    return `${p.line.replace(/,.*/, '')}; end offsets add up to 5000`;
  }],

  ['perf-consumer', async (s) => {
    const p = await perfFixture();
    const cfg = path.join(workDir, 'perf-consumer.properties');
    fs.writeFileSync(cfg, 'group.protocol=classic\n');
    const res = await tool(MAIN.perfConsumer, [...B, '--topic', p.topic, '--messages', '5000', '--group', name(s.name), '--timeout', '30000',
      '--consumer.config', cfg], { timeoutMs: 120_000 });
    const lines = res.out.trim().split('\n');
    const hi = lines.findIndex((l) => l.includes('data.consumed.in.nMsg'));
    check(hi >= 0 && lines[hi + 1], `ConsumerPerformance printed no result table: ${res.out.trim().slice(0, 300)}`, 'a CSV header and a row', res.out.trim());
    const header = lines[hi].split(',').map((x) => x.trim());
    const row = lines[hi + 1].split(',').map((x) => x.trim());
    const n = Number(row[header.indexOf('data.consumed.in.nMsg')]);
    checkEq('data.consumed.in.nMsg', 5000, n);
    s.observed = { consumed: n };
    return 'ConsumerPerformance consumed 5000 records';
  }],
];

const t0 = performance.now();
await runScenarios(scenarios, { concurrency: Number(process.env.JAVA_TOOLS_CONCURRENCY ?? 2) });
log(`java-tools driver done in ${Math.round(performance.now() - t0)} ms`);
process.exit(0);
