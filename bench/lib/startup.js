// Workload 6: start-up, process spawn to first acknowledged produce.
//  - Rivulet CLI (`node dist/bundle/cli.mjs --port 0 --memory`, and with a fresh --data-dir): spawn,
//    read the bootstrap from the ready line, then the raw client (Metadata with auto-create +
//    Produce v3 acks=1) until acknowledged; the same with kafkajs in place of the raw client.
//  - Rivulet embedded: a fresh Node process per sample times startBroker() to the first ack
//    in-process (bench/clients/embedded-startup.js); its import time and Node's boot are reported
//    beside it.
//  - Kafka: startKafka() from compat/lib/kafka-broker.mjs (storage format + JVM spawn) while the
//    raw client polls the chosen port; spawn-to-ack = total minus the format step.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { freePort, startKafka } from '../../compat/lib/kafka-broker.mjs';
import { spawnRivulet } from './brokers.js';
import { run } from './proc.js';
import { firstAck } from './raw.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const r2 = (x) => +x.toFixed(2);

export async function rivuletCliStartup({ memory, client = 'raw', tmpRoot }) {
  const dir = memory ? null : fs.mkdtempSync(path.join(tmpRoot ?? os.tmpdir(), 'rivulet-start-'));
  const b = await spawnRivulet(memory ? { memory: true } : { dataDir: path.join(dir, 'data') });
  try {
    if (client === 'raw') {
      await firstAck(b.host, b.port, 'startup', { retryMs: 1 });
    } else {
      const kafka = new kafkajs.Kafka({ clientId: 'bench-startup', brokers: [b.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
      const p = kafka.producer({ allowAutoTopicCreation: true });
      await p.connect();
      await p.send({ topic: 'startup', acks: 1, messages: [{ value: Buffer.from('hello') }] });
      const ms = performance.now() - b.t0;
      await p.disconnect();
      return { ok: true, readyMs: r2(b.readyMs), ackMs: r2(ms) };
    }
    return { ok: true, readyMs: r2(b.readyMs), ackMs: r2(performance.now() - b.t0) };
  } finally {
    await b.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function rivuletEmbeddedStartup({ memory = true, tmpRoot } = {}) {
  const dir = memory ? null : fs.mkdtempSync(path.join(tmpRoot ?? os.tmpdir(), 'rivulet-start-'));
  try {
    const args = [path.join(here, '..', 'clients', 'embedded-startup.js'), memory ? 'memory' : 'disk', ...(dir ? [path.join(dir, 'data')] : [])];
    const res = await run(process.execPath, args, { timeoutMs: 60000 });
    const line = res.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) return { ok: false, error: `embedded-startup exit ${res.code}: ${res.stderr.slice(-800)}` };
    const r = JSON.parse(line.slice(7));
    return { ...r, processMs: r2(res.ms) };
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function kafkaStartup() {
  for (let i = 1; ; i++) {
    try {
      return await kafkaStartupOnce();
    } catch (e) {
      // compat's freePort() can hand the same port to the client and controller listeners
      if (i >= 3 || !/two listeners on the same port|Address already in use|BindException/.test(String(e?.message))) throw e;
    }
  }
}

async function kafkaStartupOnce() {
  const port = await freePort();
  const t0 = performance.now();
  let kafka;
  const started = startKafka({ port }).then((k) => { kafka = k; return k; });
  started.catch(() => {});
  const abort = new AbortController();
  try {
    const ackP = firstAck('127.0.0.1', port, 'startup', { retryMs: 10, deadlineMs: 180000, signal: abort.signal });
    ackP.catch(() => {});
    const first = await Promise.race([ackP.then(() => 'ack'), started.then(() => 'started')]);
    if (first === 'started') await ackP;
    const totalMs = performance.now() - t0;
    const k = await started;
    return { ok: true, totalMs: r2(totalMs), formatMs: k.formatMs, ackMs: r2(totalMs - k.formatMs), readyProbeMs: k.startMs - k.formatMs };
  } finally {
    abort.abort();
    const k = kafka ?? await started.catch(() => null);
    await k?.stop();
  }
}
