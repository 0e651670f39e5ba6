// kafkajs 2.2.4 (a devDependency, with the kafkajs-snappy codec, also a devDependency, and the
// kafkajs-lz4 codec, which setup() installs into compat/.cache because it compiles: see
// compat/lib/kafkajs-lz4.mjs; there is no zstd codec). The driver is compat/clients/drivers/kafkajs.mjs.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureKafkajsLz4 } from '../lib/kafkajs-lz4.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

function pkgVersion(root, name) {
  const require = createRequire(path.join(root, 'package.json'));
  let dir = path.dirname(require.resolve(name));
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
}

export default {
  name: 'kafkajs',
  timeoutMs: 300_000,
  async setup(ctx) {
    for (const name of ['kafkajs', 'kafkajs-snappy']) {
      try {
        pkgVersion(ctx.root, name);
      } catch {
        throw new Error(`${name} is not installed in node_modules: run npm ci (it is a devDependency)`);
      }
    }
    await ensureKafkajsLz4(ctx.log);
  },
  async version(ctx) {
    return pkgVersion(ctx.root, 'kafkajs');
  },
  command(ctx, { bootstrap, prefix }) {
    return { cmd: process.execPath, args: [path.join(here, 'drivers', 'kafkajs.mjs'), bootstrap, prefix], env: {} };
  },
};
