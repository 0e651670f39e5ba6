// Drives kafkajs 2.2.4 through a broker (normally the recording proxy) to exercise every API it
// naturally uses. Usage: node compat/drivers/kafkajs.mjs <bootstrap> [topic-prefix]
// Exits non-zero on the first failing step (the capture keeps whatever frames were recorded).
import kafkajs from 'kafkajs';
import SnappyCodec from 'kafkajs-snappy';
import { loadKafkajsLz4 } from '../lib/kafkajs-lz4.mjs';

const { Kafka, logLevel, CompressionTypes, CompressionCodecs, ConfigResourceTypes } = kafkajs;
CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec;
const LZ4Codec = loadKafkajsLz4(); // installed by capture-golden.mjs (ensureKafkajsLz4)
CompressionCodecs[CompressionTypes.LZ4] = new LZ4Codec().codec;

const bootstrap = process.argv[2];
const prefix = process.argv[3] ?? 'golden-kafkajs';
if (!bootstrap) { console.error('usage: kafkajs.mjs <bootstrap> [topic-prefix]'); process.exit(2); }
const topic = `${prefix}-topic`;
const group = `${prefix}-group`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const step = (s) => console.error(`[kafkajs] ${s}`);

const kafka = new Kafka({ clientId: 'golden-kafkajs', brokers: [bootstrap], logLevel: logLevel.ERROR, retry: { retries: 5, initialRetryTime: 200 } });
const admin = kafka.admin();
const messages = (codec, n = 3) => Array.from({ length: n }, (_, i) => ({
  key: `key-${codec}-${i}`,
  value: `value ${codec} ${i} ${'x'.repeat(40)}`,
  headers: { 'trace-id': `t-${codec}-${i}`, source: 'golden' },
}));

try {
  await admin.connect();
  step('createTopics');
  await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  await admin.fetchTopicMetadata({ topics: [topic] });
  await admin.describeCluster();
  await admin.listTopics();

  step('produce with each codec');
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  for (const [name, compression] of [['none', CompressionTypes.None], ['gzip', CompressionTypes.GZIP],
    ['snappy', CompressionTypes.Snappy], ['lz4', CompressionTypes.LZ4]]) {
    await producer.send({ topic, compression, messages: messages(name) });
  }
  await producer.send({ topic, acks: 1, messages: messages('acks1', 2) });
  await producer.send({ topic, acks: 0, messages: messages('acks0', 2) });
  await producer.disconnect();

  step('idempotent producer');
  const idem = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await idem.connect();
  await idem.send({ topic, acks: -1, messages: messages('idempotent') });
  await idem.disconnect();

  step('consumer group');
  const consumer = kafka.consumer({ groupId: group, heartbeatInterval: 300, sessionTimeout: 10000, rebalanceTimeout: 10000, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  const expected = 3 * 4 + 2 + 2 + 3;
  await consumer.run({ autoCommit: false, eachMessage: async ({ partition, message }) => {
    seen++;
    await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
  } });
  const until = Date.now() + 20000;
  while (seen < expected && Date.now() < until) await sleep(100);
  await sleep(1200); // a few heartbeats
  step(`consumed ${seen}/${expected}`);

  step('transactional producer');
  const tx = kafka.producer({ transactionalId: `${prefix}-tx`, idempotent: true, maxInFlightRequests: 1 });
  await tx.connect();
  const t1 = await tx.transaction();
  await t1.send({ topic, messages: messages('txn-commit', 2) });
  await t1.sendOffsets({ consumerGroupId: `${group}-tx`, topics: [{ topic, partitions: [{ partition: 0, offset: '1' }] }] });
  await t1.commit();
  const t2 = await tx.transaction();
  await t2.send({ topic, messages: messages('txn-abort', 1) });
  await t2.abort();
  await tx.disconnect();

  await consumer.disconnect(); // LeaveGroup

  step('group admin');
  await admin.listGroups();
  await admin.describeGroups([group]);
  await admin.fetchOffsets({ groupId: group, topics: [topic] });
  await admin.resetOffsets({ groupId: group, topic, earliest: true });
  await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '1' }] });

  step('list offsets');
  await admin.fetchTopicOffsets(topic);
  await admin.fetchTopicOffsetsByTimestamp(topic, Date.now() - 60_000);

  step('configs');
  await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }], includeSynonyms: false });
  await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configNames: ['log.retention.hours', 'num.partitions'] }], includeSynonyms: true });
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '86400000' }] }] });

  step('createPartitions / deleteTopicRecords');
  await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
  await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '1' }] });

  step('deleteGroups / deleteTopics');
  await admin.deleteGroups([group]);
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  step('done');
  process.exit(0);
} catch (e) {
  console.error('[kafkajs] failed:', e);
  process.exit(1);
}
