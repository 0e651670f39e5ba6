// ApiVersions of Apache Kafka 4.4.0 and of Rivulet, side by side, API by API, and what each broker
// does with a request at a version below its minimum (KIP-896 removed the oldest versions of
// several APIs in Kafka 4.0). Each such request goes on a fresh connection with a header and an
// empty body: Kafka refuses it on the header (SocketServer parseRequestHeader) and closes the
// connection, before reading the body. Produce v0-2 are probed too: Kafka 4.x lists Produce from
// v0 (KAFKA-18659) but closes those as well.
//
//   npm run build && node compat/api-versions-diff.mjs
//
// Prints every API whose range differs and every probe's outcome on both, then "N passed, M failed"
// (one per API range and per probe, for .ci/run's total); exit 0 when Rivulet lists the same range
// as Kafka for every API it serves and treats every probe as Kafka does. About 15 s (most of it
// Kafka's start).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKafka } from './lib/kafka-broker.mjs';
import { apiName, apiVersionsRequest, frame, parseApiVersionsResponse, requestHeader, roundTrips } from './lib/kafka-wire.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function table(host, port) {
  const res = parseApiVersionsResponse((await roundTrips(host, port, [apiVersionsRequest(1, 0)]))[0]);
  if (res.errorCode !== 0) throw new Error(`ApiVersions v0 answered error ${res.errorCode}`);
  return new Map(res.apis.map((a) => [a.apiKey, [a.min, a.max]]));
}

// 'closed' or 'answered': one request at (key, version) with an empty body on its own connection.
async function probe(host, port, key, version) {
  const f = frame(requestHeader({ apiKey: key, apiVersion: version, correlationId: 9 }));
  try {
    await roundTrips(host, port, [f], { timeoutMs: 10_000 });
    return 'answered';
  } catch (e) {
    if (/connection closed/.test(e.message)) return 'closed';
    throw e;
  }
}

async function survey(bootstrap, probes) {
  const [host, port] = [bootstrap.slice(0, bootstrap.lastIndexOf(':')), Number(bootstrap.slice(bootstrap.lastIndexOf(':') + 1))];
  const out = { table: await table(host, port), probes: new Map() };
  for (const [key, v] of probes) out.probes.set(`${key}v${v}`, await probe(host, port, key, v));
  return out;
}

const kafka = await startKafka();
let onKafka;
try {
  const first = await table('127.0.0.1', kafka.port);
  // Every version below Kafka's minimum of the APIs whose minimum is above 0, and Produce v0-2.
  const probes = [[0, 0], [0, 1], [0, 2]];
  for (const [key, [min]] of first) for (let v = 0; v < min; v++) probes.push([key, v]);
  onKafka = await survey(kafka.bootstrap, probes);
  onKafka.probeList = probes;
} finally {
  await kafka.stop();
}
const { startBroker } = await import(path.join(root, 'dist/src/index.js'));
const rivulet = await startBroker({ port: 0, memory: true });
let onRivulet;
try {
  onRivulet = await survey(rivulet.bootstrap, onKafka.probeList);
} finally {
  await rivulet.stop();
}

const tally = { passed: 0, failed: 0 };
const fmt = (r) => (r ? `${r[0]}-${r[1]}` : 'absent');
for (const [key, ours] of onRivulet.table) {
  const theirs = onKafka.table.get(key);
  tally[fmt(ours) === fmt(theirs) ? 'passed' : 'failed']++;
  if (fmt(ours) !== fmt(theirs)) console.log(`  DIFFERENT ${apiName(key)} (${key}): Kafka ${fmt(theirs)}, Rivulet ${fmt(ours)}`);
}
const notServed = [...onKafka.table.keys()].filter((k) => !onRivulet.table.has(k)).map((k) => `${apiName(k)} (${k})`);
for (const [probeKey, k] of onKafka.probes) {
  const r = onRivulet.probes.get(probeKey);
  const key = Number(probeKey.split('v')[0]);
  if (!onRivulet.table.has(key)) continue;
  tally[r === k ? 'passed' : 'failed']++;
  console.log(`  ${r === k ? 'same     ' : 'DIFFERENT'} ${apiName(key)} ${probeKey.replace(/^\d+/, '')}: Kafka ${k}, Rivulet ${r}`);
}
console.log(`ApiVersions: ${onRivulet.table.size} APIs served by Rivulet, ${[...onRivulet.table.keys()].filter((k) => fmt(onRivulet.table.get(k)) === fmt(onKafka.table.get(k))).length} with Kafka ${kafka.version}'s range; Kafka also lists ${notServed.join(', ') || 'nothing else'}`);
console.log(`${tally.passed} passed, ${tally.failed} failed`);
process.exitCode = tally.failed === 0 ? 0 : 1;
