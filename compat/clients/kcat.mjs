// kcat 1.7.1 (Debian package `kcat`, linked with Debian's librdkafka 2.0.2): produce with each codec,
// consume, balanced consumer groups (-G), metadata (-L) and offsets by timestamp (-Q).
// Driver: compat/clients/drivers/kcat.mjs (topics are created with kafkajs, kcat has no admin API).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptEnsure } from './drivers/setup-util.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

export default {
  name: 'kcat',
  async setup(ctx) {
    await aptEnsure(['kcat'], ctx.log);
  },
  async version() {
    // "Version 1.7.1 (JSON, ..., librdkafka 2.0.2 builtin.features=...)"
    const out = execFileSync('kcat', ['-V'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const m = out.match(/Version (\S+) .*librdkafka (\S+)/);
    return m ? `${m[1]} (librdkafka ${m[2]})` : out.split('\n')[0].trim();
  },
  command(ctx, { bootstrap, prefix }) {
    return { cmd: process.execPath, args: [path.join(here, 'drivers', 'kcat.mjs'), bootstrap, prefix], env: {} };
  },
  timeoutMs: 300000,
};
