// The ACL scenario of compat/security, run against Kafka 4.4.0 and Rivulet configured the same way:
// StandardAuthorizer, super users ANONYMOUS (the PLAINTEXT setup listener, and KRaft's own
// controller connection on Kafka) and admin; SASL_SSL with PLAIN (JAAS users) and SCRAM-SHA-512
// (users created with kafka-configs). ACLs are made with Kafka's kafka-acls (AclCommand):
//   User:producer  ALLOW WRITE, DESCRIBE  topic prefix acl-
//   User:producer  DENY  WRITE            topic prefix acl-denied-
//   User:consumer  ALLOW READ             topic prefix acl-   (no group ACL at all)
// Each client then produces as `producer` to acl-CLIENT (allowed) and acl-denied-CLIENT (denied by
// the DENY, which wins over the ALLOW), and consumes acl-CLIENT as `consumer`, without a group and
// in group acl-group-CLIENT (no group READ). librdkafka (confluent-python) authenticates with PLAIN
// (its SCRAM fails on Kafka 4.x, see README), the others with SCRAM-SHA-512.
import { Kafka, logLevel } from 'kafkajs';
import { CLIENTS, createScramUser, kafkaTool } from './core.mjs';

export const aclProps = (certs) => ({
  'ssl.keystore.type': 'PEM',
  'ssl.keystore.location': certs.brokerPem,
  'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-512',
  'listener.name.sasl_ssl.plain.sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required user_producer="producer-secret" user_consumer="consumer-secret" user_admin="admin-secret";',
  'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
  'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
  'super.users': 'User:ANONYMOUS;User:admin',
});

const ACLS = [
  ['--add', '--allow-principal', 'User:producer', '--operation', 'Write', '--operation', 'Describe', '--topic', 'acl-', '--resource-pattern-type', 'prefixed'],
  ['--add', '--deny-principal', 'User:producer', '--operation', 'Write', '--topic', 'acl-denied-', '--resource-pattern-type', 'prefixed'],
  ['--add', '--allow-principal', 'User:consumer', '--operation', 'Read', '--topic', 'acl-', '--resource-pattern-type', 'prefixed'],
];

// AclCommand prints each resource's ACLs in the order DescribeAcls returns them, and Kafka's
// StandardAuthorizer returns them in the order of their random ACL ids: the order differs from run
// to run on Kafka itself, so blocks and the entries within them are compared sorted.
function sortedAclOutput(lines) {
  const blocks = [];
  for (const l of lines) {
    if (/^\s/.test(l) && blocks.length) blocks.at(-1).entries.push(l.trim());
    else blocks.push({ head: l.trim(), entries: [] });
  }
  return blocks.sort((a, b) => a.head.localeCompare(b.head)).flatMap((b) => [b.head, ...b.entries.sort().map((e) => `  ${e}`)]);
}

export async function aclScenario(runClient, ports, log = () => {}) {
  const plain = `127.0.0.1:${ports.plain}`;
  const lines = [];
  lines.push(...await createScramUser(plain, 'producer', 'producer-secret'));
  lines.push(...await createScramUser(plain, 'consumer', 'consumer-secret'));
  for (const args of ACLS) lines.push(...sortedAclOutput(await kafkaTool('AclCommand', ['--bootstrap-server', plain, ...args])).map((l) => `kafka-acls ${args[1]} ${args[2]}: ${l}`));
  lines.push(...sortedAclOutput(await kafkaTool('AclCommand', ['--bootstrap-server', plain, '--list'])).map((l) => `kafka-acls --list: ${l}`));
  const admin = new Kafka({ brokers: [plain], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: CLIENTS.flatMap((c) => [`acl-${c}`, `acl-denied-${c}`]).map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  for (const client of CLIENTS) {
    log(`  acl ${client}`);
    const mode = client === 'confluent-python' ? 'plain' : 'scram-sha-512';
    const bootstrap = `localhost:${ports.sasl}`;
    for (const topic of [`acl-${client}`, `acl-denied-${client}`]) {
      const out = await runClient(client, { bootstrap, mode, topic, steps: 'produce', user: 'producer', password: 'producer-secret' });
      lines.push(...out.map((l) => `${client} producer ${topic}: ${l}`));
    }
    const out = await runClient(client, { bootstrap, mode, topic: `acl-${client}`, group: `acl-group-${client}`, steps: 'read,group', user: 'consumer', password: 'consumer-secret' });
    lines.push(...out.map((l) => `${client} consumer acl-${client}: ${l}`));
  }
  return lines;
}
