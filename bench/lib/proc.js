// Run a command, capture its output, bound its time. Records the exact command line.
import { spawn } from 'node:child_process';

export function shq(s) {
  s = String(s);
  return /^[A-Za-z0-9_./:=,@+%-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(cmd, args) {
  return [cmd, ...args].map(shq).join(' ');
}

/**
 * @returns {Promise<{code:number|null, signal:string|null, stdout:string, stderr:string, ms:number, timedOut:boolean, command:string}>}
 */
export function run(cmd, args, { timeoutMs = 600000, env, cwd, onLine } = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env, cwd, detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const cap = (s, d) => { s += d; return s.length > 4e6 ? s.slice(-2e6) : s; };
    child.stdout.on('data', (d) => {
      stdout = cap(stdout, d.toString());
      if (onLine) for (const l of d.toString().split('\n')) if (l.trim()) onLine(l);
    });
    child.stderr.on('data', (d) => { stderr = cap(stderr, d.toString()); });
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }, timeoutMs);
    const kill = () => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } };
    process.once('exit', kill);
    child.on('error', (e) => { stderr += String(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      process.off('exit', kill);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0, timedOut, command: commandLine(cmd, args) });
    });
  });
}
