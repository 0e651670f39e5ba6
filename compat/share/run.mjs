// KIP-932 share groups on Apache Kafka 4.4.0 and on Rivulet, driven by the same Java
// KafkaShareConsumer 4.4 program (test/integration/java/ShareClient.java: explicit acknowledgement
// with accept/release/reject, implicit acknowledgement, a record lock that runs out and redelivers,
// a late acknowledgement, the Admin's describe and list), with the outputs compared line by line.
// Both run with group.share.min.record.lock.duration.ms=1000 so the program's 2 s group lock is a
// valid group config.
//
//   npm run build && node compat/share/run.mjs
// Exit code 0 when every line matches.
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKafka } from '../lib/kafka-broker.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { startBroker } = await import(path.join(root, 'dist/src/index.js'));
const m2 = path.join(os.homedir(), '.m2/repository');
const cp = [`${m2}/org/apache/kafka/kafka-clients/4.4.0/kafka-clients-4.4.0.jar`, `${m2}/org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar`].join(path.delimiter);
const program = path.join(root, 'test/integration/java/ShareClient.java');

// Asynchronous: Rivulet runs in this process and must keep serving while Java runs.
async function run(bootstrap) {
  const t0 = Date.now();
  const child = spawn('java', ['-cp', cp, program, bootstrap, 'share'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
  const code = await new Promise((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`ShareClient failed (${code}): ${err}`);
  return { lines: out.trim().split('\n'), ms: Date.now() - t0 };
}

const settings = { 'group.share.heartbeat.interval.ms': 500, 'group.share.min.record.lock.duration.ms': 1000 };
const kafka = await startKafka({ props: { ...settings, 'group.share.min.heartbeat.interval.ms': 500 } });
let onKafka;
try {
  onKafka = await run(kafka.bootstrap);
} finally {
  await kafka.stop();
}
const rivulet = await startBroker({ port: 0, memory: true, config: settings, logLevel: 'silent' });
let onRivulet;
try {
  onRivulet = await run(rivulet.bootstrap);
} finally {
  await rivulet.stop();
}
let same = onKafka.lines.length === onRivulet.lines.length;
for (let i = 0; i < Math.max(onKafka.lines.length, onRivulet.lines.length); i++) {
  const k = onKafka.lines[i] ?? '';
  const r = onRivulet.lines[i] ?? '';
  if (k !== r) same = false;
  console.log(`${k === r ? '  ' : '≠ '}${k.padEnd(40)} | ${r}`);
}
console.log(`Kafka 4.4.0 ${onKafka.ms} ms, Rivulet ${onRivulet.ms} ms: ${same ? 'same output' : 'DIFFERENT'}`);
process.exit(same ? 0 : 1);
