// Kafka Streams 4.4.0 with group.protocol=streams (KIP-1071 streams groups: the broker validates
// the topology, creates its repartition and changelog topics and assigns the tasks): a topology
// with a repartition and a changelogged state store, exactly_once_v2, run as two instances (child
// JVMs) of one application.id; the totals must be exact, and the Admin client must describe the
// group. Driver: compat/clients/drivers/streams/ (StreamsProtocolDriver runs StreamsProtocolApp).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jvmApp } from './drivers/streams/jvm-app.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

export default jvmApp({ name: 'kafka-streams-protocol', dir: path.join(here, 'drivers', 'streams'), mainClass: 'StreamsProtocolDriver', timeoutMs: 300_000 });
