// Where one PostgreSQL saturates under the PostgreSQL store (issue 11, bench/PG-CAPACITY.md): the
// store's own appends (src/store/postgres, 16 KiB and 1 KiB batches of incompressible bytes, as a
// producer's compressed batches are, from 8 partitions at once, one append in flight per
// partition), and what PostgreSQL itself reports for them: WAL bytes and fsyncs (pg_stat_wal),
// commits (pg_stat_database), per-statement time and WAL (pg_stat_statements), rows written to the
// batch table, its TOAST table and their indexes (pg_stat_all_tables / pg_statio), relation sizes,
// the server's CPU (/proc of every postgres process) and this process's CPU per MiB. Then the
// ceilings that do not depend on the store: commits/s of a one-row transaction from 8 connections
// with synchronous_commit on and off, the disk's fdatasync rate (pg_test_fsync), and the cost of
// VACUUM after deleting half of the batches (what retention leaves behind).
//
//   npm run build && node bench/pg-capacity.js [--seconds 5] [--partitions 8]
//
// Starts its own PostgreSQL (temp-server.ts) with fsync on, full_page_writes on and
// pg_stat_statements preloaded; prints one JSON document.
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildBatch } from '../dist/protocol/records/index.js';
import { DEFAULT_LOG_CONFIG } from '../dist/src/log/types.js';
import { connect } from '../dist/src/store/postgres/db.js';
import { PostgresStore } from '../dist/src/store/postgres/store.js';
import { findPostgresBin, startTempPostgres } from '../dist/src/store/postgres/temp-server.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const SECONDS = Number(opt('seconds', '5'));
const PARTITIONS = Number(opt('partitions', '8'));
const MiB = 1048576;

// CPU seconds (user + system) of a PostgreSQL server: its live processes (cwd in the data dir)
// and, through the postmaster's cutime/cstime, the backends that already exited.
function serverCpuSeconds(dir) {
  const tick = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
  let total = 0;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const postmaster = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
      if (!postmaster && !fs.readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) continue;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
      total += (f[11] + f[12] + (postmaster ? f[13] + f[14] : 0)) / tick; // utime, stime (+ reaped children)
    } catch { /* gone */ }
  }
  return total;
}

async function counters(db) {
  const [wal] = await db.query('SELECT wal_records, wal_fpi, wal_bytes::bigint AS wal_bytes, wal_write, wal_sync FROM pg_stat_wal');
  const [xact] = await db.query('SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()');
  const tables = await db.query(`SELECT CASE WHEN c.relname LIKE 'pg_toast%' THEN 'toast' ELSE c.relname END AS rel, t.n_tup_ins, t.n_tup_upd, t.n_tup_hot_upd
    FROM pg_stat_all_tables t JOIN pg_class c ON c.oid = t.relid
    WHERE c.relname IN ('rivulet_batches', 'rivulet_partitions') OR c.oid = (SELECT reltoastrelid FROM pg_class WHERE relname = 'rivulet_batches')`);
  return { wal, xact: Number(xact.xact_commit), tables: Object.fromEntries(tables.map((t) => [t.rel, { ins: Number(t.n_tup_ins), upd: Number(t.n_tup_upd), hot: Number(t.n_tup_hot_upd) }])) };
}

const STATEMENTS = `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 60) AS q, calls, round(mean_exec_time::numeric, 3) AS mean_ms,
    round(total_exec_time::numeric) AS total_ms, wal_bytes::bigint AS wal_bytes, wal_fpi FROM pg_stat_statements
    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat%' ORDER BY total_exec_time DESC LIMIT 3`;

const diff = (a, b) => typeof a === 'object' ? Object.fromEntries(Object.keys(a).map((k) => [k, diff(a[k], b[k])])) : Number(b) - Number(a);

async function sizes(db) {
  const [r] = await db.query(`SELECT pg_relation_size('rivulet_batches') AS heap, pg_relation_size(reltoastrelid) AS toast,
    pg_indexes_size('rivulet_batches') AS idx, pg_indexes_size(reltoastrelid) AS toast_idx,
    (SELECT coalesce(sum(size), 0) FROM rivulet_batches) AS payload FROM pg_class WHERE relname = 'rivulet_batches'`);
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, +(Number(v) / MiB).toFixed(1)]));
}

// One workload: `PARTITIONS` partitions appending batches of `batchBytes` for SECONDS.
async function appendWorkload(server, admin, name, { batchBytes, syncCommit, storage }) {
  const db = `w_${name}`;
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.query(`ALTER DATABASE ${db} SET synchronous_commit = ${syncCommit ? 'on' : 'off'}`);
  const store = await PostgresStore.open(server.url(db), { max: PARTITIONS });
  await store.db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  if (storage) await store.db.query(`ALTER TABLE rivulet_batches ALTER COLUMN bytes SET STORAGE ${storage}`);
  const topic = await store.createTopic('t', PARTITIONS);
  const leases = store.leases(1, 600_000);
  const parts = [];
  for (let i = 0; i < PARTITIONS; i++) parts.push(await store.openPartition(topic, i, await leases.acquireLeadership(topic.topicId, i), DEFAULT_LOG_CONFIG));
  // incompressible values (a producer's batches are usually compressed), a few distinct ones
  const values = Array.from({ length: 16 }, () => crypto.randomBytes(batchBytes - 100));
  await store.db.query('SELECT pg_stat_statements_reset()');
  // Counters are read on a connection of their own: PostgreSQL 15 flushes a backend's statistics
  // at most once a second and when it exits, so the store's connections are closed before the
  // second reading, which waits until the batch table's inserts have all arrived.
  const probe = connect(server.url(db), { max: 1 });
  const before = await counters(probe);
  const cpu0 = serverCpuSeconds(server.dir);
  const node0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  const lat = [];
  await Promise.all(parts.map(async (p, i) => {
    while (performance.now() - t0 < SECONDS * 1000) {
      const s = performance.now();
      await p.append(buildBatch({ records: [{ key: null, value: values[(n + i) % values.length], timestamp: Date.now() }] }), { nowMs: Date.now() });
      lat.push(performance.now() - s);
      n++;
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  const nodeCpu = process.cpuUsage(node0);
  const serverCpu = serverCpuSeconds(server.dir) - cpu0;
  await store.db.query('SELECT 1'); // the statements' statistics are in shared memory already
  const statements = await store.db.query(STATEMENTS);
  const sized = await sizes(store.db);
  await store.close();
  let after = await counters(probe);
  for (const deadline = Date.now() + 10_000; (after.tables.rivulet_batches?.ins ?? 0) - (before.tables.rivulet_batches?.ins ?? 0) < n && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    after = await counters(probe);
  }
  await probe.end();
  const d = diff(before, after);
  lat.sort((a, b) => a - b);
  const mib = (n * batchBytes) / MiB;
  const result = {
    workload: name, batchBytes, synchronousCommit: syncCommit, storage: storage ?? 'extended (default)', partitions: PARTITIONS,
    appendsPerSec: Math.round(n / secs), MiBs: +(mib / secs).toFixed(1),
    p50ms: +lat[Math.floor(lat.length / 2)].toFixed(2), p99ms: +lat[Math.floor(lat.length * 0.99)].toFixed(2),
    commitsPerSec: Math.round(d.xact / secs), walMiBs: +(d.wal.wal_bytes / MiB / secs).toFixed(1), walBytesPerPayloadByte: +(d.wal.wal_bytes / (n * batchBytes)).toFixed(2),
    walSyncsPerSec: Math.round(d.wal.wal_sync / secs), walFullPageImages: d.wal.wal_fpi,
    rowsPerAppend: Object.fromEntries(Object.entries(d.tables).map(([k, v]) => [k, +((v.ins + v.upd) / n).toFixed(2)])),
    hotUpdateShare: d.tables.rivulet_partitions ? +(d.tables.rivulet_partitions.hot / Math.max(1, d.tables.rivulet_partitions.upd)).toFixed(2) : null,
    serverCpuMsPerMiB: Math.round((serverCpu * 1000) / mib), clientCpuMsPerMiB: Math.round((nodeCpu.user + nodeCpu.system) / 1000 / mib),
    sizesMiB: sized,
    statements: statements.map((s) => ({ ...s, calls: Number(s.calls), wal_bytes_per_call: Math.round(Number(s.wal_bytes) / Math.max(1, Number(s.calls))) })),
  };
  return result;
}

// The commit ceiling without the store: a one-row UPDATE per transaction from 8 connections.
async function commitCeiling(server, admin, syncCommit) {
  const name = `c_${syncCommit ? 'on' : 'off'}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.query(`ALTER DATABASE ${name} SET synchronous_commit = ${syncCommit ? 'on' : 'off'}`);
  const db = connect(server.url(name), { max: 8 });
  await db.query('CREATE TABLE c (id int PRIMARY KEY, n bigint)');
  await db.query('INSERT INTO c SELECT g, 0 FROM generate_series(0, 7) g');
  const t0 = performance.now();
  let n = 0;
  await Promise.all(Array.from({ length: 8 }, async (_, i) => {
    while (performance.now() - t0 < SECONDS * 1000) { await db.query('UPDATE c SET n = n + 1 WHERE id = $1', [i]); n++; }
  }));
  await db.end();
  return { synchronousCommit: syncCommit, connections: 8, commitsPerSec: Math.round(n / ((performance.now() - t0) / 1000)) };
}

// Retention's aftermath: delete the older half of the batches of one workload's database, VACUUM.
async function vacuumCost(server) {
  const db = connect(server.url('w_16k_sync'), { max: 1 });
  const [before] = await db.query(`SELECT count(*) AS n FROM rivulet_batches`);
  const t0 = performance.now();
  await db.query(`DELETE FROM rivulet_batches b USING rivulet_partitions p WHERE b.topic_id = p.topic_id AND b.partition = p.partition AND b.last_offset < p.next_offset / 2`);
  const deleteMs = performance.now() - t0;
  const [w0] = await db.query('SELECT wal_bytes::bigint AS b FROM pg_stat_wal');
  const t1 = performance.now();
  await db.query('VACUUM rivulet_batches');
  const vacuumMs = performance.now() - t1;
  const [w1] = await db.query('SELECT wal_bytes::bigint AS b FROM pg_stat_wal');
  await db.end();
  return { batchesBefore: Number(before.n), deleteMs: Math.round(deleteMs), vacuumMs: Math.round(vacuumMs), vacuumWalMiB: +((Number(w1.b) - Number(w0.b)) / MiB).toFixed(1) };
}

function fsyncRate() {
  const bin = findPostgresBin();
  const file = path.join(os.tmpdir(), `rivulet-fsync-${process.pid}`);
  const r = spawnSync(path.join(bin, 'pg_test_fsync'), ['-s', '2', '-f', file], { encoding: 'utf8' });
  fs.rmSync(file, { force: true });
  const line = (r.stdout ?? '').split('\n').find((l) => /^\s+fdatasync\s/.test(l));
  return line ? line.trim().replace(/\s+/g, ' ') : `pg_test_fsync failed: ${r.stderr}`;
}

const server = await startTempPostgres({ settings: { fsync: 'on', full_page_writes: 'on', shared_buffers: '256MB', max_wal_size: '2GB', shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } });
try {
  const admin = connect(server.url(), { max: 1 });
  const workloads = [
    ['16k_sync', { batchBytes: 16384, syncCommit: true }],
    ['16k_async', { batchBytes: 16384, syncCommit: false }],
    ['16k_sync_external', { batchBytes: 16384, syncCommit: true, storage: 'external' }],
    ['1k_sync', { batchBytes: 1024, syncCommit: true }],
    ['256k_sync', { batchBytes: 262144, syncCommit: true }],
  ];
  const results = [];
  for (const [name, w] of workloads) {
    results.push(await appendWorkload(server, admin, name, w));
    console.error(`done ${name}: ${results.at(-1).MiBs} MiB/s`);
  }
  const ceilings = [await commitCeiling(server, admin, true), await commitCeiling(server, admin, false)];
  const vacuum = await vacuumCost(server);
  await admin.end();
  const [version] = spawnSync(path.join(findPostgresBin(), 'postgres'), ['--version'], { encoding: 'utf8' }).stdout.split('\n');
  console.log(JSON.stringify({ date: new Date().toISOString(), postgres: version, cpus: os.cpus().length, load: os.loadavg().map((x) => +x.toFixed(1)), seconds: SECONDS, fdatasync: fsyncRate(), results, ceilings, vacuum }, null, 1));
} finally {
  await server.destroy();
}
