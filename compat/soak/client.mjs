// compat/run.mjs entry for the consumer-group soak (compat/soak/soak.mjs): 3 librdkafka members
// (confluent-kafka-python, Debian) and 2 kafkajs members in one eager group, plus a
// cooperative-sticky group of 3 librdkafka members, churning under CPU load (stress-ng), against
// each target. Scenarios soak-eager and soak-cooperative; the report and every member's log go to
// compat/.cache/soak/<prefix>/. In CI the churn lasts SOAK_DURATION seconds (default 40, about a
// minute per target with the drain); by hand: node compat/soak/soak.mjs --target rivulet|kafka
// --duration 600.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptEnsure } from '../clients/drivers/setup-util.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';

export default {
  name: 'consumer-group-soak',
  timeoutMs: 600_000,
  async setup(ctx) {
    await aptEnsure(['python3-confluent-kafka', 'stress-ng'], ctx.log);
    execFileSync(PYTHON, ['-c', 'import confluent_kafka'], { stdio: ['ignore', 'ignore', 'pipe'] });
    createRequire(path.join(ctx.root, 'package.json')).resolve('kafkajs');
  },
  async version(ctx) {
    const lib = execFileSync(PYTHON, ['-c', 'import confluent_kafka as c; print(c.version()[0], c.libversion()[0])'], { encoding: 'utf8' }).trim().split(' ');
    const require = createRequire(path.join(ctx.root, 'package.json'));
    const kjs = require('kafkajs/package.json').version;
    return `confluent-kafka-python ${lib[0]} (librdkafka ${lib[1]}) + kafkajs ${kjs}`;
  },
  command(ctx, { bootstrap, prefix }) {
    return {
      cmd: process.execPath,
      args: [path.join(here, 'soak.mjs'), bootstrap, prefix, '--duration', process.env.SOAK_DURATION ?? '40'],
      env: {},
    };
  },
};
