// Workload 8 (scale) with the raw client: 1,000 partitions (create, metadata, produce to all) and
// many concurrent connections. Also the topic helper the other workloads use.
import { Conn, metadataBody, recordBatch } from './raw.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN; };
const pct = (a, q) => { const s = [...a].sort((x, y) => x - y); return s.length ? s[Math.max(0, Math.ceil(q * s.length) - 1)] : NaN; };
const r1 = (x) => +x.toFixed(2);

/** Wait until Metadata shows `partitions` partitions of `topic`, each with a leader. */
export async function waitForLeaders(conn, topic, partitions, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const md = await conn.metadata([topic], false);
    const t = md.topics.find((x) => x.name === topic);
    if (t && t.errorCode === 0 && t.partitions.length === partitions && t.partitions.every((p) => p.errorCode === 0 && p.leader >= 0)) return;
    if (Date.now() > deadline) throw new Error(`topic ${topic}: leaders not ready after ${timeoutMs} ms`);
    await sleep(20);
  }
}

// unknown topic/partition, leader not available, not leader, request timed out, network exception
const RETRIABLE = new Set([3, 5, 6, 7, 13]);

/**
 * Produce one record to every partition, retrying the partitions that refuse: a new partition
 * may refuse for a moment after Metadata already names its leader (Kafka answers
 * NOT_LEADER_OR_FOLLOWER until the broker has taken leadership). Returns the number of tries.
 */
export async function produceToAll(conn, topic, partitions, value) {
  let todo = Array.from({ length: partitions }, (_, p) => p);
  let tries = 0;
  while (todo.length) {
    if (++tries > 500) throw new Error(`produce to ${topic}: ${todo.length} partitions still refused after 500 tries`);
    const res = await conn.produce(todo.map((p) => ({ topic, partition: p, batch: recordBatch([value]) })), 1);
    const bad = res.filter((x) => x.errorCode !== 0);
    const fatal = bad.find((x) => !RETRIABLE.has(x.errorCode));
    if (fatal) throw new Error(`produce to ${topic}: error ${fatal.errorCode} on partition ${fatal.partition}`);
    todo = bad.map((x) => x.partition);
    if (todo.length) await sleep(10);
  }
  return tries;
}

/** A 16-byte record the latency sinks skip (index -1, as a double and as a Java long). */
export const WARM_VALUE = (() => { const b = Buffer.alloc(16); b.writeDoubleBE(-1, 0); return b; })();

/**
 * Create a topic (CreateTopics v4), wait for its leaders, and (unless writable=false) write one
 * 16-byte warm-up record to every partition, so the workload starts on a topic that accepts writes.
 * Returns { ackMs, readyMs }.
 */
export async function createTopic(broker, topic, partitions, { writable = true } = {}) {
  const conn = await Conn.connect(broker.host, broker.port);
  try {
    const t0 = performance.now();
    const [res] = await conn.createTopic(topic, partitions);
    const ackMs = performance.now() - t0;
    if (res.errorCode !== 0 && res.errorCode !== 36 /* TOPIC_ALREADY_EXISTS */) throw new Error(`CreateTopics ${topic}: error ${res.errorCode} ${res.message ?? ''}`);
    await waitForLeaders(conn, topic, partitions);
    const readyMs = performance.now() - t0;
    if (writable) await produceToAll(conn, topic, partitions, WARM_VALUE);
    return { ackMs: r1(ackMs), readyMs: r1(readyMs), writableMs: r1(performance.now() - t0) };
  } finally { conn.close(); }
}

/** Create a topic with many partitions, time Metadata and a Produce that writes to every partition. */
export async function scalePartitions(broker, { topic, partitions, metadataReps = 20, produceReps = 5, size = 1024 }) {
  const created = await createTopic(broker, topic, partitions, { writable: false });
  const conn = await Conn.connect(broker.host, broker.port);
  try {
    const value = Buffer.alloc(size, 66);
    const all = () => Array.from({ length: partitions }, (_, p) => ({ topic, partition: p, batch: recordBatch([value]) }));
    const tf = performance.now();
    const rounds = await produceToAll(conn, topic, partitions, value);
    const produceAllFirstMs = performance.now() - tf;
    const mdMs = [];
    let mdBytes = 0;
    for (let i = 0; i < metadataReps; i++) {
      const t = performance.now();
      const body = await conn.send(3, 4, metadataBody([topic], false));
      mdMs.push(performance.now() - t);
      mdBytes = body.length;
    }
    const produceMs = [];
    for (let i = 0; i < produceReps; i++) {
      const parts = all();
      const t = performance.now();
      const res = await conn.produce(parts, 1);
      produceMs.push(performance.now() - t);
      const bad = res.filter((x) => x.errorCode !== 0);
      if (res.length !== partitions || bad.length) throw new Error(`produce to ${partitions} partitions: ${res.length} answers, ${bad.length} errors (first ${bad[0]?.errorCode})`);
    }
    return {
      ok: true,
      partitions,
      createAckMs: created.ackMs,
      createReadyMs: created.readyMs,
      metadataMs: r1(median(mdMs)),
      metadataMaxMs: r1(Math.max(...mdMs)),
      metadataBytes: mdBytes,
      produceAllFirstMs: r1(produceAllFirstMs),
      createToWritableMs: r1(created.readyMs + produceAllFirstMs),
      produceAllFirstTries: rounds,
      produceAllMs: r1(median(produceMs)),
      produceAllMaxMs: r1(Math.max(...produceMs)),
    };
  } finally { conn.close(); }
}

/**
 * Open `n` connections at once; each sends ApiVersions + Metadata + one Produce (acks=1). Then
 * `rounds` rounds in which all connections produce at the same moment. `whileOpen()` is called with
 * every connection still open (to read the broker's RSS).
 */
export async function scaleConnections(broker, { topic, n, partitions = 12, rounds = 5, size = 1024, whileOpen }) {
  await createTopic(broker, topic, partitions);
  const value = Buffer.alloc(size, 67);
  const t0 = performance.now();
  const conns = await Promise.all(Array.from({ length: n }, async (_, i) => {
    const c = await Conn.connect(broker.host, broker.port, { timeoutMs: 30000 });
    await c.apiVersions();
    await c.metadata([topic], false);
    const [r] = await c.produce([{ topic, partition: i % partitions, batch: recordBatch([value]) }], 1);
    if (r.errorCode !== 0) throw new Error(`produce on connection ${i}: error ${r.errorCode}`);
    return c;
  }));
  const connectAllMs = performance.now() - t0;
  const lat = [];
  const roundMs = [];
  try {
    for (let k = 0; k < rounds; k++) {
      const tr = performance.now();
      await Promise.all(conns.map(async (c, i) => {
        const t = performance.now();
        const [r] = await c.produce([{ topic, partition: i % partitions, batch: recordBatch([value]) }], 1);
        lat.push(performance.now() - t);
        if (r.errorCode !== 0) throw new Error(`produce error ${r.errorCode}`);
      }));
      roundMs.push(performance.now() - tr);
    }
    const mem = whileOpen ? await whileOpen() : undefined;
    return {
      ok: true,
      connections: n,
      connectAllMs: r1(connectAllMs),
      roundMs: r1(median(roundMs)),
      produceP50Ms: r1(pct(lat, 0.5)),
      produceP99Ms: r1(pct(lat, 0.99)),
      ...(mem ? { rssMiB: mem.rssMiB } : {}),
    };
  } finally {
    for (const c of conns) c.close();
  }
}
