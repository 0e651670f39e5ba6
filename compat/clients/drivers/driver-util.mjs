// Helpers for the Node compat drivers: one JSON result line per scenario on stdout, checks that
// carry expected/got, child processes with line capture. Everything else goes to stderr.
import { spawn } from 'node:child_process';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const log = (tag, ...a) => console.error(`[${tag}]`, ...a);

/** A failed check: carries what was expected and what came back. */
export class CheckError extends Error {
  constructor(message, expected, got) {
    super(message);
    this.expected = expected;
    this.got = got;
  }
}

export function check(cond, message, expected, got) {
  if (!cond) throw new CheckError(message, expected, got);
}

/** Deep equality through JSON of key-sorted values. */
export function same(a, b) {
  return stable(a) === stable(b);
}
export function stable(v) {
  return JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x));
}
export function checkSame(expected, got, message) {
  if (!same(expected, got)) throw new CheckError(message, expected, got);
}

/** Skip marker: `throw skip('why')` or `return skip('why')` inside a scenario. */
export function skip(message) {
  const e = new Error(message);
  e.skip = true;
  return e;
}

/**
 * Whether a scenario should run: COMPAT_SCENARIO (set by compat/run.mjs --scenario) or the driver's
 * optional extra argument is a comma list of names, a trailing * matching a prefix. Unset: all.
 */
export function wanted(name, list = process.env.COMPAT_SCENARIO) {
  if (!list) return true;
  return list.split(',').map((s) => s.trim()).filter(Boolean)
    .some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
}

/**
 * Run one scenario: fn() returns { observed?, message? } or undefined; throws CheckError (fail),
 * skip() (skip) or anything else (fail with the error message). Prints the result line.
 */
export async function scenario(name, fn, { timeoutMs = 120_000 } = {}) {
  if (!wanted(name)) return null;
  const t0 = Date.now();
  let res;
  let timer;
  try {
    const r = await Promise.race([
      fn(),
      new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`scenario timed out after ${timeoutMs} ms`)), timeoutMs); }),
    ]);
    if (r && r.skip) res = { scenario: name, status: 'skip', message: r.message };
    else res = { scenario: name, status: 'pass', ...(r?.message ? { message: r.message } : {}), ...(r?.observed !== undefined ? { observed: r.observed } : {}) };
  } catch (e) {
    if (e?.skip) res = { scenario: name, status: 'skip', message: e.message };
    else {
      res = { scenario: name, status: 'fail', message: e?.message ?? String(e) };
      if (e instanceof CheckError) { res.expected = e.expected; res.got = e.got; }
      if (e?.observed !== undefined) res.observed = e.observed;
    }
  } finally {
    clearTimeout(timer);
  }
  console.error(`[scenario] ${name}: ${res.status} (${Date.now() - t0} ms)${res.status !== 'pass' ? ` ${res.message}` : ''}`);
  process.stdout.write(JSON.stringify(res) + '\n');
  return res;
}

/** Run a command to completion; resolves { code, signal, stdout, stderr } (never rejects on exit code). */
export function exec(cmd, args, { input, timeoutMs = 60_000, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: env ? { ...process.env, ...env } : process.env });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr, timedOut }); });
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

/**
 * A long-running child with its stdout split in lines and stderr kept. stop() sends SIGTERM (then
 * SIGKILL after graceMs) and resolves when it exited.
 */
export function startProcess(cmd, args, { env } = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ? { ...process.env, ...env } : process.env });
  const p = { child, lines: [], stderr: '', exited: false, code: null };
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) { p.lines.push(buf.slice(0, i)); buf = buf.slice(i + 1); }
  });
  child.stderr.on('data', (d) => { p.stderr += d; });
  p.done = new Promise((resolve) => child.on('close', (code, sig) => { p.exited = true; p.code = code ?? sig; resolve(p.code); }));
  p.stop = async (graceMs = 10_000) => {
    if (p.exited) return p.code;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await p.done;
    clearTimeout(t);
    return p.code;
  };
  return p;
}

/** Poll cond() every stepMs until it is true or timeoutMs passed; returns the last value. */
export async function waitFor(cond, timeoutMs, stepMs = 100) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v || Date.now() > until) return v;
    await sleep(stepMs);
  }
}

/** Kill still-running children when the driver exits. */
const live = new Set();
export function track(p) {
  live.add(p);
  p.done.then(() => live.delete(p));
  return p;
}
process.on('exit', () => { for (const p of live) try { p.child.kill('SIGKILL'); } catch { /* gone */ } });
