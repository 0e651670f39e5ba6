// Golden frames of StreamsGroupHeartbeat (88) and StreamsGroupDescribe (89): Kafka Streams 4.4.0
// with group.protocol=streams (the kafka-streams-protocol compat driver: two instances, a
// repartition and a state store) against Kafka 4.4.0 through the recording proxy. Keeps, per
// (api, version), the exchanges that show something different, under a label: join (epoch 0, the
// topology), join-second (a second member), heartbeat-tasks (a response carrying tasks), heartbeat
// (nothing changed), leave (epoch -1), describe. Writes test/golden/<api>/java-4.4.0-v<v>-<label>.json
// (the format of test/golden/README.md).
//
//   node compat/streams/capture-golden.mjs
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaLibsDir, startKafka } from '../lib/kafka-broker.mjs';
import { startRecordProxy } from '../lib/record-proxy.mjs';
import driver from '../clients/streams-protocol.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ctx = { cacheDir: path.join(root, 'compat', '.cache'), root, log: (m) => console.log(m), kafkaLibs: async () => kafkaLibsDir() };
await driver.setup(ctx);

// Heartbeat requests: member epoch at bytes after the header; the label comes from what the
// decoded request and response show (see classify below).
const proxy = await startRecordProxy();
const kafka = await startKafka({ advertisedPort: proxy.port });
proxy.setTarget(kafka.host, kafka.port);
let kept = [];
try {
  const { cmd, args, env } = driver.command(ctx, { bootstrap: `127.0.0.1:${proxy.port}`, prefix: 'golden' });
  const code = await new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
    const timer = setTimeout(() => p.kill('SIGKILL'), 240_000);
    p.on('close', (c) => { clearTimeout(timer); resolve(c); });
  });
  console.log(`driver exit ${code}`);
  kept = await classify(proxy.exchanges.filter((e) => (e.apiKey === 88 || e.apiKey === 89) && e.response));
} finally {
  await kafka.stop();
  proxy.close();
}
for (const { ex, label } of kept) {
  const dir = path.join(root, 'test/golden', ex.apiKey === 88 ? 'streams-group-heartbeat' : 'streams-group-describe');
  fs.mkdirSync(dir, { recursive: true });
  const client = `java-${kafka.version}`;
  const file = path.join(dir, `${client}-v${ex.apiVersion}-${label}.json`);
  const doc = { apiKey: ex.apiKey, apiVersion: ex.apiVersion, client, request: ex.request, response: ex.response, label, clientId: ex.clientId, kafka: kafka.version };
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  console.log(`wrote ${path.relative(root, file)}`);
}

// Decodes the frames with Rivulet's own codecs (from dist/) only to pick labels.
async function classify(exchanges) {
  const { StreamsGroupHeartbeat } = await import(path.join(root, 'dist/protocol/apis/streams-group-heartbeat.js'));
  const { readRequestHeader, readResponseHeader } = await import(path.join(root, 'dist/protocol/header.js'));
  const { Reader } = await import(path.join(root, 'dist/protocol/primitives.js'));
  const out = new Map();
  let joins = 0;
  for (const ex of exchanges) {
    let label = 'describe';
    if (ex.apiKey === 88) {
      const rr = new Reader(Buffer.from(ex.request, 'hex'));
      readRequestHeader(rr, true);
      const req = StreamsGroupHeartbeat.request(ex.apiVersion).read(rr);
      const sr = new Reader(Buffer.from(ex.response, 'hex'));
      readResponseHeader(sr, true);
      const res = StreamsGroupHeartbeat.response(ex.apiVersion).read(sr);
      if (req.memberEpoch === 0) label = joins++ === 0 ? 'join' : 'join-second';
      else if (req.memberEpoch === -1) label = 'leave';
      else if (res.activeTasks !== null && res.activeTasks.length > 0) label = 'heartbeat-tasks';
      else label = 'heartbeat';
    }
    const key = `${ex.apiKey}-${ex.apiVersion}-${label}`;
    if (!out.has(key)) out.set(key, { ex, label });
  }
  return [...out.values()];
}
