// Runs a real Apache Kafka broker (KRaft, one node, combined broker+controller) from the jars that
// compat/lib/kafka-libs.sh fetches from Maven Central. Used to capture golden frames and to compare
// Rivulet with the real thing. Plain ESM, no dependencies.
//
//   import { startKafka } from './compat/lib/kafka-broker.mjs';
//   const kafka = await startKafka();            // { bootstrap: '127.0.0.1:40123', port, stop() }
//   ...
//   await kafka.stop();
//
//   node compat/lib/kafka-broker.mjs [--advertised-port N]   # prints the bootstrap until Ctrl-C
//
// Everything listens on 127.0.0.1 only. The JVM runs under a small shell watchdog: if this Node
// process dies without calling stop(), the watchdog kills Kafka and removes the temp dir.
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiVersionsRequest, frame, parseApiVersionsResponse, requestHeader, roundTrips, Reader } from './kafka-wire.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const HOST = '127.0.0.1';

/** Run compat/lib/kafka-libs.sh (idempotent) and return the directory holding the jars. */
export function kafkaLibsDir() {
  const out = execFileSync('bash', [path.join(here, 'kafka-libs.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const dir = out.trim().split('\n').pop();
  if (!fs.existsSync(dir)) throw new Error(`kafka-libs.sh printed ${dir}, which does not exist`);
  return dir;
}

/** The Kafka version of the fetched jars (from the kafka-clients jar name). */
export function kafkaVersion(libsDir = kafkaLibsDir()) {
  const jar = fs.readdirSync(libsDir).find((f) => /^kafka-clients-.*\.jar$/.test(f));
  return jar ? jar.replace(/^kafka-clients-/, '').replace(/\.jar$/, '') : 'unknown';
}

/** A free TCP port on 127.0.0.1: bind port 0, read it, close. */
/** n distinct free ports: every probe stays bound until all are chosen, so none repeats. */
export async function freePorts(n) {
  const servers = [];
  try {
    for (let i = 0; i < n; i++) {
      const srv = net.createServer();
      srv.unref();
      await new Promise((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, HOST, resolve);
      });
      servers.push(srv);
    }
    return servers.map((srv) => srv.address().port);
  } finally {
    await Promise.all(servers.map((srv) => new Promise((resolve) => srv.close(() => resolve()))));
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** A quiet log4j2 config: WARN and above to <dir>/kafka.log. */
function log4jConfig(logFile, level = 'WARN') {
  return [
    'status = error',
    'name = rivulet-compat',
    'appender.file.type = File',
    'appender.file.name = file',
    `appender.file.fileName = ${logFile}`,
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = [%d] %p %m (%c)%n',
    `rootLogger.level = ${level}`,
    'rootLogger.appenderRef.file.ref = file',
    // the one line worth keeping at INFO: "[KafkaRaftServer nodeId=1] Kafka Server started"
    'logger.started.name = kafka.server.KafkaRaftServer',
    'logger.started.level = INFO',
    '',
  ].join('\n');
}

/** Write a log4j2 config for the command-line tools (errors only, to stderr). */
export function toolsLog4jConfig(dir) {
  const file = path.join(dir, 'tools-log4j2.properties');
  fs.writeFileSync(file, [
    'status = error',
    'appender.err.type = Console',
    'appender.err.name = err',
    'appender.err.target = SYSTEM_ERR',
    'appender.err.layout.type = PatternLayout',
    'appender.err.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = ERROR',
    'rootLogger.appenderRef.err.ref = err',
    '',
  ].join('\n'));
  return file;
}

function randomClusterId() {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-') && !id.startsWith('_')) return id; // never looks like a CLI flag
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** A sleep that does not keep the process alive (for races against a process exit). */
const idleSleep = (ms) => new Promise((r) => setTimeout(r, ms).unref());

function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: HOST, port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
    s.setTimeout(1000, () => { s.destroy(); resolve(false); });
  });
}

/** ApiVersions v0 and Metadata v1 (all topics) straight to the broker's own listener. */
async function probe(port) {
  const metadataV1 = frame(requestHeader({ apiKey: 3, apiVersion: 1, correlationId: 2, clientId: 'rivulet-compat-probe' }), Buffer.from([0xff, 0xff, 0xff, 0xff]));
  const [av, md] = await roundTrips(HOST, port, [apiVersionsRequest(1, 0, 'rivulet-compat-probe'), metadataV1], { timeoutMs: 3000 });
  const parsed = parseApiVersionsResponse(av);
  if (parsed.errorCode !== 0 || parsed.apis.length === 0) throw new Error(`ApiVersions error ${parsed.errorCode}`);
  const r = new Reader(md);
  r.i32(); // correlation id
  const brokers = r.i32();
  if (brokers < 1) throw new Error('Metadata lists no broker yet');
  return { apis: parsed.apis };
}

/**
 * Start a single-node KRaft Kafka.
 * @param {object} [opts]
 * @param {string} [opts.dir] working directory (kept on stop); default: a fresh temp dir (removed on stop)
 * @param {number} [opts.port] client listener port; default: a free port
 * @param {number} [opts.advertisedPort] port advertised to clients in Metadata (e.g. a recording
 *   proxy's); inter-broker traffic then uses a separate INTERNAL listener that bypasses it
 * @param {Record<string,string|number|boolean>} [opts.props] extra/overriding server.properties
 * @param {Record<string,number>} [opts.features] feature levels set when formatting the storage
 *   (`kafka-storage format --feature name=level`), e.g. { 'transaction.version': 1 }
 * @param {number} [opts.timeoutMs] start timeout (default 90 s)
 * @param {string} [opts.logLevel] broker log level (default WARN; the log is <dir>/kafka.log)
 * @param {string} [opts.heap] JVM max heap (default 1g)
 * @param {number} [opts.nodeId] node.id (default 1)
 * @param {number} [opts.controllerPort] this node's controller listener port (default: a free port)
 * @param {string} [opts.voters] controller.quorum.voters (`1@host:port,2@...`) for a node of a
 *   multi-node quorum (see kafka-cluster.mjs); the storage is then formatted for that static quorum
 *   instead of --standalone, and only once: a restart with the same `dir` keeps its data
 * @returns {Promise<{bootstrap:string, port:number, advertisedPort:number, controllerPort:number,
 *   dir:string, clusterId:string, version:string, startMs:number, pid:number, stop:()=>Promise<void>}>}
 */
export async function startKafka(opts = {}) {
  const t0 = performance.now();
  const libs = kafkaLibsDir();
  const version = kafkaVersion(libs);
  const ownDir = !opts.dir;
  const dir = opts.dir ? path.resolve(opts.dir) : fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-kafka-'));
  fs.mkdirSync(dir, { recursive: true });
  // If this process exits without stop() (even mid-start), kill the JVM group and remove the dir.
  let child;
  const onExit = () => {
    if (child) try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    if (ownDir) try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* ignore */ }
  };
  process.on('exit', onExit);
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'kafka.log');
  const outFile = path.join(dir, 'kafka.out');

  const [freeA, freeB, freeC] = await freePorts(3);
  const port = opts.port ?? freeA;
  const controllerPort = opts.controllerPort ?? freeB;
  const advertisedPort = opts.advertisedPort ?? port;
  const proxied = advertisedPort !== port;
  const internalPort = proxied ? freeC : undefined;

  const listeners = [`PLAINTEXT://${HOST}:${port}`, `CONTROLLER://${HOST}:${controllerPort}`];
  const advertised = [`PLAINTEXT://${HOST}:${advertisedPort}`];
  if (proxied) {
    listeners.push(`INTERNAL://${HOST}:${internalPort}`);
    advertised.push(`INTERNAL://${HOST}:${internalPort}`);
  }
  const props = {
    'process.roles': 'broker,controller',
    'node.id': opts.nodeId ?? 1,
    ...(opts.voters ? { 'controller.quorum.voters': opts.voters } : { 'controller.quorum.bootstrap.servers': `${HOST}:${controllerPort}` }),
    'controller.listener.names': 'CONTROLLER',
    listeners: listeners.join(','),
    'advertised.listeners': advertised.join(','),
    'inter.broker.listener.name': proxied ? 'INTERNAL' : 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT',
    'log.dirs': dataDir,
    'num.partitions': 1,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': true,
    'delete.topic.enable': true,
    ...(opts.props ?? {}),
  };
  const propsFile = path.join(dir, 'server.properties');
  fs.writeFileSync(propsFile, Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const log4jFile = path.join(dir, 'log4j2.properties');
  fs.writeFileSync(log4jFile, log4jConfig(logFile, opts.logLevel ?? 'WARN'));

  const cp = `${libs}/*`;
  const jvm = [
    `-Xmx${opts.heap ?? '1g'}`, '-Xms256m', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20',
    '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${log4jFile}`, `-Dkafka.logs.dir=${dir}`,
    `-Djava.io.tmpdir=${dir}`,
  ];

  const clusterId = opts.clusterId ?? randomClusterId();
  const tFormat = performance.now();
  const formatted = fs.existsSync(path.join(dataDir, 'meta.properties'));
  if (!formatted) try {
    // a short-lived JVM: C1 only and the serial GC start faster
    const toolJvm = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xmx256m', ...jvm.filter((o) => !/^-X(mx|ms)|G1|GCPause/.test(o))];
    execFileSync('java', [...toolJvm, '-cp', cp, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile, ...(opts.voters ? [] : ['--standalone']),
      ...Object.entries(opts.features ?? {}).flatMap(([k, v]) => ['--feature', `${k}=${v}`])],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  } catch (e) {
    process.off('exit', onExit);
    if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`kafka storage format failed: ${e.stderr?.toString() || e.stdout?.toString() || e.message}`);
  }
  const formatMs = performance.now() - tFormat;

  // Watchdog: run java in the background, forward TERM/INT to it, and kill it (and remove the temp
  // dir) if the Node process that started it goes away.
  const javaCmd = ['java', ...jvm, '-cp', cp, 'kafka.Kafka', propsFile].map(shq).join(' ');
  const script = `
${javaCmd} >>${shq(outFile)} 2>&1 &
j=$!
trap 'kill -TERM $j 2>/dev/null; wait $j; exit 0' TERM INT
# the parent is gone once this shell is re-parented (kill -0 would still succeed on a zombie)
while [ "$(ps -o ppid= -p $$ | tr -d ' ')" = "${process.pid}" ] && kill -0 $j 2>/dev/null; do sleep 1 & wait $!; done
if kill -0 $j 2>/dev/null; then kill -KILL $j 2>/dev/null; wait $j; ${ownDir ? `rm -rf ${shq(dir)}` : ':'}; fi
wait $j
`;
  child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  let exited = false;
  const exitPromise = new Promise((resolve) => child.once('exit', (code, sig) => { exited = true; resolve({ code, sig }); }));

  let stopping;
  const stop = () => (stopping ??= doStop()); // every caller awaits the same shutdown
  // A crash, as a failover test wants it: the JVM is SIGKILLed and its data stays (when `dir` was given).
  const kill = async () => {
    if (!exited) {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      await Promise.race([exitPromise, idleSleep(5000)]);
    }
    process.off('exit', onExit);
  };
  const doStop = async () => {
    if (!exited) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      const res = await Promise.race([exitPromise, idleSleep(opts.stopTimeoutMs ?? 15_000).then(() => null)]);
      if (!res) {
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
        await Promise.race([exitPromise, idleSleep(3000)]);
      }
    }
    if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
    process.off('exit', onExit); // only now: an exit during the shutdown still cleans up
  };

  // Wait for the client listener, then for a working ApiVersions + Metadata round trip.
  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  let lastErr;
  for (;;) {
    if (exited) {
      const tail = readTail(outFile) + readTail(logFile);
      await stop();
      throw new Error(`kafka exited during start:\n${tail}`);
    }
    if (Date.now() > deadline) {
      const tail = readTail(outFile) + readTail(logFile);
      await stop();
      throw new Error(`kafka did not become ready in time (${lastErr?.message ?? 'no connection'}):\n${tail}`);
    }
    if (await canConnect(port)) {
      try {
        await probe(port);
        break;
      } catch (e) { lastErr = e; }
    }
    await sleep(100);
  }
  const startMs = Math.round(performance.now() - t0);
  return {
    bootstrap: `${HOST}:${advertisedPort}`,
    host: HOST,
    port,
    advertisedPort,
    internalPort,
    controllerPort,
    dir,
    clusterId,
    version,
    libs,
    startMs,
    formatMs: Math.round(formatMs),
    pid: child.pid,
    stop,
    kill,
  };
}

function shq(s) {
  return `'${String(s).replace(/'/g, `'\\''`)}'`;
}

function readTail(file, n = 4000) {
  try {
    const s = fs.readFileSync(file, 'utf8');
    return s.length > n ? s.slice(-n) : s;
  } catch { return ''; }
}

// CLI: node compat/lib/kafka-broker.mjs [--advertised-port N] [--port N] [--dir D]
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
  const num = (v) => (v === undefined ? undefined : Number(v));
  let kafka;
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    if (!kafka) process.exit(130); // still starting: the 'exit' hook kills the JVM and removes the dir
    console.error('stopping Kafka...');
    const t = performance.now();
    await kafka.stop();
    console.error(`stopped in ${Math.round(performance.now() - t)} ms`);
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  kafka = await startKafka({ port: num(opt('--port')), advertisedPort: num(opt('--advertised-port')), dir: opt('--dir') });
  console.error(`Kafka ${kafka.version} ready in ${kafka.startMs} ms (format ${kafka.formatMs} ms); dir ${kafka.dir}; Ctrl-C to stop`);
  console.log(kafka.bootstrap);
  if (stopping) await kafka.stop();
}
