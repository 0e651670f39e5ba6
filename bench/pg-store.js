// The PostgreSQL partition store (src/store/postgres) against the file log (src/log/partition-log.ts),
// in-process, no network client: appends of 16 KiB batches (one at a time per partition, each
// answered after COMMIT), from 1 and 8 partitions, then reads of everything back in 1 MiB fetches.
// A first look at issue 11's target (acks=all produce over PostgreSQL >= 0.5x the local log);
// the end-to-end comparison through Kafka clients belongs to bench/run.js once the store is wired.
//
//   npm run build && node bench/pg-store.js [--fsync on|off] [--seconds 5]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildBatch } from '../dist/protocol/records/index.js';
import { PartitionLog } from '../dist/src/log/partition-log.js';
import { diskStorage } from '../dist/src/log/storage.js';
import { DEFAULT_LOG_CONFIG } from '../dist/src/log/types.js';
import { PostgresStore } from '../dist/src/store/postgres/store.js';
import { startTempPostgres } from '../dist/src/store/postgres/temp-server.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const FSYNC = opt('fsync', 'on');
const SECONDS = Number(opt('seconds', '5'));
const value = Buffer.alloc(16 * 1024 - 100, 120);
const newBatch = () => buildBatch({ records: [{ key: null, value, timestamp: Date.now() }] });

async function measure(parts) {
  const t0 = performance.now();
  let n = 0;
  await Promise.all(parts.map(async (p) => { while (performance.now() - t0 < SECONDS * 1000) { await p.append(newBatch(), { nowMs: Date.now() }); n++; } }));
  const s = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  let bytes = 0;
  for (const p of parts) for (let off = p.logStartOffset; off < p.logEndOffset; ) {
    const { records } = await p.read(off, 1 << 20, { minOneBatch: true });
    if (!records) break;
    bytes += records.length;
    off += Math.max(1, Math.floor(records.length / newBatch().length));
  }
  return { appendsPerSec: Math.round(n / s), appendMiBs: +((n * 16) / 1024 / s).toFixed(1), readMiBs: +(bytes / 1048576 / ((performance.now() - t1) / 1000)).toFixed(1) };
}

const server = await startTempPostgres({ settings: { fsync: FSYNC, full_page_writes: FSYNC, shared_buffers: '256MB' } });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-bench-'));
try {
  const store = await PostgresStore.open(server.url(), { max: 8 });
  const out = [];
  for (const count of [1, 8]) {
    const topic = await store.createTopic(`t${count}`, count);
    const leases = store.leases(1, 60_000);
    const pgParts = [];
    for (let i = 0; i < count; i++) pgParts.push(await store.openPartition(topic, i, await leases.acquireLeadership(topic.topicId, i), DEFAULT_LOG_CONFIG));
    const storage = diskStorage(dir);
    const fileParts = Array.from({ length: count }, (_, i) => PartitionLog.open({ storage, dir: path.join(dir, `t${count}-${i}`), config: DEFAULT_LOG_CONFIG, clean: true, logStartOffset: 0, nowMs: Date.now() }));
    const file = await measure(fileParts);
    const pg = await measure(pgParts);
    out.push({ partitions: count, file, postgres: pg, appendRatio: +(pg.appendMiBs / file.appendMiBs).toFixed(3) });
    for (const p of fileParts) p.close();
  }
  await store.close();
  console.log(JSON.stringify({ fsync: FSYNC, seconds: SECONDS, load: os.loadavg().map((x) => +x.toFixed(1)), results: out }, null, 1));
} finally {
  await server.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}
