// The core scenario of compat/security, the same for every client: produce three records (v1 v2
// v3, partition 0, acks=all), read them from the beginning, consume them in a group and commit,
// then read the committed offset back; over each security mode. Also the client runner the ACL
// scenario (acl.mjs) uses. Drivers:
//   java             compat/security/java/SecCore.java (kafka-clients of the Kafka under test)
//   confluent-python compat/security/confluent_python_sec.py (/usr/bin/python3, Debian 1.7.0 on librdkafka 2.0.2)
//   franz-go, sarama compat/security/go (one binary, built into compat/.cache/security-secdriver)
//   kafkajs          in this process (kafkajs consumers always have a group: "read" uses GROUP-read
//                    without committing)
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { goBuild } from '../clients/franz-go.mjs';
import { kafkaLibsDir } from '../lib/kafka-broker.mjs';

const { Kafka, logLevel } = kafkajs;
const here = path.dirname(fileURLToPath(import.meta.url));
const cacheDir = path.resolve(here, '../.cache');
const VALUES = ['v1', 'v2', 'v3'];
const DEADLINE_MS = 25_000;

export const CLIENTS = ['java', 'confluent-python', 'franz-go', 'sarama', 'kafkajs'];
export const MODES = ['scram-sha-512', 'plain', 'ssl', 'oauth'];

function run(cmd, args, { timeoutMs = 180_000, env } = {}) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.stdout.on('data', (c) => (out += c));
    p.stderr.on('data', (c) => (err += c));
    p.on('error', (e) => (err += e.message));
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err });
    });
  });
}

/** Kafka's OAuthBearerUnsecuredLoginCallbackHandler's token: alg none, no signature. */
export function unsecuredJwt(sub, scope) {
  const enc = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${enc({ alg: 'none' })}.${enc({ sub, iat: now, exp: now + 3600, scope })}.`;
}

const withDeadline = (promise, what) => {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} in ${DEADLINE_MS / 1000} s`)), DEADLINE_MS); })]).finally(() => clearTimeout(timer));
};

async function kafkajsSteps(certs, o) {
  const cfg = { brokers: [o.bootstrap], clientId: 'secdriver-kafkajs', logLevel: logLevel.NOTHING, connectionTimeout: 10_000, requestTimeout: 25_000, retry: { retries: 2, restartOnFailure: async () => false } };
  if (o.mode !== 'oauth') cfg.ssl = { ca: fs.readFileSync(certs.caCert, 'utf8'), ...(o.mode === 'ssl' ? { cert: fs.readFileSync(certs.clientCert, 'utf8'), key: fs.readFileSync(certs.clientKey, 'utf8') } : {}) };
  if (o.mode === 'oauth') cfg.sasl = { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: unsecuredJwt(o.user, o.scope) }) };
  else if (o.mode !== 'ssl') cfg.sasl = { mechanism: o.mode, username: o.user, password: o.password };
  const kafka = new Kafka(cfg);
  const consume = async (groupId, commit) => {
    const consumer = kafka.consumer({ groupId, retry: cfg.retry, sessionTimeout: 10_000, rebalanceTimeout: 10_000 });
    const got = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [o.topic], fromBeginning: true });
      await withDeadline(new Promise((resolve, reject) => {
        consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
        consumer.run({ autoCommit: false, eachMessage: async ({ message }) => { got.push(message.value.toString()); if (got.length === VALUES.length) resolve(); } }).catch(reject);
      }), `${got.length} of ${VALUES.length} records`);
      if (commit) await consumer.commitOffsets([{ topic: o.topic, partition: 0, offset: String(VALUES.length) }]);
    } finally {
      await consumer.disconnect().catch(() => {});
    }
    return got;
  };
  const steps = {
    async produce() {
      const producer = kafka.producer({ retry: cfg.retry });
      try {
        await producer.connect();
        await producer.send({ topic: o.topic, acks: -1, messages: VALUES.map((value) => ({ partition: 0, value })) });
      } finally {
        await producer.disconnect().catch(() => {});
      }
      return `produced ${VALUES.length} records`;
    },
    async read() {
      return `read from beginning [${(await consume(`${o.group}-read`, false)).join(' ')}]`;
    },
    async group() {
      const got = await consume(o.group, true);
      const admin = kafka.admin({ retry: cfg.retry });
      try {
        await admin.connect();
        const [t] = await admin.fetchOffsets({ groupId: o.group, topics: [o.topic] });
        const p = t?.partitions.find((x) => x.partition === 0);
        return `group consumed [${got.join(' ')}], committed offset ${p ? p.offset : -1}`;
      } finally {
        await admin.disconnect().catch(() => {});
      }
    },
  };
  const lines = [];
  for (const step of o.steps.split(',')) {
    try {
      lines.push(await steps[step]());
    } catch (e) {
      lines.push(`${step} failed: ${e.name} ${e.type ?? ''} ${e.message}`.replace(/\s+/g, ' '));
    }
  }
  return lines;
}

/** Builds what the drivers need (go build, javac) and returns runClient(client, options) → lines. */
export async function prepareClients({ certs, dir, log = (m) => console.error(m) }) {
  const goBin = path.join(cacheDir, 'security-secdriver');
  await goBuild({ log }, path.join(here, 'go'), goBin, 'security secdriver');
  const classes = path.join(dir, 'classes');
  fs.mkdirSync(classes, { recursive: true });
  execFileSync('javac', ['-cp', `${kafkaLibsDir()}/*`, '-d', classes, path.join(here, 'java', 'SecCore.java')], { stdio: ['ignore', 'pipe', 'pipe'] });
  return async function runClient(client, opts) {
    const o = { group: `${opts.topic}-g`, steps: 'produce,read,group', user: 'alice', password: 'alice-secret', scope: 'kafka', ...opts };
    if (client === 'kafkajs') return kafkajsSteps(certs, o);
    let r;
    if (client === 'java') {
      r = await run('java', ['-cp', `${classes}:${kafkaLibsDir()}/*`, 'SecCore', o.bootstrap, o.mode, o.topic, o.group, o.steps, certs.caCert, certs.clientP12, o.user, o.password, o.scope]);
    } else if (client === 'confluent-python') {
      r = await run('/usr/bin/python3', [path.join(here, 'confluent_python_sec.py'), '--bootstrap', o.bootstrap, '--mode', o.mode, '--topic', o.topic, '--group', o.group, '--steps', o.steps, '--ca', certs.caCert,
        ...(o.mode === 'ssl' ? ['--cert', certs.clientCert, '--key', certs.clientKey] : []), '--user', o.user, '--password', o.password, '--scope', o.scope], { env: { PYTHONDONTWRITEBYTECODE: '1' } });
    } else {
      r = await run(goBin, ['-client', client, '-bootstrap', o.bootstrap, '-mode', o.mode, '-topic', o.topic, '-group', o.group, '-steps', o.steps, '-ca', certs.caCert,
        ...(o.mode === 'ssl' ? ['-cert', certs.clientCert, '-key', certs.clientKey] : []), '-user', o.user, '-password', o.password, '-scope', o.scope]);
    }
    // Only the step lines: the Java client's log4j writes its ERROR lines to stdout too.
    const lines = r.out.split('\n').filter((l) => /^(produced|read from|group consumed|(produce|read|group) failed)/.test(l));
    if (r.code !== 0) lines.push(`exited ${r.code ?? r.signal}: ${r.err.trim().split('\n').filter((l) => /Exception|Error|error/.test(l))[0] ?? r.err.trim().split('\n').at(-1)}`);
    return lines;
  };
}

/** Kafka's kafka-configs (ConfigCommand) or kafka-acls (AclCommand) of the Kafka under test; its output lines. */
export async function kafkaTool(main, args) {
  const r = await run('java', ['-cp', `${kafkaLibsDir()}/*`, `org.apache.kafka.tools.${main}`, ...args]);
  const lines = [...r.out.trim().split('\n'), ...r.err.trim().split('\n').filter((l) => /Error|Exception/.test(l))].filter(Boolean);
  if (r.code !== 0) lines.push(`exit ${r.code ?? r.signal}`);
  return lines;
}

/** kafka-configs --alter --add-config 'SCRAM-SHA-512=[...]' --entity-type users --entity-name USER over PLAINTEXT. */
export async function createScramUser(plainBootstrap, user, password, mechanism = 'SCRAM-SHA-512') {
  const out = await kafkaTool('ConfigCommand', ['--bootstrap-server', plainBootstrap, '--alter', '--add-config', `${mechanism}=[iterations=8192,password=${password}]`, '--entity-type', 'users', '--entity-name', user]);
  return out.map((l) => `kafka-configs ${user}: ${l}`);
}

export const coreTopics = () => CLIENTS.flatMap((c) => MODES.map((m) => `core-${c}-${m}`));

/** ports: { sasl, ssl, oauth } of the broker under test. */
export async function coreScenario(runClient, ports) {
  const lines = [];
  const bootstrap = { 'scram-sha-512': ports.sasl, plain: ports.sasl, ssl: ports.ssl, oauth: ports.oauth };
  for (const client of CLIENTS) {
    for (const mode of MODES) {
      const out = await runClient(client, { bootstrap: `localhost:${bootstrap[mode]}`, mode, topic: `core-${client}-${mode}` });
      lines.push(...out.map((l) => `${client} ${mode}: ${l}`));
    }
  }
  return lines;
}
