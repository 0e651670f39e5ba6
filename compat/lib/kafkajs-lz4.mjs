// kafkajs-lz4, the LZ4 codec kafkajs users install, for the compat drivers and the benchmark, which
// run kafkajs "as its users run it". It is not a devDependency: its `lz4` dependency compiles with
// node-gyp, and `npm install` in a checkout must need no compiler (Rivulet's own tests use the
// lz4-napi codec in test/helpers/kafkajs-lz4.ts). ensureKafkajsLz4() installs it into
// compat/.cache/kafkajs-lz4 (git-ignored) in the compat and bench setup steps; CI has the C/C++
// toolchain it needs (.ci/run checks for it). Plain ESM, like the rest of compat/.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, withLock } from '../clients/drivers/setup-util.mjs';

export const KAFKAJS_LZ4_VERSION = '1.2.1';
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '.cache', 'kafkajs-lz4');

/** The installed version, or null when it is missing or its native lz4 does not load. */
function installedVersion() {
  try {
    const require = createRequire(path.join(dir, 'package.json'));
    require('kafkajs-lz4'); // loads lz4's compiled addon
    return require('kafkajs-lz4/package.json').version;
  } catch {
    return null;
  }
}

/** Installs kafkajs-lz4 (idempotent, safe to call from concurrent processes); returns its version. */
export async function ensureKafkajsLz4(log = () => {}) {
  if (installedVersion() === KAFKAJS_LZ4_VERSION) return KAFKAJS_LZ4_VERSION;
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  await withLock(`${dir}.lock`, async () => {
    if (installedVersion() === KAFKAJS_LZ4_VERSION) return;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    // allowScripts: npm 11 may skip an unapproved dependency's install script (lz4's node-gyp build)
    const manifest = { name: 'rivulet-compat-kafkajs-lz4', private: true, allowScripts: { lz4: true } };
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
    const env = { ...process.env, npm_config_update_notifier: 'false' };
    if (fs.existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr'; // node-gyp: no header download
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    log(`npm install kafkajs-lz4@${KAFKAJS_LZ4_VERSION} in ${dir} (node-gyp builds its lz4)`);
    try {
      await run(npm, ['install', '--no-audit', '--no-fund', '--no-package-lock', '--no-save', `kafkajs-lz4@${KAFKAJS_LZ4_VERSION}`], { cwd: dir, env, timeoutMs: 600_000 });
    } catch (e) {
      throw new Error(`kafkajs-lz4: npm install failed (it needs a C/C++ toolchain and Python for node-gyp): ${e.message.slice(-2000)}`);
    }
  }, { log });
  const version = installedVersion();
  if (version !== KAFKAJS_LZ4_VERSION) throw new Error(`kafkajs-lz4: installed in ${dir} but it does not load (lz4's addon missing?)`);
  return version;
}

/** The kafkajs-lz4 module (its LZ4Codec class); throws how to install it when it is missing. */
export function loadKafkajsLz4() {
  try {
    return createRequire(path.join(dir, 'package.json'))('kafkajs-lz4');
  } catch (e) {
    throw new Error(`kafkajs-lz4 is not installed in ${dir}: run the compat or bench setup (npm run compat; node bench/run.js), ` +
      `or node compat/lib/kafkajs-lz4.mjs (${e.message})`);
  }
}

// `node compat/lib/kafkajs-lz4.mjs` installs it and prints the version.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureKafkajsLz4((m) => console.error(m)).then((v) => console.log(`kafkajs-lz4 ${v} in ${dir}`), (e) => { console.error(e.message); process.exit(1); });
}
