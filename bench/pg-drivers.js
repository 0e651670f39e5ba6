// Node PostgreSQL drivers for the PostgreSQL partition store (issue 11), measured on its workload:
// an append is one statement that advances the partition's next offset (conditioned on the leader
// epoch) and inserts one row per record batch with its bytes (1–100 KiB bytea); a fetch reads the
// batches from an offset up to a byte budget. Drivers: `pg` (node-postgres) and `postgres`
// (porsager/postgres.js), each with a pool of 4 connections and prepared statements.
//
//   npm run build && npm install --no-save postgres   # pg is a dependency; postgres.js is installed to compare
//   node bench/pg-drivers.js [--reps 3] [--fsync on]
//
// Starts its own PostgreSQL (src/store/postgres/temp-server.ts; Debian's `postgresql` package).
import os from 'node:os';
import { startTempPostgres } from '../dist/src/store/postgres/temp-server.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const REPS = Number(opt('reps', '3'));
const FSYNC = opt('fsync', 'off');

const DDL = `
CREATE TABLE parts (p int PRIMARY KEY, next_offset bigint NOT NULL, leader_epoch int NOT NULL);
CREATE TABLE batches (p int, base_offset bigint, last_offset bigint, max_timestamp bigint, size int, bytes bytea NOT NULL,
  PRIMARY KEY (p, base_offset));
INSERT INTO parts SELECT g, 0, 1 FROM generate_series(0, 15) g;`;
const APPEND = `WITH q AS (UPDATE parts SET next_offset = next_offset + $3 WHERE p = $1 AND leader_epoch = $2 RETURNING next_offset - $3 AS base)
INSERT INTO batches SELECT $1, q.base, q.base + $3 - 1, $4, $5, overlay($6::bytea placing int8send(q.base) from 1 for 8) FROM q RETURNING base_offset`;
const READ = `SELECT bytes FROM (SELECT bytes, sum(size) OVER (ORDER BY base_offset) - size AS before FROM batches
  WHERE p = $1 AND last_offset >= $2 ORDER BY base_offset LIMIT 1000) s WHERE before < $3`;

async function loadDriver(name) {
  try {
    if (name === 'pg') {
      const { default: pg } = await import('pg');
      return (url) => {
        const pool = new pg.Pool({ connectionString: url, max: 4 });
        let n = 0;
        const names = new Map();
        const named = (text) => { let k = names.get(text); if (!k) names.set(text, (k = `s${n++}`)); return k; };
        return {
          query: async (text, values) => (await pool.query({ name: named(text), text, values })).rows,
          end: () => pool.end(),
        };
      };
    }
    const { default: postgres } = await import('postgres');
    return (url) => {
      const sql = postgres(url, { max: 4, onnotice: () => {} });
      return { query: (text, values) => sql.unsafe(text, values, { prepare: true }), end: () => sql.end() };
    };
  } catch {
    console.error(`${name}: not installed (npm install --no-save ${name}), skipped`);
    return null;
  }
}

const pct = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };

async function appendLoop(db, p, bytes, count, lat) {
  for (let i = 0; i < count; i++) {
    const t = process.hrtime.bigint();
    const rows = await db.query(APPEND, [p, 1, 10, Date.now(), bytes.length, bytes]);
    if (rows.length !== 1) throw new Error('append refused');
    lat.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
}

async function run(driverName, make, url, rep) {
  const db = make(url);
  const out = [];
  try {
    await db.query('TRUNCATE batches', []);
    await db.query('UPDATE parts SET next_offset = 0', []);
    for (const kib of [1, 16, 100]) {
      const bytes = Buffer.alloc(kib * 1024, 7);
      for (const partitions of [1, 8]) {
        const count = Math.max(50, Math.round(4000 / kib / (partitions === 1 ? 2 : 1)));
        const lat = [];
        const t0 = performance.now();
        await Promise.all(Array.from({ length: partitions }, (_, p) => appendLoop(db, p, bytes, Math.ceil(count / partitions), lat)));
        const s = (performance.now() - t0) / 1000;
        out.push({ driver: driverName, rep, op: 'append', kib, partitions, perSec: lat.length / s, mibPerSec: (lat.length * kib) / 1024 / s, p50: pct(lat, 0.5), p99: pct(lat, 0.99) });
      }
    }
    // Reads: 1 MiB budgets from every offset stored in partition 0 (4 readers at once).
    const [{ end }] = await db.query('SELECT next_offset::int AS "end" FROM parts WHERE p = 0', []);
    const lat = [];
    let bytesRead = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 4 }, async (_, r) => {
      for (let off = r * 10; off < end; off += 40) {
        const t = process.hrtime.bigint();
        const rows = await db.query(READ, [0, off, 1048576]);
        for (const row of rows) bytesRead += row.bytes.length;
        lat.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }));
    const s = (performance.now() - t0) / 1000;
    out.push({ driver: driverName, rep, op: 'read 1 MiB', kib: 0, partitions: 1, perSec: lat.length / s, mibPerSec: bytesRead / 1048576 / s, p50: pct(lat, 0.5), p99: pct(lat, 0.99) });
  } finally {
    await db.end();
  }
  return out;
}

const server = await startTempPostgres({ settings: { fsync: FSYNC, full_page_writes: FSYNC, shared_buffers: '256MB' } });
try {
  const setup = (await loadDriver('postgres')) ?? (await loadDriver('pg'));
  if (!setup) throw new Error('neither pg nor postgres is installed');
  const db = setup(server.url());
  for (const stmt of DDL.split(';').map((s) => s.trim()).filter(Boolean)) await db.query(stmt, []);
  await db.end();
  const drivers = [];
  for (const name of ['pg', 'postgres']) { const make = await loadDriver(name); if (make) drivers.push([name, make]); }
  const all = [];
  for (let rep = 0; rep < REPS; rep++) for (const [name, make] of rep % 2 ? [...drivers].reverse() : drivers) all.push(...(await run(name, make, server.url(), rep)));
  const keyOf = (r) => `${r.op}|${r.kib}|${r.partitions}`;
  const keys = [...new Set(all.map(keyOf))];
  const med = (xs) => pct(xs, 0.5);
  console.log(`PostgreSQL ${FSYNC === 'on' ? 'fsync on' : 'fsync off'}, ${REPS} reps (medians), ${os.cpus().length} × ${os.cpus()[0].model}, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`| workload | ${drivers.map(([n]) => `${n} ops/s | ${n} MiB/s | ${n} p50/p99 ms`).join(' | ')} |`);
  console.log(`|---|${drivers.map(() => '---|---|---').join('|')}|`);
  for (const k of keys) {
    const [op, kib, partitions] = k.split('|');
    const cells = drivers.map(([n]) => {
      const rs = all.filter((r) => r.driver === n && keyOf(r) === k);
      return `${med(rs.map((r) => r.perSec)).toFixed(0)} | ${med(rs.map((r) => r.mibPerSec)).toFixed(1)} | ${med(rs.map((r) => r.p50)).toFixed(2)}/${med(rs.map((r) => r.p99)).toFixed(2)}`;
    });
    console.log(`| ${op === 'append' ? `append ${kib} KiB × ${partitions} partition${partitions === '1' ? '' : 's'}` : op} | ${cells.join(' | ')} |`);
  }
} finally {
  await server.destroy();
}
