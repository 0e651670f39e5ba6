// The Apache Kafka Java client library (kafka-clients, same version as the tools): KafkaProducer,
// KafkaConsumer with group.protocol=classic and =consumer (KIP-848: kip848-* scenarios), assign()
// without a group, and Admin, driven by
// one small Java program (compat/clients/drivers/java-consumer/JavaClientDriver.java) compiled
// with javac against the jars compat/lib/kafka-libs.sh fetches. One JVM runs every scenario.
// Two targets share this module: the reference version (kafka-clients 4.4.0, the default export)
// and an older client (4.1.2, compat/clients/java-consumer-4.1.mjs), so the matrix shows both.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { javaDriverCommand } from './drivers/setup-util.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.join(here, 'drivers', 'java-consumer', 'JavaClientDriver.java');

function clientsVersion(dir) {
  const jar = fs.readdirSync(dir).find((f) => /^kafka-clients-\d.*\.jar$/.test(f));
  if (!jar) throw new Error(`no kafka-clients jar in ${dir}`);
  return jar.replace(/^kafka-clients-/, '').replace(/\.jar$/, '');
}

/**
 * A Java client target. `libs(ctx)` returns the directory of jars to compile and run against.
 * @param {{ name: string, libs: (ctx: object) => Promise<string> }} opts
 */
export function javaClient({ name, libs }) {
  let libsDir = null;
  let classesDir = null;
  return {
    name,
    timeoutMs: 300_000,
    async setup(ctx) {
      try {
        execFileSync('javac', ['-version'], { stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        throw new Error(`javac is not available (${e.message}); install a JDK 17+ (apt-get install -y openjdk-17-jdk-headless)`);
      }
      libsDir = await libs(ctx);
      const hash = crypto.createHash('sha256').update(fs.readFileSync(source)).update(clientsVersion(libsDir)).digest('hex').slice(0, 12);
      classesDir = path.join(ctx.cacheDir, 'java-consumer', hash);
      if (fs.existsSync(path.join(classesDir, 'JavaClientDriver.class'))) return;
      const tmp = `${classesDir}.tmp-${process.pid}`;
      fs.rmSync(tmp, { recursive: true, force: true });
      fs.mkdirSync(tmp, { recursive: true });
      ctx.log(`javac ${path.relative(ctx.root, source)}`);
      try {
        execFileSync('javac', ['-nowarn', '-d', tmp, '-cp', `${libsDir}/*`, source], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
      } catch (e) {
        fs.rmSync(tmp, { recursive: true, force: true });
        throw new Error(`javac failed: ${e.stderr?.toString().slice(0, 2000) || e.message}`);
      }
      fs.rmSync(classesDir, { recursive: true, force: true });
      fs.renameSync(tmp, classesDir);
    },
    async version() {
      return clientsVersion(libsDir);
    },
    command(ctx, { bootstrap, prefix }) {
      return javaDriverCommand({ classesDir, libsDir, mainClass: 'JavaClientDriver', xmx: '512m', args: [bootstrap, prefix] });
    },
  };
}

export default javaClient({ name: 'java-client', libs: (ctx) => ctx.kafkaLibs() });
