// The Apache Kafka command-line tools (kafka-topics, kafka-console-producer/consumer,
// kafka-consumer-groups, kafka-configs, kafka-get-offsets, kafka-delete-records and the perf
// tests), run as `java -cp "<kafka-libs>/*" <MainClass>` from the jars compat/lib/kafka-libs.sh
// fetches from Maven Central. The driver is compat/clients/drivers/java-tools.mjs.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
let libsDir = null;
let javaKey = 'jdk';

function versionOf(dir) {
  const jar = fs.readdirSync(dir).find((f) => /^kafka-tools-\d.*\.jar$/.test(f) && !f.includes('-api-'));
  if (!jar) throw new Error(`no kafka-tools jar in ${dir}`);
  return jar.replace(/^kafka-tools-/, '').replace(/\.jar$/, '');
}

export default {
  name: 'java-tools',
  timeoutMs: 420_000,
  async setup(ctx) {
    const v = spawnSync('java', ['-version'], { encoding: 'utf8' });
    if (v.error || v.status !== 0) {
      throw new Error(`java is not installed or does not run (${v.error?.message ?? v.stderr}); install a JDK 17+ (apt-get install -y openjdk-17-jdk-headless)`);
    }
    // class-data-sharing archives are only valid for the JVM build that wrote them
    javaKey = crypto.createHash('sha256').update(`${v.stderr}${v.stdout}`).digest('hex').slice(0, 8);
    libsDir = await ctx.kafkaLibs();
    versionOf(libsDir);
  },
  async version(ctx) {
    return versionOf(libsDir ?? path.join(ctx.cacheDir, 'kafka-libs'));
  },
  command(ctx, { bootstrap, prefix }) {
    const libs = libsDir ?? path.join(ctx.cacheDir, 'kafka-libs');
    return {
      cmd: process.execPath,
      args: [path.join(here, 'drivers', 'java-tools.mjs'), bootstrap, prefix],
      env: { KAFKA_LIBS: libs, KAFKA_TOOLS_VERSION: versionOf(libs), COMPAT_CACHE: ctx.cacheDir, JAVA_CDS_KEY: javaKey },
    };
  },
};
