// Embedded start-up, measured inside a fresh Node process (bench/run.js spawns one per sample):
// import of the package, then startBroker({ port: 0, memory: true }) until the raw client's first
// produce is acknowledged (Metadata with auto-create, then Produce v3, acks=1).
// Prints RESULT {"nodeBootMs", "importMs", "listenMs", "ackMs"}.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { firstAck } from '../lib/raw.js';
import { emit } from './common.js';

const bootMs = performance.now(); // time since this process started (Node's own start-up)
const here = path.dirname(fileURLToPath(import.meta.url));
const mode = process.argv[2] ?? 'memory';
const dataDir = process.argv[3];

const ti = performance.now();
const dist = path.resolve(here, '..', '..', process.env.RIVULET_BENCH_DIST ?? 'dist');
// The package's main entry (the bundle); builds from before bundling only have src/index.js.
const bundled = path.join(dist, 'bundle', 'index.mjs');
const { startBroker } = await import(pathToFileURL(fs.existsSync(bundled) ? bundled : path.join(dist, 'src', 'index.js')).href);
const importMs = performance.now() - ti;

const t0 = performance.now();
const b = await startBroker(mode === 'memory' ? { port: 0, memory: true } : { port: 0, dataDir });
const listenMs = performance.now() - t0;
await firstAck(b.host, b.port, 'startup', { retryMs: 1 });
const ackMs = performance.now() - t0;
await b.stop();
const r = (x) => +x.toFixed(2);
emit({ ok: true, nodeBootMs: r(bootMs), importMs: r(importMs), listenMs: r(listenMs), ackMs: r(ackMs) });
process.exit(0);
