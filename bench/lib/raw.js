// A tiny raw Kafka client for the benchmark: just enough wire protocol to time a broker without a
// client library in the way (start-up to first acknowledged produce, metadata and produce round
// trips with 1,000 partitions, many concurrent connections). Non-flexible versions that both Kafka
// 4.x and Rivulet serve: ApiVersions v0, Metadata v4, CreateTopics v4, Produce v3 (record batch v2).
// Plain ESM, no dependencies.
import net from 'node:net';

const CLIENT_ID = Buffer.from('rivulet-bench-raw');

// ---- CRC-32C (Castagnoli), table driven: the record batch v2 checksum ----
const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();
export function crc32c(buf) {
  let c = ~0;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

function varint(n) { // zig-zag signed varint
  let v = (n << 1) ^ (n >> 31);
  const out = [];
  while ((v & ~0x7f) !== 0) { out.push((v & 0x7f) | 0x80); v >>>= 7; }
  out.push(v);
  return Buffer.from(out);
}

/** One record batch (magic 2, uncompressed) holding `values` (Buffers), null keys, no headers. */
export function recordBatch(values, timestamp = Date.now()) {
  const records = values.map((value, i) => {
    const body = Buffer.concat([Buffer.from([0]), varint(0), varint(i), varint(-1), varint(value.length), value, varint(0)]);
    return Buffer.concat([varint(body.length), body]);
  });
  const recs = Buffer.concat(records);
  const head = Buffer.alloc(61);
  head.writeBigInt64BE(0n, 0); // base offset
  head.writeInt32BE(49 + recs.length, 8); // batch length (from partition leader epoch on)
  head.writeInt32BE(-1, 12); // partition leader epoch
  head.writeInt8(2, 16); // magic
  // crc at 17..20, computed below
  head.writeInt16BE(0, 21); // attributes
  head.writeInt32BE(values.length - 1, 23); // last offset delta
  head.writeBigInt64BE(BigInt(timestamp), 27); // base timestamp
  head.writeBigInt64BE(BigInt(timestamp), 35); // max timestamp
  head.writeBigInt64BE(-1n, 43); // producer id
  head.writeInt16BE(-1, 51); // producer epoch
  head.writeInt32BE(-1, 53); // base sequence
  head.writeInt32BE(values.length, 57); // record count
  const batch = Buffer.concat([head, recs]);
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
  return batch;
}

// ---- request encoding ----
function str(s) {
  const b = Buffer.from(s, 'utf8');
  const h = Buffer.alloc(2);
  h.writeInt16BE(b.length);
  return Buffer.concat([h, b]);
}
const i8 = (v) => Buffer.from([v & 0xff]);
const i16 = (v) => { const b = Buffer.alloc(2); b.writeInt16BE(v); return b; };
const i32 = (v) => { const b = Buffer.alloc(4); b.writeInt32BE(v); return b; };

function request(apiKey, apiVersion, correlationId, body) {
  const header = Buffer.concat([i16(apiKey), i16(apiVersion), i32(correlationId), i16(CLIENT_ID.length), CLIENT_ID]);
  return Buffer.concat([i32(header.length + body.length), header, body]);
}

export const apiVersionsBody = () => Buffer.alloc(0);
/** Metadata v4: the named topics (or all topics when `topics` is null), auto-create allowed. */
export function metadataBody(topics, autoCreate = true) {
  const arr = topics === null ? i32(-1) : Buffer.concat([i32(topics.length), ...topics.map(str)]);
  return Buffer.concat([arr, i8(autoCreate ? 1 : 0)]);
}
/** CreateTopics v4: one topic, replication factor 1. */
export function createTopicsBody(name, partitions, timeoutMs = 30000) {
  return Buffer.concat([i32(1), str(name), i32(partitions), i16(1), i32(0), i32(0), i32(timeoutMs), i8(0)]);
}
/** Produce v3: `parts` = [{ topic, partition, batch }], grouped by topic in the order given. */
export function produceBody(parts, acks = 1, timeoutMs = 30000) {
  const byTopic = new Map();
  for (const p of parts) {
    if (!byTopic.has(p.topic)) byTopic.set(p.topic, []);
    byTopic.get(p.topic).push(p);
  }
  const topics = [];
  for (const [topic, ps] of byTopic) {
    topics.push(str(topic), i32(ps.length));
    for (const p of ps) topics.push(i32(p.partition), i32(p.batch.length), p.batch);
  }
  return Buffer.concat([i16(-1), i16(acks), i32(timeoutMs), i32(byTopic.size), ...topics]);
}

// ---- response decoding ----
class R {
  constructor(b) { this.b = b; this.p = 0; }
  need(n) { if (this.p + n > this.b.length) throw new RangeError('short response'); }
  i8() { this.need(1); return this.b.readInt8(this.p++); }
  i16() { this.need(2); const v = this.b.readInt16BE(this.p); this.p += 2; return v; }
  i32() { this.need(4); const v = this.b.readInt32BE(this.p); this.p += 4; return v; }
  i64() { this.need(8); const v = this.b.readBigInt64BE(this.p); this.p += 8; return v; }
  str() { const n = this.i16(); if (n < 0) return null; this.need(n); const s = this.b.toString('utf8', this.p, this.p + n); this.p += n; return s; }
}

/** Produce v3 response body -> [{ topic, partition, errorCode, baseOffset }] */
export function parseProduce(body) {
  const r = new R(body);
  const out = [];
  for (let t = r.i32(); t > 0; t--) {
    const topic = r.str();
    for (let p = r.i32(); p > 0; p--) {
      const partition = r.i32();
      const errorCode = r.i16();
      const baseOffset = r.i64();
      r.i64(); // log append time
      out.push({ topic, partition, errorCode, baseOffset });
    }
  }
  return out;
}

/** Metadata v4 response body -> { brokers, topics: [{ name, errorCode, partitions: [{ index, errorCode, leader }] }] } */
export function parseMetadata(body) {
  const r = new R(body);
  r.i32(); // throttle
  const brokers = [];
  for (let n = r.i32(); n > 0; n--) brokers.push({ nodeId: r.i32(), host: r.str(), port: r.i32(), rack: r.str() });
  r.str(); // cluster id
  r.i32(); // controller id
  const topics = [];
  for (let n = r.i32(); n > 0; n--) {
    const errorCode = r.i16();
    const name = r.str();
    r.i8(); // internal
    const partitions = [];
    for (let p = r.i32(); p > 0; p--) {
      const pe = r.i16();
      const index = r.i32();
      const leader = r.i32();
      for (let k = r.i32(); k > 0; k--) r.i32(); // replicas
      for (let k = r.i32(); k > 0; k--) r.i32(); // isr
      partitions.push({ index, errorCode: pe, leader });
    }
    topics.push({ name, errorCode, partitions });
  }
  return { brokers, topics };
}

/** CreateTopics v4 response body -> [{ name, errorCode, message }] */
export function parseCreateTopics(body) {
  const r = new R(body);
  r.i32(); // throttle
  const out = [];
  for (let n = r.i32(); n > 0; n--) out.push({ name: r.str(), errorCode: r.i16(), message: r.str() });
  return out;
}

/**
 * A connection with pipelined request/response matching by correlation id.
 * `send(apiKey, version, body)` resolves with the response body (after the correlation id).
 */
export class Conn {
  static connect(host, port, { timeoutMs = 10000 } = {}) {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host, port });
      sock.setNoDelay(true);
      const t = setTimeout(() => { sock.destroy(); reject(new Error(`connect ${host}:${port} timed out`)); }, timeoutMs);
      sock.once('connect', () => { clearTimeout(t); sock.removeAllListeners('error'); resolve(new Conn(sock)); });
      sock.once('error', (e) => { clearTimeout(t); reject(e); });
    });
  }

  constructor(sock) {
    this.sock = sock;
    this.nextId = 1;
    this.pending = new Map();
    this.buf = Buffer.alloc(0);
    this.closed = false;
    sock.on('data', (chunk) => this.onData(chunk));
    const fail = (err) => {
      this.closed = true;
      for (const { reject } of this.pending.values()) reject(err);
      this.pending.clear();
    };
    sock.on('error', fail);
    sock.on('close', () => fail(new Error('connection closed')));
  }

  onData(chunk) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 4) {
      const size = this.buf.readInt32BE(0);
      if (this.buf.length < 4 + size) break;
      const frame = this.buf.subarray(4, 4 + size);
      this.buf = this.buf.subarray(4 + size);
      const id = frame.readInt32BE(0);
      const p = this.pending.get(id);
      if (p) { this.pending.delete(id); p.resolve(frame.subarray(4)); }
    }
  }

  send(apiKey, version, body) {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.sock.write(request(apiKey, version, id, body));
    });
  }

  metadata(topics, autoCreate = true) { return this.send(3, 4, metadataBody(topics, autoCreate)).then(parseMetadata); }
  createTopic(name, partitions) { return this.send(19, 4, createTopicsBody(name, partitions)).then(parseCreateTopics); }
  produce(parts, acks = 1) { return this.send(0, 3, produceBody(parts, acks)).then(parseProduce); }
  apiVersions() { return this.send(18, 0, apiVersionsBody()); }
  close() { this.closed = true; this.sock.destroy(); }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Connect (retrying while the port refuses), ask for the topic's metadata with auto-create, and
 * produce one record to partition 0 until it is acknowledged (retrying retriable errors such as
 * UNKNOWN_TOPIC_OR_PARTITION / LEADER_NOT_AVAILABLE / NOT_LEADER while a new topic settles).
 * Returns { attempts, connects } once acknowledged.
 */
export async function firstAck(host, port, topic, { deadlineMs = 120000, retryMs = 5, value = Buffer.from('hello'), signal } = {}) {
  const deadline = Date.now() + deadlineMs;
  let conn;
  let connects = 0;
  let attempts = 0;
  let lastErr;
  try {
    for (;;) {
      if (Date.now() > deadline) throw new Error(`no acknowledged produce within ${deadlineMs} ms (${lastErr ?? 'no error'})`);
      if (signal?.aborted) throw new Error('aborted');
      if (!conn || conn.closed) {
        try { conn = await Conn.connect(host, port, { timeoutMs: 2000 }); connects++; } catch (e) { lastErr = e.message; await sleep(retryMs); continue; }
      }
      try {
        attempts++;
        const md = await conn.metadata([topic], true);
        const t = md.topics.find((x) => x.name === topic);
        if (!t || t.errorCode !== 0 || !t.partitions.some((p) => p.index === 0 && p.leader >= 0)) {
          lastErr = `metadata error ${t?.errorCode}`;
          await sleep(retryMs);
          continue;
        }
        const [res] = await conn.produce([{ topic, partition: 0, batch: recordBatch([value]) }], 1);
        if (res && res.errorCode === 0) return { attempts, connects };
        lastErr = `produce error ${res?.errorCode}`;
      } catch (e) { lastErr = e.message; conn?.close(); }
      await sleep(retryMs);
    }
  } finally {
    conn?.close();
  }
}
