// The failover drivers (compat/failover/drivers/): how each is set up (javac, go build, the
// confluent-kafka-javascript install the compat suite uses) and started. The protocol they speak is
// described at the top of check.mjs.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { javaDriverCommand } from '../clients/drivers/setup-util.mjs';
import confluentJs from '../clients/confluent-js.mjs';
import { goBuild, goModVersion } from '../clients/franz-go.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const drivers = path.join(here, 'drivers');

/** The Java client (kafka-clients from ctx.kafkaLibs), FailoverDriver.java compiled with javac. */
export function javaClient() {
  const source = path.join(drivers, 'java', 'FailoverDriver.java');
  let libsDir = null;
  let classesDir = null;
  const client = {
    name: 'java',
    modes: ['failover', 'eos'],
    async setup(ctx) {
      libsDir = ctx.kafkaLibs;
      const jar = fs.readdirSync(libsDir).find((f) => /^kafka-clients-\d.*\.jar$/.test(f));
      client.version = `kafka-clients ${jar.replace(/^kafka-clients-/, '').replace(/\.jar$/, '')}`;
      const hash = crypto.createHash('sha256').update(fs.readFileSync(source)).update(jar).digest('hex').slice(0, 12);
      classesDir = path.join(ctx.cacheDir, 'failover-java', hash);
      if (fs.existsSync(path.join(classesDir, 'FailoverDriver.class'))) return;
      const tmp = `${classesDir}.tmp-${process.pid}`;
      fs.rmSync(tmp, { recursive: true, force: true });
      fs.mkdirSync(tmp, { recursive: true });
      try {
        execFileSync('javac', ['-nowarn', '-d', tmp, '-cp', `${libsDir}/*`, source], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
      } catch (e) {
        fs.rmSync(tmp, { recursive: true, force: true });
        throw new Error(`javac failed: ${e.stderr?.toString().slice(0, 2000) || e.message}`);
      }
      fs.rmSync(classesDir, { recursive: true, force: true });
      fs.renameSync(tmp, classesDir);
    },
    command(mode, args) {
      return javaDriverCommand({ classesDir, libsDir, mainClass: 'FailoverDriver', xmx: '256m', args: [mode, ...args] });
    },
  };
  return client;
}

export function kafkajsClient() {
  return {
    name: 'kafkajs',
    modes: ['failover', 'eos'],
    async setup() {
      const pkg = JSON.parse(fs.readFileSync(path.join(here, '../../node_modules/kafkajs/package.json'), 'utf8'));
      this.version = `kafkajs ${pkg.version}`;
    },
    command(mode, args) {
      return { cmd: process.execPath, args: [path.join(drivers, 'kafkajs.mjs'), mode, ...args], env: {} };
    },
  };
}

/** @confluentinc/kafka-javascript (librdkafka), installed as compat/clients/confluent-js.mjs does. */
export function confluentJsClient() {
  let dir = null;
  return {
    name: 'confluent-js',
    modes: ['failover'],
    async setup(ctx) {
      await confluentJs.setup(ctx);
      dir = path.join(ctx.cacheDir, 'confluent-js');
      this.version = `@confluentinc/kafka-javascript ${await confluentJs.version(ctx)}`;
    },
    command(mode, args) {
      return { cmd: process.execPath, args: [path.join(drivers, 'confluent-js.mjs'), mode, ...args], env: { CONFLUENT_JS_DIR: dir } };
    },
  };
}

/** franz-go (kgo), drivers/franz/main.go built with go build. */
export function franzClient() {
  const src = path.join(drivers, 'franz');
  let bin = null;
  return {
    name: 'franz-go',
    modes: ['failover'],
    async setup(ctx) {
      bin = path.join(ctx.cacheDir, 'failover-franz');
      await goBuild(ctx, src, bin, 'failover franz-go');
      this.version = `franz-go ${goModVersion(src, 'github.com/twmb/franz-go')}`;
    },
    command(mode, args) {
      return { cmd: bin, args: [mode, ...args], env: {} };
    },
  };
}
