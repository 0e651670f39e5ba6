// One kafkajs member of the consumer-group soak.
//
//   node member_kafkajs.mjs <bootstrap> <topic> <group> <strategy> <lifetime-s> <log-file> <member-name>
//
// kafkajs has no revoke callback and only eager assignors; its equivalent is built in: with
// autoCommit, a heartbeat answered REBALANCE_IN_PROGRESS makes it commit the resolved offsets
// synchronously before it rejoins (runner.heartbeat → autoCommitOffsets), and it also commits after
// each batch and every `autoCommitThreshold` messages. Every commit the broker accepted is
// logged from kafkajs's COMMIT_OFFSETS event (emitted after a successful OffsetCommit).
//
// kafkajs names its assigners 'RoundRobinAssigner', librdkafka 'roundrobin' and 'range': members
// of one group must share a protocol name (else INCONSISTENT_GROUP_PROTOCOL), so the assigner is
// registered under librdkafka's (and Java's) names: `roundrobin` (kafkajs's own algorithm) or
// `range` (Kafka's RangeAssignor: per topic, members sorted, the first partitions % members get
// one more).
import fs from 'node:fs';
import kafkajs from 'kafkajs';

const { Kafka, logLevel, AssignerProtocol: { MemberMetadata, MemberAssignment }, PartitionAssigners } = kafkajs;
const [bootstrap, topic, group, strategy, lifetimeS, logPath, name] = process.argv.slice(2);
if (!name) { console.error('usage: member_kafkajs.mjs <bootstrap> <topic> <group> <strategy> <lifetime-s> <log-file> <name>'); process.exit(2); }

const fd = fs.openSync(logPath, 'a');
let buf = [];
const log = (e, kw = {}) => { buf.push(JSON.stringify({ ...kw, e, t: Date.now() })); if (buf.length >= 200) flush(); };
const flush = () => { if (buf.length) { fs.writeSync(fd, `${buf.join('\n')}\n`); buf = []; } };

function rangeAssigner({ cluster }) {
  return {
    name: 'range',
    version: 0,
    async assign({ members, topics }) {
      const ids = members.map((m) => m.memberId).sort();
      const out = Object.fromEntries(ids.map((id) => [id, {}]));
      for (const t of topics) {
        const parts = cluster.findTopicPartitionMetadata(t).map((m) => m.partitionId).sort((a, b) => a - b);
        const per = Math.floor(parts.length / ids.length);
        const extra = parts.length % ids.length;
        ids.forEach((id, i) => {
          const start = per * i + Math.min(i, extra);
          const n = per + (i < extra ? 1 : 0);
          if (n > 0) out[id][t] = parts.slice(start, start + n);
        });
      }
      return ids.map((id) => ({ memberId: id, memberAssignment: MemberAssignment.encode({ version: 0, assignment: out[id] }) }));
    },
    protocol({ topics }) {
      return { name: this.name, metadata: MemberMetadata.encode({ version: 0, topics }) };
    },
  };
}

function roundRobinAssigner(config) {
  const rr = PartitionAssigners.roundRobin(config);
  return { ...rr, name: 'roundrobin', protocol({ topics }) { return { name: 'roundrobin', metadata: MemberMetadata.encode({ version: 0, topics }) }; } };
}

const assigners = { range: rangeAssigner, roundrobin: roundRobinAssigner };
if (!assigners[strategy]) { console.error(`kafkajs has no ${strategy} assigner here (range, roundrobin)`); process.exit(2); }

const kafka = new Kafka({ clientId: name, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 2000 } });
const consumer = kafka.consumer({
  groupId: group,
  partitionAssigners: [assigners[strategy]],
  sessionTimeout: 10000,
  heartbeatInterval: 1000,
  rebalanceTimeout: 60000,
});
const { GROUP_JOIN, COMMIT_OFFSETS, CRASH } = consumer.events;
consumer.on(GROUP_JOIN, (ev) => log('assign', { parts: (ev.payload.memberAssignment[topic] ?? []).slice().sort((a, b) => a - b), gen: ev.payload.generationId ?? null }));
consumer.on(COMMIT_OFFSETS, (ev) => {
  const offsets = ev.payload.topics.filter((t) => t.topic === topic).flatMap((t) => t.partitions.map((p) => [Number(p.partition), Number(p.offset)]));
  log('commit', { why: 'kafkajs', gen: ev.payload.groupGenerationId, offsets });
  flush();
});
consumer.on(CRASH, (ev) => log('error', { err: String(ev.payload.error?.message ?? ev.payload.error) }));

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  log('closing');
  try { await consumer.disconnect(); } catch (e) { log('error', { err: `disconnect: ${e.message}` }); }
  log('end');
  flush();
  fs.closeSync(fd);
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

log('start', { kind: 'kafkajs', strategy, name });
await consumer.connect();
await consumer.subscribe({ topics: [topic], fromBeginning: true });
await consumer.run({
  autoCommit: true,
  autoCommitThreshold: 5 + Math.floor(Math.random() * 35),
  autoCommitInterval: 1000,
  eachMessage: async ({ partition, message }) => { log('m', { p: partition, o: Number(message.offset) }); },
});
setTimeout(stop, Number(lifetimeS) * 1000);
