// Group commit in the PostgreSQL store (src/store/postgres/group-commit.ts), in-process, no
// network client: 16 KiB batches appended to --partitions partitions with --inflight appends in
// flight on each (as a Kafka producer's max.in.flight.requests.per.connection keeps them), each
// answered after COMMIT, for --seconds; reports MiB/s and how many appends each commit carried.
//
//   npm run build && node bench/pg-group-commit.js [--fsync on|off] [--seconds 5] [--partitions 4] [--inflight 1,5]
import os from 'node:os';
import { buildBatch } from '../dist/protocol/records/index.js';
import { DEFAULT_LOG_CONFIG } from '../dist/src/log/types.js';
import { committerOf } from '../dist/src/store/postgres/group-commit.js';
import { PostgresStore } from '../dist/src/store/postgres/store.js';
import { startTempPostgres } from '../dist/src/store/postgres/temp-server.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const FSYNC = opt('fsync', 'on');
const SECONDS = Number(opt('seconds', '5'));
const PARTITIONS = Number(opt('partitions', '4'));
const INFLIGHT = opt('inflight', '1,5').split(',').map(Number);
const value = Buffer.alloc(16 * 1024 - 100, 120);
const newBatch = () => buildBatch({ records: [{ key: null, value, timestamp: Date.now() }] });

const server = await startTempPostgres({ settings: { fsync: FSYNC, full_page_writes: FSYNC, shared_buffers: '256MB' } });
try {
  const store = await PostgresStore.open(server.url());
  const committer = committerOf(store.db);
  const out = [];
  for (const inflight of INFLIGHT) {
    const topic = await store.createTopic(`t${inflight}`, PARTITIONS);
    const leases = store.leases(1, 60_000);
    const parts = [];
    for (let i = 0; i < PARTITIONS; i++) parts.push(await store.openPartition(topic, i, await leases.acquireLeadership(topic.topicId, i), DEFAULT_LOG_CONFIG));
    const [g0, e0, cpu0] = [committer.groups, committer.entries, process.cpuUsage()];
    const t0 = performance.now();
    let n = 0;
    const lanes = parts.flatMap((p) => Array.from({ length: inflight }, () => p));
    await Promise.all(lanes.map(async (p) => { while (performance.now() - t0 < SECONDS * 1000) { await p.append(newBatch(), { nowMs: Date.now() }); n++; } }));
    const s = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const groups = committer.groups - g0;
    const mib = (n * 16) / 1024;
    out.push({ inflight, appendsPerSec: Math.round(n / s), MiBs: +(mib / s).toFixed(1), commitsPerSec: Math.round(groups / s), appendsPerCommit: +((committer.entries - e0) / groups).toFixed(1), nodeCpuMsPerMiB: +((cpu.user + cpu.system) / 1000 / mib).toFixed(1) });
  }
  await store.close();
  console.log(JSON.stringify({ fsync: FSYNC, seconds: SECONDS, partitions: PARTITIONS, load: os.loadavg().map((x) => +x.toFixed(1)), results: out }, null, 1));
} finally {
  await server.stop();
}
