// Kafka's own perf tools (from the Maven jars that compat/lib/kafka-libs.sh fetches) and the
// bench's fixed-rate latency tool (bench/java/OpenLoopLatency.java, run by the JDK's source
// launcher: no build step). Each runner returns parsed numbers plus the exact command line.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './proc.js';

const here = path.dirname(fileURLToPath(import.meta.url));

let ctx = null;
/** Set once per run: the jar directory and a log4j2 config that keeps the tools quiet. */
export function initJava({ libsDir, log4jFile }) { ctx = { libsDir, log4jFile }; }

function javaArgs(mainClass, extraJvm = []) {
  return [
    `-Dlog4j2.configurationFile=${ctx.log4jFile}`, '-Duser.language=en', '-Duser.country=US', ...extraJvm,
    '-cp', `${ctx.libsDir}/*`, mainClass,
  ];
}

/** Replace the machine-specific jar path by a readable placeholder in recorded command lines. */
export function prettyCommand(cmd) {
  if (!ctx) return cmd;
  return cmd.split(`${ctx.libsDir}/*`).join('$KAFKA_LIBS/*').split(ctx.log4jFile).join('$TOOLS_LOG4J');
}

function fail(res, why) {
  const tail = (res.stderr + '\n' + res.stdout).trim().split('\n').slice(-8).join('\n');
  return { ok: false, error: `${why}${res.timedOut ? ' (timed out)' : ''}: ${tail.slice(0, 1500)}`, command: prettyCommand(res.command), wallMs: Math.round(res.ms) };
}

/**
 * kafka-producer-perf-test. Every 5 s it prints a window line
 *   "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency."
 * and at the end a summary line
 *   "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, a ms 50th, b ms 95th, c ms 99th, d ms 99.9th."
 * With `capMs`, a run still going after capMs is killed and its rate is taken from the complete
 * 5-second windows (the first one, JIT warm-up, left out when there are two or more): a broker
 * much slower than the volume was sized for costs capMs, not hours. Such a result has truncated: true.
 */
export async function producerPerf({ bootstrap, topic, records, size, acks = '1', compression, extraProps = {}, timeoutMs, capMs }) {
  const props = { 'bootstrap.servers': bootstrap, acks, ...(compression ? { 'compression.type': compression } : {}), ...extraProps };
  const args = [...javaArgs('org.apache.kafka.tools.ProducerPerformance'),
    '--topic', topic, '--num-records', String(records), '--record-size', String(size), '--throughput', '-1',
    '--producer-props', ...Object.entries(props).map(([k, v]) => `${k}=${v}`)];
  const res = await run('java', args, { timeoutMs: capMs ?? timeoutMs });
  const m = res.stdout.match(/(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th/);
  const command = prettyCommand(res.command);
  if (!m && res.timedOut && capMs) {
    const windows = [...res.stdout.matchAll(/^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency\.$/gm)]
      .map((w) => ({ n: Number(w[1]), rps: Number(w[2]), avg: Number(w[4]), max: Number(w[5]) }));
    if (!windows.length) return fail(res, `ProducerPerformance still running after the ${capMs} ms cap with no 5 s window reported`);
    const use = windows.length >= 2 ? windows.slice(1) : windows;
    const n = use.reduce((a, w) => a + w.n, 0);
    const sec = use.reduce((a, w) => a + w.n / w.rps, 0);
    return {
      ok: true, truncated: true, records: n, windows: use.length,
      recordsPerSec: +(n / sec).toFixed(1), mibPerSec: +((n * size) / sec / 1048576).toFixed(2),
      avgLatencyMs: +(use.reduce((a, w) => a + w.avg * w.n, 0) / n).toFixed(1), maxLatencyMs: Math.max(...use.map((w) => w.max)),
      wallMs: Math.round(res.ms), command,
    };
  }
  if (res.code !== 0 || !m) return fail(res, `ProducerPerformance exit ${res.code}`);
  return {
    ok: true,
    records: Number(m[1]),
    recordsPerSec: Number(m[2]),
    mibPerSec: Number(m[3]), // the tool's "MB" is 1024*1024 bytes of record values
    avgLatencyMs: Number(m[4]),
    maxLatencyMs: Number(m[5]),
    p50Ms: Number(m[6]), p95Ms: Number(m[7]), p99Ms: Number(m[8]), p999Ms: Number(m[9]),
    wallMs: Math.round(res.ms),
    command,
  };
}

/**
 * kafka-consumer-perf-test. Prints a CSV header and one data line:
 * start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
 * rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
 */
export async function consumerPerf({ bootstrap, topic, messages, group, timeoutMs, toolTimeoutMs = 30000 }) {
  const args = [...javaArgs('org.apache.kafka.tools.ConsumerPerformance'),
    '--bootstrap-server', bootstrap, '--topic', topic, '--messages', String(messages),
    '--group', group, '--timeout', String(toolTimeoutMs)];
  const res = await run('java', args, { timeoutMs });
  const lines = res.stdout.split('\n');
  const h = lines.findIndex((l) => l.startsWith('start.time'));
  const data = h >= 0 ? lines.slice(h + 1).find((l) => l.split(',').length >= 10) : undefined;
  if (res.code !== 0 || !data) return fail(res, `ConsumerPerformance exit ${res.code}`);
  const f = data.split(',').map((s) => s.trim());
  const r = {
    ok: true,
    mib: Number(f[2]), mibPerSec: Number(f[3]), records: Number(f[4]), recordsPerSec: Number(f[5]),
    rebalanceMs: Number(f[6]), fetchMs: Number(f[7]), fetchMibPerSec: Number(f[8]), fetchRecordsPerSec: Number(f[9]),
    wallMs: Math.round(res.ms),
    command: prettyCommand(res.command),
  };
  if (r.records < messages) {
    return { ...r, ok: false, error: `consumed ${r.records} of ${messages} records (${/WARNING[^\n]*/.exec(res.stdout)?.[0] ?? 'short'})` };
  }
  return r;
}

/**
 * org.apache.kafka.tools.EndToEndLatency: closed loop (send one record, wait for the ack, poll it
 * back, repeat). Prints "Avg latency: X ms" and "Percentiles: 50th = a, 99th = b, 99.9th = c" (whole ms).
 */
export async function endToEndLatency({ bootstrap, topic, messages, acks = '1', size, timeoutMs }) {
  const args = [...javaArgs('org.apache.kafka.tools.EndToEndLatency'), bootstrap, topic, String(messages), String(acks), String(size)];
  const res = await run('java', args, { timeoutMs });
  const avg = res.stdout.match(/Avg latency: ([\d.]+) ms/);
  const pct = res.stdout.match(/Percentiles: 50th = (\d+), 99th = (\d+), 99\.9th = (\d+)/);
  if (res.code !== 0 || !avg || !pct) return fail(res, `EndToEndLatency exit ${res.code}`);
  return {
    ok: true, messages, avgMs: Number(avg[1]), p50Ms: Number(pct[1]), p99Ms: Number(pct[2]), p999Ms: Number(pct[3]),
    // closed loop: one record in flight, so the achieved rate is 1/latency
    achievedPerSec: +(messages / (res.ms / 1000)).toFixed(0),
    wallMs: Math.round(res.ms),
    command: prettyCommand(res.command),
  };
}

/** bench/java/OpenLoopLatency.java: fixed-rate producer + assigned consumer, latency from the intended send time. */
export async function openLoopLatency({ bootstrap, topic, rate, seconds, warmupSeconds, size, acks = '1', timeoutMs }) {
  const src = path.join(here, '..', 'java', 'OpenLoopLatency.java');
  const args = [...javaArgs(src), bootstrap, topic, String(rate), String(seconds), String(warmupSeconds), String(size), String(acks)];
  // the source launcher takes the file in place of the class name
  const res = await run('java', args, { timeoutMs });
  const line = res.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (res.code !== 0 || !line) return fail(res, `OpenLoopLatency exit ${res.code}`);
  return { ok: true, ...JSON.parse(line.slice(7)), wallMs: Math.round(res.ms), command: prettyCommand(res.command) };
}
