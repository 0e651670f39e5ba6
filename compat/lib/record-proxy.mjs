// A recording TCP proxy for the Kafka protocol. Listens on 127.0.0.1:<port>, forwards every byte
// unchanged to a target broker, and parses the framing (int32 size prefix) in both directions to
// pair each request with its response by correlation id.
//
//   const proxy = await startRecordProxy();                     // listens first, target later
//   const kafka = await startKafka({ advertisedPort: proxy.port }); // Metadata points at the proxy
//   proxy.setTarget(kafka.host, kafka.port);
//   proxy.tag = 'kafkajs-2.2.4';      // stamped on connections accepted from now on
//   ... run clients against `127.0.0.1:${proxy.port}` ...
//   proxy.exchanges                    // [{ apiKey, apiVersion, correlationId, clientId, tag, conn,
//                                      //    request: hex, response: hex | undefined, ... }]
//   await proxy.close();
//
// Clients learn broker addresses from Metadata/FindCoordinator/DescribeCluster responses, so the
// broker must advertise the proxy's port (startKafka's `advertisedPort`): then every client
// connection, bootstrap or not, comes back through the proxy.
//
// Request header: api_key i16, api_version i16, correlation_id i32, client_id (i16 string), ...
// Response: correlation_id i32, ... A produce with acks=0 has no response: it is recorded at once.
import net from 'node:net';
import { Reader } from './kafka-wire.mjs';

const HOST = '127.0.0.1';
const MAX_FRAME = 256 * 1024 * 1024;

/** acks of a Produce request frame, or undefined if it cannot be read. */
export function produceAcks(frameBuf) {
  try {
    const r = new Reader(frameBuf);
    r.i16(); // api key
    const version = r.i16();
    r.i32(); // correlation id
    r.str(false); // client id (always int16 length)
    const flexible = version >= 9;
    if (flexible) r.tags();
    if (version >= 3) r.str(flexible); // transactional id
    return r.i16();
  } catch {
    return undefined;
  }
}

/** Splits a byte stream into Kafka frames (without the size prefix). */
class Framer {
  constructor(onFrame, onError) { this.buf = Buffer.alloc(0); this.onFrame = onFrame; this.onError = onError; this.dead = false; }
  push(chunk) {
    if (this.dead) return;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 4) {
      const size = this.buf.readInt32BE(0);
      if (size < 0 || size > MAX_FRAME) {
        this.dead = true;
        this.onError(new Error(`bad frame size ${size}`));
        return;
      }
      if (this.buf.length < 4 + size) return;
      const f = Buffer.from(this.buf.subarray(4, 4 + size)); // copy: chunk buffers are reused views
      this.buf = this.buf.subarray(4 + size);
      this.onFrame(f);
    }
  }
}

/**
 * @param {object} [opts]
 * @param {{host:string, port:number}} [opts.target] broker to forward to (or call setTarget later)
 * @param {number} [opts.port] listen port (default: OS-chosen)
 * @param {number} [opts.maxRecordBytes] frames larger than this are recorded without their bytes
 *   (`requestTooLarge` / `responseTooLarge` set, hex omitted); default: keep everything
 * @param {(ex: object) => void} [opts.onExchange] called for each completed exchange
 */
export async function startRecordProxy(opts = {}) {
  let target = opts.target ?? null;
  let targetWaiters = [];
  const maxRecord = opts.maxRecordBytes ?? Infinity;
  const exchanges = [];
  const sockets = new Set();
  let connSeq = 0;

  const proxy = {
    host: HOST,
    port: 0,
    exchanges,
    /** label stamped on every connection accepted from now on (e.g. the client's name) */
    tag: undefined,
    setTarget(host, port) {
      target = { host, port };
      for (const w of targetWaiters) w();
      targetWaiters = [];
    },
    /** exchanges recorded so far whose connection carried this tag */
    byTag(tag) { return exchanges.filter((e) => e.tag === tag); },
    /** number of requests still waiting for a response */
    pending() { let n = 0; for (const s of sockets) n += s.pendingCount?.() ?? 0; return n; },
    close,
  };

  const record = (ex) => {
    exchanges.push(ex);
    try { opts.onExchange?.(ex); } catch { /* observer errors never break the proxy */ }
  };

  const server = net.createServer(async (client) => {
    const conn = ++connSeq;
    const tag = proxy.tag;
    sockets.add(client);
    client.pause();
    if (!target) await new Promise((r) => targetWaiters.push(r));
    if (client.destroyed) { sockets.delete(client); return; }
    const upstream = net.connect({ host: target.host, port: target.port });
    sockets.add(upstream);
    const pending = new Map(); // correlation id -> [request info]
    client.pendingCount = () => pending.size;

    const fail = () => { client.destroy(); upstream.destroy(); };
    const requests = new Framer((f) => {
      if (f.length < 8) return;
      const info = {
        conn,
        tag,
        apiKey: f.readInt16BE(0),
        apiVersion: f.readInt16BE(2),
        correlationId: f.readInt32BE(4),
        clientId: clientIdOf(f),
        requestSize: f.length,
        time: Date.now(),
      };
      if (f.length <= maxRecord) info.request = f.toString('hex'); else info.requestTooLarge = true;
      if (info.apiKey === 0 && produceAcks(f) === 0) {
        info.acks = 0;
        record(info);
        return;
      }
      const q = pending.get(info.correlationId);
      if (q) q.push(info); else pending.set(info.correlationId, [info]);
    }, fail);
    const responses = new Framer((f) => {
      if (f.length < 4) return;
      const corr = f.readInt32BE(0);
      const q = pending.get(corr);
      if (!q) return; // unmatched: nothing to pair with
      const info = q.shift();
      if (!q.length) pending.delete(corr);
      info.responseSize = f.length;
      if (f.length <= maxRecord) info.response = f.toString('hex'); else info.responseTooLarge = true;
      info.latencyMs = Date.now() - info.time;
      record(info);
    }, fail);

    client.on('data', (d) => { requests.push(d); if (!upstream.write(d)) client.pause(); });
    upstream.on('drain', () => client.resume());
    upstream.on('data', (d) => { responses.push(d); if (!client.write(d)) upstream.pause(); });
    client.on('drain', () => upstream.resume());
    upstream.on('connect', () => client.resume());
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('error', fail);
    upstream.on('error', fail);
    client.on('close', () => { sockets.delete(client); upstream.destroy(); });
    upstream.on('close', () => { sockets.delete(upstream); client.destroy(); });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, resolve);
  });
  proxy.port = server.address().port;
  proxy.address = `${HOST}:${proxy.port}`;

  function close() {
    return new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  }
  return proxy;
}

function clientIdOf(f) {
  if (f.length < 10) return undefined;
  const n = f.readInt16BE(8);
  if (n < 0) return null;
  if (10 + n > f.length) return undefined;
  return f.toString('utf8', 10, 10 + n);
}
