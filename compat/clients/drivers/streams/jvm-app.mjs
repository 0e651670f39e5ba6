// A compat client that is a small Java program over Maven Central jars (Kafka Streams, Kafka
// Connect): setup() fetches the jars its pom.xml lists into compat/.cache/<kind>-libs-<version>/
// (idempotent, a stamp file marks a complete fetch, a lock keeps two runners apart), then compiles
// the driver's *.java with javac; command() runs its main class with the bootstrap and prefix.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { javaDriverCommand, run, withLock } from '../setup-util.mjs';

export const KAFKA_VERSION = '4.4.0';

/**
 * @param {{ name: string, dir: string, mainClass: string, timeoutMs: number, xmx?: string }} opts
 *   dir: the driver directory (pom.xml and *.java)
 */
export function jvmApp({ name, dir, mainClass, timeoutMs, xmx = '384m' }) {
  let libsDir = null;
  let classesDir = null;
  const kind = path.basename(dir);
  return {
    name,
    timeoutMs,
    async setup(ctx) {
      try {
        execFileSync('javac', ['-version'], { stdio: ['ignore', 'pipe', 'pipe'] });
        execFileSync('mvn', ['-v'], { stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        throw new Error(`javac and mvn are needed (${e.message}); apt-get install -y openjdk-17-jdk-headless maven`);
      }
      libsDir = path.join(ctx.cacheDir, `${kind}-libs-${KAFKA_VERSION}`);
      const stamp = path.join(libsDir, '.fetched');
      if (!fs.existsSync(stamp)) {
        await withLock(`${libsDir}.lock`, async () => {
          if (fs.existsSync(stamp)) return;
          fs.rmSync(libsDir, { recursive: true, force: true });
          ctx.log(`mvn: fetching ${kind} ${KAFKA_VERSION} jars`);
          await run('mvn', ['-q', '-B', '-f', path.join(dir, 'pom.xml'), `-Dkafka.version=${KAFKA_VERSION}`, `-Dlibs.dir=${libsDir}`, 'package'], { timeoutMs: 600_000 });
          fs.writeFileSync(stamp, '');
        }, { log: ctx.log });
      }
      const sources = fs.readdirSync(dir).filter((f) => f.endsWith('.java')).sort().map((f) => path.join(dir, f));
      const hash = crypto.createHash('sha256');
      for (const s of sources) hash.update(fs.readFileSync(s));
      classesDir = path.join(ctx.cacheDir, kind, hash.update(KAFKA_VERSION).digest('hex').slice(0, 12));
      if (fs.existsSync(path.join(classesDir, `${mainClass}.class`))) return;
      const tmp = `${classesDir}.tmp-${process.pid}`;
      fs.rmSync(tmp, { recursive: true, force: true });
      fs.mkdirSync(tmp, { recursive: true });
      ctx.log(`javac ${path.relative(ctx.root, dir)}/*.java`);
      try {
        await run('javac', ['-nowarn', '-d', tmp, '-cp', `${libsDir}/*`, ...sources], { timeoutMs: 180_000 });
      } catch (e) {
        fs.rmSync(tmp, { recursive: true, force: true });
        throw new Error(`javac failed: ${e.message.slice(0, 2000)}`);
      }
      fs.rmSync(classesDir, { recursive: true, force: true });
      fs.renameSync(tmp, classesDir);
    },
    async version() {
      return KAFKA_VERSION;
    },
    command(ctx, { bootstrap, prefix }) {
      return javaDriverCommand({ classesDir, libsDir, mainClass, xmx, args: [bootstrap, prefix] });
    },
  };
}
