// franz-go (github.com/twmb/franz-go: kgo producer/consumer/groups + kadm admin), the newest
// flexible request versions (Produce 13 / Fetch 18 with topic ids, Metadata 13, JoinGroup 9...).
// Driver: compat/clients/drivers/franz-go/main.go, built by setup() with `go build` into
// compat/.cache/franz-go-driver (modules from the Go proxy; rebuilt only when a source is newer).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(here, 'drivers', 'franz-go');
const binary = (ctx) => path.join(ctx.cacheDir, 'franz-go-driver');

function run(cmd, args, opts) {
  return new Promise((resolve) => {
    let out = '';
    let child;
    try {
      child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ code: -1, out: e.message });
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', (e) => { clearTimeout(timer); resolve({ code: -1, out: out + e.message }); });
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code: code ?? -1, signal, out }); });
  });
}

/** go build the driver in dir into bin unless bin is newer than every source file. */
export async function goBuild(ctx, dir, bin, label) {
  const sources = fs.readdirSync(dir).filter((f) => /\.go$|^go\.(mod|sum)$/.test(f)).map((f) => path.join(dir, f));
  if (fs.existsSync(bin)) {
    const built = fs.statSync(bin).mtimeMs;
    if (sources.every((f) => fs.statSync(f).mtimeMs <= built)) return false;
  }
  const v = await run('go', ['version'], { timeoutMs: 30_000 });
  if (v.code !== 0) throw new Error(`${label}: the Go toolchain is needed (\`go version\` failed: ${v.out.trim() || 'go not found'}); install Go 1.26+`);
  ctx.log(`${label}: go build (${v.out.trim()}; modules from the Go proxy)...`);
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  const env = { ...process.env, GOFLAGS: `${process.env.GOFLAGS ?? ''} -mod=mod -buildvcs=false`.trim() };
  const tmp = `${bin}.tmp-${process.pid}`;
  const b = await run('go', ['build', '-o', tmp, '.'], { cwd: dir, env, timeoutMs: 600_000 });
  if (b.code !== 0) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`${label}: go build failed (exit ${b.code}${b.signal ? `, ${b.signal}` : ''}): ${b.out.trim().split('\n').slice(-8).join(' / ')}`);
  }
  fs.renameSync(tmp, bin);
  return true;
}

/** The version of module mod required in dir/go.mod ("1.22.2"), or null. */
export function goModVersion(dir, mod) {
  const text = fs.readFileSync(path.join(dir, 'go.mod'), 'utf8');
  const esc = mod.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.match(new RegExp(`^\\s*(?:require\\s+)?${esc}\\s+v(\\S+)`, 'm'))?.[1] ?? null;
}

export default {
  name: 'franz-go',
  async setup(ctx) {
    await goBuild(ctx, src, binary(ctx), 'franz-go');
  },
  async version() {
    const kgo = goModVersion(src, 'github.com/twmb/franz-go');
    const kadm = goModVersion(src, 'github.com/twmb/franz-go/pkg/kadm');
    return kadm ? `${kgo} (kadm ${kadm})` : kgo ?? 'unknown';
  },
  command(ctx, { bootstrap, prefix }) {
    return { cmd: binary(ctx), args: [bootstrap, prefix], env: {} };
  },
  timeoutMs: 600000,
};
