// Golden frames of DescribeClientQuotas (48) and AlterClientQuotas (49): Kafka 4.4's kafka-configs
// tool against Kafka 4.4.0 through the recording proxy, each exchange kept under a label saying
// what it shows. Writes test/golden/{describe,alter}-client-quotas/java-<version>-v<v>-<label>.json
// (the format of test/golden/README.md).
//
//   node compat/quotas/capture-golden.mjs
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaLibsDir, startKafka } from '../lib/kafka-broker.mjs';
import { startRecordProxy } from '../lib/record-proxy.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const libs = kafkaLibsDir();
const CONFIGS = 'org.apache.kafka.tools.ConfigCommand';

function run(args) {
  return new Promise((resolve) => {
    const p = spawn('java', ['-cp', `${libs}/*`, CONFIGS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c) => (out += c));
    p.stderr.on('data', (c) => (out += c));
    const timer = setTimeout(() => p.kill('SIGKILL'), 120_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

const proxy = await startRecordProxy();
const kafka = await startKafka({ advertisedPort: proxy.port });
proxy.setTarget(kafka.host, kafka.port);
const B = ['--bootstrap-server', `127.0.0.1:${proxy.port}`];
// [label, args]: the last exchange of the command's own API (AlterClientQuotas for --alter, which
// describes first; DescribeClientQuotas for --describe) is kept under the label.
const steps = [
  ['user', ['--alter', '--entity-type', 'users', '--entity-name', 'alice', '--add-config', 'producer_byte_rate=1048576,consumer_byte_rate=2097152']],
  ['user-client-default', ['--alter', '--entity-type', 'users', '--entity-name', 'alice', '--entity-type', 'clients', '--entity-default', '--add-config', 'request_percentage=12.5']],
  ['delete', ['--alter', '--entity-type', 'users', '--entity-name', 'alice', '--delete-config', 'consumer_byte_rate']],
  ['error-invalid-request', ['--alter', '--entity-type', 'clients', '--entity-name', 'frac', '--add-config', 'producer_byte_rate=10.5']],
  ['user', ['--describe', '--entity-type', 'users', '--entity-name', 'alice']],
  ['user-client-default', ['--describe', '--entity-type', 'users', '--entity-name', 'alice', '--entity-type', 'clients', '--entity-default']],
  ['specified', ['--describe', '--entity-type', 'users']],
];
const out = [];
try {
  for (const [label, args] of steps) {
    const before = proxy.exchanges.length;
    const r = await run([...B, ...args]);
    console.log(`kafka-configs ${args.join(' ')} → exit ${r.code}: ${r.out.trim().split('\n').pop()}`);
    const key = args[0] === '--alter' ? 49 : 48;
    const ex = proxy.exchanges.slice(before).filter((e) => e.apiKey === key && e.response).pop();
    if (!ex) throw new Error(`no quota exchange recorded for ${label}`);
    out.push({ ex, label });
  }
} finally {
  await kafka.stop();
  proxy.close();
}
for (const { ex, label } of out) {
  const dir = path.join(root, 'test/golden', ex.apiKey === 48 ? 'describe-client-quotas' : 'alter-client-quotas');
  fs.mkdirSync(dir, { recursive: true });
  const client = `java-${kafka.version}`;
  const file = path.join(dir, `${client}-v${ex.apiVersion}-${label}.json`);
  const doc = { apiKey: ex.apiKey, apiVersion: ex.apiVersion, client, request: ex.request, response: ex.response, label, clientId: ex.clientId, kafka: kafka.version };
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  console.log(`wrote ${path.relative(root, file)}`);
}
