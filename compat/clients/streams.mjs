// Kafka Streams 4.4.0 (org.apache.kafka:kafka-streams from Maven Central): an exactly_once_v2
// topology with a repartition, a changelogged state store, a suppressed windowed count and a
// foreign-key join, run as two instances (child JVMs) of one application.id, one killed with
// SIGKILL mid-stream and restarted; then its changelogs must have been compacted by the broker.
// Driver: compat/clients/drivers/streams/ (StreamsDriver runs StreamsApp instances).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jvmApp } from './drivers/streams/jvm-app.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

export default jvmApp({ name: 'kafka-streams', dir: path.join(here, 'drivers', 'streams'), mainClass: 'StreamsDriver', timeoutMs: 420_000 });
