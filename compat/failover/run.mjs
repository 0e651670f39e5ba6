// Failover (issue 11): kill the leader of a partition under an idempotent producer and a consumer
// group, on a 3-node Apache Kafka (from Maven) and on a 3-broker Rivulet cluster (startCluster,
// the in-process cluster), and report loss, duplicates and the failover time side by side. Ends
// with "N passed, N failed" (.ci/run adds it to the CI summary).
//
//   npm run build && node compat/failover/run.mjs [--no-kafka]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKafkaCluster } from '../lib/kafka-cluster.mjs';
import { runFailover } from './kafkajs.mjs';
import { Kafka, logLevel } from 'kafkajs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);

async function leaderOf(bootstrap, topic, partition) {
  const admin = new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    return md.topics[0].partitions.find((p) => p.partitionId === partition).leader;
  } finally {
    await admin.disconnect();
  }
}

async function onKafka() {
  const kafka = await startKafkaCluster({ nodes: 3 });
  try {
    const target = {
      bootstrap: kafka.bootstrap,
      async killLeaderOf(topic, partition) {
        const id = await leaderOf(kafka.bootstrap, topic, partition);
        await kafka.nodes.find((n) => n.nodeId === id).kill();
        return id;
      },
    };
    return { name: `Kafka ${kafka.version} (3 nodes)`, result: await runFailover(target, { log: (m) => console.log(`  kafka: ${m}`) }) };
  } finally {
    await kafka.stop();
  }
}

async function onRivulet() {
  const index = await import(path.join(root, 'dist/src/index.js'));
  if (typeof index.startCluster !== 'function') return { name: 'Rivulet', result: null, reason: 'no startCluster in this build (the in-process cluster has not landed)' };
  const cluster = await index.startCluster({ brokers: 3 });
  try {
    const target = {
      bootstrap: cluster.bootstrap,
      async killLeaderOf(topic, partition) {
        const id = await leaderOf(cluster.bootstrap, topic, partition);
        await cluster.killBroker(id);
        return id;
      },
    };
    return { name: 'Rivulet (3 brokers, one process)', result: await runFailover(target, { log: (m) => console.log(`  rivulet: ${m}`) }) };
  } finally {
    await cluster.stop();
  }
}

const runs = [await onRivulet()];
if (!args.includes('--no-kafka')) runs.push(await onKafka());
let passed = 0;
let failed = 0;
for (const r of runs) {
  if (!r.result) {
    console.log(`${r.name}: n/a (${r.reason})`);
    continue;
  }
  const x = r.result;
  const pass = x.lost === 0 && x.duplicates === 0 && x.notConsumed === 0;
  if (pass) passed++;
  else failed++;
  console.log(`${pass ? 'pass' : 'FAIL'} ${r.name}: ${x.acknowledged} acknowledged, ${x.inLog} in the log, lost ${x.lost}, duplicates ${x.duplicates}, not consumed ${x.notConsumed}; killed node ${x.killed}; first produce on the new leader ${x.failoverMs} ms after the kill`);
}
console.log(`failover: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
