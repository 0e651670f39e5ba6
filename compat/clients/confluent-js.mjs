// @confluentinc/kafka-javascript (its KafkaJS-compatible API), installed into
// compat/.cache/confluent-js/ from compat/clients/drivers/confluent-js/package.json.
//
// Why it builds from source: the package's install step downloads a prebuilt binary from GitHub
// (unreachable here) and otherwise compiles. Debian's librdkafka 2.0.2 is too old to link against
// (BUILD_LIBRDKAFKA=0 fails: the binding uses rd_kafka_Uuid_t, DescribeTopics, ListOffsets and
// consumer group types from librdkafka >= 2.3; the package pins librdkafka 2.15.1). The npm tarball
// ships librdkafka's sources (deps/librdkafka), so with CKJS_LINKING=dynamic it builds that as a
// shared library against Debian's OpenSSL, zlib, zstd and lz4 (no downloads). One-time cost:
// ~3 CPU-minutes; afterwards setup() only checks that the addon loads.
// Driver: compat/clients/drivers/confluent_js.mjs.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptEnsure, run, withLock } from './drivers/setup-util.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PKG = path.join(here, 'drivers', 'confluent-js', 'package.json');
const dirOf = (ctx) => path.join(ctx.cacheDir, 'confluent-js');
const MODULE = '@confluentinc/kafka-javascript';

/** Loads the addon in a child process; returns "<version> <librdkafka version> <features>" or throws. */
function probe(dir) {
  const code = `const k=require(${JSON.stringify(MODULE)});const p=require(${JSON.stringify(MODULE + '/package.json')});` +
    'console.log(p.version, k.librdkafkaVersion, k.features.join(","))';
  return execFileSync(process.execPath, ['-e', code], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30000 }).trim();
}

function installed(dir) {
  try {
    const want = JSON.parse(fs.readFileSync(PKG, 'utf8')).dependencies[MODULE];
    const have = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', MODULE, 'package.json'), 'utf8')).version;
    if (have !== want) return false;
    return probe(dir).includes('zstd');
  } catch { return false; }
}

export default {
  name: 'confluent-kafka-javascript',
  async setup(ctx) {
    const dir = dirOf(ctx);
    if (installed(dir)) return;
    fs.mkdirSync(ctx.cacheDir, { recursive: true });
    await withLock(`${dir}.lock`, () => install(ctx, dir), { log: ctx.log });
  },
  async version(ctx) {
    const [v, lib] = probe(dirOf(ctx)).split(' ');
    return `${v} (librdkafka ${lib})`;
  },
  command(ctx, { bootstrap, prefix }) {
    return {
      cmd: process.execPath,
      args: [path.join(here, 'drivers', 'confluent_js.mjs'), bootstrap, prefix],
      env: { CONFLUENT_JS_DIR: dirOf(ctx) },
    };
  },
  timeoutMs: 300000,
};

async function install(ctx, dir) {
  if (installed(dir)) return; // another process built it while we waited for the lock
  // compilers + the libraries librdkafka links against (zstd for the zstd codec)
  await aptEnsure(['build-essential', 'python3', 'libssl-dev', 'zlib1g-dev', 'libzstd-dev', 'liblz4-dev'], ctx.log);
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(PKG, path.join(dir, 'package.json'));
  fs.rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });
  const env = {
    ...process.env,
    CKJS_LINKING: 'dynamic', // build the bundled librdkafka as a shared lib against system deps, no downloads
    npm_config_build_from_source: 'true', // skip node-pre-gyp's download of a prebuilt binary from GitHub
    npm_config_update_notifier: 'false',
  };
  if (fs.existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr'; // node-gyp: no header download
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  ctx.log(`npm install ${MODULE} in ${dir} (builds librdkafka from the package's sources, a few minutes)`);
  const t0 = Date.now();
  const logFile = path.join(dir, 'install.log');
  try {
    const r = await run(npm, ['install', '--no-audit', '--no-fund', '--foreground-scripts', '--no-package-lock'], { cwd: dir, env, timeoutMs: 1_200_000 });
    fs.writeFileSync(logFile, r.stdout + r.stderr);
  } catch (e) {
    fs.writeFileSync(logFile, (e.stdout ?? '') + (e.stderr ?? '') || e.message);
    throw new Error(`confluent-js: npm install failed (full log ${logFile}): ${e.message.slice(-2000)}`);
  }
  let info;
  try { info = probe(dir); } catch (e) { throw new Error(`confluent-js: installed but the addon does not load: ${e.stderr || e.message}`); }
  if (!info.includes('zstd')) throw new Error(`confluent-js: librdkafka was built without zstd (${info}); is libzstd-dev installed?`);
  ctx.log(`confluent-js: built in ${Math.round((Date.now() - t0) / 1000)} s: ${info}`);
}
