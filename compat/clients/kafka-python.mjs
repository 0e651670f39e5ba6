// kafka-python 2.0.2 (Debian python3-kafka, run with /usr/bin/python3), with python3-snappy,
// python3-lz4 and python3-zstandard for the codecs. Driver: compat/clients/drivers/kafka_python.py.
// KAFKA_PYTHON_API_VERSION=x.y.z in the environment pins api_version (default: auto-detected).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptEnsure } from './drivers/setup-util.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';

export default {
  name: 'kafka-python',
  async setup(ctx) {
    await aptEnsure(['python3-kafka', 'python3-snappy', 'python3-lz4', 'python3-zstandard'], ctx.log);
    execFileSync(PYTHON, ['-c', 'import kafka, snappy, lz4.frame, zstandard'], { stdio: ['ignore', 'ignore', 'pipe'] });
  },
  async version() {
    return execFileSync(PYTHON, ['-c', 'import kafka; print(kafka.__version__)'], { encoding: 'utf8' }).trim();
  },
  command(ctx, { bootstrap, prefix }) {
    return {
      cmd: PYTHON,
      args: [path.join(here, 'drivers', 'kafka_python.py'), bootstrap, prefix],
      env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
    };
  },
  timeoutMs: 300000,
};
