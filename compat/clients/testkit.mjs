// The test kit over HTTP, from Java (JUnit 5 + kafka-clients 4.4.0), Python (pytest +
// confluent-kafka) and Go (go test + franz-go): the README's examples in compat/testkit/, each
// starting its own Rivulet CLI with --admin-port 0 and injecting faults. Rivulet only: against
// Kafka every scenario is n/a (Kafka has no admin port). Driver: compat/testkit/run.mjs.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './drivers/setup-util.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const driver = path.join(here, '..', 'testkit', 'run.mjs');

export default {
  name: 'testkit-http',
  async setup(ctx) {
    const { stderr } = await run(process.execPath, [driver, '--setup'], { timeoutMs: 1_200_000 });
    for (const line of stderr.trim().split('\n').filter(Boolean)) ctx.log(line);
  },
  async version() {
    return 'JUnit 5 + kafka-clients 4.4.0, pytest + confluent-kafka, go test + franz-go';
  },
  command() {
    return { cmd: process.execPath, args: [driver, '--json', '--no-setup'], env: {} };
  },
  timeoutMs: 600_000,
};
