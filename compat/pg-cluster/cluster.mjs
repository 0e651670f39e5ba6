// Three (or N) Rivulet processes over one throwaway PostgreSQL (issue 11 part 2), for
// compat/pg-cluster/run.mjs: start, SIGKILL, SIGSTOP/SIGCONT and restart a broker by node id, and
// a raw Produce sent to one chosen broker (a real client would follow the new leader instead,
// which is exactly what the fencing check must not do).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** The CLI's --help text, to tell a build without --store from a broken one. */
export function cliHelp(cli) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', () => resolve(out));
    child.on('error', () => resolve(out));
  });
}

/**
 * One broker process: `rivulet --store URL --port 0 --override node.id=N` plus extra arguments.
 * Resolves once it printed its ready line; rejects with its output when it exits first or takes
 * longer than timeoutMs.
 */
function spawnBroker({ cli, url, nodeId, extraArgs, logDir, timeoutMs = 60_000 }) {
  const args = [cli, '--store', url, '--port', '0', '--override', `node.id=${nodeId}`, '--override', 'store.multi.process.enable=true', ...extraArgs];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = fs.createWriteStream(path.join(logDir, `broker-${nodeId}.log`), { flags: 'a' });
  log.write(`\n--- ${new Date().toISOString()} ${args.join(' ')}\n`);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => { log.end(); resolve({ code, signal }); }));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit); // never leave a broker behind if the harness dies
  void exited.then(() => process.off('exit', killOnExit));
  let out = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`node ${nodeId} not ready within ${timeoutMs} ms:\n${out.slice(-2000)}`)); }, timeoutMs);
    const onData = (d) => {
      log.write(d);
      if (out === null) return;
      out += d;
      const m = /Rivulet is ready\. Bootstrap: ([^\s:]+):(\d+)/.exec(out);
      if (m) { clearTimeout(timer); out = null; resolve({ host: m[1], port: Number(m[2]) }); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`node ${nodeId} exited (${code ?? signal}) before it was ready:\n${(out ?? '').slice(-2000)}`)); });
  });
  return ready.then((r) => ({ ...r, nodeId, child, exited }));
}

/**
 * Starts `brokers` processes over the database at `url`. Returns controls by node id. A broker
 * restarted under the same node id may be refused while its previous incarnation's membership
 * lease is live: restart() retries (bounded) until it is accepted.
 */
export async function startPgCluster({ cli, url, brokers = 3, extraArgs = [], logDir }) {
  const procs = new Map();
  const started = await Promise.allSettled(Array.from({ length: brokers }, (_, i) => spawnBroker({ cli, url, nodeId: i + 1, extraArgs, logDir })));
  for (const s of started) if (s.status === 'fulfilled') procs.set(s.value.nodeId, s.value);
  const failed = started.find((s) => s.status === 'rejected');
  const cluster = {
    procs,
    get bootstrap() { return [...procs.values()].filter((p) => p.child.exitCode === null && p.child.signalCode === null).map((p) => `${p.host}:${p.port}`).join(','); },
    endpoint(nodeId) { const p = procs.get(nodeId); return p && { host: p.host, port: p.port }; },
    async kill(nodeId) {
      const p = procs.get(nodeId);
      if (!p) throw new Error(`no broker ${nodeId}`);
      p.child.kill('SIGKILL');
      await p.exited;
    },
    pause(nodeId) { procs.get(nodeId).child.kill('SIGSTOP'); },
    resume(nodeId) { procs.get(nodeId).child.kill('SIGCONT'); },
    async restart(nodeId, { timeoutMs = 60_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          procs.set(nodeId, await spawnBroker({ cli, url, nodeId, extraArgs, logDir }));
          return;
        } catch (e) {
          if (Date.now() > deadline) throw e;
          await new Promise((r) => setTimeout(r, 250)); // the old incarnation's lease has not run out yet
        }
      }
    },
    async stop() {
      await Promise.all([...procs.values()].map(async (p) => {
        if (p.child.exitCode !== null || p.child.signalCode !== null) return;
        p.child.kill('SIGCONT');
        p.child.kill('SIGTERM');
        const done = await Promise.race([p.exited, new Promise((r) => setTimeout(() => r(null), 15_000))]);
        if (!done) { p.child.kill('SIGKILL'); await p.exited; }
      }));
    },
  };
  if (failed) {
    await cluster.stop();
    throw failed.reason;
  }
  return cluster;
}

/**
 * One Produce (v9, acks=-1) of one record to topic-partition, sent to the broker at host:port
 * whoever leads: resolves with the partition's error code and base offset, or rejects when the
 * broker does not answer within timeoutMs.
 */
export async function rawProduce({ dist, host, port, topic, partition, value, timeoutMs = 10_000 }) {
  const { Produce } = await import(path.join(dist, 'protocol/apis/produce.js'));
  const { readResponseHeader, responseHeaderFlexible, writeRequestHeader } = await import(path.join(dist, 'protocol/header.js'));
  const { Reader, Writer } = await import(path.join(dist, 'protocol/primitives.js'));
  const { buildBatch } = await import(path.join(dist, 'protocol/records/index.js'));
  const version = 9;
  const w = new Writer();
  w.int32(0);
  writeRequestHeader(w, { apiKey: Produce.key, apiVersion: version, correlationId: 1, clientId: 'pg-cluster-fence-probe' }, Produce.isFlexible(version));
  const records = buildBatch({ records: [{ key: null, value: Buffer.from(value), timestamp: Date.now() }] });
  Produce.request(version).write(w, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });
  const frame = w.toBuffer();
  frame.writeInt32BE(frame.length - 4, 0);
  const body = await new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`no Produce response from ${host}:${port} within ${timeoutMs} ms`)); }, timeoutMs);
    sock.on('connect', () => sock.write(frame));
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) { clearTimeout(timer); sock.destroy(); resolve(buf.subarray(4, 4 + buf.readInt32BE(0))); }
    });
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
  const r = new Reader(body);
  readResponseHeader(r, responseHeaderFlexible(Produce.key, Produce.isFlexible(version)));
  const res = Produce.response(version).read(r);
  const p = res.responses[0].partitionResponses[0];
  return { errorCode: p.errorCode, baseOffset: Number(p.baseOffset) };
}
