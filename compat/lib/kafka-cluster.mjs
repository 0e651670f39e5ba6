// A real Apache Kafka cluster of N KRaft nodes (each a combined broker + controller, static quorum)
// from the same Maven jars as kafka-broker.mjs: the reference for failover scenarios. A node can
// be killed (SIGKILL, data kept) and restarted on the same ports and data.
//
//   import { startKafkaCluster } from './compat/lib/kafka-cluster.mjs';
//   const kafka = await startKafkaCluster({ nodes: 3 });   // { bootstrap, nodes: [...], stop() }
//   await kafka.nodes[1].kill(); await kafka.nodes[1].restart();
//   await kafka.stop();
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { freePorts, startKafka } from './kafka-broker.mjs';

const HOST = '127.0.0.1';

/**
 * @param {object} [opts]
 * @param {number} [opts.nodes] number of nodes (default 3)
 * @param {Record<string,string|number|boolean>} [opts.props] extra server.properties for every node
 * @param {string} [opts.heap] JVM max heap per node (default 768m)
 */
export async function startKafkaCluster(opts = {}) {
  const n = opts.nodes ?? 3;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-kafka-cluster-'));
  const ports = await freePorts(2 * n);
  const clusterId = crypto.randomBytes(16).toString('base64url').replace(/^[-_]/, 'A');
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const voters = ids.map((id, i) => `${id}@${HOST}:${ports[n + i]}`).join(',');
  const rf = Math.min(3, n);
  // Durability as production runs it: internal topics replicated on every node (up to 3), two
  // in-sync replicas needed for an acks=all write.
  const props = {
    'default.replication.factor': rf,
    'min.insync.replicas': Math.min(2, rf),
    'offsets.topic.replication.factor': rf,
    'offsets.topic.num.partitions': 3,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': Math.min(2, rf),
    'transaction.state.log.num.partitions': 3,
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': Math.min(2, rf),
    'unclean.leader.election.enable': false,
    ...(opts.props ?? {}),
  };
  const nodeOpts = (i) => ({
    dir: path.join(root, `node-${ids[i]}`),
    nodeId: ids[i],
    port: ports[i],
    controllerPort: ports[n + i],
    voters,
    clusterId,
    props,
    heap: opts.heap ?? '768m',
    timeoutMs: opts.timeoutMs ?? 120_000,
  });
  const running = new Array(n).fill(null);
  const stopAll = async () => {
    await Promise.all(running.map((k) => k?.stop()));
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    // All at once: no node is ready before a quorum of controllers has elected a leader.
    const started = await Promise.all(ids.map((_, i) => startKafka(nodeOpts(i)).then((k) => (running[i] = k))));
    const version = started[0].version;
    const nodes = ids.map((id, i) => ({
      nodeId: id,
      port: ports[i],
      get running() { return running[i] !== null; },
      async kill() { await running[i]?.kill(); running[i] = null; },
      async stop() { await running[i]?.stop(); running[i] = null; },
      async restart() {
        if (running[i]) throw new Error(`node ${id} is running`);
        running[i] = await startKafka(nodeOpts(i));
      },
    }));
    return {
      bootstrap: ports.slice(0, n).map((p) => `${HOST}:${p}`).join(','),
      nodes,
      version,
      clusterId,
      dir: root,
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

// CLI: node compat/lib/kafka-cluster.mjs [nodes]   # prints the bootstrap until Ctrl-C
if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  const t0 = performance.now();
  const kafka = await startKafkaCluster({ nodes: Number(process.argv[2] ?? 3) });
  console.error(`Kafka ${kafka.version}, ${kafka.nodes.length} nodes, ready in ${Math.round(performance.now() - t0)} ms; Ctrl-C to stop`);
  console.log(kafka.bootstrap);
  const shutdown = async () => { await kafka.stop(); process.exit(0); };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
