// The older Java client target: the same driver (compat/clients/drivers/java-consumer/) compiled
// and run against kafka-clients 4.1.2 alone (fetched with `compat/lib/kafka-libs.sh --clients`), so
// the matrix shows a client one reference version behind next to the 4.4.0 one.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { javaClient } from './java-consumer.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const OLD_CLIENT_VERSION = '4.1.2';

async function oldClientLibs() {
  const { stdout } = await promisify(execFile)('bash', [path.join(here, '..', 'lib', 'kafka-libs.sh'), '--clients', OLD_CLIENT_VERSION],
    { encoding: 'utf8', timeout: 300_000 });
  return stdout.trim().split('\n').pop();
}

export default javaClient({ name: `java-client-${OLD_CLIENT_VERSION.split('.').slice(0, 2).join('.')}`, libs: oldClientLibs });
