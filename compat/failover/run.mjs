// Failover (issue 11): for each client (the Java client, kafkajs, confluent-kafka-javascript,
// franz-go), kill the leader of partition 0 under an idempotent acks=all producer and a consumer
// group, and (Java client) kill the transaction coordinator under a consume-transform-produce
// loop; on a 3-broker Rivulet cluster (startCluster, in this process) and on a 3-node Apache Kafka
// (from Maven, started once and reused: each killed node is restarted before the next run).
// The checks are in check.mjs, the drivers in drivers/ (set up by clients.mjs). Prints one line per
// client, scenario and target, a table, and ends with "failover: N passed, N failed" (.ci/run adds
// it to the CI summary).
//
//   npm run build && node compat/failover/run.mjs [--no-kafka] [--no-rivulet] [--only java,kafkajs] [--scenario failover,eos]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKafkaCluster } from '../lib/kafka-cluster.mjs';
import { kafkaLibsDir } from '../lib/kafka-broker.mjs';
import { checkEos, checkFailover } from './check.mjs';
import { confluentJsClient, franzClient, javaClient, kafkajsClient } from './clients.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1].split(',') : null; };
const only = opt('--only');
const scenarios = opt('--scenario') ?? ['failover', 'eos'];
const cacheDir = path.join(root, 'compat', '.cache');
const logDir = path.join(cacheDir, 'logs', 'failover');
fs.mkdirSync(logDir, { recursive: true });
const t0 = performance.now();
const elapsed = () => `${Math.round((performance.now() - t0) / 1000)} s`;

// Setup: the Java client is also the log reader, so it is set up even when --only leaves it out.
const java = javaClient();
const all = [java, kafkajsClient(), confluentJsClient(), franzClient()];
const clients = all.filter((c) => !only || only.includes(c.name));
const ctx = { root, cacheDir, kafkaLibs: kafkaLibsDir(), log: (m) => console.log(`  setup: ${m}`) };
const setupErrors = new Map();
for (const c of new Set([java, ...clients])) {
  try {
    await c.setup(ctx);
  } catch (e) {
    setupErrors.set(c.name, e.message.split('\n')[0].slice(0, 300));
    console.log(`  setup: ${c.name} failed: ${e.message.split('\n')[0]}`);
  }
}
console.log(`  setup done (${elapsed()}): ${clients.map((c) => c.version ?? c.name).join(', ')}`);

const runs = []; // { client, scenario, target, pass, summary } | { ..., error }
const plan = clients.flatMap((c) => scenarios.filter((s) => c.modes.includes(s)).map((s) => ({ client: c, scenario: s })));

async function onTarget(targetName, target) {
  const reader = (topic) => java.command('read', [target.bootstrap, topic]);
  for (const { client, scenario } of plan) {
    const label = `${scenario} ${client.name} on ${targetName}`;
    if (setupErrors.has(client.name) || setupErrors.has('java')) {
      runs.push({ client: client.name, scenario, target: targetName, pass: false, summary: `setup failed: ${setupErrors.get(client.name) ?? setupErrors.get('java')}` });
      console.log(`FAIL ${label}: setup failed`);
      continue;
    }
    await target.ready();
    const log = (m) => console.log(`  ${targetName} ${client.name} ${scenario}: ${m}`);
    try {
      const check = scenario === 'eos' ? checkEos : checkFailover;
      const r = await check(target, client, { reader, logDir, log });
      runs.push({ client: client.name, scenario, target: targetName, ...r });
      console.log(`${r.pass ? 'pass' : 'FAIL'} ${label}: ${r.summary} (${elapsed()})`);
      if (!r.pass && r.errors?.length) console.log(`  first client errors: ${r.errors.join(' | ')}`);
    } catch (e) {
      runs.push({ client: client.name, scenario, target: targetName, pass: false, summary: `error: ${e.message}` });
      console.log(`FAIL ${label}: ${e.message} (${elapsed()})`);
    }
  }
}

/** Kills node ids and brings each back before the next run (ready()). */
function restarting(restart) {
  const dead = new Set();
  return {
    mark: (id) => dead.add(id),
    async ready() {
      for (const id of dead) await restart(id);
      dead.clear();
    },
  };
}

if (!args.includes('--no-rivulet')) {
  const index = await import(path.join(root, 'dist/src/index.js'));
  const cluster = await index.startCluster({ brokers: 3 });
  try {
    const r = restarting((id) => cluster.restartBroker(id));
    await onTarget('rivulet', {
      bootstrap: cluster.bootstrap,
      ready: r.ready,
      async kill(id) { await cluster.killBroker(id); r.mark(id); },
    });
  } finally {
    await cluster.stop();
  }
}

if (!args.includes('--no-kafka')) {
  const kafka = await startKafkaCluster({ nodes: 3 });
  console.log(`  Kafka ${kafka.version}, 3 nodes, started (${elapsed()})`);
  try {
    const node = (id) => kafka.nodes.find((n) => n.nodeId === id);
    const r = restarting(async (id) => {
      const t = performance.now();
      await node(id).restart();
      console.log(`  kafka: node ${id} restarted in ${Math.round(performance.now() - t)} ms`);
    });
    await onTarget('kafka', {
      bootstrap: kafka.bootstrap,
      ready: r.ready,
      async kill(id) { await node(id).kill(); r.mark(id); },
    });
  } finally {
    await kafka.stop();
  }
}

// The table: one row per client and scenario, one column per target.
const targets = [...new Set(runs.map((r) => r.target))];
const cell = (r) => {
  if (!r) return '—';
  if (r.summary.startsWith('setup failed') || r.summary.startsWith('error')) return `FAIL: ${r.summary}`;
  const v = r.pass ? 'pass' : 'FAIL';
  return r.scenario === 'eos'
    ? `${v}: ${r.committedOutput}/${r.inputs} once, ${r.missing} missing, ${r.duplicates} dup`
    : `${v}: ${r.acknowledged} acked, ${r.lost} lost, ${r.duplicates} dup, ${r.notConsumed} unconsumed, ${r.failoverMs ?? '—'} ms`;
};
console.log('');
console.log(`| client | scenario | ${targets.join(' | ')} |`);
console.log(`|---|---|${targets.map(() => '---').join('|')}|`);
for (const { client, scenario } of plan) {
  console.log(`| ${client.version ?? client.name} | ${scenario} | ${targets.map((t) => cell(runs.find((r) => r.client === client.name && r.scenario === scenario && r.target === t))).join(' | ')} |`);
}
fs.writeFileSync(path.join(cacheDir, 'failover-results.json'), JSON.stringify(runs, null, 2));
const passed = runs.filter((r) => r.pass).length;
const failed = runs.length - passed;
console.log(`total ${elapsed()}`);
console.log(`failover: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
