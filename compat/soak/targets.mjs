// The soak's own broker (for a run by hand, `--target rivulet|kafka`) and its CPU load.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

/** Rivulet from dist/bundle/cli.mjs (fresh data dir), or Kafka from compat/lib/kafka-broker.mjs. */
export async function startTarget(target, outDir) {
  if (target === 'kafka') {
    const { startKafka } = await import('../lib/kafka-broker.mjs');
    const k = await startKafka();
    return { bootstrap: k.bootstrap, version: k.version, stop: () => k.stop() };
  }
  const cli = path.join(root, 'dist', 'bundle', 'cli.mjs');
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run npm run build`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-soak-'));
  const log = fs.openSync(path.join(outDir, 'rivulet.log'), 'a');
  const child = spawn(process.execPath, [cli, '--port', '0', '--data-dir', dataDir, '--log-level', process.env.SOAK_LOG_LEVEL ?? 'info'], { stdio: ['ignore', 'pipe', log] });
  fs.closeSync(log);
  const cleanup = () => { try { child.kill('SIGKILL'); } catch { /* gone */ } fs.rmSync(dataDir, { recursive: true, force: true }); };
  process.on('exit', cleanup);
  const bootstrap = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const m = /Bootstrap: (\S+)/.exec(buf);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`rivulet exited during start (${code}); see ${outDir}/rivulet.log`)));
  });
  child.stdout.resume();
  return {
    bootstrap,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
      }
      cleanup();
      process.off('exit', cleanup);
    },
  };
}

/**
 * A competing process that saturates every core for at most `seconds`: stress-ng (Debian) when
 * installed, else one busy Node loop per core. Bounded by its own timeout and stopped by stop().
 */
export function startStress(seconds) {
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const haveStressNg = spawnSync('stress-ng', ['--version'], { stdio: 'ignore' }).status === 0;
  const children = haveStressNg
    ? [spawn('stress-ng', ['--cpu', String(cores), '--timeout', `${Math.ceil(seconds)}s`, '--quiet'], { stdio: 'ignore' })]
    : Array.from({ length: cores }, () => spawn(process.execPath, ['-e', `const end = Date.now() + ${Math.ceil(seconds * 1000)}; while (Date.now() < end) {}`], { stdio: 'ignore' }));
  const kill = () => { for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM'); };
  process.on('exit', kill);
  return { what: haveStressNg ? `stress-ng --cpu ${cores} for ${Math.ceil(seconds)} s` : `${cores} busy loops for ${Math.ceil(seconds)} s`, stop() { kill(); process.off('exit', kill); } };
}
