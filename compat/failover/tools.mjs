// Issue 11's cluster tools check: Kafka 4.4.0's own command-line tools (kafka-topics --describe,
// kafka-reassign-partitions, kafka-leader-election, kafka-consumer-groups) run the same commands
// against a 3-node target, and the shape of what they print (the fields, who leads, the replica
// order, ISR, the group's offsets and lag) is what is compared between Kafka and Rivulet. Node ids
// are named by their role (the first, second, third replica of partition 0 when created), so the
// shapes compare across clusters that placed replicas differently.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

function runTool(libs, main, args, timeoutMs = 90_000) {
  return new Promise((resolve, reject) => {
    const child = spawn('java', ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xmx256m', '-Xlog:disable', '-cp', `${libs}/*`, main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${main.split('.').pop()} ${args.join(' ')} exited ${code}: ${(err || out).trim().split('\n').slice(-3).join(' / ')}`));
    });
  });
}

// "Topic: t\tPartition: 0\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,3,1\tElr: \tLastKnownElr: " ─▶ rows
function parseDescribe(out) {
  const lines = out.split('\n').filter((l) => l.includes('Partition: '));
  return {
    fields: lines[0]?.trim().split('\t').map((f) => f.split(':')[0].trim()) ?? [],
    rows: lines.map((l) => {
      const get = (k) => l.match(new RegExp(`\\b${k}: ?([^\\t]*)`))?.[1]?.trim() ?? '';
      return { partition: Number(get('Partition')), leader: Number(get('Leader')), replicas: get('Replicas').split(',').map(Number), isr: get('Isr').split(',').map(Number) };
    }).sort((a, b) => a.partition - b.partition),
  };
}

/**
 * Runs the tool sequence against one target; returns its shape (the roles, not the node ids).
 * libs: the Kafka jars directory.
 */
export async function toolShapes(bootstrap, libs, { log = () => {} } = {}) {
  const bs = ['--bootstrap-server', bootstrap];
  const topic = `tools-${Date.now().toString(36)}`;
  const group = `${topic}-group`;
  const tool = (main, args) => runTool(libs, `org.apache.kafka.tools.${main}`, [...bs, ...args]);
  const describe = async () => parseDescribe(await tool('TopicCommand', ['--describe', '--topic', topic]));
  const shape = {};
  await tool('TopicCommand', ['--create', '--topic', topic, '--partitions', '3', '--replication-factor', '3']);
  const created = await describe();
  const [a, b, c] = created.rows[0].replicas; // roles: the replicas of partition 0 as created
  const role = (id) => ({ [a]: 'first', [b]: 'second', [c]: 'third' })[id] ?? `other(${id})`;
  const p0 = (d) => { const r = d.rows[0]; return { leader: role(r.leader), replicas: r.replicas.map(role).join(','), isr: [...r.isr].map(role).sort().join(',') }; };
  shape.describeFields = created.fields.join(' ');
  shape.created = {
    partitions: created.rows.length,
    leaderIsFirstReplica: created.rows.every((r) => r.leader === r.replicas[0]),
    isrIsReplicas: created.rows.every((r) => [...r.isr].sort().join() === [...r.replicas].sort().join()),
    threeDistinctReplicas: created.rows.every((r) => new Set(r.replicas).size === 3),
    leadersSpread: new Set(created.rows.map((r) => r.leader)).size,
  };
  // kafka-reassign-partitions: partition 0's replicas reversed; the leader stays (it is still a replica)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-tools-'));
  try {
    const file = path.join(dir, 'reassign.json');
    fs.writeFileSync(file, JSON.stringify({ version: 1, partitions: [{ topic, partition: 0, replicas: [c, b, a], log_dirs: ['any', 'any', 'any'] }] }));
    const executed = await runTool(libs, 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand', [...bs, '--execute', '--reassignment-json-file', file]);
    shape.reassignExecute = /Successfully started partition reassignment for (\S+)/.test(executed) ? 'started' : executed.trim().split('\n').pop();
    const deadline = Date.now() + 60_000;
    let verified;
    do verified = await runTool(libs, 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand', [...bs, '--verify', '--reassignment-json-file', file]);
    while (!verified.includes('is completed') && Date.now() < deadline);
    shape.reassignVerify = verified.includes(`Reassignment of partition ${topic}-0 is completed.`) ? 'completed' : verified.trim().split('\n').pop();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  shape.afterReassign = p0(await describe());
  // kafka-leader-election: the preferred replica (now the old third) takes over
  const elected = await tool('LeaderElectionCommand', ['--election-type', 'preferred', '--topic', topic, '--partition', '0']);
  shape.election = elected.includes(`Successfully completed leader election (PREFERRED) for partitions ${topic}-0`) ? 'elected' : elected.trim();
  shape.afterElection = p0(await describe());
  const again = await tool('LeaderElectionCommand', ['--election-type', 'preferred', '--topic', topic, '--partition', '0']);
  shape.electionAgain = again.includes(`Valid replica already elected for partitions ${topic}-0`) ? 'already elected' : again.trim();
  // kafka-consumer-groups: a group with committed offsets (set with kafkajs), 5 records a partition
  const kafka = new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 20, maxRetryTime: 2000 } });
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: Array.from({ length: 15 }, (_, i) => ({ partition: i % 3, value: `r-${i}` })) });
  await producer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '2' }, { partition: 1, offset: '5' }, { partition: 2, offset: '0' }] });
  await admin.disconnect();
  const list = await tool('consumer.group.ConsumerGroupCommand', ['--list']);
  shape.groupsListed = list.split('\n').map((l) => l.trim()).includes(group);
  const desc = await tool('consumer.group.ConsumerGroupCommand', ['--describe', '--group', group]);
  const lines = desc.split('\n').map((l) => l.trim()).filter(Boolean);
  const header = lines.findIndex((l) => l.startsWith('GROUP'));
  shape.groupColumns = header >= 0 ? lines[header].split(/\s+/).join(' ') : null;
  shape.groupRows = lines.slice(header + 1).map((l) => l.split(/\s+/)).filter((f) => f[0] === group)
    .map((f) => `${f[2]}: current ${f[3]}, log end ${f[4]}, lag ${f[5]}, member ${f[6]}`).sort();
  shape.groupNote = lines.slice(0, Math.max(header, 0)).join(' ').replace(group, '<group>');
  log(`tools: ${JSON.stringify(shape)}`);
  return shape;
}

/** The differences between two shapes, as "key: a ≠ b" lines. */
export function shapeDiff(a, b) {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).map((k) => `${k}: ${JSON.stringify(a[k])} ≠ ${JSON.stringify(b[k])}`);
}
