// Shared by the Node client workers (kafkajs.js, ckjs.js). A worker is started as
//   node bench/clients/<client>.js '<job json>'
// and prints its result as one line "RESULT {json}" on stdout (errors: "RESULT {"ok":false,...}").

/**
 * Payloads like kafka-producer-perf-test's (random uppercase letters, so lz4/zstd see ~1.7:1):
 * slices at random offsets of one 16 MiB random buffer, so repeats are far apart (beyond lz4's
 * 64 KiB window and mostly beyond zstd's) without generating every record.
 */
export function payloadSource(size) {
  const poolSize = Math.max(16 * 1048576, size * 4);
  const pool = Buffer.allocUnsafe(poolSize);
  for (let i = 0; i < poolSize; i++) pool[i] = 65 + ((Math.random() * 26) | 0);
  return () => {
    const off = (Math.random() * (poolSize - size)) | 0;
    return pool.subarray(off, off + size);
  };
}

/**
 * Messages per send() and sends in flight for the throughput runs: ~512 KiB of values per send,
 * 4 sends in flight (a busy application, not one awaited send at a time).
 */
export function sendShape(size) {
  return { perSend: Math.max(1, Math.min(10000, Math.floor((512 * 1024) / (size + 16)))), inFlight: 4 };
}

/**
 * Drive `sendBatch(messages)` for `warmupSeconds` (not counted) and then `seconds` (counted), or
 * until `maxRecords` have been issued; returns the rate over the counted part: records
 * acknowledged between the end of the warm-up and the last acknowledgement, over that time.
 */
export async function produceLoop({ seconds, warmupSeconds = 1, maxRecords = Infinity, size, sendBatch }) {
  const payload = payloadSource(size);
  const { perSend, inFlight } = sendShape(size);
  let issued = 0;
  let acked = 0;
  const t0 = performance.now();
  const warmEnd = t0 + warmupSeconds * 1000;
  const stopAt = warmEnd + seconds * 1000;
  let mark = null; // { t, acked } when the warm-up ended
  const worker = async () => {
    while (issued < maxRecords && performance.now() < stopAt) {
      const n = Math.min(perSend, maxRecords - issued);
      issued += n;
      const messages = new Array(n);
      for (let i = 0; i < n; i++) messages[i] = { value: payload() };
      await sendBatch(messages);
      acked += n;
      if (!mark && performance.now() >= warmEnd) mark = { t: performance.now(), acked };
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const t1 = performance.now();
  if (!mark || t1 - mark.t < 200) mark = { t: t0, acked: 0 }; // too short to split: count everything
  const n = acked - mark.acked;
  const sec = (t1 - mark.t) / 1000;
  return {
    ok: true,
    records: n,
    totalRecords: acked,
    seconds: +sec.toFixed(3),
    recordsPerSec: +(n / sec).toFixed(1),
    mibPerSec: +((n * size) / sec / 1048576).toFixed(2),
    perSend,
    inFlight,
  };
}

export function percentiles(samplesMs) {
  const s = Float64Array.from(samplesMs).sort();
  const q = (p) => (s.length ? s[Math.max(0, Math.min(s.length - 1, Math.ceil(p * s.length) - 1))] : 0);
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : 0;
  const r = (x) => +x.toFixed(3);
  return { measured: s.length, meanMs: r(mean), p50Ms: r(q(0.5)), p90Ms: r(q(0.9)), p99Ms: r(q(0.99)), p999Ms: r(q(0.999)), maxMs: r(s.length ? s[s.length - 1] : 0) };
}

/**
 * Fixed-rate sender for the latency runs: every millisecond, send the records that have come due; each value carries its index and due time (hrtime, ns, as float64 ms).
 * Returns when every record has been handed to the client.
 */
export async function fixedRateSend({ rate, total, size, send }) {
  const t0 = performance.now() + 20;
  const interval = 1000 / rate;
  let next = 0;
  const pending = new Set();
  let errors = 0;
  let firstError;
  while (next < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor((now - t0) / interval) + 1);
    // records that have come due since the last tick, in send() calls of at most 256 records
    // (after a stall of the event loop the backlog must not become one oversized batch)
    while (due > next) {
      const msgs = [];
      for (; next < due && msgs.length < 256; next++) {
        const v = Buffer.alloc(Math.max(16, size));
        v.writeDoubleBE(next, 0);
        v.writeDoubleBE(t0 + next * interval, 8);
        msgs.push({ value: v });
      }
      const p = send(msgs).catch((e) => { errors += msgs.length; firstError ??= String(e?.message ?? e).slice(0, 300); }).finally(() => pending.delete(p));
      pending.add(p);
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  const sendEnd = performance.now();
  await Promise.all([...pending]);
  return { errors, firstError, achievedSendRate: Math.round((total - 1) / ((sendEnd - t0) / 1000)) };
}

/** Collects latencies (ms since due time) for records at index >= warmCount. */
export function latencySink(total, warmCount) {
  const seen = new Uint8Array(total);
  const lat = new Float64Array(total);
  let got = 0;
  let dups = 0;
  let resolveDone;
  const done = new Promise((r) => { resolveDone = r; });
  return {
    done,
    onValue(value) {
      const now = performance.now();
      const i = value.readDoubleBE(0);
      if (!(i >= 0 && i < total)) return;
      if (seen[i]) { dups++; return; }
      seen[i] = 1;
      lat[i] = now - value.readDoubleBE(8);
      if (++got === total) resolveDone();
    },
    result() {
      const samples = [];
      for (let i = warmCount; i < total; i++) if (seen[i]) samples.push(lat[i]);
      return { received: got, missing: total - warmCount - samples.length, duplicates: dups, ...percentiles(samples) };
    },
  };
}

export function parseJob() {
  const raw = process.argv[2];
  if (!raw) { console.error('usage: node <worker>.js <job-json>'); process.exit(2); }
  return JSON.parse(raw);
}

export function emit(result) {
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Race a promise against a deadline. */
export function withTimeout(p, ms, what) {
  let t;
  return Promise.race([p, new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`${what} timed out after ${ms} ms`)), ms); })]).finally(() => clearTimeout(t));
}

/**
 * Resolve when `count()` reaches `target`; reject if it makes no progress for `idleMs`
 * (a stalled fetch fails in idleMs instead of hanging until an overall timeout).
 */
export function waitForCount(count, target, idleMs = 30000) {
  return new Promise((resolve, reject) => {
    let last = count();
    let lastAt = Date.now();
    const t = setInterval(() => {
      const c = count();
      if (c >= target) { clearInterval(t); resolve(); return; }
      if (c !== last) { last = c; lastAt = Date.now(); return; }
      if (Date.now() - lastAt > idleMs) { clearInterval(t); reject(new Error(`stalled at ${c} of ${target} records (no progress for ${idleMs} ms)`)); }
    }, 5);
  });
}
