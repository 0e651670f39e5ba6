// The failover checks (issue 11), shared by every client: this module creates the topics, starts
// a client's driver (a child process), kills the broker when the driver says so, reads the log
// back and judges. A driver only produces, consumes and reports what it acknowledged and consumed.
//
// Driver protocol: the driver prints one JSON object a line on stdout (diagnostics on stderr):
//   failover <bootstrap> <topic> <group> <before> <after>
//     an idempotent acks=all producer sends v-0, v-1, ... (v-i to partition i % 3) one at a time
//     while a consumer group consumes; after <before> acknowledged: {"event":"before"}. The checker
//     kills the leader of partition 0, then writes "killed <epoch ms when the kill completed>" on
//     stdin. The driver goes on until <after> more records are acknowledged, one of them on
//     partition 0 after the kill, waits (bounded) for its group to reach every acknowledged
//     record, and prints {"event":"done","acked":[i...],"p0AckTimes":[epoch ms...],"consumed":[i...],"errors":[...]}.
//   eos <bootstrap> <in> <out> <group> <transactional.id> <n>
//     a read_committed consume-transform-produce loop in-i → out-i; a third of the way in, with a
//     transaction open, {"event":"before","txnCoordinator":id?}; the checker kills the broker that
//     coordinates the transactional id (chosen so that it also coordinates the group, when one of
//     100 candidates is) and writes "killed <ms>"; the driver commits and goes on
//     until its committed offsets cover all n inputs: {"event":"done",...,"errors":[...]}.
// Verdicts: failover: every acknowledged record in the log exactly once (read back read_committed
// from offset 0 by the Java client's reader), no value twice, the group consumed every acknowledged
// record, and an acknowledged produce on partition 0 after the kill (failover time: from the kill
// to that acknowledgement). eos: the committed output holds out-i exactly once for every input
// record in-i (as read back from the input topic), and nothing else.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';

export const PARTITIONS = 3;
const BEFORE = 300;
const AFTER = 300;
const EOS_INPUTS = 300;

function admin(bootstrap) {
  return new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 20, maxRetryTime: 2000 } }).admin();
}

async function withAdmin(bootstrap, fn) {
  const a = admin(bootstrap);
  await a.connect();
  try { return await fn(a); } finally { await a.disconnect().catch(() => {}); }
}

export async function leaderOf(bootstrap, topic, partition) {
  return withAdmin(bootstrap, async (a) => {
    const md = await a.fetchTopicMetadata({ topics: [topic] });
    return md.topics[0].partitions.find((p) => p.partitionId === partition).leader;
  });
}

function javaHash(key) {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(31, h) + key.charCodeAt(i)) | 0;
  return h === -2147483648 ? 0 : Math.abs(h);
}

/** Kafka's coordinator for a key: the leader of partition abs(hashCode(key)) % n of the internal topic. */
export async function coordinatorOf(bootstrap, internalTopic, key) {
  return (await coordinators(bootstrap, internalTopic))(key);
}

/** key ─▶ coordinator node, from one Metadata of the internal topic. */
async function coordinators(bootstrap, internalTopic) {
  const parts = await withAdmin(bootstrap, async (a) => (await a.fetchTopicMetadata({ topics: [internalTopic] })).topics[0].partitions);
  return (key) => parts.find((p) => p.partitionId === javaHash(key) % parts.length).leader;
}

/**
 * A transactional id that the group's coordinator also coordinates, so that one kill moves both
 * coordinators. The internal topics are created first (a group offset fetch and a transactional
 * producer's aborted transaction). Falls back to the first candidate when no candidate matches.
 */
async function sharedCoordinatorTxId(bootstrap, group, base, inTopic, outTopic) {
  const kafka = new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 20, maxRetryTime: 2000 } });
  // on a fresh cluster the internal topics and their coordinators take a moment: poll, bounded
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await withAdmin(bootstrap, (a) => a.fetchOffsets({ groupId: group, topics: [inTopic] }));
      const warm = kafka.producer({ transactionalId: `${base}-warmup`, idempotent: true, maxInFlightRequests: 1 });
      await warm.connect();
      try {
        // an aborted transaction (invisible to read_committed) makes the cluster create __transaction_state
        const t = await warm.transaction();
        await t.send({ topic: outTopic, messages: [{ value: 'warmup (aborted)' }] });
        await t.abort();
      } finally {
        await warm.disconnect();
      }
      const groupCoordinator = (await coordinators(bootstrap, '__consumer_offsets'))(group);
      const txn = await coordinators(bootstrap, '__transaction_state');
      for (let k = 0; k < 100; k++) if (txn(`${base}-${k}`) === groupCoordinator) return `${base}-${k}`;
      return `${base}-0`;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`the internal topics did not become usable within 60 s: ${e.message}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function createTopics(bootstrap, topics) {
  await withAdmin(bootstrap, async (a) => {
    await a.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 3 })), waitForLeaders: true });
  });
}

/**
 * Runs a driver: resolves to its events by name once it exits. onEvent(ev, write) is called for
 * every event (write(line) answers on its stdin). Killed after timeoutMs.
 */
function runDriver({ cmd, args, env }, { logFile, timeoutMs = 300_000, onEvent }) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const err = fs.createWriteStream(logFile);
    child.stderr.pipe(err);
    const events = {};
    const started = Date.now();
    let failure = null;
    const timer = setTimeout(() => { failure = new Error(`driver timed out after ${timeoutMs} ms`); child.kill('SIGKILL'); }, timeoutMs);
    const write = (line) => { if (child.stdin.writable) child.stdin.write(`${line}\n`); };
    let chain = Promise.resolve();
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      let ev;
      try { ev = JSON.parse(line); } catch { err.write(`[stdout] ${line}\n`); return; }
      if (!ev?.event) return;
      ev.atMs = Date.now() - started;
      events[ev.event] = ev;
      chain = chain.then(() => onEvent?.(ev, write)).catch((e) => { failure ??= e; child.kill('SIGKILL'); });
    });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', async (code, signal) => {
      clearTimeout(timer);
      await chain;
      err.end();
      if (failure) reject(failure);
      else if (code !== 0) reject(new Error(`driver exited ${code ?? signal} (see ${logFile})`));
      else resolve(events);
    });
  });
}

/** Every value in the topic, read_committed from offset 0 (the Java client's reader). */
async function readLog(reader, topic, logFile) {
  const events = await runDriver(reader(topic), { logFile, timeoutMs: 120_000 });
  if (!events.read) throw new Error(`the reader printed no values for ${topic}`);
  return events.read.values;
}

/**
 * One failover run. target: { name, bootstrap, kill(nodeId) } (kill resolves once the node is
 * dead); client: { name, command(mode, args) }; reader: topic ─▶ the read command.
 */
export async function checkFailover(target, client, { reader, logDir, log = () => {} }) {
  const id = `failover-${client.name}-${Date.now().toString(36)}`;
  await createTopics(target.bootstrap, [id]);
  let killed = null;
  let killStart = 0;
  let killDone = 0;
  const events = await runDriver(client.command('failover', [target.bootstrap, id, `${id}-group`, String(BEFORE), String(AFTER)]), {
    logFile: path.join(logDir, `${id}.log`),
    onEvent: async (ev, write) => {
      if (ev.event !== 'before') return;
      killed = await leaderOf(target.bootstrap, id, 0);
      killStart = Date.now();
      await target.kill(killed);
      killDone = Date.now();
      log(`killed node ${killed}, the leader of ${id}-0 (the kill took ${killDone - killStart} ms)`);
      write(`killed ${killDone}`);
    },
  });
  const done = events.done;
  if (!done) throw new Error('the driver reported nothing');
  const values = await readLog(reader, id, path.join(logDir, `${id}-read.log`));
  const counts = new Map();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const lost = done.acked.filter((i) => !counts.has(`v-${i}`)).length;
  const duplicates = [...counts.values()].filter((c) => c > 1).length;
  const consumed = new Set(done.consumed);
  const notConsumed = done.acked.filter((i) => !consumed.has(i)).length;
  const firstP0 = done.p0AckTimes.find((t) => t >= killDone);
  const failoverMs = firstP0 === undefined || killed === null ? null : firstP0 - killStart;
  const pass = killed !== null && lost === 0 && duplicates === 0 && notConsumed === 0 && failoverMs !== null;
  return {
    pass, killed, acknowledged: done.acked.length, inLog: values.length, lost, duplicates, notConsumed, failoverMs,
    sendErrors: done.errors.length, errors: done.errors.slice(0, 5),
    summary: `${done.acked.length} acknowledged, ${values.length} in the log, lost ${lost}, duplicates ${duplicates}, not consumed ${notConsumed}; killed node ${killed}; first produce on the new leader ${failoverMs ?? '—'} ms after the kill; ${done.errors.length} client errors; driver ${(events.before?.atMs / 1000).toFixed(1)} s to the kill, ${((done.atMs - (events.before?.atMs ?? 0)) / 1000).toFixed(1)} s after${events.produced ? ` (producing ${((events.produced.atMs - events.before.atMs) / 1000).toFixed(1)} s, then the group's catch-up ${((done.atMs - events.produced.atMs) / 1000).toFixed(1)} s)` : ''}${done.errors.length ? `; first client error: ${done.errors[0].slice(0, 200)}` : ''}`,
  };
}

/** Input for the consume-transform-produce loop: in-0 ... in-(n-1), acknowledged, round robin. */
async function produceInputs(bootstrap, topic, n) {
  // generous retries: a Kafka node restarted for this run may not know the new topic for a while
  const kafka = new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 20, maxRetryTime: 2000 } });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const messages = Array.from({ length: n }, (_, i) => ({ partition: i % PARTITIONS, value: `in-${i}` }));
    for (let i = 0; i < n; i += 100) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 100) });
  } finally {
    await producer.disconnect();
  }
}

/** One exactly-once run across a transaction coordinator move. */
export async function checkEos(target, client, { reader, logDir, log = () => {} }) {
  const id = `eos-${client.name}-${Date.now().toString(36)}`;
  const [inTopic, outTopic, group] = [`${id}-in`, `${id}-out`, `${id}-group`];
  await createTopics(target.bootstrap, [inTopic, outTopic]);
  await produceInputs(target.bootstrap, inTopic, EOS_INPUTS);
  // The input as written: every input record must appear once in the output, so a value the input
  // producer wrote twice (kafkajs's idempotent producer did, once, on Kafka after a node restart) is
  // expected twice; the loop's n is the input's record count.
  const inputs = await readLog(reader, inTopic, path.join(logDir, `${id}-read-in.log`));
  const txId = await sharedCoordinatorTxId(target.bootstrap, group, `${id}-tx`, inTopic, outTopic);
  let killed = null;
  let groupCoordinator = null;
  const events = await runDriver(client.command('eos', [target.bootstrap, inTopic, outTopic, group, txId, String(inputs.length)]), {
    logFile: path.join(logDir, `${id}.log`),
    onEvent: async (ev, write) => {
      if (ev.event !== 'before') return;
      const computed = await coordinatorOf(target.bootstrap, '__transaction_state', txId);
      groupCoordinator = ev.groupCoordinator ?? await coordinatorOf(target.bootstrap, '__consumer_offsets', group);
      if (typeof ev.txnCoordinator === 'number' && ev.txnCoordinator !== computed) log(`the client names node ${ev.txnCoordinator} as the transaction coordinator, the partition leader is ${computed}`);
      killed = typeof ev.txnCoordinator === 'number' ? ev.txnCoordinator : computed;
      await target.kill(killed);
      log(`killed node ${killed}, the coordinator of ${txId} (the group's coordinator: node ${groupCoordinator}), with a transaction of ${ev.open ?? '?'} records open`);
      write(`killed ${Date.now()}`);
    },
  });
  const done = events.done;
  if (!done) throw new Error('the driver reported nothing');
  const values = await readLog(reader, outTopic, path.join(logDir, `${id}-read.log`));
  const counts = new Map();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const want = new Map(); // out-i ─▶ how many input records in-i
  for (const v of inputs) want.set(`out-${v.slice(3)}`, (want.get(`out-${v.slice(3)}`) ?? 0) + 1);
  const inputDuplicates = [...want.values()].filter((c) => c > 1).length;
  const missing = [...want].filter(([v, c]) => (counts.get(v) ?? 0) < c).length;
  const duplicates = [...counts].filter(([v, c]) => want.has(v) && c > want.get(v)).length;
  const extra = [...counts.keys()].filter((v) => !want.has(v)).length;
  const pass = killed !== null && missing === 0 && duplicates === 0 && extra === 0 && want.size === EOS_INPUTS;
  return {
    pass, killed, groupCoordinator, inputs: inputs.length, inputDuplicates, committedOutput: values.length, missing, duplicates, extra,
    transactions: done.transactions, aborted: done.aborted, replacedProducers: done.replacedProducers, errors: done.errors.slice(0, 5),
    summary: `${inputs.length} input records (${want.size} values${inputDuplicates ? `; the input producer wrote ${inputDuplicates} twice` : ''}), ${values.length} committed outputs, missing ${missing}, duplicates ${duplicates}, extra ${extra}; killed node ${killed} (transaction coordinator; group coordinator ${groupCoordinator}) mid-transaction; ${done.transactions} transactions, ${done.aborted} aborted, ${done.replacedProducers} producers replaced; ${done.errors.length} client errors; driver ${(events.before?.atMs / 1000).toFixed(1)} s to the kill, ${((done.atMs - (events.before?.atMs ?? 0)) / 1000).toFixed(1)} s after`,
  };
}
