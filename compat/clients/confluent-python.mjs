// confluent-kafka-python 1.7.0 (Debian python3-confluent-kafka on librdkafka 2.0.2, run with
// /usr/bin/python3). Driver: compat/clients/drivers/confluent_python.py.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptEnsure } from './drivers/setup-util.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';

export default {
  name: 'confluent-kafka-python',
  async setup(ctx) {
    await aptEnsure(['python3-confluent-kafka'], ctx.log);
    execFileSync(PYTHON, ['-c', 'import confluent_kafka'], { stdio: ['ignore', 'ignore', 'pipe'] });
  },
  async version() {
    const out = execFileSync(PYTHON, ['-c', 'import confluent_kafka as c; print(c.version()[0], c.libversion()[0])'], { encoding: 'utf8' }).trim();
    const [v, lib] = out.split(' ');
    return `${v} (librdkafka ${lib})`;
  },
  command(ctx, { bootstrap, prefix }) {
    return {
      cmd: PYTHON,
      args: [path.join(here, 'drivers', 'confluent_python.py'), bootstrap, prefix],
      env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
    };
  },
  timeoutMs: 300000,
};
