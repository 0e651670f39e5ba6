// The same security setup on Apache Kafka 4.4.0 and on Rivulet, driven by the same clients, with
// the outputs compared line by line:
//   listeners PLAINTEXT (setup) + SASL_SSL (PLAIN from JAAS, SCRAM-SHA-256/512), PEM keystore
//   - Java client 4.4 (test/integration/java/SecurityClient.java): SCRAM user created with
//     Admin.alterUserScramCredentials, described, describeAcls without an authorizer, produce as
//     SCRAM-SHA-256, consume as PLAIN in a group, a wrong password
//   - kcat (librdkafka): PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 produce + consume, a wrong password
//     (librdkafka < 2.6.1 fails SCRAM on Kafka 4.x: it repeats the client nonce)
//   - kafkajs: SCRAM-SHA-512, PLAIN, a wrong password
//   listener OAUTH (SASL_PLAINTEXT, OAUTHBEARER with Kafka's unsecured validator requiring scope
//   `kafka`): the Java client's unsecured login module (test/integration/java/OAuthClient.java)
//   and kcat's unsecured JWT, each with and without the scope
//   core scenario (compat/security/core.mjs): the Java client, confluent-kafka-python, franz-go,
//   sarama and kafkajs each produce, read from the beginning and consume in a group with a commit
//   over SASL_SSL SCRAM-SHA-512, SASL_SSL PLAIN, SSL with a client certificate
//   (ssl.client.auth=required) and OAUTHBEARER (unsecured, on the OAUTH listener)
//   ACL scenario (compat/security/acl.mjs): both brokers again with StandardAuthorizer and super
//   users; SCRAM users made with kafka-configs (ConfigCommand), ACLs with kafka-acls (AclCommand);
//   every client as a producer allowed the prefix acl- and denied acl-denied-, and as a consumer
//   with topic READ but no group READ
//
//   npm run build && KAFKA_VERSION=4.4.0 node compat/security/run.mjs [--phases base,core,acl]
// Exit code 0 when every line matches (ports and the broker's address aside).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts, kafkaLibsDir, kafkaVersion, startKafka } from '../lib/kafka-broker.mjs';
import { Kafka, logLevel } from 'kafkajs';
import { coreScenario, coreTopics, createScramUser, prepareClients } from './core.mjs';
import { aclScenario, aclProps } from './acl.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { startBroker } = await import(path.join(root, 'dist/src/index.js'));
const { writeDevCerts } = await import(path.join(root, 'dist/src/security/dev-certs.js'));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-compat-sec-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const certs = writeDevCerts(dir);
const jaas = {
  'listener.name.sasl_ssl.plain.sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret";',
  'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
  'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
};
// Kafka's broker logs in with the mechanism too, so its JAAS entry needs a principal claim.
const oauth = {
  'listener.name.oauth.sasl.enabled.mechanisms': 'OAUTHBEARER',
  'listener.name.oauth.oauthbearer.sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="broker" unsecuredValidatorRequiredScope="kafka";',
};
// The SSL listener asks for a client certificate signed by the dev CA.
const sslListener = {
  'listener.name.ssl.ssl.client.auth': 'required',
  'listener.name.ssl.ssl.truststore.type': 'PEM',
  'listener.name.ssl.ssl.truststore.location': certs.caCert,
};
const security = {
  'ssl.keystore.type': 'PEM',
  'ssl.keystore.location': certs.brokerPem,
  'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
  ...jaas,
};

function run(cmd, args, input) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), 120_000);
    p.stdout.on('data', (c) => (out += c));
    p.stderr.on('data', (c) => (err += c));
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
    p.stdin.end(input ?? '');
  });
}

async function oauthScenario(oauthPort) {
  const lines = [];
  for (const scope of ['kafka', 'other']) {
    const java = await run('java', ['-cp', `${kafkaLibsDir()}/*`, path.join(root, 'test/integration/java/OAuthClient.java'), `localhost:${oauthPort}`, 'alice', scope]);
    const result = java.out.split('\n').find((l) => /^(produced|failed) /.test(l)) ?? `exit ${java.code}`;
    lines.push(`java oauth scope=${scope}: ${result.replace(/@\d+$/, '@N')}`);
    const args = ['-b', `localhost:${oauthPort}`, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=OAUTHBEARER', '-X', 'enable.sasl.oauthbearer.unsecure.jwt=true', '-X', `sasl.oauthbearer.config=principal=alice scope=${scope}`];
    const p = await run('kcat', [...args, '-P', '-t', `kcat-oauth-${scope}`], 'tok\n');
    const msg = /SASL authentication error: (.*?) \(after/.exec(p.err)?.[1];
    lines.push(`kcat oauth scope=${scope}: produce ${p.code === 0 ? 'ok' : msg ?? p.err.trim().split('\n')[0]}`);
  }
  return lines;
}

async function scenario(plainPort, saslPort) {
  const lines = [];
  const libs = kafkaLibsDir();
  const java = await run('java', ['-cp', `${libs}/*`, path.join(root, 'test/integration/java/SecurityClient.java'), `localhost:${saslPort}`, certs.caCert, `127.0.0.1:${plainPort}`]);
  if (java.code !== 0) lines.push(`java exited ${java.code}: ${java.err.split('\n').find((l) => /Exception/.test(l)) ?? ''}`);
  lines.push(...java.out.trim().split('\n').map((l) => `java: ${l.replaceAll(String(saslPort), 'PORT')}`));
  const base = ['-b', `localhost:${saslPort}`, '-X', 'security.protocol=SASL_SSL', '-X', `ssl.ca.location=${certs.caCert}`, '-X', 'sasl.username=alice'];
  for (const mech of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']) {
    const args = [...base, '-X', `sasl.mechanisms=${mech}`, '-X', 'sasl.password=alice-secret'];
    const topic = `kcat-${mech.toLowerCase()}`;
    const p = await run('kcat', [...args, '-P', '-t', topic], 'one\ntwo\n');
    const c = await run('kcat', [...args, '-C', '-t', topic, '-o', 'beginning', '-e', '-q']);
    lines.push(`kcat ${mech}: produce ${p.code === 0 ? 'ok' : p.err.trim().split('\n')[0]}, consumed ${JSON.stringify(c.out.trim().split('\n'))}`);
  }
  for (const [mechanism, password] of [['scram-sha-512', 'alice-secret'], ['plain', 'alice-secret'], ['scram-sha-512', 'wrong']]) {
    const admin = new Kafka({ brokers: [`localhost:${saslPort}`], logLevel: logLevel.NOTHING, retry: { retries: 0 }, ssl: { ca: fs.readFileSync(certs.caCert, 'utf8') }, sasl: { mechanism, username: 'alice', password } }).admin();
    try {
      await admin.connect();
      const topics = (await admin.listTopics()).filter((t) => t.startsWith('kcat-') || t === 'java-sasl').sort();
      lines.push(`kafkajs ${mechanism}/${password}: topics ${topics.join(',')}`);
    } catch (e) {
      lines.push(`kafkajs ${mechanism}/${password}: ${e.type ?? e.name} ${e.message}`);
    } finally {
      await admin.disconnect();
    }
  }
  const wrong = await run('kcat', [...base, '-X', 'sasl.mechanisms=PLAIN', '-X', 'sasl.password=wrong', '-L', '-m', '3']);
  const msg = /SASL authentication error: (.*?) \(after/.exec(wrong.err)?.[1];
  lines.push(`kcat wrong password: exit ${wrong.code === 0 ? 0 : 'non-zero'}, ${msg}`);
  return lines;
}

// Ports, timestamps and timings differ by nature.
const normal = (line) => line.replace(/^java: \S+Z /, 'java: ').replace(/\|\d+\.\d+\|/g, '|T|').replace(/\b\d{4,5}\b/g, 'N').replace(/after \d+ms/g, 'after Nms');

const phases = (process.argv.includes('--phases') ? process.argv[process.argv.indexOf('--phases') + 1] : 'base,core,acl').split(',');
const log = (m) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

async function createTopics(bootstrap, topics) {
  const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

// What each line must say on either broker, so that a setup broken the same way on both fails too.
// librdkafka 2.0.2 (confluent-python, kcat) cannot do SCRAM with Kafka 4.x (see README).
function expectation(line) {
  const core = /^(\S+) (scram-sha-512|plain|ssl|oauth): (.*)$/.exec(line);
  if (core) return core[1] === 'confluent-python' && core[2] === 'scram-sha-512' ? /failed: _AUTHENTICATION/ : /: (produced 3 records|read from beginning \[v1 v2 v3\]|group consumed \[v1 v2 v3\], committed offset 3)$/;
  if (/^\S+ producer acl-denied-/.test(line)) return /produce failed: .*(TOPIC_AUTHORIZATION_FAILED|TopicAuthorization|Failed to deliver|not authorized|Topic authorization)/i;
  if (/^\S+ producer acl-/.test(line)) return /: produced 3 records$/;
  if (/^\S+ consumer acl-\S+: group/.test(line)) return /group failed: .*(GROUP_AUTHORIZATION_FAILED|GroupAuthorization|group coordinator|not authorized to access)/i;
  return null;
}

// Lines compared across all phases, for the summary line CI adds up ("N passed, M failed").
const tally = { passed: 0, failed: 0 };

function compare(title, onKafka, onRivulet) {
  let same = true;
  console.log(`${title}:`);
  for (const [name, lines] of [['kafka', onKafka], ['rivulet', onRivulet]]) {
    for (const line of lines) {
      const want = expectation(line);
      if (want && !want.test(line)) {
        same = false;
        tally.failed++;
        console.log(`  UNEXPECTED on ${name}: ${line} (wanted ${want})`);
      }
    }
  }
  for (let i = 0; i < Math.max(onKafka.length, onRivulet.length); i++) {
    const k = onKafka[i] ?? '(none)';
    const r = onRivulet[i] ?? '(none)';
    const ok = normal(k) === normal(r);
    same &&= ok;
    tally[ok ? 'passed' : 'failed']++;
    console.log(ok ? `  same      ${k}` : `  DIFFERENT kafka:   ${k}\n            rivulet: ${r}`);
  }
  return same;
}

let kafka;
let rivulet;
let same = true;
try {
  const runClient = phases.some((p) => p === 'core' || p === 'acl') ? await prepareClients({ certs, dir, log }) : null;
  // One broker per side runs the base and core phases.
  async function phase1(name, ports) {
    const lines = [];
    if (phases.includes('base')) {
      log(`${name}: base scenario`);
      lines.push(...await scenario(ports.plain, ports.sasl), ...await oauthScenario(ports.oauth));
    }
    if (phases.includes('core')) {
      log(`${name}: core scenario`);
      await createTopics(`127.0.0.1:${ports.plain}`, coreTopics());
      lines.push(...await createScramUser(`127.0.0.1:${ports.plain}`, 'alice', 'alice-secret'));
      lines.push(...await coreScenario(runClient, ports));
    }
    return lines;
  }
  if (phases.includes('base') || phases.includes('core')) {
    const [plain, sasl, oauthPort, ssl, controller] = await freePorts(5);
    log('starting Kafka');
    kafka = await startKafka({
      port: plain,
      props: {
        listeners: `PLAINTEXT://127.0.0.1:${plain},SASL_SSL://127.0.0.1:${sasl},OAUTH://127.0.0.1:${oauthPort},SSL://127.0.0.1:${ssl},CONTROLLER://127.0.0.1:${controller}`,
        'advertised.listeners': `PLAINTEXT://127.0.0.1:${plain},SASL_SSL://127.0.0.1:${sasl},OAUTH://127.0.0.1:${oauthPort},SSL://127.0.0.1:${ssl}`,
        'controller.quorum.bootstrap.servers': `127.0.0.1:${controller}`,
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,OAUTH:SASL_PLAINTEXT,SSL:SSL,CONTROLLER:PLAINTEXT',
        ...security,
        ...sslListener,
        ...oauth,
      },
    });
    const onKafka = await phase1('Kafka', { plain, sasl, oauth: oauthPort, ssl });
    await kafka.stop();
    kafka = null;
    log('starting Rivulet');
    rivulet = await startBroker({ config: { listeners: 'PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0,OAUTH://127.0.0.1:0,SSL://127.0.0.1:0', 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,OAUTH:SASL_PLAINTEXT,SSL:SSL', ...security, ...sslListener, ...oauth } });
    const port = (name) => rivulet.listeners.find((l) => l.name === name).port;
    const onRivulet = await phase1('Rivulet', { plain: port('PLAINTEXT'), sasl: port('SASL_SSL'), oauth: port('OAUTH'), ssl: port('SSL') });
    await rivulet.stop();
    rivulet = null;
    same = compare(`Kafka ${kafkaVersion()} vs Rivulet, same setup (PLAINTEXT + SASL_SSL, PEM keystore, PLAIN via JAAS, SCRAM via AlterUserScramCredentials; SSL with ssl.client.auth=required; SASL_PLAINTEXT OAUTHBEARER unsecured)`, onKafka, onRivulet) && same;
  }
  if (phases.includes('acl')) {
    const [plain, sasl, controller] = await freePorts(3);
    log('starting Kafka with StandardAuthorizer');
    const props = aclProps(certs);
    kafka = await startKafka({
      port: plain,
      props: {
        listeners: `PLAINTEXT://127.0.0.1:${plain},SASL_SSL://127.0.0.1:${sasl},CONTROLLER://127.0.0.1:${controller}`,
        'advertised.listeners': `PLAINTEXT://127.0.0.1:${plain},SASL_SSL://127.0.0.1:${sasl}`,
        'controller.quorum.bootstrap.servers': `127.0.0.1:${controller}`,
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT',
        ...props,
      },
    });
    log('Kafka: ACL scenario');
    const onKafka = await aclScenario(runClient, { plain, sasl }, log);
    await kafka.stop();
    kafka = null;
    log('starting Rivulet with StandardAuthorizer');
    rivulet = await startBroker({ config: { listeners: 'PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0', 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL', ...props } });
    const port = (name) => rivulet.listeners.find((l) => l.name === name).port;
    log('Rivulet: ACL scenario');
    const onRivulet = await aclScenario(runClient, { plain: port('PLAINTEXT'), sasl: port('SASL_SSL') }, log);
    same = compare(`Kafka ${kafkaVersion()} vs Rivulet with StandardAuthorizer (super.users, SCRAM users from kafka-configs, ACLs from kafka-acls)`, onKafka, onRivulet) && same;
  }
  console.log(`security: ${tally.passed} passed, ${tally.failed} failed (lines the same on Kafka and Rivulet)`);
  process.exitCode = same ? 0 : 1;
} finally {
  await kafka?.stop();
  await rivulet?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
